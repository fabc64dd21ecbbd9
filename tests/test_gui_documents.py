"""The document list: filters, next unfinished, done marks, rename and delete with undo.

Four documents for alice: "Kyiv talks" (her spans: in progress), "Odesa port"
(marked done by her), "Lviv museum" (only bob's spans: not started for her)
and "Kharkiv rail" (nothing yet).
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from ui.document_list import STATE

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def docs(store):
    ids = {}
    for title in ("Kyiv talks", "Odesa port", "Lviv museum", "Kharkiv rail"):
        ids[title] = store.add_document(f"{title} resumed on Monday, officials said.\n",
                                        title=title).id  # fmt: skip
    store.add_span(ids["Kyiv talks"], 0, 4, "ACTOR", annotator="alice")
    store.add_span(ids["Odesa port"], 0, 5, "ACTOR", annotator="alice")
    store.set_done(ids["Odesa port"], "alice", True)
    store.add_span(ids["Lviv museum"], 0, 4, "ACTOR", annotator="bob")
    return ids


@pytest.fixture
def alice(store, docs, make_window, analyst_at):
    return analyst_at(make_window(store, analyst="alice", document_id=docs["Kyiv talks"]))


def shown(window):
    proxy = window.document_panel.proxy
    return [proxy.data(proxy.index(r, 0)) for r in range(proxy.rowCount())]


def counts(db_path):
    with sqlite3.connect(db_path) as conn:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("documents", "spans", "document_status"))  # fmt: skip


def test_the_summary_counts_in_words(store, make_window):
    first = store.add_document("Kyiv talks resumed on Monday.\n", title="Kyiv talks").id
    window = make_window(store, analyst="alice", document_id=first)
    assert window.document_panel.summary.text() == "1 document · 0 done"


def test_filter_by_text_and_state(alice, qtmodeltester):
    window = alice.window
    panel = window.document_panel
    assert shown(window) == ["Kyiv talks", "Odesa port", "Lviv museum", "Kharkiv rail"]
    panel.filter_box.setText("OD")  # case does not matter
    assert shown(window) == ["Odesa port"]
    assert panel.summary.text() == "1 of 4 documents · 1 done"
    panel.filter_box.setText("")
    panel.set_state_filter("not_started")
    assert shown(window) == ["Lviv museum", "Kharkiv rail"]  # bob's spans are not alice's start
    panel.set_state_filter("in_progress")
    assert shown(window) == ["Kyiv talks"]
    panel.set_state_filter("done")
    assert shown(window) == ["Odesa port"]
    qtmodeltester.check(panel.proxy)
    assert window.editor.document.title == "Kyiv talks"  # filtering opens nothing


def test_the_filter_ignores_case_and_accents_as_search_does(store, make_window):
    zoe = store.add_document("Zoë spoke.\n", title="Zoë Ångström").id
    store.add_document("Coffee.\n", title="Cafe\u0301 Lumière")  # é as e + combining acute
    store.add_document("Tea.\n", title="Café Nord")  # é as one letter
    store.add_document("Names.\n", title="Łukasz Bjørn")
    window = make_window(store, analyst="alice", document_id=zoe)
    box = window.document_panel.filter_box
    box.setText("zoe angstrom")
    assert shown(window) == ["Zoë Ångström"]
    box.setText("CAFE")
    assert shown(window) == ["Cafe\u0301 Lumière", "Café Nord"]
    box.setText("café")
    assert shown(window) == ["Cafe\u0301 Lumière", "Café Nord"]
    box.setText("lukasz bjorn")
    assert shown(window) == ["Łukasz Bjørn"]


def test_a_filter_hiding_the_open_document_leaves_no_row_current(alice, dialogs, qtbot):
    # "Kyiv talks" is open; "od" shows only "Odesa port", which must not look
    # like the row Delete acts on.  Moving to it opens it, and then it is.
    window = alice.window
    window.document_panel.filter_box.setText("od")
    assert shown(window) == ["Odesa port"]
    assert not window.document_list.currentIndex().isValid()
    assert window.editor.document.title == "Kyiv talks"
    window.document_list.setFocus()
    qtbot.keyClick(window.document_list, Qt.Key.Key_Down)
    assert window.editor.document.title == "Odesa port"
    dialogs.answers = [False]  # asked, then cancelled
    qtbot.keyClick(window.document_list, Qt.Key.Key_Delete)
    assert dialogs.asked[-1][:2] == ("confirm", "Delete document")
    assert dialogs.asked[-1][2].startswith("Delete “Odesa port”")


def test_state_filter_follows_the_current_analyst(alice):
    window = alice.window
    window.document_panel.set_state_filter("in_progress")
    window.set_analyst("bob")
    assert shown(window) == ["Lviv museum"]


def test_next_unfinished_skips_done_documents_and_wraps(alice, docs):
    opened = []
    for _ in range(4):
        alice.press(Qt.Key.Key_J, CTRL)
        opened.append(alice.window.editor.document.title)
    assert opened == ["Lviv museum", "Kharkiv rail", "Kyiv talks", "Lviv museum"]
    current = alice.window.document_list.currentIndex()
    assert alice.window.document_panel.proxy.data(current) == "Lviv museum"


def test_next_unfinished_says_when_only_the_open_one_is_left(alice, store, docs):
    for title in ("Lviv museum", "Kharkiv rail"):  # "Odesa port" is done already
        store.set_done(docs[title], "alice", True)
    alice.window.documents.refresh()
    alice.press(Qt.Key.Key_J, CTRL)
    assert alice.window.statusBar().currentMessage() == "This is the only unfinished one"
    assert alice.window.editor.document.title == "Kyiv talks"
    alice.press(Qt.Key.Key_D, CTRL)  # mark it done too
    alice.press(Qt.Key.Key_J, CTRL)
    assert alice.window.statusBar().currentMessage() == "Every document is done"


def test_next_unfinished_in_an_empty_database(store, make_window, analyst_at):
    alice = analyst_at(make_window(store, analyst="alice"))
    alice.press(Qt.Key.Key_J, CTRL)
    assert alice.window.statusBar().currentMessage() == (
        "No documents yet: import some with File ▸ Import documents (Ctrl+I)"
    )


def test_mark_done_toggles_and_undoes(alice, store, docs):
    kyiv = docs["Kyiv talks"]
    action = alice.window.action_map["mark_done"]

    def done():
        return "alice" in next(d for d in store.documents() if d.id == kyiv).done_by

    assert not action.isChecked()
    alice.press(Qt.Key.Key_D, CTRL)
    assert done() and action.isChecked()
    model = alice.window.document_model
    assert model.data(model.index(model.row_of(kyiv), 0), STATE) == "done"
    alice.press(Qt.Key.Key_D, CTRL)
    assert not done() and not action.isChecked()
    alice.press(Qt.Key.Key_Z, CTRL)  # undo "not done"
    assert done() and action.isChecked()
    alice.press(Qt.Key.Key_Z, CTRL)  # undo "done"
    assert not done()
    assert [e.action for e in store.history(limit=4)] == ["undo", "undo", "set_done", "set_done"]


def test_rename_with_f2_and_undo(alice, store, docs, dialogs):
    kyiv = docs["Kyiv talks"]
    dialogs.texts.append("Kyiv talks resume")
    alice.press(Qt.Key.Key_F2)
    assert store.document(kyiv).title == "Kyiv talks resume"
    assert alice.window.windowTitle().startswith("Kyiv talks resume — annotator")
    assert shown(alice.window)[0] == "Kyiv talks resume"
    alice.press(Qt.Key.Key_Z, CTRL)
    assert store.document(kyiv).title == "Kyiv talks"
    assert shown(alice.window)[0] == "Kyiv talks"
    assert alice.window.windowTitle().startswith("Kyiv talks — annotator")


def test_rename_cancelled_changes_nothing(alice, store, docs, dialogs):
    alice.press(Qt.Key.Key_F2)  # no answer queued: the dialog is cancelled
    assert store.document(docs["Kyiv talks"]).title == "Kyiv talks"
    assert ("text", "Rename document", "Title:") in dialogs.asked


def test_delete_asks_then_undo_brings_it_back(alice, store, db_path, docs, dialogs):
    window = alice.window
    before = counts(db_path)
    assert before == (4, 3, 1)
    window.document_list.setFocus()
    alice.press(Qt.Key.Key_Delete, widget=window.document_list)
    assert dialogs.asked[-1][:2] == ("confirm", "Delete document")
    assert "“Kyiv talks” with its 1 span of every analyst" in dialogs.asked[-1][2]
    assert counts(db_path) == (3, 2, 1)
    assert shown(window) == ["Odesa port", "Lviv museum", "Kharkiv rail"]
    assert window.editor.document.title == "Odesa port"  # the next one opens
    alice.view.setFocus()
    alice.press(Qt.Key.Key_Z, CTRL)
    assert counts(db_path) == before
    assert window.editor.document.id == docs["Kyiv talks"]
    assert shown(window)[0] == "Kyiv talks"
    assert [s.text for s in store.spans(docs["Kyiv talks"])] == ["Kyiv"]


def test_redo_of_a_delete_opens_the_next_document_as_the_delete_did(alice, db_path, docs):
    window = alice.window
    window.document_list.setFocus()
    alice.press(Qt.Key.Key_Delete, widget=window.document_list)
    alice.view.setFocus()
    alice.press(Qt.Key.Key_Z, CTRL)
    assert window.editor.document.id == docs["Kyiv talks"]
    alice.press(Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert counts(db_path) == (3, 2, 1)
    assert window.editor.document.title == "Odesa port"  # the next one, not an empty view
    assert [window.span_model.span_at(r).text for r in range(window.span_model.rowCount())] == [
        "Odesa"
    ]
    assert shown(window) == ["Odesa port", "Lviv museum", "Kharkiv rail"]


def test_delete_answered_no_keeps_the_document(alice, db_path, dialogs):
    dialogs.answers.append(False)
    alice.window.document_list.setFocus()
    alice.press(Qt.Key.Key_Delete, widget=alice.window.document_list)
    assert counts(db_path) == (4, 3, 1)


def test_delete_in_the_article_still_deletes_a_span(alice, store, docs):
    alice.caret(2)  # inside alice's "Kyiv"
    alice.press(Qt.Key.Key_Delete)
    assert store.spans(docs["Kyiv talks"]) == []
    assert len(store.documents()) == 4


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_Return])
def test_the_filter_gives_the_keys_back_to_the_article(alice, qtbot, key):
    window = alice.window
    alice.press(Qt.Key.Key_L, CTRL)
    box = window.document_panel.filter_box
    assert box.hasFocus()
    qtbot.keyClicks(box, "od")
    qtbot.keyClick(box, key)
    assert window.view.hasFocus()  # a label key now tags, not types
    assert shown(window) == ["Odesa port"]  # the filter stays


def test_an_emptied_analyst_box_keeps_the_analyst(alice, qtbot):
    window = alice.window
    box = window.analyst_box
    typed = box.lineEdit()
    typed.setFocus()
    typed.selectAll()
    qtbot.keyClick(typed, Qt.Key.Key_Backspace)
    qtbot.keyClick(typed, Qt.Key.Key_Return)
    assert box.currentText() == "alice" and window.editor.analyst == "alice"
    assert window.statusBar().currentMessage() == (
        "An analyst needs a name: still annotating as alice"
    )


def test_a_name_typed_with_enter_hands_the_keys_back_to_the_article(alice, store, docs, qtbot):
    """The keys after Enter tag as bob: they do not go on typing "bob2", taken as a
    new analyst on leaving the box."""
    window = alice.window
    typed = window.analyst_box.lineEdit()
    typed.setFocus()
    typed.selectAll()
    qtbot.keyClicks(typed, "bob")
    qtbot.keyClick(typed, Qt.Key.Key_Return)
    assert window.editor.analyst == "bob" and window.view.hasFocus()
    assert window.analyst_box.currentText() == "bob"


def test_the_suggestions_layer_is_no_analysts_name(alice):
    assert not alice.window.editor.set_analyst("suggest")
    assert alice.window.editor.analyst == "alice"
    assert alice.window.statusBar().currentMessage() == (
        "“suggest” is the layer of machine suggestions: choose another name"
    )


def test_document_steps_are_named_in_words_when_undone(alice, store, docs, dialogs):
    window = alice.window
    status = window.statusBar().currentMessage
    dialogs.texts.append("Kyiv talks resume")
    alice.press(Qt.Key.Key_F2)
    assert status() == "Renamed to “Kyiv talks resume”"
    alice.press(Qt.Key.Key_Z, CTRL)
    assert status() == "Undo: rename “Kyiv talks” to “Kyiv talks resume”"
    alice.press(Qt.Key.Key_D, CTRL)
    alice.press(Qt.Key.Key_Z, CTRL)
    assert status() == "Undo: mark done"
    window.document_list.setFocus()
    alice.press(Qt.Key.Key_Delete, widget=window.document_list)
    alice.view.setFocus()
    alice.press(Qt.Key.Key_Z, CTRL)
    assert status() == "Undo: delete document “Kyiv talks”"  # not its span "Kyiv"


def test_the_delete_question_counts_spans_another_window_added(alice, store, docs, dialogs):
    # A gold span written by the review (or another process) since the list was filled.
    store.add_span(docs["Kyiv talks"], 5, 10, "DATE", annotator="gold", origin="adjudicated")
    dialogs.answers.append(False)
    alice.window.document_list.setFocus()
    alice.press(Qt.Key.Key_Delete, widget=alice.window.document_list)
    assert "“Kyiv talks” with its 2 spans of every analyst" in dialogs.asked[-1][2]
