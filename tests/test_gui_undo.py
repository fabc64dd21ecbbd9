"""Undo and redo through the window, and history that survives a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotator.store import open_store

TEXT = "🇺🇦 Kyiv 𝔘 Zelensky said on Monday that the talks in Kyiv would resume.\n"
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def doc_id(store):
    return store.add_document(TEXT, title="Kyiv talks").id


def on_disk(db_path, doc_id):
    """What a fresh connection sees: the change is committed, not just cached."""
    with open_store(db_path) as fresh:
        return [(s.start, s.end, s.label) for s in fresh.spans(doc_id, annotator="alice")]


def test_undo_and_redo_tag_relabel_delete(store, db_path, doc_id, make_window, analyst_at):
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.select(13, 21)  # Zelensky
    alice.press(Qt.Key.Key_2)
    alice.press(Qt.Key.Key_1)  # relabel
    alice.press(Qt.Key.Key_Delete)
    assert on_disk(db_path, doc_id) == []
    alice.press(Qt.Key.Key_Z, CTRL)
    assert on_disk(db_path, doc_id) == [(10, 18, "CLAIM")]
    alice.press(Qt.Key.Key_Z, CTRL)
    assert on_disk(db_path, doc_id) == [(10, 18, "ACTOR")]
    alice.press(Qt.Key.Key_Z, CTRL)
    assert on_disk(db_path, doc_id) == []
    assert alice.window.span_model.rowCount() == 0
    alice.press(Qt.Key.Key_Z, CTRL_SHIFT)
    assert on_disk(db_path, doc_id) == [(10, 18, "ACTOR")]
    alice.press(Qt.Key.Key_Z, CTRL_SHIFT)
    assert on_disk(db_path, doc_id) == [(10, 18, "CLAIM")]
    assert alice.window.span_model.span_at(0).label == "CLAIM"
    assert alice.window.palette_bar.count_text("CLAIM") == "1  CLAIM  1"


def test_nothing_to_undo_says_so(store, doc_id, make_window, analyst_at):
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.press(Qt.Key.Key_Z, CTRL)
    assert alice.window.statusBar().currentMessage() == "Nothing to undo"


def test_new_window_undoes_changes_made_before(db_path, doc_id, store, make_window, analyst_at):
    first = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    first.select(5, 9)  # Kyiv
    first.press(Qt.Key.Key_2)
    first.select(30, 36)  # Monday
    first.press(Qt.Key.Key_3)
    first.window.close()
    store.close()

    with open_store(db_path) as reopened:
        second = analyst_at(make_window(reopened, analyst="alice", document_id=doc_id))
        assert second.window.editor.history.stack.count() == 0
        second.press(Qt.Key.Key_Z, CTRL)
        assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR")]
        second.press(Qt.Key.Key_Z, CTRL)
        assert on_disk(db_path, doc_id) == []
        second.press(Qt.Key.Key_Z, CTRL_SHIFT)
        assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR")]
        assert second.window.span_model.rowCount() == 1
        second.window.close()


def test_redo_order_across_the_session_boundary(db_path, doc_id, store, make_window, analyst_at):
    store.add_span(doc_id, 3, 7, "ACTOR", annotator="alice")  # an earlier session's change
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.select(30, 36)
    alice.press(Qt.Key.Key_3)
    alice.press(Qt.Key.Key_Z, CTRL)  # this session's DATE
    alice.press(Qt.Key.Key_Z, CTRL)  # the earlier ACTOR, beyond the stack
    assert on_disk(db_path, doc_id) == []
    alice.press(Qt.Key.Key_Z, CTRL_SHIFT)
    assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR")]
    alice.press(Qt.Key.Key_Z, CTRL_SHIFT)
    assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR"), (27, 33, "DATE")]


def test_undo_in_another_document_opens_it(store, doc_id, make_window, analyst_at):
    other = store.add_document("Odesa port reopened on Friday.\n", title="Odesa").id
    store.add_span(other, 0, 5, "ACTOR", annotator="alice")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.press(Qt.Key.Key_Z, CTRL)
    assert store.spans(other) == []
    assert alice.window.editor.document.id == other
    assert alice.window.document_list.currentIndex().row() == 1


def test_switching_analyst_changes_whose_spans_are_editable(store, doc_id, make_window, analyst_at):
    store.add_span(doc_id, 10, 18, "ACTOR", annotator="bob")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    assert [alice.window.analyst_box.itemText(i) for i in range(alice.window.analyst_box.count())] \
        == ["alice", "bob"]  # fmt: skip
    alice.window.analyst_box.setCurrentIndex(1)
    alice.window.analyst_box.activated.emit(1)
    assert alice.window.analyst == "bob"
    alice.caret(15)
    alice.press(Qt.Key.Key_Delete)
    assert store.spans(doc_id) == []
    alice.press(Qt.Key.Key_Z, CTRL)  # bob's own undo history
    assert [s.annotator for s in store.spans(doc_id)] == ["bob"]


def test_an_undo_that_conflicts_can_be_skipped(store, db_path, doc_id, make_window, analyst_at,
                                                dialogs):  # fmt: skip
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.select(5, 9)  # Kyiv: UTF-16 5..9, code points 3..7 after the flag
    alice.press(Qt.Key.Key_2)
    alice.select(13, 21)  # Zelensky: code points 10..18
    alice.press(Qt.Key.Key_2)
    zelensky = next(s for s in store.spans(doc_id) if s.text == "Zelensky")
    store.update_span(zelensky.id, label="CLAIM", by="lead")  # the lead edits alice's span
    dialogs.answers = [False, True]  # first keep it blocked, then skip
    alice.press(Qt.Key.Key_Z, CTRL)
    title, text = dialogs.asked[-1][1:]
    assert title == "Cannot undo" and zelensky.id in text and "Skip this step" in text
    assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR"), (10, 18, "CLAIM")]  # nothing moved
    alice.press(Qt.Key.Key_Z, CTRL)  # asked again; this time skipped
    assert alice.window.statusBar().currentMessage() == (
        "Skipped: tag ACTOR “Zelensky” stays as it is; undo again to go on")
    assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR"), (10, 18, "CLAIM")]
    alice.press(Qt.Key.Key_Z, CTRL)  # the step before: the tag of "Kyiv"
    assert on_disk(db_path, doc_id) == [(10, 18, "CLAIM")]


@pytest.fixture
def big_steps(monkeypatch):
    """Every undo and redo counts as big: it runs on a worker thread."""
    from ui.commands import History

    monkeypatch.setattr(History, "background_chars", 1)


def test_a_big_undo_and_redo_run_on_a_worker(big_steps, store, db_path, doc_id, make_window,
                                             analyst_at, qtbot):  # fmt: skip
    window = make_window(store, analyst="alice", document_id=doc_id)
    alice = analyst_at(window)
    editor = window.editor
    alice.select(5, 9)  # Kyiv: UTF-16 5..9, code points 3..7 after the flag
    alice.press(Qt.Key.Key_2)
    alice.select(13, 21)  # Zelensky: code points 10..18
    alice.press(Qt.Key.Key_2)
    alice.press(Qt.Key.Key_Z, CTRL)
    assert editor.jobs.busy  # the worker reports back through the event loop, not yet run
    alice.select(30, 36)  # Monday: code points 27..33
    alice.press(Qt.Key.Key_3)  # no edit while the undo runs
    alice.press(Qt.Key.Key_Z, CTRL)  # nor another undo
    assert window.statusBar().currentMessage() == "Still undoing: one moment"
    qtbot.waitUntil(lambda: not editor.jobs.busy)
    assert window.statusBar().currentMessage() == "Undo: tag ACTOR “Zelensky”"
    assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR")]
    assert [window.span_model.span_at(r).text for r in range(window.span_model.rowCount())] == [
        "Kyiv"
    ]
    alice.press(Qt.Key.Key_Z, CTRL_SHIFT)
    assert editor.jobs.busy
    qtbot.waitUntil(lambda: not editor.jobs.busy)
    assert window.statusBar().currentMessage() == "Redo: tag ACTOR “Zelensky”"
    assert on_disk(db_path, doc_id) == [(3, 7, "ACTOR"), (10, 18, "ACTOR")]
    assert window.span_model.rowCount() == 2


def test_a_big_undo_that_conflicts_offers_to_skip(big_steps, store, db_path, doc_id, make_window,
                                                  analyst_at, qtbot, dialogs):  # fmt: skip
    window = make_window(store, analyst="alice", document_id=doc_id)
    alice = analyst_at(window)
    alice.select(13, 21)  # Zelensky
    alice.press(Qt.Key.Key_2)
    zelensky = store.spans(doc_id)[0]
    store.update_span(zelensky.id, label="CLAIM", by="lead")
    dialogs.answers = [False]  # keep it blocked
    alice.press(Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: not window.editor.jobs.busy)
    title, text = dialogs.asked[-1][1:]
    assert title == "Cannot undo" and zelensky.id in text
    assert on_disk(db_path, doc_id) == [(10, 18, "CLAIM")]  # nothing moved


def test_no_other_change_starts_while_a_big_undo_runs(big_steps, store, db_path, doc_id,
                                                       make_window, analyst_at, qtbot):  # fmt: skip
    window = make_window(store, analyst="alice", document_id=doc_id)
    alice = analyst_at(window)
    alice.select(5, 9)  # Kyiv
    alice.press(Qt.Key.Key_2)
    alice.press(Qt.Key.Key_Z, CTRL)
    assert window.editor.jobs.busy
    window.documents.toggle_done()  # Ctrl+D, while the undo runs
    assert window.statusBar().currentMessage() == "Still undoing: one moment"
    assert not window.editor.set_analyst("bob")
    qtbot.waitUntil(lambda: not window.editor.jobs.busy)
    assert on_disk(db_path, doc_id) == []  # the tag was undone, and nothing else happened
    assert store.history(limit=1)[0].action == "undo"
    assert window.editor.analyst == "alice" and window.analyst_box.currentText() == "alice"


def test_a_one_span_undo_and_redo_touch_only_that_span(store, doc_id, make_window, analyst_at):
    """No reading of every span of the document for a step of one span."""
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.select(13, 21)  # Zelensky
    alice.press(Qt.Key.Key_2)
    alice.press(Qt.Key.Key_1)  # relabel: ACTOR -> CLAIM
    reads: list[int] = []
    spans = alice.window.editor.store.spans
    alice.window.editor.store.spans = lambda *a, **k: reads.append(1) or spans(*a, **k)
    painted = alice.window.editor.index
    alice.press(Qt.Key.Key_Z, CTRL)  # back to ACTOR
    model = alice.window.span_model
    assert [(s.start, s.end, s.label) for s in (model.span_at(r) for r in range(model.rowCount()))
            ] == [(10, 18, "ACTOR")]  # fmt: skip
    assert [(e.span.label) for e in painted.entries()] == ["ACTOR"]
    alice.press(Qt.Key.Key_Z, CTRL)  # the tag itself
    assert model.rowCount() == 0 and painted.entries() == []
    alice.press(Qt.Key.Key_Z, CTRL_SHIFT)
    assert [(s.start, s.end, s.label) for s in (model.span_at(r) for r in range(model.rowCount()))
            ] == [(10, 18, "ACTOR")]  # fmt: skip
    assert reads == []


def test_undo_and_redo_around_a_shorter_text(store, make_window, analyst_at):
    # "Friday" lies at 73..79 of OLD (counted by hand: the 😀, 👍🏽 and á are 1, 2
    # and 2 code points); NEW is 13 code points, so the tag becomes an orphan.
    old = ("😀 Zoë Ångström said 李明说了话 on Monday.\n"
           "The dam 👍🏽 was safe, said Ma\u0301ria on Friday.\n")  # fmt: skip
    assert old[73:79] == "Friday"
    new = "😀 Zoë spoke.\n"
    doc = store.add_document(old, title="T").id
    window = make_window(store, analyst="alice", document_id=doc)
    alice = analyst_at(window)
    store.add_span(doc, 73, 79, "DATE", annotator="alice")
    window.editor.reload()
    store.replace_text(doc, new, by="alice")  # alice's File ▸ Replace text, elsewhere
    window.reload_from_store()
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    for key_mods, text in ((ctrl, old), (ctrl, old), (ctrl | shift, old), (ctrl | shift, new)):
        alice.press(Qt.Key.Key_Z, key_mods)  # no caret placed at an offset of the other text
        assert window.view.toPlainText() == text
    assert [o.span.text for o in store.orphans(doc)] == ["Friday"]
    assert window.span_model.rowCount() == 0
