"""The layers panel: show/hide per analyst, read-only layers, and "Edit this layer".

Offsets by hand (see test_gui_tagging.py): in code points Kyiv=3-6, Zelensky=10-17,
Monday=27-32; in UTF-16 Kyiv=5-9, Zelensky=13-21, Monday=30-36.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui.layers import ANALYST

TEXT = "🇺🇦 Kyiv 𝔘 Zelensky said on Monday that the talks in Kyiv would resume.\n"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def doc_id(store):
    doc = store.add_document(TEXT, title="Kyiv talks")
    store.add_span(doc.id, 10, 18, "ACTOR", annotator="alice")
    store.add_span(doc.id, 3, 7, "ACTOR", annotator="bob")
    store.add_span(doc.id, 27, 33, "DATE", annotator="bob")
    return doc.id


@pytest.fixture
def alice(store, doc_id, make_window, analyst_at):
    return analyst_at(make_window(store, analyst="alice", document_id=doc_id))


def painted(window):
    """(start, length) of every painted range of the first block, in UTF-16."""
    formats = window.view.document().firstBlock().layout().formats()
    return sorted((r.start, r.length) for r in formats)


def table_texts(window):
    model = window.span_model
    return [model.span_at(r).text for r in range(model.rowCount())]


def test_layers_list_analysts_with_counts(alice, qtmodeltester):
    model = alice.window.layers_panel.model
    qtmodeltester.check(model)
    rows = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert rows == ["alice · 1 · yours", "bob · 2 · read-only"]
    assert [model.data(model.index(r, 0), ANALYST) for r in range(2)] == ["alice", "bob"]
    tip = model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip == "bob: 2 spans in this document, 2 in the database; read-only"


def test_layer_totals_follow_edits_and_documents(alice, store, doc_id):
    other = store.add_document("Odesa port reopened on Friday.\n", title="Odesa").id
    store.add_span(other, 0, 5, "ACTOR", annotator="alice")
    store.add_span(other, 23, 29, "DATE", annotator="alice")
    window = alice.window
    window.layers.refresh()  # as after an import: alice has 1 + 2 spans
    model = window.layers_panel.model

    def tip() -> str:
        return model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)

    assert tip() == "alice: 1 span in this document, 3 in the database; yours"
    alice.select(30, 36)  # "Monday": code points 27-33, after 🇺🇦 and 𝔘 (two units each)
    alice.press(Qt.Key.Key_3)
    assert tip() == "alice: 2 spans in this document, 4 in the database; yours"
    alice.press(Qt.Key.Key_Delete)
    assert tip() == "alice: 1 span in this document, 3 in the database; yours"
    window.open_document(other)
    assert tip() == "alice: 2 spans in this document, 3 in the database; yours"


def test_hidden_layer_is_neither_painted_nor_listed(alice):
    window = alice.window
    assert painted(window) == [(5, 4), (13, 8), (30, 6)]
    assert table_texts(window) == ["Kyiv", "Zelensky", "Monday"]
    model = window.layers_panel.model
    bob = model.index(1, 0)
    assert model.setData(bob, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert painted(window) == [(13, 8)]
    assert table_texts(window) == ["Zelensky"]
    assert model.data(bob, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    alice.caret(0)
    alice.press(Qt.Key.Key_Tab)  # Tab visits shown spans only
    alice.press(Qt.Key.Key_Tab)
    assert alice.selection() == (13, 21)
    window.layers.set_visible("bob", True)
    assert painted(window) == [(5, 4), (13, 8), (30, 6)]
    assert table_texts(window) == ["Kyiv", "Zelensky", "Monday"]


def test_tagging_shows_a_hidden_own_layer(alice, store, doc_id):
    window = alice.window
    window.layers.set_visible("alice", False)
    assert table_texts(window) == ["Kyiv", "Monday"]
    alice.select(55, 59)  # the second Kyiv (code points 52-55)
    alice.press(Qt.Key.Key_2)
    assert "alice" not in window.editor.hidden
    assert table_texts(window) == ["Kyiv", "Zelensky", "Monday", "Kyiv"]
    model = window.layers_panel.model
    assert model.data(model.index(0, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked


def test_label_key_leaves_a_hidden_own_span_alone_as_delete_does(
    store, doc_id, make_window, analyst_at
):
    # bob's CLAIM "Zelensky said" (code points 10-23) covers alice's hidden ACTOR Zelensky.
    store.add_span(doc_id, 10, 23, "CLAIM", annotator="bob")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    window = alice.window
    window.layers.set_visible("alice", False)
    alice.caret(15)  # inside Zelensky (UTF-16 13-21)
    alice.press(Qt.Key.Key_3)
    assert [(s.label, s.text) for s in store.spans(doc_id, annotator="alice")] == [
        ("ACTOR", "Zelensky")
    ]
    assert window.editor.hidden == {"alice"}
    said = window.statusBar().currentMessage()
    assert said.startswith("That span is bob's: read-only for you")
    assert said.endswith("your layer is hidden: show it in Layers")
    alice.caret(15)
    alice.press(Qt.Key.Key_Delete)
    assert window.statusBar().currentMessage() == said
    # bob's span chosen (as from the table), then Alt+3: the same words.
    window.editor.select_span(next(s.id for s in store.spans(doc_id, annotator="bob")))
    alice.press(Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert window.statusBar().currentMessage() == said
    assert len(store.spans(doc_id, annotator="alice")) == 1


def test_tag_all_shows_a_hidden_own_layer_and_tags_no_match_twice(alice, store, doc_id):
    window = alice.window
    kyivs = [(i, i + 4) for i in (TEXT.find("Kyiv"), TEXT.rfind("Kyiv"))]  # two, apart
    assert kyivs[0] != kyivs[1]
    window.search_box.setText("Kyiv")
    window.search.tag_all("ACTOR")
    window.layers.set_visible("alice", False)
    window.search.tag_all("ACTOR")  # again, with alice's layer hidden
    assert "alice" not in window.editor.hidden
    assert window.statusBar().currentMessage() == "Nothing to tag: no untagged match of “Kyiv”"
    mine = [(s.start, s.end, s.label) for s in store.spans(doc_id, annotator="alice")]
    assert mine == [(3, 7, "ACTOR"), (10, 18, "ACTOR"), (52, 56, "ACTOR")]
    assert [(s, e) for s, e, _ in mine if TEXT[s:e] == "Kyiv"] == kyivs


def test_other_layers_are_read_only_until_edit_this_layer(alice, store, doc_id):
    window = alice.window
    alice.caret(32)  # inside bob's Monday
    alice.press(Qt.Key.Key_Delete)
    alice.press(Qt.Key.Key_2)
    assert [(s.start, s.label) for s in store.spans(doc_id, annotator="bob")] == [
        (3, "ACTOR"), (27, "DATE")]  # fmt: skip
    assert "bob's" in window.statusBar().currentMessage()

    window.layers_panel.select("bob")
    window.action_map["edit_layer"].trigger()
    assert window.editor.can_edit("bob") and window.action_map["edit_layer"].isChecked()
    model = window.layers_panel.model
    assert model.data(model.index(1, 0)) == "bob · 2 · editable by you"
    alice.view.setFocus()
    alice.caret(32)
    alice.press(Qt.Key.Key_2)  # relabel bob's DATE, as alice
    alice.caret(32)
    alice.press(Qt.Key.Key_Delete)
    assert [s.start for s in store.spans(doc_id, annotator="bob")] == [3]
    events = store.history(limit=2)
    assert [(e.action, e.annotator) for e in events] == [
        ("delete_span", "alice"), ("update_span", "alice")]  # fmt: skip
    alice.press(Qt.Key.Key_Z, CTRL)  # alice's own undo puts bob's span back
    assert [(s.start, s.label) for s in store.spans(doc_id, annotator="bob")] == [
        (3, "ACTOR"), (27, "ACTOR")]  # fmt: skip

    window.action_map["edit_layer"].trigger()  # read-only again
    assert not window.editor.can_edit("bob")
    alice.caret(6)  # inside bob's Kyiv
    alice.press(Qt.Key.Key_Delete)
    assert len(store.spans(doc_id, annotator="bob")) == 2


def test_editable_layer_is_drawn_in_full_colour(alice):
    from PySide6.QtGui import QColor

    from ui.highlighter import blend

    window = alice.window
    block = window.view.document().firstBlock()

    def tint(start):
        formats = block.layout().formats()
        return next(r.format.background().color() for r in formats if r.start == start)

    white, date = QColor("#ffffff"), QColor("#009E73")  # the default schema's DATE
    assert tint(30) == blend(white, date, 0.13)  # bob's: faint
    window.layers_panel.select("bob")
    window.action_map["edit_layer"].trigger()
    assert tint(30) == blend(white, date, 0.42)  # as strong as alice's own


def test_switching_analyst_locks_layers_again(alice):
    window = alice.window
    window.layers_panel.select("bob")
    window.action_map["edit_layer"].trigger()
    window.set_analyst("carol")
    assert window.editor.unlocked == set()
    model = window.layers_panel.model
    rows = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert rows == ["carol · 0 · yours", "alice · 1 · read-only", "bob · 2 · read-only"]


CLAIM_TEXT = "Officials said the corridor would reopen on Friday next week.\n"


@pytest.mark.parametrize(
    ("key", "modifiers"),
    [
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier),
    ],
)
def test_a_read_only_span_chosen_in_the_table_is_not_swapped_for_ones_own(
    store, make_window, dialogs, qtbot, key, modifiers
):
    """maria's DATE "Friday" (44-50) lies inside alice's CLAIM (15-50, counted by
    hand).  Choosing maria's row and pressing Delete, N or a resize key must not
    act on alice's CLAIM around it: the chosen span is the one meant."""
    doc = store.add_document(CLAIM_TEXT, title="Odesa")
    store.add_span(doc.id, 15, 50, "CLAIM", annotator="alice")
    store.add_span(doc.id, 44, 50, "DATE", annotator="maria")
    before = [(s.id, s.start, s.end, s.label, s.note) for s in store.spans(doc.id)]
    dialogs.texts = ["a note on the wrong span"]  # what N's editor would save, were it opened
    window = make_window(store, analyst="alice", document_id=doc.id)
    model = window.span_model
    row = next(r for r in range(model.rowCount()) if model.span_at(r).annotator == "maria")
    window.span_table.setFocus()
    window.span_table.setCurrentIndex(model.index(row, 0))
    qtbot.keyClick(window.span_table, key, modifiers)
    assert [(s.id, s.start, s.end, s.label, s.note) for s in store.spans(doc.id)] == before
    assert dialogs.asked == []  # no note editor, no question
    assert window.statusBar().currentMessage().startswith("That span is maria's: read-only")


def test_f2_in_the_span_table_edits_the_chosen_spans_note(alice, store, doc_id, dialogs, qtbot):
    window = alice.window
    model = window.span_model
    row = next(r for r in range(model.rowCount()) if model.span_at(r).annotator == "alice")
    window.span_table.setFocus()
    window.span_table.setCurrentIndex(model.index(row, 0))
    dialogs.texts = ["the president"]
    qtbot.keyClick(window.span_table, Qt.Key.Key_F2)
    assert dialogs.asked[-1][:2] == ("text", "Note")  # not "Rename document"
    assert [s.note for s in store.spans(doc_id, annotator="alice")] == ["the president"]
