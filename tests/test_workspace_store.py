"""The store side of the workspace: done marks, rename, delete, next unfinished."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from annotator import NotFoundError, open_store
from annotator.errors import InvalidSpanError
from annotator.store import Store

TEXT = "Mayor Ana Ruiz said the bridge reopens on Monday."


def table(db: Path, name: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "w.db") as s:
        yield s


def three_documents(store: Store) -> list[int]:
    return [store.add_document(f"Article number {n}.", title=f"A{n}").id for n in (1, 2, 3)]


def test_done_is_a_toggle_per_analyst(store: Store) -> None:
    a, b, c = three_documents(store)
    store.add_span(b, 0, 7, "ACTOR", annotator="alice")
    store.set_done(c, "alice")
    states = {d.id: d.state("alice") for d in store.documents()}
    assert states == {a: "not_started", b: "in_progress", c: "done"}
    assert {d.id: d.state("bob") for d in store.documents()} == {
        a: "not_started", b: "not_started", c: "not_started"
    }  # fmt: skip
    store.set_done(c, "alice", False)
    assert [d.done_by for d in store.documents()] == [frozenset()] * 3
    # Toggling is history: alice's undo puts the mark back, a second undo removes it.
    store.undo("alice")
    assert store.documents()[2].done_by == frozenset({"alice"})
    store.undo("alice")
    assert store.documents()[2].done_by == frozenset()


def test_setting_the_same_mark_twice_records_one_event(store: Store, tmp_path: Path) -> None:
    (a, _, _) = three_documents(store)
    store.set_done(a, "alice")
    store.set_done(a, "alice")
    actions = [row[3] for row in table(tmp_path / "w.db", "events")]
    assert actions.count("set_done") == 1


def test_next_unfinished_wraps_round(store: Store) -> None:
    a, b, c = three_documents(store)
    store.set_done(b, "alice")
    assert store.next_unfinished("alice") == a
    assert store.next_unfinished("alice", after=a) == c  # b is done
    assert store.next_unfinished("alice", after=c) == a  # wraps
    store.set_done(a, "alice")
    store.set_done(c, "alice")
    assert store.next_unfinished("alice", after=c) is None
    assert store.next_unfinished("bob", after=c) == a


def test_rename_and_undo(store: Store) -> None:
    a, _, _ = three_documents(store)
    store.rename_document(a, "  Bridge reopens ", by="alice")
    assert store.document(a).title == "Bridge reopens"
    store.undo("alice")
    assert store.document(a).title == "A1"
    store.redo("alice")
    assert store.document(a).title == "Bridge reopens"
    with pytest.raises(InvalidSpanError):
        store.rename_document(a, "   ", by="alice")
    with pytest.raises(NotFoundError):
        store.rename_document(99, "x", by="alice")


def test_delete_document_and_undo_restores_every_row(store: Store, tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    doc = store.add_document(TEXT, title="Bridge", meta={"k": "v"})
    other = store.add_document("Another article.", title="Other")
    actor = store.add_span(doc.id, 6, 14, "ACTOR", annotator="alice", note="the mayor")
    claim = store.add_span(doc.id, 20, 48, "CLAIM", annotator="bob", attributes={"x": 1})
    store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="bob")
    store.set_done(doc.id, "bob")
    before = {t: table(db, t) for t in ("documents", "spans", "relations", "document_status")}

    store.delete_document(doc.id, by="lead")
    assert [d.id for d in store.documents()] == [other.id]
    assert table(db, "spans") == [] and table(db, "relations") == []
    assert table(db, "document_status") == []

    store.undo("lead")
    after = {t: table(db, t) for t in ("documents", "spans", "relations", "document_status")}
    assert after == before
    store.redo("lead")
    assert [d.id for d in store.documents()] == [other.id]


def test_undoing_a_span_update_keeps_its_relations(store: Store) -> None:
    doc = store.add_document(TEXT)
    actor = store.add_span(doc.id, 6, 14, "ACTOR", annotator="alice")
    claim = store.add_span(doc.id, 20, 48, "CLAIM", annotator="alice")
    relation = store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    store.update_span(actor.id, note="checked", by="bob")
    store.undo("bob")
    assert store.span(actor.id).note is None
    assert [r.id for r in store.relations(doc.id)] == [relation.id]
