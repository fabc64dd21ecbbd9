"""The Orphans panel: place an orphan with Enter, drop one with Delete, confirm a
fuzzy placement, replace the text from a file; each undone through the Store.

A read-only QPlainTextEdit stands in for the article view: positions there are
Qt's UTF-16 units.  👨🏻‍🚒 is 4 code points but 7 UTF-16 units (three astral
characters of 2 and a ZWJ of 1) and 𝔘 is 1 code point but 2 units, so a code
point offset after both is 4 UTF-16 units further on.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from annotator.store import Store
from ui.orphans_panel import OrphansPanel
from ui.workers import JobRunner

# Offsets in code points, by hand: see tests/test_revisions.py for the same article.
OLD = (
    "👨🏻‍🚒 𝔘 The mayor said the goverment would reopen the bridge."
    " Officials in Lviv praised him. Kyiv residents cheered.\n"
)
NEW = (
    "👨🏻‍🚒 𝔘 On Monday the mayor said the government would reopen the bridge."
    " Kyiv residents cheered.\n"
)
KYIV_CP, KYIV_U16 = (72, 76), (76, 80)  # "Kyiv" of NEW: code points, UTF-16 (+4)


@pytest.fixture
def doc(store: Store) -> dict[str, Any]:
    doc_id = store.add_document(OLD, title="Kyiv bridge").id
    ids = {
        "typo": store.add_span(doc_id, 22, 35, "ACTOR", annotator="alice").id,
        "removed": store.add_span(doc_id, 61, 91, "CLAIM", annotator="alice").id,
        "lviv": store.add_span(doc_id, 74, 78, "ACTOR", annotator="bob").id,
    }
    return {"id": doc_id, **ids}


def make_panel(qtbot: Any, store: Store, doc_id: int) -> OrphansPanel:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setPlainText(store.document(doc_id).text)
    panel = OrphansPanel(store, lambda: "alice", view)
    qtbot.addWidget(view)
    qtbot.addWidget(panel)
    panel.set_document(doc_id)
    view.show()
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def select(view: QPlainTextEdit, start: int, end: int) -> None:
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def listed(panel: OrphansPanel) -> list[str]:
    return [panel.orphan_list.item(i).text() for i in range(panel.orphan_list.count())]


def test_place_an_orphan_with_enter_and_undo_it(qtbot, store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="alice")
    panel = make_panel(qtbot, store, doc["id"])
    assert panel.objectName() == "orphansPanel"
    assert listed(panel) == [
        "CLAIM  “Officials in Lviv praised him.”  — alice",
        "ACTOR  “Lviv”  — bob",
    ]
    panel.orphan_list.setCurrentRow(1)
    select(panel.view, *KYIV_U16)
    with qtbot.waitSignal(panel.stored) as stored:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert stored.args == ["Place ACTOR “Kyiv”"]
    span = store.span(doc["lviv"])
    assert (span.start, span.end, span.text, span.annotator) == (*KYIV_CP, "Kyiv", "bob")
    assert listed(panel) == ["CLAIM  “Officials in Lviv praised him.”  — alice"]
    assert not panel.view.textCursor().hasSelection()  # a second Enter places nothing

    assert store.undo("alice").action == "place_orphan"
    panel.refresh()
    assert len(listed(panel)) == 2
    [lviv] = [o.span for o in store.orphans(doc["id"]) if o.span.id == doc["lviv"]]
    assert (lviv.start, lviv.end, lviv.text) == (74, 78, "Lviv")  # its place in the old text


def test_a_placement_takes_whole_characters_and_no_edge_spaces(qtbot, store, doc) -> None:
    """As a span tagged by hand: half of 👨🏻‍🚒 (UTF-16 0-2, its man alone) places
    the orphan on all of him (code points 0-4); " Kyiv " on "Kyiv"."""
    assert (NEW[:4], NEW[71], NEW[76]) == ("👨🏻‍🚒", " ", " ")
    store.replace_text(doc["id"], NEW, by="alice")
    panel = make_panel(qtbot, store, doc["id"])
    panel.orphan_list.setCurrentRow(1)  # bob's "Lviv"
    select(panel.view, 0, 2)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    span = store.span(doc["lviv"])
    assert (span.start, span.end, span.text) == (0, 4, "👨🏻‍🚒")
    store.undo("alice")
    panel.refresh()
    panel.orphan_list.setCurrentRow(1)
    select(panel.view, KYIV_U16[0] - 1, KYIV_U16[1] + 1)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    span = store.span(doc["lviv"])
    assert (span.start, span.end, span.text) == (*KYIV_CP, "Kyiv")


def test_enter_does_nothing_without_a_chosen_orphan(qtbot, store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="alice")
    panel = make_panel(qtbot, store, doc["id"])
    select(panel.view, *KYIV_U16)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert len(store.orphans(doc["id"])) == 2
    assert panel.view.textCursor().hasSelection()


def test_drop_an_orphan_with_delete_and_undo_it(qtbot, store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="alice")
    panel = make_panel(qtbot, store, doc["id"])
    panel.orphan_list.setFocus()
    panel.orphan_list.setCurrentRow(0)
    with qtbot.waitSignal(panel.spans_changed):
        qtbot.keyClick(panel.orphan_list, Qt.Key.Key_Delete)
    assert [o.span.id for o in store.orphans(doc["id"])] == [doc["lviv"]]
    assert listed(panel) == ["ACTOR  “Lviv”  — bob"]
    assert store.undo("alice").action == "drop_orphan"
    panel.refresh()
    assert len(listed(panel)) == 2


def test_confirm_a_fuzzy_placement_and_undo_it(qtbot, store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="alice")
    panel = make_panel(qtbot, store, doc["id"])
    assert panel.fuzzy_list.count() == 1
    assert panel.fuzzy_list.item(0).text() == "ACTOR  “the government”  0.96  — alice"
    panel.fuzzy_list.setCurrentRow(0)
    # Choosing it selects "the government" (32..46 code points, 36..50 UTF-16) to judge.
    cursor = panel.view.textCursor()
    assert (cursor.selectionStart(), cursor.selectionEnd()) == (36, 50)
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    assert store.span(doc["typo"]).attributes == {}
    assert panel.fuzzy_list.count() == 0
    store.undo("alice")
    panel.refresh()
    assert panel.fuzzy_list.count() == 1


def test_replace_text_from_a_file_off_the_gui_thread(qtbot, store, doc, tmp_path: Path) -> None:
    panel = make_panel(qtbot, store, doc["id"])
    assert listed(panel) == []
    new_file = tmp_path / "corrected.txt"
    new_file.write_text(NEW, encoding="utf-8")
    jobs = JobRunner(panel)  # the window owns its runner the same way
    messages: list[str] = []
    panel.message.connect(messages.append)
    with qtbot.waitSignal(panel.text_replaced, timeout=10_000) as replaced:
        panel.replace_text(new_file, jobs)
    assert replaced.args == [doc["id"]]
    qtbot.waitUntil(lambda: not jobs.busy)
    assert store.document(doc["id"]).text == NEW
    assert len(listed(panel)) == 2
    assert panel.status.text() == (
        "Moved exactly: 0 spans (0 more in place) · Moved fuzzily: 1 span, flagged for review"
        " until confirmed · Orphaned: 2 spans, kept until placed or dropped"
    )
    qtbot.waitUntil(lambda: len(messages) == 2)
    assert messages[-1] == (  # the status bar's: short
        "Text replaced: 0 spans in place or moved exactly, 1 moved fuzzily (to confirm),"
        " 2 orphaned; see the Orphans panel"
    )
    assert store.undo("alice").action == "replace_text"
    assert store.document(doc["id"]).text == OLD


def table_rows(window: Any) -> list[tuple[int, int, str, str]]:
    model = window.span_model
    spans = [model.span_at(row) for row in range(model.rowCount())]
    return sorted((s.start, s.end, s.text, s.annotator) for s in spans)


def selected_u16(window: Any, start: int, end: int) -> str:
    """The article's text between two Qt (UTF-16) positions."""
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


