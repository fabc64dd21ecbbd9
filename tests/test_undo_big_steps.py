"""Undo of big steps and of deleted documents: rows checked and written many per
statement (500 ids per list), ids never given twice, and steps that would take
someone else's later work with them refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from history_helpers import TEXT, check_undo_redo, data, everything, rows

from annotator import HistoryConflictError, Store

# -- big steps: rows are checked and written many per statement (500 ids per list) -----


def big_text(words: int) -> str:
    return " ".join(f"w{i:04d}" for i in range(words))  # each word 5 characters + a space


def test_undo_and_redo_of_1234_spans_restore_every_row(store: Store, db_path: Path) -> None:
    doc = store.add_document(big_text(1234))
    before = data(db_path)
    store.add_spans(doc.id, [{"start": 6 * i, "end": 6 * i + 5, "label": "ACTOR",
                              "annotator": "alice"} for i in range(1234)])  # fmt: skip
    after = data(db_path)
    assert len(after["spans"]) == 1234
    check_undo_redo(store, db_path, "alice", before, after)


def test_a_change_in_a_later_chunk_stops_the_whole_undo(store: Store, db_path: Path) -> None:
    doc = store.add_document(big_text(1234))
    store.add_spans(doc.id, [{"start": 6 * i, "end": 6 * i + 5, "label": "ACTOR",
                              "annotator": "alice"} for i in range(1234)])  # fmt: skip
    late = [s for s in store.spans(doc.id) if s.start == 6 * 1100][0]  # word 1100: 3rd list
    assert late.text == "w1100"
    store.update_span(late.id, label="CLAIM", by="bob")
    before = everything(db_path)
    changed = f"span {late.id} \\(ACTOR “w1100”\\) changed since"  # the step's own version
    with pytest.raises(HistoryConflictError, match=changed):
        store.undo("alice")
    assert everything(db_path) == before


def test_a_span_back_in_a_later_chunk_stops_the_whole_redo(store: Store, db_path: Path) -> None:
    doc = store.add_document(big_text(1234))
    spans = store.add_spans(doc.id, [{"start": 6 * i, "end": 6 * i + 5, "label": "ACTOR",
                                      "annotator": "alice"} for i in range(1234)])  # fmt: skip
    late = next(s for s in spans if s.start == 6 * 1100)  # word 1100: in the 3rd list
    assert late.text == "w1100"
    store.undo("alice")
    store.add_spans(doc.id, [{"id": late.id, "start": late.start, "end": late.end,
                              "label": "DATE", "annotator": "bob"}])  # fmt: skip
    before = everything(db_path)
    again = f"span {late.id} \\(ACTOR “w1100”\\) exists again since"  # as the step had it
    with pytest.raises(HistoryConflictError, match=again):
        store.redo("alice")
    assert everything(db_path) == before


def test_redoing_a_document_delete_spares_later_work_of_others(
    store: Store, db_path: Path
) -> None:
    doc = store.add_document(TEXT)
    store.add_span(doc.id, 0, 11, "ACTOR", annotator="alice")
    store.delete_document(doc.id, by="alice")
    store.undo("alice")  # the document is back
    bobs = store.add_span(doc.id, 39, 45, "DATE", annotator="bob", note="bob's work")
    before = everything(db_path)
    with pytest.raises(HistoryConflictError, match=f"span {bobs.id} added since"):
        store.redo("alice")  # deleting it again would take bob's span with it, unrecorded
    assert everything(db_path) == before
    assert store.spans(doc.id, annotator="bob") == [bobs]


def test_a_deleted_documents_id_is_not_given_again(store: Store, db_path: Path) -> None:
    first = store.add_document("Kyiv: the first article, alice's.")
    span = store.add_span(first.id, 0, 4, "ACTOR", annotator="alice", note="important")
    store.delete_document(first.id, by="bob")
    later = store.add_document("Kyiv: a different article imported later.")
    assert later.id == first.id + 1  # not the freed id
    store.undo("bob")  # the deleted one comes back, under its own id
    assert store.document(first.id).text == first.text
    assert store.spans(first.id) == [span]
    assert store.document(later.id).text == later.text


def test_a_deleted_revisions_id_is_not_given_again(store: Store, db_path: Path) -> None:
    a = store.add_document("First article about Kyiv.")
    b = store.add_document("Second article about Lviv.")
    store.replace_text(a.id, "First article about Kyiv, edited.", by="bob")
    store.undo("bob")  # its revision row is gone
    store.replace_text(b.id, "Second article about Lviv, edited.", by="alice")
    store.redo("bob")  # brings its revision back: its id was not taken by alice's
    assert store.document(a.id).text == "First article about Kyiv, edited."
    # bob's revision took id 1 and keeps it; alice's, made while it was undone, got 2
    assert [r[:2] for r in rows(db_path, "revisions")] == [(1, a.id), (2, b.id)]


def test_a_redo_into_a_deleted_document_is_refused(store: Store, db_path: Path) -> None:
    doc = store.add_document(TEXT)
    store.add_span(doc.id, 0, 11, "ACTOR", annotator="alice")
    store.undo("alice")
    store.delete_document(doc.id, by="bob")
    store.add_document("Olena Koval said nothing else today.")
    before = everything(db_path)
    with pytest.raises(HistoryConflictError, match=f"document {doc.id} was deleted since"):
        store.redo("alice")
    assert everything(db_path) == before
