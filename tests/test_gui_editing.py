"""Editing spans: boundaries by keys and by dragging, notes, and the span table's filters.

The text starts with 🇺🇦 (two code points, four UTF-16 units) and 𝔘 (one code
point, two units).  By hand, code points: 🇺🇦=0-1 Kyiv=3-6 𝔘=8 Zelensky=10-17
said=19-22 on=24-25 Monday=27-32 ... Kyiv=52-55; UTF-16 is +2 from Kyiv on and
+3 from Zelensky on: Kyiv=5-9 𝔘=10-12 Zelensky=13-21 said=22-26 on=27-29
Monday=30-36.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

TEXT = "🇺🇦 Kyiv 𝔘 Zelensky said on Monday that the talks in Kyiv would resume.\n"
ALT_SHIFT = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT, RIGHT = Qt.Key.Key_Left, Qt.Key.Key_Right


@pytest.fixture
def doc_id(store):
    doc = store.add_document(TEXT, title="Kyiv talks")
    store.add_span(doc.id, 10, 18, "ACTOR", annotator="alice")
    store.add_span(doc.id, 27, 33, "DATE", annotator="bob")
    return doc.id


@pytest.fixture
def alice(store, doc_id, make_window, analyst_at):
    return analyst_at(make_window(store, analyst="alice", document_id=doc_id))


def alice_spans(store, doc_id):
    return [(s.start, s.end, s.text) for s in store.spans(doc_id, annotator="alice")]


def test_keys_move_the_end_word_by_word(alice, store, doc_id):
    alice.caret(15)  # inside Zelensky
    steps = []
    for key in (RIGHT, RIGHT, LEFT, LEFT, LEFT):
        alice.press(key, ALT_SHIFT)
        steps.append(alice_spans(store, doc_id)[0])
    assert steps == [
        (10, 23, "Zelensky said"),
        (10, 26, "Zelensky said on"),
        (10, 23, "Zelensky said"),
        (10, 18, "Zelensky"),
        (10, 18, "Zelensky"),  # a span keeps at least one word
    ]
    assert "at least one word" in alice.window.statusBar().currentMessage()
    assert alice.selection() == (13, 21)  # the span stays chosen, in UTF-16


def test_keys_move_the_start_word_by_word_past_astral_characters(alice, store, doc_id):
    alice.caret(15)
    steps = []
    for key in (LEFT, LEFT, LEFT, RIGHT, RIGHT):
        alice.press(key, CTRL_ALT)
        steps.append(alice_spans(store, doc_id)[0])
    assert steps == [
        (8, 18, "𝔘 Zelensky"),  # 𝔘 is a letter: a word of its own
        (3, 18, "Kyiv 𝔘 Zelensky"),
        (3, 18, "Kyiv 𝔘 Zelensky"),  # the flag is no word: nothing further left
        (8, 18, "𝔘 Zelensky"),
        (10, 18, "Zelensky"),
    ]
    assert TEXT[8:18] == "𝔘 Zelensky" and TEXT[3:18] == "Kyiv 𝔘 Zelensky"


def test_each_move_is_one_undo_step(alice, store, doc_id):
    alice.caret(15)
    alice.press(RIGHT, ALT_SHIFT)
    alice.press(LEFT, CTRL_ALT)
    assert alice_spans(store, doc_id) == [(8, 23, "𝔘 Zelensky said")]
    alice.press(Qt.Key.Key_Z, CTRL)
    assert alice_spans(store, doc_id) == [(10, 23, "Zelensky said")]
    alice.press(Qt.Key.Key_Z, CTRL)
    assert alice_spans(store, doc_id) == [(10, 18, "Zelensky")]
    assert [e.annotator for e in store.history(limit=4) if e.action == "update_span"] == [
        "alice", "alice"]  # fmt: skip


def test_keys_leave_other_analysts_spans_alone(alice, store, doc_id):
    alice.caret(32)  # inside bob's Monday
    alice.press(RIGHT, ALT_SHIFT)
    assert [(s.start, s.end) for s in store.spans(doc_id, annotator="bob")] == [(27, 33)]
    assert "bob's" in alice.window.statusBar().currentMessage()


def drag(window, qtbot, start, end, modifiers=Qt.KeyboardModifier.NoModifier):
    viewport = window.view.viewport()
    begin, finish = window.edge_drag.edge_point(start), window.edge_drag.edge_point(end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, begin)
    QTest.mouseMove(viewport, finish)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, finish)


def test_dragging_an_edge_resizes_the_span_in_one_update(alice, store, doc_id, qtbot):
    window = alice.window
    grip = window.edge_drag.grip_at(window.edge_drag.edge_point(21))
    assert grip is not None and grip.edge == "end" and grip.entry.span.text == "Zelensky"
    assert window.edge_drag.grip_at(window.edge_drag.edge_point(21) + QPoint(12, 0)) is None
    assert window.edge_drag.grip_at(window.edge_drag.edge_point(32)) is None  # bob's: read-only
    drag(window, qtbot, 21, 24)  # the end into "said": snaps to its end
    assert alice_spans(store, doc_id) == [(10, 23, "Zelensky said")]
    drag(window, qtbot, 13, 7)  # the start into "Kyiv": snaps to its start
    assert alice_spans(store, doc_id) == [(3, 23, "Kyiv 𝔘 Zelensky said")]
    assert [e.action for e in store.history(limit=2)] == ["update_span", "update_span"]
    drag(window, qtbot, 5, 7, Qt.KeyboardModifier.AltModifier)  # Alt: exactly there
    assert alice_spans(store, doc_id) == [(5, 23, "iv 𝔘 Zelensky said")]


def test_note_from_the_n_key_and_undo(alice, store, doc_id, dialogs):
    dialogs.texts.append("check with the ministry")
    alice.caret(15)
    alice.press(Qt.Key.Key_N)
    (span,) = store.spans(doc_id, annotator="alice")
    assert span.note == "check with the ministry"
    model = alice.window.span_model
    row = next(r for r in range(model.rowCount()) if model.span_at(r).id == span.id)
    assert model.data(model.index(row, 3)) == "check with the ministry"
    alice.press(Qt.Key.Key_Z, CTRL)
    assert store.spans(doc_id, annotator="alice")[0].note is None


def test_n_on_a_read_only_span_asks_nothing(alice, store, doc_id, dialogs):
    alice.caret(32)
    alice.press(Qt.Key.Key_N)
    assert not [a for a in dialogs.asked if a[0] == "text"]
    assert store.spans(doc_id, annotator="bob")[0].note is None


def test_note_edited_in_the_table(alice, store, doc_id, qtbot):
    table, model = alice.window.span_table, alice.window.span_model
    assert table.editTriggers() & QAbstractItemView.EditTrigger.DoubleClicked
    row = next(r for r in range(model.rowCount()) if model.span_at(r).annotator == "alice")
    index = model.index(row, 3)
    table.setFocus()
    table.edit(index)  # what a double-click on the note cell does
    editor = table.findChild(QLineEdit)
    assert editor is not None
    editor.setText("source: press office")
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: store.spans(doc_id, annotator="alice")[0].note is not None)
    assert store.spans(doc_id, annotator="alice")[0].note == "source: press office"
    qtbot.waitUntil(lambda: table.findChild(QLineEdit) is None)  # the first editor gone
    row = next(r for r in range(model.rowCount()) if model.span_at(r).annotator == "alice")
    table.edit(model.index(row, 3))
    editor = table.findChild(QLineEdit)
    editor.setText("   ")  # spaces alone: no note
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: store.spans(doc_id, annotator="alice")[0].note is None)


def test_the_table_filter_matches_a_span_across_a_line_break_as_its_cell_shows_it(
    store, make_window
):
    text = "Officials met\nthe press on Monday.\n"
    assert text[10:17] == "met\nthe"
    doc = store.add_document(text).id
    store.add_span(doc, 10, 17, "CLAIM", annotator="alice")
    window = make_window(store, analyst="alice", document_id=doc)
    model = window.span_model
    assert model.data(model.index(0, 1)) == "met the"
    window.span_panel.text_box.setText("met  the")  # two spaces typed: one, as shown
    assert model.rowCount() == 1


def test_span_table_filters_by_label_and_text(store, doc_id, make_window, qtmodeltester):
    store.add_span(doc_id, 52, 56, "ACTOR", annotator="alice")  # the second Kyiv
    window = make_window(store, analyst="alice", document_id=doc_id)
    panel, model = window.span_panel, window.span_model

    def rows():
        return [(model.span_at(r).label, model.span_at(r).text) for r in range(model.rowCount())]

    assert rows() == [("ACTOR", "Zelensky"), ("DATE", "Monday"), ("ACTOR", "Kyiv")]
    panel.label_box.setCurrentIndex(panel.label_box.findData("ACTOR"))
    assert rows() == [("ACTOR", "Zelensky"), ("ACTOR", "Kyiv")]
    panel.text_box.setText("KYIV")  # case does not matter
    assert rows() == [("ACTOR", "Kyiv")]
    assert panel.count.text() == "1 of 3 spans"
    qtmodeltester.check(model)
    analyst = window.editor
    cursor = window.view.textCursor()
    cursor.setPosition(5)
    cursor.setPosition(9, cursor.MoveMode.KeepAnchor)  # the first Kyiv
    window.view.setTextCursor(cursor)
    analyst.tag("DATE")  # added, but filtered out of the table
    assert rows() == [("ACTOR", "Kyiv")] and model.total == 4
    panel.label_box.setCurrentIndex(0)
    panel.text_box.clear()
    assert [text for _, text in rows()] == ["Kyiv", "Zelensky", "Monday", "Kyiv"]


def test_an_exact_drag_keeps_whole_characters_and_no_edge_space(store, make_window, analyst_at,
                                                                 qtbot):  # fmt: skip
    """Dragging an edge past the other one stops a character short of it: a UTF-16
    unit, which must not leave a letter without its accent or part of an emoji,
    nor may an exact drag end a span on a space.  Code points: "mot" 3-6,
    "e\u0301clair" 7-14, the firefighter 18-22 (UTF-16 18-25)."""
    text = "Le mot e\u0301clair et 👨🏻‍🚒 fin."
    assert (text[3:6], text[7:14], text[18:22]) == ("mot", "e\u0301clair", "👨🏻‍🚒")
    doc_id = store.add_document(text).id
    for start, end in ((3, 6), (7, 14), (18, 22)):
        store.add_span(doc_id, start, end, "ACTOR", annotator="alice")
    window = make_window(store, analyst="alice", document_id=doc_id)
    alt = Qt.KeyboardModifier.AltModifier
    drag(window, qtbot, 14, 3, alt)  # the end of "éclair" to the left of its start
    drag(window, qtbot, 25, 10, alt)  # the end of the firefighter to the left of his start
    drag(window, qtbot, 6, 7, alt)  # the end of "mot" onto the space after it
    assert alice_spans(store, doc_id) == [(3, 6, "mot"), (7, 9, "e\u0301"), (18, 22, "👨🏻‍🚒")]
    assert [e.action for e in store.history(limit=2)] == ["update_span", "add_span"]


def test_an_edge_moved_onto_a_twin_of_the_same_label_stays(store, doc_id, make_window,
                                                          analyst_at):  # fmt: skip
    # alice's ACTOR "Zelensky" (10-18) and ACTOR "Zelensky said" (10-23): moving the
    # second one's end a word left would make it the first one again.
    store.add_span(doc_id, 10, 23, "ACTOR", annotator="alice")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.select(13, 26)  # "Zelensky said" in UTF-16: choose the longer one
    alice.window.editor.set_span_range(
        next(s for s in store.spans(doc_id, annotator="alice") if s.end == 23), 13, 21
    )
    assert alice_spans(store, doc_id) == [(10, 18, "Zelensky"), (10, 23, "Zelensky said")]
    assert alice.window.statusBar().currentMessage() == (
        "Already tagged ACTOR there: the span stays as it was"
    )
