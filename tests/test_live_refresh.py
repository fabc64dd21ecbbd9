"""A window shows another process's changes without a restart (ui/live_refresh.py).

The other analyst is a real second process writing to the same database file;
the window notices through ``PRAGMA data_version``, polled on a timer and on
activation, and reloads what it shows.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from annotator.store import Store, open_store
from ui.live_refresh import install_live_refresh

TEXT = "Mayor Ana Ruiz said on Monday that the bridge in Kyiv reopens 🇺🇦 next week."
HOUR_MS = 3_600_000  # a timer that never fires during a test

OTHER_ANALYST = textwrap.dedent("""
    import sys
    from annotator import open_store
    db, doc_id, action = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open_store(db) as store:
        if action == "spans":
            for start, end, label in ((0, 14, "ACTOR"), (15, 29, "CLAIM"), (49, 53, "ACTOR")):
                store.add_span(doc_id, start, end, label, annotator="bob")
            store.add_document("A second article, written by the other process.", title="Two")
        elif action == "delete":
            store.delete_document(doc_id, by="bob")
        elif action == "one":
            store.add_span(doc_id, 23, 29, "DATE", annotator="bob")
        elif action == "alice-too":  # alice, working in a second window
            store.add_span(doc_id, 23, 29, "DATE", annotator="alice")
        elif action == "alice-undates":  # alice, in a second window, deletes her dates
            for span in store.spans(doc_id, annotator="alice"):
                if span.label == "DATE":
                    store.delete_span(span.id, by="alice")
        elif action == "retext":
            store.replace_text(doc_id, "Update: " + store.document(doc_id).text, by="bob")