def test_in_the_window_enter_places_and_ctrl_z_undoes(qtbot, store, doc, make_window) -> None:
    store.replace_text(doc["id"], NEW, by="alice")
    window = make_window(store, analyst="alice", document_id=doc["id"])
    window.editor.set_unlocked("bob", True)  # bob's "Lviv" is hers to place
    panel, dock = window.orphans_panel, window.orphans_dock
    assert dock.objectName() == "orphansDock" and dock.widget() is panel
    assert dock.isVisible()  # two orphans and a fuzzy placement
    assert panel.document_id == doc["id"] and len(listed(panel)) == 2
    panel.orphan_list.setCurrentRow(1)  # bob's "Lviv"
    select(window.view, *KYIV_U16)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # not "find next": the orphan is placed
    assert store.span(doc["lviv"]).text == "Kyiv"
    assert doc["lviv"] in {
        window.span_model.span_at(r).id for r in range(window.span_model.rowCount())
    }
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [o.span.id for o in store.orphans(doc["id"])] == [doc["removed"], doc["lviv"]]
    assert len(listed(panel)) == 2
    assert doc["lviv"] not in {
        window.span_model.span_at(r).id for r in range(window.span_model.rowCount())
    }


def test_after_a_search_enter_finds_next_and_other_words_are_asked_about(
    qtbot, store, doc, make_window, dialogs
) -> None:
    store.replace_text(doc["id"], NEW, by="alice")
    window = make_window(store, analyst="alice", document_id=doc["id"])
    window.editor.set_unlocked("bob", True)  # bob's "Lviv" is hers to place
    panel = window.orphans_panel
    panel.orphan_list.setCurrentRow(1)  # bob's "Lviv", chosen to look at it
    window.search.set_query("Kyiv")
    assert window.search.find()  # selects "Kyiv" in the article
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)  # "find next" again, nothing placed
    assert len(store.orphans(doc["id"])) == 2
    assert window.statusBar().currentMessage() == "Match 1 of 1 for “Kyiv”"
    assert dialogs.asked == []

    panel.orphan_list.setCurrentRow(0)
    panel.orphan_list.setCurrentRow(1)  # chosen again, then the words selected by hand
    select(window.view, *KYIV_U16)
    dialogs.answers.append(False)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert [kind for kind, _title, _text in dialogs.asked] == ["confirm"]
    assert "“Lviv”" in dialogs.asked[0][2] and "“Kyiv”" in dialogs.asked[0][2]
    assert len(store.orphans(doc["id"])) == 2  # she said no
    dialogs.answers.append(True)
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert store.span(doc["lviv"]).text == "Kyiv"


