"""A one-span undo or redo in the open document is followed in place.

The document list, the layers panel and the open document's record are not
read again from the Store for it (on a database of big articles that is most
of the key's time): the counts the editor keeps bring them along.  Other steps
(a rename) still read what they changed.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from ui.document_list import COUNTS

CTRL = Qt.KeyboardModifier.ControlModifier
TEXT = "Officials in Riga said on Monday that the bridge would reopen.\n"


class Reads:
    """Counts the Store reads that go over every document or the whole text."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, store: Any) -> None:
        self.calls: list[str] = []
        for name in ("documents", "stats", "document", "spans"):
            monkeypatch.setattr(store, name, self._counting(name, getattr(store, name)))

    def _counting(self, name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return real(*args, **kwargs)

        return call


@pytest.fixture
def tagged(store, make_window, analyst_at):
    doc_id = store.add_document(TEXT, title="Bridge").id
    store.add_document("Another article.\n", title="Other")
    store.add_span(doc_id, 13, 17, "ACTOR", annotator="bob")  # "Riga"
    window = make_window(store, analyst="alice", document_id=doc_id)
    person = analyst_at(window)
    person.select(0, 9)
    person.press(Qt.Key.Key_2)  # ACTOR "Officials"
    person.select(26, 32)
    person.press(Qt.Key.Key_3)  # DATE "Monday"
    return window, person, doc_id


def row_counts(window, doc_id) -> list[tuple[str, int]]:
    model = window.document_model
    return [(label, n) for label, n, _colour in model.index(model.row_of(doc_id), 0).data(COUNTS)]


def totals(window) -> dict[str, int]:
    model = window.layers.model
    names = [model.name_at(row) for row in range(model.rowCount())]
    return {name: model.total.get(name, 0) for name in names}


def test_one_span_undo_reads_no_document_list_stats_or_text(qtbot, monkeypatch, tagged, store):
    window, person, doc_id = tagged
    list_resets: list[int] = []
    layer_resets: list[int] = []
    window.document_model.modelAboutToBeReset.connect(lambda: list_resets.append(1))
    window.layers.model.modelAboutToBeReset.connect(lambda: layer_resets.append(1))
    reads = Reads(monkeypatch, store)
    person.press(Qt.Key.Key_Z, CTRL)  # takes the DATE back
    assert reads.calls == [] and list_resets == [] and layer_resets == []
    assert row_counts(window, doc_id) == [("ACTOR", 1)]
    assert totals(window) == {"alice": 1, "bob": 1}
    person.press(Qt.Key.Key_Z, CTRL, widget=window.view)  # and the ACTOR
    person.press(Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier, widget=window.view)
    assert reads.calls == [] and list_resets == [] and layer_resets == []
    # What the panels show is what the Store says.
    summary = next(s for s in store.documents(annotator="alice") if s.id == doc_id)
    assert row_counts(window, doc_id) == sorted(summary.span_counts.items())
    assert totals(window) == {"alice": 1, "bob": 1}
    assert window.editor.document.text == TEXT


def test_undo_of_an_edit_in_another_layer_updates_that_analysts_count(
    qtbot, tagged, store
):
    window, person, doc_id = tagged
    window.layers.panel.select("bob")
    window.layers.toggle_editable()
    person.caret(15)  # in bob's "Riga"
    person.press(Qt.Key.Key_Delete)
    assert window.document_model.summary_of(doc_id).analyst_counts == {"alice": 2}
    person.press(Qt.Key.Key_Z, CTRL, widget=window.view)
    assert window.document_model.summary_of(doc_id).analyst_counts == {"alice": 2, "bob": 1}
    assert totals(window) == {"alice": 2, "bob": 1}


def test_undo_of_a_rename_still_reads_the_new_title(qtbot, tagged, store, dialogs):
    window, person, doc_id = tagged
    store.rename_document(doc_id, "Bridge reopens", by="alice")
    window.editor.history.record("rename")  # as F2 does, after storing it
    person.press(Qt.Key.Key_Z, CTRL, widget=window.view)
    assert window.editor.document.title == "Bridge"
    assert window.document_model.summary_of(doc_id).title == "Bridge"
