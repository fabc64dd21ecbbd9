"""One accept or reject of a suggestion, and its undo, update only what changed.

A document with many suggestions must not be read again (every span, every
suggestion) nor its span table reset for one Enter or Delete: the window takes
the one span the Store returned, and the pending suggestions follow from the
spans of its range.  Offsets: see test_gui_suggestions.py (the same text).
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_gui_suggestions import CITE1, DATE1, DATE2, TEXT

from annotator.suggest.apply import SUGGEST, pending
from ui.suggestions import install_suggestions

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def suggested(qtbot, store, make_window):
    doc_id = store.add_document(TEXT, title="Talks").id
    window = make_window(store, analyst="alice", document_id=doc_id)
    controller = install_suggestions(window)
    controller.suggest()
    assert len(pending(store, doc_id, analyst="alice")) == 4
    return window, controller, doc_id


class Reads:
    """Counts the reads of a whole document's spans and the span table's resets."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, window: Any) -> None:
        self.spans = 0
        self.resets = 0
        store = window.store
        every = store.spans

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.spans += 1
            return every(*args, **kwargs)

        monkeypatch.setattr(store, "spans", counted)
        window.span_model.modelAboutToBeReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1


def pending_now(window, doc_id) -> set[str]:
    return {s.id for s in pending(window.store, doc_id, analyst="alice")}


def press(qtbot, window, pos: int, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    window.view.setFocus()
    window.view.place_caret(pos)
    qtbot.keyClick(window.view, key, modifiers)


def test_enter_accepts_without_reading_the_document_or_resetting_the_table(
    qtbot, monkeypatch, suggested
):
    window, controller, doc_id = suggested
    rows = window.span_model.rowCount()
    reads = Reads(monkeypatch, window)
    press(qtbot, window, 20, Qt.Key.Key_Return)  # inside "14 March 2026"
    assert (reads.spans, reads.resets) == (0, 0)
    assert window.span_model.rowCount() == rows + 1  # the analyst's new span
    mine = [e.span for e in window.editor.index.entries() if e.span.annotator == "alice"]
    assert [(s.start, s.end, s.label) for s in mine] == [(*DATE1, "DATE")]
    assert controller.pending_ids() == pending_now(window, doc_id)
    assert len(controller.pending_ids()) == 3
    assert window.view.selection() == CITE1  # the next pending one


def test_delete_rejects_without_reading_the_document_or_resetting_the_table(
    qtbot, monkeypatch, suggested
):
    window, controller, doc_id = suggested
    rows = window.span_model.rowCount()
    reads = Reads(monkeypatch, window)
    press(qtbot, window, 60, Qt.Key.Key_Delete)  # inside "[citation: Daily Ledger]"
    assert (reads.spans, reads.resets) == (0, 0)
    assert window.span_model.rowCount() == rows - 1
    assert window.editor.layer_counts() == {SUGGEST: 3}
    assert controller.pending_ids() == pending_now(window, doc_id)


def test_undo_of_an_accept_makes_it_pending_again_without_reading_the_index(
    qtbot, monkeypatch, suggested
):
    window, controller, doc_id = suggested
    press(qtbot, window, 20, Qt.Key.Key_Return)
    reads = Reads(monkeypatch, window)
    monkeypatch.setattr(controller, "_read_pending", lambda: pytest.fail("read all again"))
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)
    assert (reads.spans, reads.resets) == (0, 0)
    assert len(controller.pending_ids()) == 4
    assert controller.pending_ids() == pending_now(window, doc_id)


def test_the_analysts_own_span_over_a_suggestion_ends_it_and_its_undo_brings_it_back(
    qtbot, monkeypatch, suggested
):
    window, controller, doc_id = suggested
    controller.pending_ids()  # read once; from here on they follow each change
    monkeypatch.setattr(controller, "_read_pending", lambda: pytest.fail("read all again"))
    window.view.setFocus()
    window.view.select_range(*DATE2)
    qtbot.keyClick(window.view, Qt.Key.Key_3)  # DATE, the suggestion's label
    assert controller.pending_ids() == pending_now(window, doc_id)
    assert len(controller.pending_ids()) == 3
    qtbot.keyClick(window.view, Qt.Key.Key_1)  # relabel it CLAIM: the DATE is pending again
    assert len(controller.pending_ids()) == 4
    assert controller.pending_ids() == pending_now(window, doc_id)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # DATE again
    assert controller.pending_ids() == pending_now(window, doc_id)
    assert len(controller.pending_ids()) == 3
    qtbot.keyClick(window.view, Qt.Key.Key_Z, CTRL)  # no span of hers there
    assert len(controller.pending_ids()) == 4
    assert controller.pending_ids() == pending_now(window, doc_id)
