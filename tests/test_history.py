"""Undo and redo: the pure stack functions, then every action through the store.

The pure functions are checked on hand-written event sequences and, with
hypothesis, against a plain two-stack model of undo/redo.  Through the store,
every database is a real file; "changed nothing" is checked by reading every
row with a separate sqlite3 connection.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from history_helpers import TEXT, check_undo_redo, data, everything, rows
from hypothesis import given
from hypothesis import strategies as st

from annotator import HistoryConflictError, HistoryEntry, Store, open_store
from annotator.history import redo_target, undo_target

# -- the pure functions ------------------------------------------------------------------


def newest_first(*events: tuple[int, str, int | None]) -> list[tuple[int, str, int | None]]:
    """Events are written oldest first below, as they happen; the functions read back."""
    return list(reversed(events))


A = (1, "add_span", None)
B = (2, "update_span", None)


@pytest.mark.parametrize(
    ("events", "undo", "redo"),
    [
        ([], None, None),
        ([A], 1, None),
        ([A, B], 2, None),
        ([A, B, (3, "undo", 2)], 1, 2),
        ([A, B, (3, "undo", 2), (4, "undo", 1)], None, 1),
        ([A, B, (3, "undo", 2), (4, "redo", 2)], 2, None),
        ([A, B, (3, "undo", 2), (4, "undo", 1), (5, "redo", 1)], 1, 2),
        ([A, B, (3, "undo", 2), (4, "undo", 1), (5, "redo", 1), (6, "redo", 2)], 2, None),
        # A new change empties the redo stack.
        ([A, B, (3, "undo", 2), (4, "delete_span", None)], 4, None),
        ([A, B, (3, "undo", 2), (4, "add_relation", None), (5, "undo", 4)], 1, 4),
        # Undo past the start: nothing more to undo (extra undo events are not written,
        # but a sequence that has them still answers None).
        ([A, (2, "undo", 1)], None, 1),
        ([A, (2, "undo", 1), (3, "redo", 1), (4, "undo", 1)], None, 1),
        # Actions that are not undoable (documents) are ignored.
        ([(1, "add_document", None), (2, "add_span", None), (3, "undo", 2)], None, 2),
        # A skipped change is passed over by undo and, like a new change, leaves
        # nothing to redo; undos after it go on as usual.
        ([A, B, (3, "skip", 2)], 1, None),
        ([A, B, (3, "undo", 2), (4, "skip", 1)], None, None),
        ([A, B, (3, "skip", 2), (4, "undo", 1)], None, 1),
        ([A, B, (3, "skip", 2), (4, "undo", 1), (5, "redo", 1)], 1, None),
    ],
)
def test_undo_and_redo_targets_of_hand_written_sequences(
    events: list[tuple[int, str, int | None]], undo: int | None, redo: int | None
) -> None:
    assert undo_target(newest_first(*events)) == undo
    assert redo_target(newest_first(*events)) == redo


def test_a_redone_change_is_undone_again_by_its_original_id() -> None:
    events = [A, B, (3, "undo", 2), (4, "redo", 2)]
    assert undo_target(newest_first(*events)) == 2
    events.append((5, "undo", 2))
    assert undo_target(newest_first(*events)) == 1
    assert redo_target(newest_first(*events)) == 2


class TwoStacks:
    """The textbook model: an undo stack and a redo stack of change ids."""

    def __init__(self) -> None:
        self.events: list[tuple[int, str, int | None]] = []
        self.undo_stack: list[int] = []
        self.redo_stack: list[int] = []

    def _append(self, action: str, ref: int | None) -> int:
        self.events.append((len(self.events) + 1, action, ref))
        return len(self.events)

    def change(self) -> None:
        self.undo_stack.append(self._append("update_span", None))
        self.redo_stack.clear()

    def undo(self) -> None:
        if self.undo_stack:
            target = self.undo_stack.pop()
            self._append("undo", target)
            self.redo_stack.append(target)

    def redo(self) -> None:
        if self.redo_stack:
            target = self.redo_stack.pop()
            self._append("redo", target)
            self.undo_stack.append(target)


@given(st.lists(st.sampled_from(["change", "undo", "redo"]), max_size=60))
def test_targets_agree_with_a_two_stack_model(steps: list[str]) -> None:
    model = TwoStacks()
    for step in steps:
        getattr(model, step)()
        events = list(reversed(model.events))
        assert undo_target(events) == (model.undo_stack[-1] if model.undo_stack else None)
        assert redo_target(events) == (model.redo_stack[-1] if model.redo_stack else None)


# -- through the store ---------------------------------------------------------------


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(TEXT).id


def test_undo_redo_add_span(store: Store, doc_id: int, db_path: Path) -> None:
    before = data(db_path)
    span = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice", note="n")
    check_undo_redo(store, db_path, "alice", before, data(db_path))
    store.redo("alice")
    assert store.spans(doc_id) == [span]  # same id, same time stamps


def test_undo_of_add_spans_is_one_step(store: Store, doc_id: int, db_path: Path) -> None:
    store.add_span(doc_id, 36, 45, "DATE", annotator="alice")
    one = data(db_path)
    store.add_spans(doc_id, [
        {"start": 0, "end": 11, "label": "ACTOR", "annotator": "alice"},
        {"start": 17, "end": 35, "label": "CLAIM", "annotator": "alice"},
        {"start": 39, "end": 45, "label": "DATE", "annotator": "alice"},
    ])  # fmt: skip
    assert len(rows(db_path, "spans")) == 4
    check_undo_redo(store, db_path, "alice", one, data(db_path))
    assert [s.text for s in store.spans(doc_id)] == ["on Friday"]


def test_add_spans_by_a_named_run_is_undone_by_that_name(
    store: Store, doc_id: int, db_path: Path
) -> None:
    before = data(db_path)
    store.add_spans(doc_id, [
        {"start": 0, "end": 11, "label": "ACTOR", "annotator": "model", "origin": "model"},
        {"start": 39, "end": 45, "label": "DATE", "annotator": "model", "origin": "model"},
    ], by="tagger-run-7")  # fmt: skip
    assert store.undo("model") is None  # the step belongs to the run, not the layer
    check_undo_redo(store, db_path, "tagger-run-7", before, data(db_path))


def test_undo_redo_update_span(store: Store, doc_id: int, db_path: Path) -> None:
    span = store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice", note="old",
                          attributes={"k": 1})  # fmt: skip
    before = data(db_path)
    store.update_span(span.id, end=11, label="ACTOR", note=None, attributes={"k": 2})
    assert store.span(span.id).text == "Olena Koval"
    check_undo_redo(store, db_path, "alice", before, data(db_path))
    restored = store.span(span.id)
    assert (restored.text, restored.note, restored.attributes) == ("Olena", "old", {"k": 1})


def test_undo_delete_span_restores_its_relations(store: Store, doc_id: int, db_path: Path) -> None:
    claim = store.add_span(doc_id, 17, 35, "CLAIM", annotator="alice")
    actor = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    date = store.add_span(doc_id, 36, 45, "DATE", annotator="bob")
    store.add_relation(doc_id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    store.add_relation(doc_id, claim.id, date.id, "DATED", annotator="bob")  # bob's link
    before = data(db_path)
    store.delete_span(claim.id)
    assert rows(db_path, "relations") == []
    check_undo_redo(store, db_path, "alice", before, data(db_path))
    assert len(store.relations(doc_id)) == 2


def test_undo_redo_add_relation(store: Store, doc_id: int, db_path: Path) -> None:
    claim = store.add_span(doc_id, 17, 35, "CLAIM", annotator="alice")
    actor = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    before = data(db_path)
    store.add_relation(doc_id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    check_undo_redo(store, db_path, "alice", before, data(db_path))
    assert len(rows(db_path, "spans")) == 2  # only the relation went


def test_undo_redo_delete_relation(store: Store, doc_id: int, db_path: Path) -> None:
    claim = store.add_span(doc_id, 17, 35, "CLAIM", annotator="alice")
    actor = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    rel = store.add_relation(doc_id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    before = data(db_path)
    store.delete_relation(rel.id)
    check_undo_redo(store, db_path, "alice", before, data(db_path))
    assert store.relations(doc_id) == [rel]


def test_undo_walks_back_step_by_step_and_stops_at_the_start(
    store: Store, doc_id: int, db_path: Path
) -> None:
    states = [data(db_path)]
    span = store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice")
    states.append(data(db_path))
    store.update_span(span.id, end=11)
    states.append(data(db_path))
    store.update_span(span.id, note="the mayor")
    states.append(data(db_path))
    for expected in reversed(states[:-1]):
        assert store.undo("alice") is not None
        assert data(db_path) == expected
    assert store.undo("alice") is None
    assert store.undo("alice") is None  # still nothing, and nothing written
    for expected in states[1:]:
        assert store.redo("alice") is not None
        assert data(db_path) == expected
    assert store.redo("alice") is None


def test_undo_returns_the_reverted_change(store: Store, doc_id: int) -> None:
    span = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    entry = store.undo("alice")
    assert isinstance(entry, HistoryEntry)
    assert (entry.action, entry.annotator, entry.target, entry.document_id) == (
        "add_span", "alice", span.id, doc_id,
    )  # fmt: skip
    assert entry.before == {} and entry.after["spans"][0]["id"] == span.id


def test_a_new_change_clears_the_redo_stack(store: Store, doc_id: int) -> None:
    store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    store.undo("alice")
    store.add_span(doc_id, 36, 45, "DATE", annotator="alice")
    assert store.redo("alice") is None
    assert [s.text for s in store.spans(doc_id)] == ["on Friday"]


def test_undo_is_per_analyst(store: Store, doc_id: int) -> None:
    alice = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    bob_1 = store.add_span(doc_id, 17, 35, "CLAIM", annotator="bob")
    alice_2 = store.add_span(doc_id, 36, 45, "DATE", annotator="alice")
    store.add_span(doc_id, 0, 5, "ACTOR", annotator="bob")

    store.undo("bob")
    store.undo("bob")
    assert {s.id for s in store.spans(doc_id)} == {alice.id, alice_2.id}
    assert store.undo("bob") is None
    assert store.undo("carol") is None
    store.undo("alice")
    assert [s.id for s in store.spans(doc_id)] == [alice.id]
    store.redo("bob")
    assert [s.id for s in store.spans(doc_id)] == [alice.id, bob_1.id]


def test_undo_survives_closing_and_reopening(db_path: Path) -> None:
    with open_store(db_path) as store:
        doc = store.add_document(TEXT)
        span = store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice")
        store.update_span(span.id, end=11)
    with open_store(db_path) as store:
        store.undo("alice")
        assert store.span(span.id).text == "Olena"
    with open_store(db_path) as store:
        store.undo("alice")
        assert store.spans(doc.id) == []
    with open_store(db_path) as store:
        store.redo("alice")
        store.redo("alice")
        assert store.span(span.id).text == "Olena Koval"
        assert store.redo("alice") is None


def test_events_are_append_only(store: Store, doc_id: int, db_path: Path) -> None:
    store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    before = rows(db_path, "events")
    with closing(sqlite3.connect(db_path)) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE events SET annotator = 'mallory'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM events")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.conn.execute("DELETE FROM events WHERE id = 1")
    assert rows(db_path, "events") == before


def test_conflict_when_someone_else_changed_the_span(
    store: Store, doc_id: int, db_path: Path
) -> None:
    span = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    store.update_span(span.id, label="CLAIM", by="lead")
    before = everything(db_path)
    with pytest.raises(HistoryConflictError) as info:
        store.undo("alice")
    assert span.id in str(info.value) and "\n" not in str(info.value)
    assert everything(db_path) == before
    # The lead's own undo is not blocked, and then alice's undo applies.
    store.undo("lead")
    assert store.span(span.id).label == "ACTOR"
    store.undo("alice")
    assert store.spans(doc_id) == []


def test_a_conflicting_undo_can_be_skipped_to_reach_the_one_before(
    store: Store, doc_id: int, db_path: Path
) -> None:
    first = store.add_span(doc_id, 17, 35, "CLAIM", annotator="alice")
    span = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    store.update_span(span.id, label="CLAIM", by="lead")  # alice's last step now conflicts
    with pytest.raises(HistoryConflictError):
        store.undo("alice")
    spans_before = rows(db_path, "spans")
    skipped = store.skip_undo("alice")
    assert skipped is not None and skipped.action == "add_span" and skipped.target == span.id
    assert rows(db_path, "spans") == spans_before  # skipping changes no data
    assert store.undo("alice").target == first.id  # type: ignore[union-attr]
    assert [s.id for s in store.spans(doc_id)] == [span.id]  # the lead's CLAIM stays
    assert store.redo("alice").target == first.id  # type: ignore[union-attr]
    assert store.redo("alice") is None  # the skipped step is not redone
    assert store.skip_undo("nobody") is None


def test_conflict_when_someone_else_linked_the_span(
    store: Store, doc_id: int, db_path: Path
) -> None:
    actor = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    claim = store.add_span(doc_id, 17, 35, "CLAIM", annotator="bob")
    store.add_relation(doc_id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="bob")
    before = everything(db_path)
    with pytest.raises(HistoryConflictError, match="relation"):
        store.undo("alice")
    assert everything(db_path) == before


def test_conflict_when_a_relation_lost_its_span(store: Store, doc_id: int, db_path: Path) -> None:
    claim = store.add_span(doc_id, 17, 35, "CLAIM", annotator="alice")
    actor = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    store.add_relation(doc_id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    store.undo("alice")  # the relation is gone, ready to be redone
    store.delete_span(actor.id, by="bob")
    before = everything(db_path)
    with pytest.raises(HistoryConflictError, match=actor.id):
        store.redo("alice")
    assert everything(db_path) == before


def test_conflict_undoing_a_relation_delete_after_its_span_went(
    store: Store, doc_id: int, db_path: Path
) -> None:
    claim = store.add_span(doc_id, 17, 35, "CLAIM", annotator="alice")
    date = store.add_span(doc_id, 36, 45, "DATE", annotator="alice")
    rel = store.add_relation(doc_id, claim.id, date.id, "DATED", annotator="alice")
    store.delete_relation(rel.id)
    store.delete_span(date.id, by="bob")
    before = everything(db_path)
    with pytest.raises(HistoryConflictError):
        store.undo("alice")
    assert everything(db_path) == before


def test_history_lists_events_newest_first(store: Store, doc_id: int) -> None:
    other = store.add_document("Another article about Velmora.")
    span = store.add_span(doc_id, 0, 11, "ACTOR", annotator="alice")
    store.update_span(span.id, note="mayor", by="bob")
    store.add_span(other.id, 22, 29, "ACTOR", annotator="bob")  # "Velmora"
    store.undo("bob")

    entries = store.history()
    assert [(e.action, e.annotator) for e in entries] == [
        ("undo", "bob"), ("add_span", "bob"), ("update_span", "bob"), ("add_span", "alice"),
        ("add_document", "import"), ("add_document", "import"),
    ]  # fmt: skip
    ids = [e.id for e in entries]
    assert ids == sorted(ids, reverse=True)
    assert entries[0].ref == entries[1].id
    update = entries[2]
    assert update.before["spans"][0]["note"] is None
    assert update.after["spans"][0]["note"] == "mayor"
    assert all(e.at.endswith("Z") for e in entries)

    assert [e.action for e in store.history(document_id=doc_id)] == [
        "update_span", "add_span", "add_document",
    ]  # fmt: skip
    assert [e.action for e in store.history(limit=2)] == ["undo", "add_span"]
