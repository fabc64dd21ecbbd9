"""Undo and redo that would break what others did since are refused, changing
nothing; so is a link made twice.

Each case is a real database file; "nothing changed" is every document, span,
relation and event row read back through a separate connection (``everything``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from history_helpers import everything

from annotator import HistoryConflictError, InvalidRelationError, open_store
from annotator.adjudication import ACCEPT_A, ACCEPT_B, DecisionRequest

# "Zelensky said on Monday" 0..23, "Monday" 17..23, "Olena Koval" 29..40.
TEXT = "Zelensky said on Monday that Olena Koval reported nothing."


def refused(store, path: Path, who: str, direction: str, match: str) -> None:
    """``who``'s undo (or redo) is refused with ``match`` and leaves every row as it was."""
    before = everything(path)
    with pytest.raises(HistoryConflictError, match=match):
        getattr(store, direction)(who)
    assert everything(path) == before


def test_undoing_a_relabel_under_a_relation_added_since_is_refused(tmp_path: Path) -> None:
    # alice made "Monday" a DATE; bob dated his claim to it.  Undoing alice's relabel
    # would leave bob's DATED link pointing at an ACTOR, which the schema refuses.
    path = tmp_path / "r.db"
    with open_store(path) as store:
        doc = store.add_document(TEXT)
        monday = store.add_span(doc.id, 17, 23, "ACTOR", annotator="alice")
        store.update_span(monday.id, label="DATE")
        claim = store.add_span(doc.id, 0, 23, "CLAIM", annotator="bob")
        store.add_relation(doc.id, claim.id, monday.id, "DATED", annotator="bob")
        refused(store, path, "alice", "undo", "would link CLAIM to ACTOR, which DATED cannot")
        assert store.check() == []


def test_redoing_a_relabel_under_a_relation_added_since_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with open_store(path) as store:
        doc = store.add_document(TEXT)
        monday = store.add_span(doc.id, 17, 23, "DATE", annotator="alice")
        store.update_span(monday.id, label="ACTOR")
        store.undo("alice")  # a DATE again
        claim = store.add_span(doc.id, 0, 23, "CLAIM", annotator="bob")
        store.add_relation(doc.id, claim.id, monday.id, "DATED", annotator="bob")
        refused(store, path, "alice", "redo", "would link CLAIM to ACTOR, which DATED cannot")


def test_a_deleted_span_does_not_come_back_with_a_link_its_other_end_no_longer_fits(
    tmp_path: Path,
) -> None:
    path = tmp_path / "r.db"
    with open_store(path) as store:
        doc = store.add_document(TEXT)
        claim = store.add_span(doc.id, 0, 23, "CLAIM", annotator="alice")
        koval = store.add_span(doc.id, 29, 40, "ACTOR", annotator="alice")
        store.add_relation(doc.id, claim.id, koval.id, "ATTRIBUTED_TO", annotator="alice")
        store.delete_span(claim.id, by="bob")  # the relation goes with it
        store.update_span(koval.id, label="DATE", by="carol")
        refused(store, path, "bob", "undo", "would link CLAIM to DATE, which ATTRIBUTED_TO cannot")


def test_a_deleted_document_imported_again_since_does_not_come_back(tmp_path: Path) -> None:
    path = tmp_path / "u.db"
    with open_store(path) as store:
        first = store.add_document(TEXT, title="Talks")
        store.add_span(first.id, 0, 8, "ACTOR", annotator="alice")
        earlier = store.add_document("Another article.", title="Other")
        store.add_span(earlier.id, 0, 7, "CLAIM", annotator="bob")
        store.delete_document(first.id, by="bob")
        again = store.add_document(TEXT, title="Talks")
        again_as = f"was imported again since, as document {again.id}: it cannot come back"
        refused(store, path, "bob", "undo", again_as)
        assert store.skip_undo("bob") is not None  # and undo goes on with the step before
        assert store.undo("bob") is not None
        assert store.spans(earlier.id) == []


def test_one_reviewers_undo_keeps_a_gold_span_another_reviewer_accepted_since(
    tmp_path: Path,
) -> None:
    # lead accepts alice's claim; lead2 accepts carol's, the same span: one gold span
    # serves both decisions.  lead's undo must not take it from under lead2's.
    path = tmp_path / "s.db"
    with open_store(path) as store:
        doc = store.add_document(TEXT)
        a, b, c = (store.add_span(doc.id, 0, 23, "CLAIM", annotator=n)
                   for n in ("alice", "bob", "carol"))  # fmt: skip
        store.adjudicate(doc.id, [DecisionRequest(a.id, b.id, ACCEPT_A)], by="lead")
        store.adjudicate(doc.id, [DecisionRequest(a.id, c.id, ACCEPT_B)], by="lead2")
        (gold,) = store.spans(doc.id, annotator="gold")
        refused(store, path, "lead", "undo",
                f"gold span {gold.id} is used by review decision .* of lead2 since")  # fmt: skip
        assert store.undo("lead2") is not None  # lead2's decision keeps its own span...
        assert [s.id for s in store.spans(doc.id, annotator="gold")] == [gold.id]
        assert store.undo("lead") is not None  # ...until lead2's decision is gone
        assert store.spans(doc.id, annotator="gold") == []
        assert store.check() == []


def test_the_same_link_twice_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "l.db"
    with open_store(path) as store:
        doc = store.add_document(TEXT)
        claim = store.add_span(doc.id, 0, 23, "CLAIM", annotator="alice").id
        actor = store.add_span(doc.id, 29, 40, "ACTOR", annotator="alice").id
        store.add_relation(doc.id, claim, actor, "ATTRIBUTED_TO", annotator="alice")
        before = everything(path)
        with pytest.raises(InvalidRelationError, match="alice has linked these two spans by"
                           " ATTRIBUTED_TO already: nothing to do"):  # fmt: skip
            store.add_relation(doc.id, claim, actor, "ATTRIBUTED_TO", annotator="alice")
        assert everything(path) == before
        store.add_relation(doc.id, claim, actor, "ATTRIBUTED_TO", annotator="bob")  # his own
