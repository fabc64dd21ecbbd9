"""Relations in adjudication: decided after their ends, carried into gold, undoable.

Text (code points, counted by hand): Mayor 0..5, Olena Koval 6..17, said 18..22,
3 May 26..31, that 32..36, "the bridge will reopen" 37..59.  Alice and Bob both
tag Mayor, Olena Koval (ACTOR), 3 May (DATE) and the claim 37..59 alike (four
span matches); Alice alone tags "said" (CLAIM), Bob alone "that" (DATE).
The schema adds DISPUTED_BY (CLAIM -> ACTOR) to the default one.

Relations: both link claim -> Koval ATTRIBUTED_TO (a match); claim -> Mayor is
ATTRIBUTED_TO for Alice, DISPUTED_BY for Bob (a type mismatch); Alice alone
links said -> Koval ATTRIBUTED_TO (only A: "said" is her span alone) and
claim -> 3 May DATED (only A: Bob did not link it); Bob alone links
claim -> that DATED (only B).  Span rows by position: Mayor, Koval, said,
3 May, that, claim (0..5); relation rows follow (6..10), matches first, then
type mismatches, then A's alone by type (ATTRIBUTED_TO before DATED), then B's.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from adjudication_helpers import accept_matches

import annotator.cli_review  # noqa: F401  (registers the review commands)
from annotator import HistoryConflictError, NotFoundError, Store, open_store
from annotator.adjudication import (
    ACCEPT_A,
    ACCEPT_B,
    ACCEPT_BOTH,
    EDIT,
    REJECT,
    UNDECIDE,
    AdjudicationError,
    DecisionRequest,
    ReviewSession,
    agreement_csv_rows,
)
from annotator.agreement import agreement
from annotator.relation_adjudication import RelationRequest, plan_relations
from annotator.resources import schema_file

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
LEAD = "lead"
SPANS = {  # id: (analyst, label, start, end)
    "a_mayor": ("alice", "ACTOR", 0, 5), "a_koval": ("alice", "ACTOR", 6, 17),
    "a_said": ("alice", "CLAIM", 18, 22), "a_date": ("alice", "DATE", 26, 31),
    "a_claim": ("alice", "CLAIM", 37, 59),
    "b_mayor": ("bob", "ACTOR", 0, 5), "b_koval": ("bob", "ACTOR", 6, 17),
    "b_date": ("bob", "DATE", 26, 31), "b_that": ("bob", "DATE", 32, 36),
    "b_claim": ("bob", "CLAIM", 37, 59),
}  # fmt: skip
RELATIONS = {  # name: (analyst, from, to, type)
    "ra_koval": ("alice", "a_claim", "a_koval", "ATTRIBUTED_TO"),
    "rb_koval": ("bob", "b_claim", "b_koval", "ATTRIBUTED_TO"),
    "ra_mayor": ("alice", "a_claim", "a_mayor", "ATTRIBUTED_TO"),
    "rb_mayor": ("bob", "b_claim", "b_mayor", "DISPUTED_BY"),
    "ra_said": ("alice", "a_said", "a_koval", "ATTRIBUTED_TO"),
    "ra_date": ("alice", "a_claim", "a_date", "DATED"),
    "rb_that": ("bob", "b_claim", "b_that", "DATED"),
}
CLAIM = "the bridge will reopen"
# The relation rows of the session, by hand.
MATCH_ROW, MISMATCH_ROW, SAID_ROW, DATE_ROW, THAT_ROW = 6, 7, 8, 9, 10


def schema() -> dict[str, Any]:
    body = json.loads(schema_file("default.json").read_text(encoding="utf-8"))
    body["relations"].append({"type": "DISPUTED_BY", "from": "CLAIM", "to": "ACTOR",
                              "description": "The actor disputes the claim."})  # fmt: skip
    return body


@pytest.fixture
def store(db_path: Path) -> Any:
    with open_store(db_path, schema=schema()) as opened:
        yield opened


@pytest.fixture
def doc_id(store: Store) -> int:
    doc = store.add_document(TEXT, title="Bridge")
    store.add_spans(doc.id, [
        {"id": span_id, "label": label, "start": s, "end": e, "annotator": who}
        for span_id, (who, label, s, e) in SPANS.items()
    ])  # fmt: skip
    return doc.id


@pytest.fixture
def rel(store: Store, doc_id: int) -> dict[str, str]:
    """The relations' ids by name."""
    return {
        name: store.add_relation(doc_id, f, t, kind, annotator=who).id
        for name, (who, f, t, kind) in RELATIONS.items()
    }