def test_replace_place_and_undo_both_through_the_window(
    qtbot, store, make_window, dialogs, analyst_at, tmp_path: Path
) -> None:
    """File > Replace text… orphans alice's "Lviv"; she places it on "Kyiv"; two undos."""
    doc_id = store.add_document(OLD, title="Kyiv bridge").id
    mayor = store.add_span(doc_id, 11, 16, "ACTOR", annotator="alice").id
    lviv = store.add_span(doc_id, 74, 78, "ACTOR", annotator="alice").id
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    window = alice.window
    panel, dock = window.orphans_panel, window.orphans_dock
    assert not dock.isVisible() and listed(panel) == []
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(NEW, encoding="utf-8")
    dialogs.paths.append(corrected)  # the answer to the file dialog

    with qtbot.waitSignal(panel.text_replaced, timeout=10_000):
        window.action_map["replace_text"].trigger()
    qtbot.waitUntil(lambda: not window.editor.jobs.busy, timeout=10_000)
    assert ("open_file_name", "Replace the article's text", "") in dialogs.asked
    assert dialogs.messages[-1].splitlines() == [  # 116 and 96 code points
        f'Document {doc_id} "Kyiv bridge": text replaced (116 -> 96 characters),'
        " the old one kept as revision 1",
        "Moved exactly: 1 span (0 more in place)",
        "Moved fuzzily: 0 spans",
        "Orphaned: 1 span, kept until placed or dropped",
        '  ACTOR [74, 78) "Lviv", alice',
    ]
    assert window.view.toPlainText() == NEW
    # "mayor" moved with its word (11 -> 21); "Lviv" is gone from the text: an orphan.
    assert table_rows(window) == [(21, 26, "mayor", "alice")]
    assert listed(panel) == ["ACTOR  “Lviv”  — alice"]
    assert dock.isVisible()

    panel.orphan_list.setCurrentRow(0)
    alice.select(*KYIV_U16)
    alice.press(Qt.Key.Key_Return)
    assert table_rows(window) == [(21, 26, "mayor", "alice"), (*KYIV_CP, "Kyiv", "alice")]
    assert listed(panel) == [] and not dock.isVisible()

    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the placing
    assert table_rows(window) == [(21, 26, "mayor", "alice")]
    assert listed(panel) == ["ACTOR  “Lviv”  — alice"] and dock.isVisible()

    window.view.setFocus()
    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the replacement
    assert window.statusBar().currentMessage() == "Undo: replace text"
    assert store.document(doc_id).text == OLD
    assert window.view.toPlainText() == OLD  # the old text, not old spans over the new one
    assert table_rows(window) == [(11, 16, "mayor", "alice"), (74, 78, "Lviv", "alice")]
    # Painted where they are: "Lviv" is UTF-16 78..82 of the article shown (74 + 4).
    entries = {e.span.id: (e.start, e.end) for e in window.editor.index.entries()}
    assert entries == {mayor: (15, 20), lviv: (78, 82)}
    assert selected_u16(window, 78, 82) == "Lviv" and selected_u16(window, 15, 20) == "mayor"
    assert listed(panel) == [] and not dock.isVisible()