""")


def other_process(db: Path, doc_id: int, action: str) -> None:
    """Run the other analyst to completion (the window's event loop waits meanwhile)."""
    proc = subprocess.run(
        [sys.executable, "-c", OTHER_ANALYST, str(db), str(doc_id), action],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def shown(window: Any) -> list[tuple[int, int, str, str]]:
    """The span table's rows, as (start, end, label, analyst), in document order."""
    model = window.span_model
    spans = [model.span_at(row) for row in range(model.rowCount())]
    return sorted((s.start, s.end, s.label, s.annotator) for s in spans)


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(TEXT, title="One").id


def test_another_process_s_spans_appear_while_the_window_is_open(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any
) -> None:
    window = make_window(store, document_id=doc_id)
    live = install_live_refresh(window, interval_ms=50)
    assert shown(window) == [] and window.document_model.rowCount() == 1

    other_process(db_path, doc_id, "spans")

    expected = [(0, 14, "ACTOR", "bob"), (15, 29, "CLAIM", "bob"), (49, 53, "ACTOR", "bob")]
    qtbot.waitUntil(lambda: shown(window) == expected, timeout=10_000)
    assert [TEXT[0:14], TEXT[15:29], TEXT[49:53]] == ["Mayor Ana Ruiz", "said on Monday", "Kyiv"]
    # Painted too: the article's span index holds the same spans as the Store.
    index = window.editor.index
    assert all(span.id in index for span in store.spans(doc_id))
    qtbot.waitUntil(lambda: window.document_model.rowCount() == 2, timeout=10_000)
    assert live.reloads >= 1
    assert "bob" in [window.analyst_box.itemText(i) for i in range(window.analyst_box.count())]


def test_activating_the_window_refreshes_it(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any
) -> None:
    window = make_window(store, document_id=doc_id)
    live = install_live_refresh(window, interval_ms=HOUR_MS)  # only activation can refresh
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(elsewhere.isActiveWindow)

    other_process(db_path, doc_id, "one")
    assert shown(window) == []  # nothing polls while the analyst is elsewhere

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: shown(window) == [(23, 29, "DATE", "bob")], timeout=10_000)
    assert live.reloads == 1


def test_polling_reloads_only_for_other_connections(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any
) -> None:
    window = make_window(store, document_id=doc_id)
    live = install_live_refresh(window, interval_ms=20)
    for _ in range(3):  # idle ticks: nothing changed, nothing reloaded
        with qtbot.waitSignal(live.timer.timeout, timeout=5_000):
            pass
    # The window's own edit, through its own connection, is not a reason either.
    window.view.setFocus()
    window.view.select_range(6, 14)
    qtbot.keyClick(window.view, Qt.Key.Key_2)
    assert [(s.start, s.end) for s in store.spans(doc_id)] == [(6, 14)]
    for _ in range(3):
        with qtbot.waitSignal(live.timer.timeout, timeout=5_000):
            pass
    assert live.reloads == 0

    other_process(db_path, doc_id, "one")
    with qtbot.waitSignal(live.refreshed, timeout=10_000):
        pass
    assert shown(window) == [(6, 14, "ACTOR", "alice"), (23, 29, "DATE", "bob")]


def test_a_note_being_typed_is_not_disturbed(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any
) -> None:
    store.add_span(doc_id, 6, 14, "ACTOR", annotator="alice")
    window = make_window(store, document_id=doc_id)
    live = install_live_refresh(window, interval_ms=20)
    table = window.span_table
    note = window.span_model.index(0, 3)  # the Note column of alice's span
    table.setFocus()
    table.edit(note)
    qtbot.waitUntil(lambda: table.state() == QAbstractItemView.State.EditingState)

    other_process(db_path, doc_id, "one")
    for _ in range(3):
        with qtbot.waitSignal(live.timer.timeout, timeout=5_000):
            pass
    assert live.reloads == 0 and table.state() == QAbstractItemView.State.EditingState

    typing = QApplication.focusWidget()  # the note editor, still open
    qtbot.keyClicks(typing, "checked with the city")
    qtbot.keyClick(typing, Qt.Key.Key_Return)
    with qtbot.waitSignal(live.refreshed, timeout=10_000):
        pass
    assert shown(window) == [(6, 14, "ACTOR", "alice"), (23, 29, "DATE", "bob")]
    assert [s.note for s in store.spans(doc_id, annotator="alice")] == ["checked with the city"]


def test_the_open_document_deleted_elsewhere_is_closed(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any
) -> None:
    window = make_window(store, document_id=doc_id)
    install_live_refresh(window, interval_ms=20)
    other_process(db_path, doc_id, "delete")
    qtbot.waitUntil(lambda: window.editor.document is None, timeout=10_000)
    assert window.document_model.rowCount() == 0
    assert window.view.toPlainText() == ""


def test_it_keeps_working_without_a_python_reference(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any
) -> None:
    window = make_window(store, document_id=doc_id)
    install_live_refresh(window, interval_ms=20)  # the window (its Qt parent) owns it
    gc.collect()
    other_process(db_path, doc_id, "one")
    qtbot.waitUntil(lambda: shown(window) == [(23, 29, "DATE", "bob")], timeout=10_000)


def test_after_switching_databases_it_watches_the_new_one(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any, tmp_path: Path
) -> None:
    window = make_window(store, document_id=doc_id)
    live = install_live_refresh(window, interval_ms=20)
    other_db = tmp_path / "other.db"
    with open_store(other_db) as other:
        other_doc = other.add_document(TEXT, title="Other").id
    window.set_store(open_store(other_db))  # File > Open: the window owns this Store now
    window.open_document(other_doc)
    with qtbot.waitSignal(live.timer.timeout, timeout=5_000):
        pass
    other_process(other_db, other_doc, "one")
    qtbot.waitUntil(lambda: shown(window) == [(23, 29, "DATE", "bob")], timeout=10_000)
    assert live.reloads == 1


def test_a_new_text_of_the_open_document_reopens_it(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any
) -> None:
    store.add_span(doc_id, 49, 53, "ACTOR", annotator="alice")  # "Kyiv"
    window = make_window(store, document_id=doc_id)
    install_live_refresh(window, interval_ms=20)
    other_process(db_path, doc_id, "retext")
    new_text = "Update: " + TEXT
    qtbot.waitUntil(lambda: window.view.toPlainText() == new_text, timeout=10_000)
    # The span moved with its word, in the Store and in the window alike.
    qtbot.waitUntil(lambda: shown(window) == [(57, 61, "ACTOR", "alice")], timeout=10_000)
    assert new_text[57:61] == "Kyiv"
    assert window.editor.document.text == new_text


def test_keys_pressed_before_the_window_saw_a_new_text_store_nothing(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any, analyst_at: Any
) -> None:
    # The other process puts "Update: " (8 characters) before the text; the
    # window has not looked yet (no timer) and still shows the old text.
    store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice")  # "Mayor"
    window = make_window(store, analyst="alice", document_id=doc_id)
    messages: list[str] = []
    window.editor.message.connect(messages.append)
    other_process(db_path, doc_id, "retext")
    alice = analyst_at(window)
    alice.select(6, 14)  # "Ana Ruiz" in the old text; "Mayor An" in the new one
    alice.press(Qt.Key.Key_2)
    mayor = store.spans(doc_id)
    assert [(s.start, s.end, s.text) for s in mayor] == [(8, 13, "Mayor")]  # moved, alone
    assert messages[-1] == ("The article was changed elsewhere: here is the new text;"
                            " nothing was stored, do it again")  # fmt: skip
    assert window.view.toPlainText() == "Update: " + TEXT
    # Resizing the span from the old offsets is refused the same way: another retext first.
    other_process(db_path, doc_id, "retext")
    window.editor.set_span_range(mayor[0], 16, 24)
    assert [(s.start, s.end) for s in store.spans(doc_id)] == [(16, 21)]  # moved again
    # On the text now shown, the same keys work.
    alice.select(6 + 16, 14 + 16)
    alice.press(Qt.Key.Key_2)
    assert [s.text for s in store.spans(doc_id, annotator="alice")] == ["Mayor", "Ana Ruiz"]


def test_undo_labels_follow_the_same_analyst_working_in_another_window(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any, analyst_at: Any
) -> None:
    window = make_window(store, analyst="alice", document_id=doc_id)
    live = install_live_refresh(window, interval_ms=HOUR_MS)
    alice = analyst_at(window)
    alice.select(6, 14)  # "Ana Ruiz"
    alice.press(Qt.Key.Key_2)
    history = window.editor.history
    assert history.stack.undoText() == "Tag ACTOR “Ana Ruiz”"
    other_process(db_path, doc_id, "alice-too")  # tags "Monday" as alice
    assert live.check()
    qtbot.waitUntil(lambda: history.stack.undoText() == "", timeout=5_000)
    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # The newest step is the other window's: that is what goes, and what is said.
    assert [(s.text, s.label) for s in store.spans(doc_id)] == [("Ana Ruiz", "ACTOR")]
    assert window.statusBar().currentMessage() == "Undo: tag DATE “Monday”"


def test_linking_goes_on_with_the_candidates_left_after_a_change_elsewhere(
    qtbot: Any, store: Store, db_path: Path, doc_id: int, make_window: Any, analyst_at: Any
) -> None:
    """Alice links a claim; her other window deletes the nearest candidate (the
    date).  The live refresh takes it out of the candidates, and Enter links the
    one left instead of failing on a span that is gone."""
    claim = TEXT.index("the bridge")
    assert (TEXT[0:14], TEXT[23:29], TEXT[claim:claim + 26]) == (
        "Mayor Ana Ruiz", "Monday", "the bridge in Kyiv reopens")
    for start, end, label in ((0, 14, "ACTOR"), (23, 29, "DATE"), (claim, claim + 26, "CLAIM")):
        store.add_span(doc_id, start, end, label, annotator="alice")
    window = make_window(store, analyst="alice", document_id=doc_id)
    alice = analyst_at(window)
    install_live_refresh(window, interval_ms=50)
    alice.caret(claim + 3)
    alice.press(Qt.Key.Key_R)
    assert [c.span.text for c in window.relations.candidates] == ["Monday", "Mayor Ana Ruiz"]
    other_process(db_path, doc_id, "alice-undates")
    qtbot.waitUntil(lambda: [c.span.text for c in window.relations.candidates]
                    == ["Mayor Ana Ruiz"], timeout=10_000)  # fmt: skip
    assert window.relations.linking and alice.selection() == (0, 14)
    alice.press(Qt.Key.Key_Return)
    assert [(r.type, store.span(r.to_span).text) for r in store.relations(doc_id)] == [
        ("ATTRIBUTED_TO", "Mayor Ana Ruiz")]
    assert window.dialogs.asked == []
