"""The corpus search panel: hits grouped by document, filters, errors, opening a hit.

Offsets counted by hand in KYIV (code points): 🇺🇦 is two characters [0, 2),
"Kyiv" [3, 7), 𝔘 [8, 9), "Zelensky" [10, 18), "Monday" [27, 33); after the
blank line "李明" [60, 62) and "Café" [72, 76).  Every one of 🇺🇦 and 𝔘 takes
two UTF-16 units, so from "Zelensky" on Qt's positions are 3 higher.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.store import open_store
from ui.search_panel import SearchPanel, install_search_panel, show_search

KYIV = (
    "🇺🇦 Kyiv 𝔘 Zelensky said on Monday that talks would resume.\n"
    "\n"
    "李明 said the Café Central was full.\n"
)
ODESA = "Port of Odesa reopens. Zelensky visited the café on Friday.\n"
RAIL = "Union leaders said the strike was called off.\n"


@pytest.fixture
def docs(store):
    kyiv = store.add_document(KYIV, title="Kyiv talks").id
    odesa = store.add_document(ODESA, title="Odesa port").id
    store.add_document(RAIL, title="Rail strike")
    store.add_span(kyiv, 10, 18, "ACTOR", annotator="bob")
    store.add_span(kyiv, 27, 33, "DATE", annotator="bob", note="Zelensky spoke first")
    at = ODESA.index("Zelensky")
    store.add_span(odesa, at, at + 8, "ACTOR", annotator="alice")
    return kyiv, odesa


@pytest.fixture
def window(store, docs, make_window):
    return make_window(store, analyst="alice")


@pytest.fixture
def panel(qtbot, window) -> SearchPanel:
    install_search_panel(window)
    return show_search(window)


def search(qtbot, panel, query: str) -> None:
    panel.query.setText(query)
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)


def table(panel):
    """[(group title, [(hit, label, analyst), ...]), ...] as the tree shows them."""
    model = panel.model
    rows = []
    for g in range(model.rowCount()):
        group = model.index(g, 0)
        hits = [tuple(model.index(h, c, group).data() for c in range(3))
                for h in range(model.rowCount(group))]  # fmt: skip
        rows.append((group.data(), hits))
    return rows


def open_row(qtbot, panel, group: int, row: int) -> None:
    """Choose a hit with the keyboard, as an analyst would, and press Enter."""
    index = panel.model.index(row, 0, panel.model.index(group, 0))
    panel.tree.setFocus()
    panel.tree.setCurrentIndex(index)
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)


def test_the_dock_is_hidden_until_shown_and_then_has_the_focus(qtbot, window):
    panel = install_search_panel(window)
    dock = window.findChild(type(panel.parentWidget()), "searchDock")
    assert dock is panel.parentWidget() and not dock.isVisible()
    assert show_search(window) is panel  # not a second panel
    assert dock.isVisible() and panel.query.hasFocus()
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_hits_are_grouped_under_their_documents(qtbot, panel, qtmodeltester):
    search(qtbot, panel, "zelensky")
    assert table(panel) == [
        ("Kyiv talks  (3)", [
            ("🇺🇦 Kyiv 𝔘 ⟦Zelensky⟧ said on Monday that talks would resume. 李明 said…",
             "in the text", ""),  # FTS5's snippet: twelve words
            ("Zelensky", "ACTOR", "bob"),
            ("Monday — Zelensky spoke first", "DATE", "bob"),
        ]),
        ("Odesa port  (2)", [
            ("Port of Odesa reopens. ⟦Zelensky⟧ visited the café on Friday.", "in the text", ""),
            ("Zelensky", "ACTOR", "alice"),
        ]),
    ]  # fmt: skip
    assert panel.message_text == "5 hits in 2 documents" and not panel.error
    qtmodeltester.check(panel.model)


def test_emoji_cjk_and_accents_are_found(qtbot, panel):
    search(qtbot, panel, "🇺🇦")
    assert [(t, [h[0][:9] for h in hits]) for t, hits in table(panel)] == [
        ("Kyiv talks  (1)", ["⟦🇺🇦⟧ Kyiv"])
    ]
    search(qtbot, panel, "李明")
    assert [t for t, _ in table(panel)] == ["Kyiv talks  (1)"]
    assert "⟦李明⟧" in table(panel)[0][1][0][0]
    search(qtbot, panel, "cafe")
    assert [(t, ["⟦Café⟧" in h[0] or "⟦café⟧" in h[0] for h in hits])
            for t, hits in table(panel)] == [("Kyiv talks  (1)", [True]),
                                             ("Odesa port  (1)", [True])]  # fmt: skip


def test_label_and_analyst_filters_change_the_hits(qtbot, panel):
    search(qtbot, panel, "zelensky")
    panel.label_filter.setCurrentIndex(panel.label_filter.findData("ACTOR"))
    assert table(panel) == [("Kyiv talks  (1)", [("Zelensky", "ACTOR", "bob")]),
                            ("Odesa port  (1)", [("Zelensky", "ACTOR", "alice")])]  # fmt: skip
    panel.analyst_filter.setCurrentIndex(panel.analyst_filter.findData("bob"))
    assert table(panel) == [("Kyiv talks  (1)", [("Zelensky", "ACTOR", "bob")])]
    panel.label_filter.setCurrentIndex(0)  # any label, still bob's: his span and his note
    bobs = [("Zelensky", "ACTOR", "bob"), ("Monday — Zelensky spoke first", "DATE", "bob")]
    assert table(panel) == [("Kyiv talks  (2)", bobs)]
    panel.analyst_filter.setCurrentIndex(panel.analyst_filter.findData("alice"))
    panel.label_filter.setCurrentIndex(panel.label_filter.findData("DATE"))
    assert table(panel) == []
    assert panel.message_text == "No hits for “zelensky” with these filters"


def test_the_filters_list_the_schema_labels_and_the_analysts(panel):
    labels = [panel.label_filter.itemText(i) for i in range(panel.label_filter.count())]
    analysts = [panel.analyst_filter.itemText(i) for i in range(panel.analyst_filter.count())]
    assert labels == ["Any label", "CLAIM", "ACTOR", "DATE", "CITATION"]
    assert analysts == ["Any analyst", "alice", "bob"]


def test_a_pause_in_typing_searches_without_enter(qtbot, panel):
    panel.query.setText("odesa")
    assert panel.model.rowCount() == 0  # not yet: the timer runs
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=3000)
    assert table(panel)[0][0] == "Odesa port  (1)"


def test_a_malformed_query_says_why_in_one_red_line(qtbot, panel, dialogs):
    search(qtbot, panel, "zelensky")
    search(qtbot, panel, "zelensky AND")
    assert panel.error and table(panel) == []
    assert panel.message_text.startswith("cannot search for 'zelensky AND' (fts5: syntax error")
    assert "put words in double quotes" in panel.message_text
    assert "\n" not in panel.message.text() and "#c0392b" in panel.message.styleSheet()
    assert dialogs.asked == []  # no dialog, no traceback
    search(qtbot, panel, '"zelensky AND"')  # quoted, as the message says: fine again
    assert not panel.error and panel.message.styleSheet() == ""


def test_opening_a_span_hit_selects_it_after_the_emoji_and_a_label_key_tags_it(
    qtbot, panel, window, store, docs, analyst_at
):
    kyiv, _ = docs
    alice = analyst_at(window)
    search(qtbot, panel, "zelensky")
    panel.analyst_filter.setCurrentIndex(panel.analyst_filter.findData("bob"))
    open_row(qtbot, panel, 0, 0)  # bob's ACTOR "Zelensky" in the Kyiv article
    assert window.editor.document.id == kyiv
    assert (
        window.view.textCursor().selectedText()
        == "Zelensky"
        == store.span(store.spans(kyiv, annotator="bob")[0].id).text
    )
    assert alice.selection() == (13, 21)  # code points [10, 18) after 🇺🇦 and 𝔘
    assert window.view.hasFocus()
    alice.press(Qt.Key.Key_2)  # ACTOR
    assert [(s.start, s.end, s.label) for s in store.spans(kyiv, annotator="alice")] == [
        (10, 18, "ACTOR")
    ]


def test_opening_a_note_hit_selects_its_span(qtbot, panel, window, docs, analyst_at):
    search(qtbot, panel, "zelensky")
    open_row(qtbot, panel, 0, 2)  # "Monday — Zelensky spoke first"
    assert window.view.textCursor().selectedText() == "Monday"
    assert analyst_at(window).selection() == (30, 36)


def test_opening_a_text_hit_selects_the_word_and_a_label_key_tags_it(
    qtbot, panel, window, store, docs, analyst_at
):
    kyiv, odesa = docs
    alice = analyst_at(window)
    window.open_document(odesa)  # another document open: the hit's one replaces it
    search(qtbot, panel, "李明")
    open_row(qtbot, panel, 0, 0)
    assert window.editor.document.id == kyiv
    assert window.view.textCursor().selectedText() == "李明"
    assert alice.selection() == (63, 65)
    assert window.view.hasFocus()
    alice.press(Qt.Key.Key_2)
    tagged = [(s.start, s.end, s.label, s.text) for s in store.spans(kyiv, annotator="alice")]
    assert tagged == [(60, 62, "ACTOR", "李明")]


def test_a_match_in_the_title_only_says_so(qtbot, panel, window, docs):
    search(qtbot, panel, "rail")  # "Rail strike": in the title only, not in RAIL
    open_row(qtbot, panel, 0, 0)
    assert window.editor.document.title == "Rail strike"
    assert not window.view.textCursor().hasSelection()
    assert panel.message_text == "“rail” is in this article's title, not in its text"


def test_opening_an_emoji_hit_selects_the_emoji(qtbot, panel, window, analyst_at):
    search(qtbot, panel, "🇺🇦")
    open_row(qtbot, panel, 0, 0)
    assert window.view.textCursor().selectedText() == "🇺🇦"
    assert analyst_at(window).selection() == (0, 4)


def test_down_goes_to_the_first_hit_and_escape_back_to_the_article(qtbot, panel, window):
    search(qtbot, panel, "cafe")
    qtbot.keyClick(panel.query, Qt.Key.Key_Down)
    assert panel.tree.hasFocus()
    assert panel.model.hit_at(panel.tree.currentIndex()).title == "Kyiv talks"
    qtbot.keyClick(panel.tree, Qt.Key.Key_Escape)
    assert window.view.hasFocus()


def test_another_database_brings_its_own_analysts(qtbot, panel, window, tmp_path):
    other_db = tmp_path / "other.db"
    with open_store(other_db) as other:
        doc = other.add_document("Zelensky met carol.\n", title="Other").id
        other.add_span(doc, 0, 8, "ACTOR", annotator="carol")
    window.set_store(open_store(other_db))  # File > Open: the window owns this Store
    analysts = [panel.analyst_filter.itemText(i) for i in range(panel.analyst_filter.count())]
    assert analysts == ["Any analyst", "carol"]
    search(qtbot, panel, "zelensky")
    assert [t for t, _ in table(panel)] == ["Other  (2)"]


def test_a_hit_in_a_document_deleted_since_says_so(qtbot, panel, window, store, docs):
    _, odesa = docs
    search(qtbot, panel, "odesa")
    store.delete_document(odesa, by="bob")
    open_row(qtbot, panel, 0, 0)
    assert panel.error and panel.message_text == "That document was deleted since: search again"
    search(qtbot, panel, "odesa")
    assert table(panel) == [] and panel.message_text == "No hits for “odesa”"


def test_cafe_opens_with_the_accented_word_selected(qtbot, panel, window, docs, analyst_at):
    _, odesa = docs
    search(qtbot, panel, "cafe")
    open_row(qtbot, panel, 1, 0)  # "Odesa port": "... visited the café on Friday."
    assert window.editor.document.id == odesa
    assert window.view.textCursor().selectedText() == "café"
    at = ODESA.index("café")  # no astral characters before it: UTF-16 = code points
    assert analyst_at(window).selection() == (at, at + 4)


def test_the_window_binds_corpus_search_and_overview(qtbot, make_window, store) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Shift+F shows the corpus search dock with its query box focused; F9 the overview."""
    from PySide6.QtWidgets import QDockWidget

    window = make_window(store)
    window.show()
    qtbot.waitExposed(window)
    window.action_map["search_corpus"].trigger()
    dock = window.findChild(QDockWidget, "searchDock")
    assert dock is not None and dock.isVisible()
    assert [s.toString() for s in window.action_map["search_corpus"].shortcuts()] == [
        "Ctrl+Shift+F"
    ]
    window.action_map["overview"].trigger()
    from ui.overview_panel import OverviewPanel

    panel = window.findChild(OverviewPanel)
    assert panel is not None and panel.objectName() == "overviewPanel"
    panel.close()


def test_a_span_hit_opened_after_its_text_was_replaced_selects_it_where_it_is_now(
    qtbot, panel, window, store, docs, analyst_at
):
    kyiv, _ = docs
    search(qtbot, panel, "zelensky")
    panel.analyst_filter.setCurrentIndex(panel.analyst_filter.findData("bob"))
    store.replace_text(kyiv, "Breaking. " + KYIV, by="carol")  # every offset moves by 10
    open_row(qtbot, panel, 0, 0)  # bob's ACTOR "Zelensky": [20, 28) now
    assert store.spans(kyiv, annotator="bob")[0].start == 20
    assert window.view.textCursor().selectedText() == "Zelensky"
    assert analyst_at(window).selection() == (23, 31)  # after 🇺🇦 and 𝔘, two units each