def accept(store: Store, doc_id: int, *pairs: tuple[str | None, str | None]) -> None:
    for a, b in pairs:
        store.adjudicate(doc_id, [DecisionRequest(a, b, ACCEPT_BOTH)], by=LEAD)


def decide(store: Store, doc_id: int, a: str | None, b: str | None, decision: str | None,
           **options: Any) -> Any:  # fmt: skip
    request = RelationRequest(a, b, decision, **options)
    return store.adjudicate_relations(doc_id, [request], by=LEAD)[0]


def gold_relations(store: Store, doc_id: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(type, text of the from span, text of the to span, attributes), sorted."""
    spans = {s.id: s for s in store.spans(doc_id, annotator="gold")}
    return sorted(
        (r.type, spans[r.from_span].text, spans[r.to_span].text, r.attributes)
        for r in store.relations(doc_id, annotator="gold")
    )


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def count(path: Path, table: str) -> int:
    return rows(path, f"SELECT count(*) FROM {table}")[0][0]


# -- deciding --------------------------------------------------------------------------------


def test_a_relation_needs_both_ends_in_gold_first(store, doc_id, rel, db_path):
    events = count(db_path, "events")
    with pytest.raises(AdjudicationError) as info:
        decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], ACCEPT_A)
    assert str(info.value) == (
        f"the relation's ends CLAIM “{CLAIM}” and ACTOR “Olena Koval” are not in gold yet:"
        " accept both ends first"
    )
    accept(store, doc_id, ("a_claim", "b_claim"))
    with pytest.raises(AdjudicationError) as info:
        decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], ACCEPT_A)
    assert str(info.value) == (
        "the relation's end ACTOR “Olena Koval” is not in gold yet: accept both ends first"
    )
    assert count(db_path, "events") == events + 1  # the claim only: refusals write nothing
    assert count(db_path, "relation_decisions") == 0
    assert gold_relations(store, doc_id) == []

    accept(store, doc_id, ("a_koval", "b_koval"))
    decision = decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], ACCEPT_A)
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", CLAIM, "Olena Koval", {"source": "alice+bob"}),
    ]
    (only,) = store.relations(doc_id, annotator="gold")
    assert (decision.decision, decision.by, decision.gold_relations) == (ACCEPT_A, LEAD, (only.id,))
    assert (decision.a_relation, decision.b_relation) == (rel["ra_koval"], rel["rb_koval"])
    assert store.check() == []


def test_a_type_mismatch_takes_as_or_bs_type_or_both(store, doc_id, rel, db_path):
    accept(store, doc_id, ("a_claim", "b_claim"), ("a_mayor", "b_mayor"))
    pair = (rel["ra_mayor"], rel["rb_mayor"])
    decide(store, doc_id, *pair, ACCEPT_A)
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", CLAIM, "Mayor", {"source": "alice"}),
    ]
    decide(store, doc_id, *pair, ACCEPT_B)  # changed its mind: B's type replaces A's
    assert gold_relations(store, doc_id) == [("DISPUTED_BY", CLAIM, "Mayor", {"source": "bob"})]
    decide(store, doc_id, *pair, ACCEPT_BOTH)
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", CLAIM, "Mayor", {"source": "alice"}),
        ("DISPUTED_BY", CLAIM, "Mayor", {"source": "bob"}),
    ]
    decide(store, doc_id, *pair, REJECT)
    assert gold_relations(store, doc_id) == []
    assert rows(db_path, "SELECT decision, gold_relation FROM relation_decisions") == [
        ("reject", None),
    ]  # one row per pair, re-decided each time


def test_a_lone_relation_is_accepted_from_its_side_only(store, doc_id, rel):
    accept(store, doc_id, ("a_said", None), ("a_koval", "b_koval"), (None, "b_that"),
           ("a_claim", "b_claim"))  # fmt: skip
    with pytest.raises(AdjudicationError, match="^this relation is only in layer A: accept A's"):
        decide(store, doc_id, rel["ra_said"], None, ACCEPT_B)
    with pytest.raises(AdjudicationError, match="^this relation is only in layer B: accept B's"):
        decide(store, doc_id, None, rel["rb_that"], ACCEPT_A)
    decide(store, doc_id, rel["ra_said"], None, ACCEPT_BOTH)
    decide(store, doc_id, None, rel["rb_that"], ACCEPT_B)
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", "said", "Olena Koval", {"source": "alice"}),
        ("DATED", CLAIM, "that", {"source": "bob"}),
    ]


def test_reject_records_the_decision_and_no_relation(store, doc_id, rel, db_path):
    decision = decide(store, doc_id, rel["ra_date"], None, REJECT, comment="no date in it")
    assert (decision.decision, decision.comment, decision.gold_relations) == (
        REJECT, "no date in it", ())  # fmt: skip
    assert gold_relations(store, doc_id) == []
    assert rows(db_path, "SELECT a_relation, b_relation, decision FROM relation_decisions") == [
        (rel["ra_date"], None, "reject"),
    ]


def test_refusals_say_what_to_do(store, doc_id, rel):
    with pytest.raises(AdjudicationError, match="^a relation has no boundaries to edit"):
        decide(store, doc_id, rel["ra_date"], None, EDIT)
    with pytest.raises(AdjudicationError, match="^a relation decision needs a relation of layer"):
        decide(store, doc_id, None, None, REJECT)
    with pytest.raises(AdjudicationError, match="^unknown decision 'approve' for a relation"):
        decide(store, doc_id, rel["ra_date"], None, "approve")
    gold_actor = store.add_span(doc_id, 12, 17, "ACTOR", annotator="gold")
    gold_claim = store.add_span(doc_id, 18, 22, "CLAIM", annotator="gold")
    own = store.add_relation(doc_id, gold_claim.id, gold_actor.id, "ATTRIBUTED_TO",
                             annotator="gold")  # fmt: skip
    with pytest.raises(AdjudicationError, match="is in the gold layer 'gold' itself"):
        decide(store, doc_id, own.id, None, ACCEPT_A)
    with pytest.raises(NotFoundError, match="^there is no relation nope: compare the layers"):
        decide(store, doc_id, "nope", None, ACCEPT_A)


def test_an_edited_end_carries_the_relation_to_the_edited_span(store, doc_id, rel):
    # The reviewer keeps "bridge will reopen" (41..59) of the claim: neither analyst's.
    store.adjudicate(doc_id, [DecisionRequest("a_claim", "b_claim", EDIT, start=41, end=59,
                                              label="CLAIM")], by=LEAD)  # fmt: skip
    accept(store, doc_id, ("a_koval", "b_koval"))
    decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], ACCEPT_B)
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", "bridge will reopen", "Olena Koval", {"source": "alice+bob"}),
    ]


def test_a_relation_drawn_by_hand_in_gold_is_reused_and_kept(store, doc_id, rel):
    accept(store, doc_id, ("a_claim", "b_claim"), ("a_koval", "b_koval"))
    spans = {s.text: s.id for s in store.spans(doc_id, annotator="gold")}
    by_hand = store.add_relation(doc_id, spans[CLAIM], spans["Olena Koval"], "ATTRIBUTED_TO",
                                 annotator="gold")  # fmt: skip
    decision = decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], ACCEPT_BOTH)
    assert decision.gold_relations == (by_hand.id,)
    decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], REJECT)
    assert [r.id for r in store.relations(doc_id, annotator="gold")] == [by_hand.id]
    assert gold_relations(store, doc_id) == [("ATTRIBUTED_TO", CLAIM, "Olena Koval", {})]


# -- undo, redo, the history, a restart ------------------------------------------------------


def test_each_relation_decision_is_one_undo_step(store, doc_id, rel, db_path):
    accept(store, doc_id, ("a_claim", "b_claim"), ("a_mayor", "b_mayor"))
    decide(store, doc_id, rel["ra_mayor"], rel["rb_mayor"], ACCEPT_B, comment="disputed")
    decided = rows(db_path, "SELECT * FROM relation_decisions")
    event = store.history(limit=1)[0]
    assert (event.action, event.annotator, event.target) == ("adjudicate", LEAD, decided[0][0])
    assert [r["type"] for r in event.after["relations"]] == ["DISPUTED_BY"]
    assert event.before == {}
    assert store.undo(LEAD).id == event.id
    assert gold_relations(store, doc_id) == []
    assert count(db_path, "relation_decisions") == 0
    assert len(store.spans(doc_id, annotator="gold")) == 2  # the spans' own steps stay
    store.redo(LEAD)
    assert gold_relations(store, doc_id) == [("DISPUTED_BY", CLAIM, "Mayor", {"source": "bob"})]
    assert rows(db_path, "SELECT * FROM relation_decisions") == decided  # the very same row


def test_decisions_survive_a_restart(db_path, doc_id, rel, store):
    accept(store, doc_id, ("a_claim", "b_claim"), ("a_mayor", "b_mayor"))
    decide(store, doc_id, rel["ra_mayor"], rel["rb_mayor"], ACCEPT_A)
    store.close()
    with open_store(db_path) as reopened:
        session = ReviewSession.load(reopened, doc_id, "alice", "bob", reviewer=LEAD)
        decision = session.decision_at(MISMATCH_ROW)
        assert (decision.decision, decision.by) == (ACCEPT_A, LEAD)
        assert [(r.type, r.attributes) for r in session.gold_relations_at(MISMATCH_ROW)] == [
            ("ATTRIBUTED_TO", {"source": "alice"}),
        ]
        assert session.relation_progress() == (1, 5, 1)
        reopened.undo(LEAD)  # the history survived too
        assert gold_relations(reopened, doc_id) == []


def test_a_span_decision_takes_its_relations_and_their_decisions_along(store, doc_id, rel,
                                                                        db_path):  # fmt: skip
    accept(store, doc_id, ("a_claim", "b_claim"), ("a_koval", "b_koval"))
    decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], ACCEPT_BOTH)
    before = {t: rows(db_path, f"SELECT * FROM {t} ORDER BY id")
              for t in ("spans", "relations", "relation_decisions")}  # fmt: skip
    store.adjudicate(doc_id, [DecisionRequest("a_claim", "b_claim", REJECT)], by=LEAD)
    assert [s.text for s in store.spans(doc_id, annotator="gold")] == ["Olena Koval"]
    assert gold_relations(store, doc_id) == []
    assert count(db_path, "relation_decisions") == 0  # no decision points at a lost relation
    assert store.check() == []
    store.undo(LEAD)  # the claim, its relation and the relation's decision come back
    assert {t: rows(db_path, f"SELECT * FROM {t} ORDER BY id") for t in before} == before
    store.redo(LEAD)
    assert gold_relations(store, doc_id) == [] and count(db_path, "relation_decisions") == 0
    assert store.check() == []


def test_undo_of_an_end_linked_since_by_another_reviewer_is_refused(store, doc_id, rel,
                                                                    db_path):  # fmt: skip
    accept(store, doc_id, ("a_claim", "b_claim"), ("a_koval", "b_koval"))
    store.adjudicate_relations(doc_id, [RelationRequest(rel["ra_koval"], rel["rb_koval"],
                                                        ACCEPT_A)], by="chief")  # fmt: skip
    with pytest.raises(HistoryConflictError, match="is linked by relation .* delete it first"):
        store.undo(LEAD)  # Koval's acceptance: chief's relation uses that gold span
    assert len(store.spans(doc_id, annotator="gold")) == 2  # nothing moved
    assert len(gold_relations(store, doc_id)) == 1
    store.undo("chief")
    assert store.undo(LEAD) is not None
    assert [s.text for s in store.spans(doc_id, annotator="gold")] == [CLAIM]
    assert count(db_path, "relation_decisions") == 0


# -- accept all matches ----------------------------------------------------------------------


def test_accept_all_matches_carries_matching_relations(store, doc_id, rel, db_path):
    session = ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD)
    events = count(db_path, "events")
    assert session.accept_all() == (4, 1)  # Mayor, Koval, 3 May, the claim; claim -> Koval
    assert count(db_path, "events") == events + 1  # one step for all
    event = store.history(limit=1)[0]
    assert event.target == "4 pairs, 1 relation"
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", CLAIM, "Olena Koval", {"source": "alice+bob"}),
    ]
    assert session.relation_progress() == (1, 5, 1)
    assert session.accept_all() == (0, 0)  # nothing twice
    store.undo(LEAD)
    assert gold_relations(store, doc_id) == []
    assert store.spans(doc_id, annotator="gold") == []
    assert count(db_path, "relation_decisions") == 0
    store.redo(LEAD)
    assert len(gold_relations(store, doc_id)) == 1 and count(db_path, "relation_decisions") == 1


def test_a_match_accepted_again_brings_its_matching_relation_along(store, doc_id, rel):
    """Both analysts move the claim alike after it was accepted: accepting it again
    replaces its gold copy, which takes the gold relation with it; the same run
    accepts the relation again (it took a second run).  "bridge will reopen" is
    41-59."""
    assert TEXT[41:59] == "bridge will reopen"
    assert ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD).accept_all() == (4, 1)
    for span_id, who in (("a_claim", "alice"), ("b_claim", "bob")):
        store.update_span(span_id, start=41, by=who)
    session = ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD)
    assert session.accept_all() == (1, 1)
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", "bridge will reopen", "Olena Koval", {"source": "alice+bob"})]
    assert ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD).accept_all() == (0, 0)


def test_a_rejected_relation_stays_rejected_when_its_end_is_accepted_again(
    store, doc_id, rel, db_path
):
    ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD).accept_all()
    decide(store, doc_id, rel["ra_koval"], rel["rb_koval"], REJECT)
    store.update_span("a_claim", note="checked again", by="alice")  # the gold copy stays
    assert ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD).accept_all() == (1, 0)
    assert gold_relations(store, doc_id) == []
    assert rows(db_path, "SELECT decision FROM relation_decisions") == [(REJECT,)]


def test_accept_all_matches_leaves_a_relation_whose_end_was_rejected(store, doc_id, rel):
    store.adjudicate(doc_id, [DecisionRequest("a_koval", "b_koval", REJECT)], by=LEAD)
    session = ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD)
    assert session.relation_match_requests(session.match_requests()) == []
    assert session.accept_all() == (3, 0)
    assert gold_relations(store, doc_id) == []
    assert session.decision_at(MATCH_ROW) is None
    assert [s.text for s in session.missing_ends(MATCH_ROW)] == ["Olena Koval"]


def test_cli_accept_matches_carries_relations(store, doc_id, rel, db_path):
    store.close()
    result = accept_matches(db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Document {doc_id}: 4 matches, 1 relation accepted\n"
        "Accepted 4 matches and 1 relation of alice and bob into gold in 1 document\n"
    )
    with open_store(db_path) as reopened:
        assert gold_relations(reopened, doc_id) == [
            ("ATTRIBUTED_TO", CLAIM, "Olena Koval", {"source": "alice+bob"}),
        ]


# -- the session: rows after the span pairs ----------------------------------------------------


def test_session_relation_rows(store, doc_id, rel):
    session = ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD)
    assert (len(session.pairs), session.row_count) == (6, 11)
    assert session.relation_at(5) is None
    assert [(p.category, p.a.id if p.a else None, p.b.id if p.b else None)
            for p in map(session.relation_at, range(6, 11))] == [
        ("match", rel["ra_koval"], rel["rb_koval"]),
        ("type_mismatch", rel["ra_mayor"], rel["rb_mayor"]),
        ("only_a", rel["ra_said"], None),
        ("only_a", rel["ra_date"], None),
        ("only_b", None, rel["rb_that"]),
    ]  # fmt: skip
    assert session.relation_counts() == {"match": 1, "type_mismatch": 1, "only_a": 2, "only_b": 1}
    assert session.describe_row(MISMATCH_ROW) == "ATTRIBUTED_TO: “the bridge will reopen” → “Mayor”"
    assert session.describe_row(SAID_ROW) == "ATTRIBUTED_TO: “said” → “Olena Koval”"
    assert [s.text for s in session.missing_ends(THAT_ROW)] == [CLAIM, "that"]
    assert [session.agrees_at(r) for r in (1, 2, MATCH_ROW, MISMATCH_ROW)] == [
        True, False, True, False]  # fmt: skip

    assert session.decide(5, ACCEPT_A) == [5, *range(6, 11)]  # the claim: every relation row
    assert [s.text for s in session.missing_ends(THAT_ROW)] == ["that"]
    session.decide(4, ACCEPT_B)  # "that"
    assert session.missing_ends(THAT_ROW) == []
    assert session.decide(THAT_ROW, ACCEPT_B) == [THAT_ROW]
    assert session.has_verdict(THAT_ROW) and not session.has_verdict(DATE_ROW)
    assert session.decide(DATE_ROW, None, comment="ask Alice") == [DATE_ROW]
    assert session.decision_at(DATE_ROW).decision == "pending"
    assert session.relation_progress() == (1, 5, 1)
    assert session.decide(THAT_ROW, UNDECIDE) == [THAT_ROW]
    assert session.relation_progress() == (0, 5, 0)
    store.undo(LEAD)  # the undecide
    session.refresh()
    assert session.relation_progress() == (1, 5, 1)


def test_relation_counts_in_the_csv_rows():
    result = {"labels": {}, "overall": {"exact_f1": None, "overlap_f1": None,
                                        "cohen_kappa": None, "krippendorff_alpha": None}}
    table = agreement_csv_rows(result, {"match": 4}, document_id=1, a="alice", b="bob",
                               relation_counts={"match": 1, "only_a": 2})  # fmt: skip
    assert [r[3:] for r in table[-4:]] == [
        ["relation_category", "match", "relations", "1"],
        ["relation_category", "type_mismatch", "relations", "0"],
        ["relation_category", "only_a", "relations", "2"],
        ["relation_category", "only_b", "relations", "0"],
    ]


def test_plan_relations_by_hand():
    a = {"type": "ATTRIBUTED_TO", "from_span": "a1", "to_span": "a2", "annotator": "alice"}
    b = {"type": "DISPUTED_BY", "from_span": "b1", "to_span": "b2", "annotator": "bob"}
    same = {**b, "type": "ATTRIBUTED_TO"}
    assert [(s.type, s.from_span, s.source) for s in plan_relations(ACCEPT_BOTH, a, b)] == [
        ("ATTRIBUTED_TO", "a1", "alice"), ("DISPUTED_BY", "b1", "bob"),
    ]  # fmt: skip
    assert [(s.type, s.from_span, s.source) for s in plan_relations(ACCEPT_B, a, same)] == [
        ("ATTRIBUTED_TO", "b1", "alice+bob"),
    ]
    assert plan_relations(REJECT, a, b) == []


def test_agreement_counts_the_relation_pairs(store, doc_id, rel):
    result = agreement(store, "alice", "bob", doc_id, with_relations=True)
    assert result["relations"] == {"match": 1, "type_mismatch": 1, "only_a": 2, "only_b": 1}
    assert list(result) == ["a", "b", "documents", "labels", "overall", "relations"]
    assert "relations" not in agreement(store, "alice", "bob", doc_id)  # only when asked