RETEXT = textwrap.dedent("""
    import sys
    from annotator import open_store
    with open_store(sys.argv[1]) as store:
        store.replace_text(int(sys.argv[2]), sys.argv[3], by="bob")
""")


def test_an_orphan_is_not_placed_from_a_text_changed_elsewhere(
    qtbot, store, doc, make_window
) -> None:
    store.replace_text(doc["id"], NEW, by="alice")
    window = make_window(store, analyst="alice", document_id=doc["id"])
    window.editor.set_unlocked("bob", True)  # bob's "Lviv" is hers to place
    panel = window.orphans_panel
    # Another process gives the article a text of the same length ("On Monday " moved
    # to the end as " (Updated)"): the window has not looked yet and shows NEW.
    same_length = NEW.replace("On Monday ", "").rstrip("\n") + " (Updated)\n"
    assert len(same_length) == len(NEW)
    subprocess.run([sys.executable, "-c", RETEXT, str(store.path), str(doc["id"]),
                    same_length], check=True, timeout=120)  # fmt: skip
    messages: list[str] = []
    panel.message.connect(messages.append)
    panel.orphan_list.setCurrentRow(1)  # bob's "Lviv"
    select(window.view, *KYIV_U16)  # "Kyiv" as shown; "ents" in the new text
    assert not panel.place_selected()
    assert doc["lviv"] in [o.span.id for o in store.orphans(doc["id"])]  # still an orphan
    assert messages[-1].startswith(f"the text of document {doc['id']} was changed elsewhere")


def test_another_analysts_orphans_are_read_only_as_their_spans_are(
    qtbot, store, doc, make_window
) -> None:
    # bob's window: alice's orphan and alice's fuzzy placement are hers to change,
    # as Delete on her live span says; unlocking her layer lets bob act on them.
    store.replace_text(doc["id"], NEW, by="alice")
    window = make_window(store, analyst="bob", document_id=doc["id"])
    panel = window.orphans_panel
    panel.refresh()
    hers = [i for i in range(panel.orphan_list.count())
            if panel.orphan_list.item(i).text().endswith("— alice")]  # fmt: skip
    panel.orphan_list.setCurrentRow(hers[0])
    before = [(o.span.id, o.span.annotator) for o in store.orphans(doc["id"])]
    assert not panel.drop_selected()
    assert not panel.place_selected()
    panel.fuzzy_list.setCurrentRow(0)
    assert not panel.confirm_selected()
    assert window.statusBar().currentMessage().startswith("That span is alice's: read-only")
    assert [(o.span.id, o.span.annotator) for o in store.orphans(doc["id"])] == before
    assert store.span(doc["typo"]).attributes["anchoring"] == "fuzzy"
    window.editor.set_unlocked("alice", True)
    panel.orphan_list.setCurrentRow(hers[0])
    assert panel.drop_selected()
    assert len(store.orphans(doc["id"])) == len(before) - 1
