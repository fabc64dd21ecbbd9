"""Adjudication into a gold layer: each decision kind, provenance, undo and the history.

The layers are those of tests/adjudication_helpers.py, one pair of each category;
every gold span below is written out by hand (offsets in code points).  The
session, the export, the CSV and the command: tests/test_adjudication_outputs.py.
"""

from __future__ import annotations

import pytest
from adjudication_helpers import LEAD, add_layers, adjudicate_events, decide, gold, rows

import annotator.cli_review  # noqa: F401  (registers the review commands)
from annotator import HistoryConflictError, NotFoundError, Store
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
)
from annotator.migrations import LATEST


@pytest.fixture
def doc_id(store: Store) -> int:
    return add_layers(store)


# -- each decision kind ----------------------------------------------------------------------


def test_accept_a_writes_a_span_with_provenance_and_comment(store, doc_id):
    decision = decide(store, doc_id, "a2", "b2", ACCEPT_A, comment="dates are DATE")
    assert gold(store, doc_id) == [
        ("DATE", 26, 31, "3 May", "adjudicated", {"source": "alice"}, "dates are DATE"),
    ]
    assert (decision.decision, decision.comment, decision.by) == (ACCEPT_A, "dates are DATE", LEAD)
    assert (decision.a_span, decision.b_span) == ("a2", "b2")
    assert decision.gold_span == store.spans(doc_id, annotator="gold")[0].id
    assert decision.gold_span_2 is None


def test_accept_b_takes_bs_boundaries(store, doc_id):
    decide(store, doc_id, "a3", "b3", ACCEPT_B)
    assert gold(store, doc_id) == [
        ("CLAIM", 41, 60, "bridge will reopen.", "adjudicated", {"source": "bob"}, None),
    ]


def test_accept_both_of_a_disagreement_keeps_two_spans(store, doc_id):
    decision = decide(store, doc_id, "a4", "b4", ACCEPT_BOTH)
    assert gold(store, doc_id) == [
        ("ACTOR", 0, 5, "Mayor", "adjudicated", {"source": "alice"}, None),
        ("CITATION", 0, 11, "Mayor Olena", "adjudicated", {"source": "bob"}, None),
    ]
    ids = {s.label: s.id for s in store.spans(doc_id, annotator="gold")}
    assert (decision.gold_span, decision.gold_span_2) == (ids["ACTOR"], ids["CITATION"])


@pytest.mark.parametrize("kind", [ACCEPT_A, ACCEPT_B, ACCEPT_BOTH])
def test_a_match_gives_one_span_from_both_analysts(store, doc_id, kind):
    decide(store, doc_id, "a1", "b1", kind)
    assert gold(store, doc_id) == [
        ("ACTOR", 6, 17, "Olena Koval", "adjudicated", {"source": "alice+bob"}, None),
    ]


def test_accept_both_of_a_lone_span_is_that_span(store, doc_id):
    decide(store, doc_id, None, "b5", ACCEPT_BOTH)
    assert gold(store, doc_id) == [
        ("DATE", 32, 36, "that", "adjudicated", {"source": "bob"}, None),
    ]


def test_reject_writes_no_gold_but_records_the_decision(store, doc_id, db_path):
    decision = decide(store, doc_id, "a5", None, REJECT, comment="not a claim")
    assert gold(store, doc_id) == []
    assert rows(
        db_path, 'SELECT a_span, b_span, gold_span, decision, comment, "by" FROM review_decisions'
    ) == [("a5", None, None, "reject", "not a claim", LEAD)]
    assert decision.gold_spans == ()


def test_edit_writes_the_reviewers_boundaries_and_label(store, doc_id):
    # "Mayor Olena Koval" is 0..17: neither analyst's span, the reviewer's own choice.
    decide(store, doc_id, "a4", "b4", EDIT, start=0, end=17, label="ACTOR", side="b")
    assert gold(store, doc_id) == [
        ("ACTOR", 0, 17, "Mayor Olena Koval", "adjudicated", {"source": "bob", "edited": True},
         None),
    ]  # fmt: skip


def test_edit_defaults_to_as_side_and_is_validated(store, doc_id):
    decide(store, doc_id, "a3", "b3", EDIT, start=41, end=59, label="CLAIM")
    assert gold(store, doc_id)[0][:4] == ("CLAIM", 41, 59, "bridge will reopen")
    assert gold(store, doc_id)[0][5] == {"source": "alice", "edited": True}
    with pytest.raises(AdjudicationError, match="needs the new start, end and label"):
        decide(store, doc_id, "a2", "b2", EDIT, start=26)
    with pytest.raises(Exception, match="not inside document"):
        decide(store, doc_id, "a2", "b2", EDIT, start=26, end=999, label="DATE")


# -- not twice, re-deciding, comments ---------------------------------------------------------


def test_accepting_twice_adds_nothing_and_records_nothing(store, doc_id, db_path):
    first = decide(store, doc_id, "a2", "b2", ACCEPT_A)
    events = len(adjudicate_events(store))
    again = decide(store, doc_id, "a2", "b2", ACCEPT_A)
    assert again == first
    assert len(gold(store, doc_id)) == 1
    assert rows(db_path, "SELECT count(*) FROM review_decisions") == [(1,)]
    assert len(adjudicate_events(store)) == events


def test_the_same_gold_span_is_not_added_twice_by_two_decisions(store, doc_id):
    # a2 accepted; then the edit of another pair asks for the very same span: it is shared.
    first = decide(store, doc_id, "a2", "b2", ACCEPT_A)
    second = decide(store, doc_id, None, "b5", EDIT, start=26, end=31, label="DATE")
    assert len(gold(store, doc_id)) == 1
    assert second.gold_span == first.gold_span
    # Re-deciding the first keeps the span the second still uses.
    decide(store, doc_id, "a2", "b2", REJECT)
    assert [g[:3] for g in gold(store, doc_id)] == [("DATE", 26, 31)]


def test_a_span_already_in_gold_by_hand_is_reused_and_kept(store, doc_id):
    manual = store.add_span(doc_id, 6, 17, "ACTOR", annotator="gold")
    decision = decide(store, doc_id, "a1", "b1", ACCEPT_BOTH)
    assert decision.gold_span == manual.id
    assert gold(store, doc_id) == [("ACTOR", 6, 17, "Olena Koval", "manual", {}, None)]
    decide(store, doc_id, "a1", "b1", REJECT)  # the reviewer's decision never deletes hand work
    assert [s.id for s in store.spans(doc_id, annotator="gold")] == [manual.id]


def test_re_deciding_replaces_the_earlier_decision(store, doc_id, db_path):
    first = decide(store, doc_id, "a2", "b2", ACCEPT_A, comment="first thought")
    second = decide(store, doc_id, "a2", "b2", ACCEPT_B)
    assert second.id == first.id  # the pair's one decision, changed
    assert (second.decision, second.comment) == (ACCEPT_B, "first thought")  # comment kept
    assert gold(store, doc_id) == [
        ("CLAIM", 26, 31, "3 May", "adjudicated", {"source": "bob"}, "first thought"),
    ]
    assert rows(db_path, "SELECT decision FROM review_decisions") == [("accept_b",)]
    decide(store, doc_id, "a2", "b2", REJECT)
    assert gold(store, doc_id) == []


def test_a_comment_alone_then_a_verdict_then_a_new_comment(store, doc_id):
    pending = decide(store, doc_id, "a4", "b4", None, comment="ask the desk")
    assert (pending.decision, pending.comment) == ("pending", "ask the desk")
    assert pending.gold_spans == ()
    decide(store, doc_id, "a4", "b4", ACCEPT_A)
    assert gold(store, doc_id)[0][-1] == "ask the desk"  # the note of the gold span
    decided = decide(store, doc_id, "a4", "b4", None, comment="desk agrees")
    assert (decided.decision, decided.comment) == (ACCEPT_A, "desk agrees")
    assert gold(store, doc_id) == [
        ("ACTOR", 0, 5, "Mayor", "adjudicated", {"source": "alice"}, "desk agrees"),
    ]
    decide(store, doc_id, "a4", "b4", None, comment="")
    assert gold(store, doc_id)[0][-1] is None


def test_undecide_removes_the_decision_and_its_gold(store, doc_id, db_path):
    decide(store, doc_id, "a4", "b4", ACCEPT_BOTH)
    assert decide(store, doc_id, "a4", "b4", UNDECIDE) is None
    assert gold(store, doc_id) == []
    assert rows(db_path, "SELECT count(*) FROM review_decisions") == [(0,)]


def test_a_deleted_gold_span_takes_its_relations_and_undo_brings_both_back(store, doc_id):
    claim = decide(store, doc_id, "a3", "b3", ACCEPT_A).gold_span
    actor = decide(store, doc_id, "a1", "b1", ACCEPT_A).gold_span
    store.add_relation(doc_id, claim, actor, "ATTRIBUTED_TO", annotator="gold")
    decide(store, doc_id, "a3", "b3", REJECT)
    assert store.relations(doc_id, annotator="gold") == []
    store.undo(LEAD)
    assert [(r.from_span, r.to_span) for r in store.relations(doc_id)] == [(claim, actor)]


# -- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (DecisionRequest("a5", None, ACCEPT_B), "no span in layer B"),
        (DecisionRequest(None, "b5", ACCEPT_A), "no span in layer A"),
        (DecisionRequest("a2", "b2", "approve"), "unknown decision 'approve'"),
        (DecisionRequest(None, None, REJECT), "needs a span of layer A or of layer B"),
        (
            DecisionRequest("a4", "b4", EDIT, start=0, end=5, label="ACTOR", side="c"),
            "side must be 'a' or 'b'",
        ),  # fmt: skip
    ],
)
def test_refused_decisions_change_nothing(store, doc_id, db_path, request_, message):
    before = rows(db_path, "SELECT count(*) FROM events")
    with pytest.raises(AdjudicationError, match=message):
        store.adjudicate(doc_id, [DecisionRequest("a1", "b1", ACCEPT_A), request_], by=LEAD)
    assert gold(store, doc_id) == []  # the first request of the batch was rolled back too
    assert rows(db_path, "SELECT count(*) FROM events") == before


def test_spans_of_the_gold_layer_or_another_document_are_refused(store, doc_id):
    other = store.add_document("Another article about Kyiv.", title="Other")
    foreign = store.add_span(other.id, 0, 7, "CLAIM", annotator="bob")
    with pytest.raises(AdjudicationError, match=f"belongs to document {other.id}"):
        decide(store, doc_id, "a1", foreign.id, ACCEPT_A)
    own_gold = store.add_span(doc_id, 0, 5, "ACTOR", annotator="gold")
    with pytest.raises(AdjudicationError, match="in the gold layer 'gold' itself"):
        decide(store, doc_id, own_gold.id, None, ACCEPT_A)
    with pytest.raises(NotFoundError, match="there is no span nope"):
        decide(store, doc_id, "nope", None, ACCEPT_A)
    with pytest.raises(AdjudicationError, match="reviewer's name"):
        store.adjudicate(doc_id, [DecisionRequest("a1", "b1", ACCEPT_A)], by=" ")


# -- undo, redo and the history --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pair", "kind", "options", "expected"),
    [
        (("a2", "b2"), ACCEPT_A, {}, [("DATE", 26, 31)]),
        (("a3", "b3"), ACCEPT_B, {}, [("CLAIM", 41, 60)]),
        (("a4", "b4"), ACCEPT_BOTH, {}, [("ACTOR", 0, 5), ("CITATION", 0, 11)]),
        (("a5", None), REJECT, {}, []),
        (("a4", "b4"), EDIT, {"start": 0, "end": 17, "label": "ACTOR"}, [("ACTOR", 0, 17)]),
    ],
)
def test_each_decision_is_one_undo_step_of_the_reviewer(store, doc_id, db_path, pair, kind,
                                                        options, expected):  # fmt: skip
    decide(store, doc_id, *pair, kind, **options)
    decided = rows(db_path, "SELECT * FROM review_decisions")
    assert [g[:3] for g in gold(store, doc_id)] == expected
    event = adjudicate_events(store)[0]
    assert (event.annotator, event.document_id) == (LEAD, doc_id)
    assert [r["decision"] for r in event.after["review_decisions"]] == [kind]
    assert event.before == {}

    assert store.undo(LEAD).id == event.id
    assert gold(store, doc_id) == []
    assert rows(db_path, "SELECT count(*) FROM review_decisions") == [(0,)]
    assert store.undo(LEAD) is None  # nothing else of the reviewer's (bob's spans are bob's)
    store.redo(LEAD)
    assert [g[:3] for g in gold(store, doc_id)] == expected
    assert rows(db_path, "SELECT * FROM review_decisions") == decided  # the very same row


def test_undo_of_a_re_decision_brings_the_first_back(store, doc_id, db_path):
    decide(store, doc_id, "a2", "b2", ACCEPT_A, comment="x")
    first = rows(db_path, "SELECT * FROM review_decisions")
    decide(store, doc_id, "a2", "b2", ACCEPT_B)
    store.undo(LEAD)
    assert rows(db_path, "SELECT * FROM review_decisions") == first
    assert [g[:3] for g in gold(store, doc_id)] == [("DATE", 26, 31)]
    store.redo(LEAD)
    assert [g[:3] for g in gold(store, doc_id)] == [("CLAIM", 26, 31)]


def test_accept_all_matches_is_one_step(store, doc_id, db_path):
    store.add_span(doc_id, 48, 59, "CLAIM", annotator="alice")  # "will reopen", 2nd match
    store.add_span(doc_id, 48, 59, "CLAIM", annotator="bob")
    session = ReviewSession.load(store, doc_id, "alice", "bob", reviewer=LEAD)
    events = len(store.history(limit=1000))
    assert session.accept_all_matches() == 2
    assert [g[:5] for g in gold(store, doc_id)] == [
        ("ACTOR", 6, 17, "Olena Koval", "adjudicated"),
        ("CLAIM", 48, 59, "will reopen", "adjudicated"),
    ]
    assert len(store.history(limit=1000)) == events + 1  # one event for both
    event = adjudicate_events(store)[0]
    assert event.target == "2 pairs"
    assert len(event.after["review_decisions"]) == 2 and len(event.after["spans"]) == 2
    assert session.progress() == (2, 7, 2)
    assert session.accept_all_matches() == 0  # decided already: nothing twice
    store.undo(LEAD)
    assert gold(store, doc_id) == []
    assert rows(db_path, "SELECT count(*) FROM review_decisions") == [(0,)]
    store.redo(LEAD)
    assert len(gold(store, doc_id)) == 2


@pytest.mark.parametrize("batched", [False, True])
def test_a_batch_decides_as_one_decision_at_a_time_would(store, doc_id, db_path, batched):
    decide(store, doc_id, "a2", "b2", ACCEPT_A)
    decide(store, doc_id, "a4", "b4", ACCEPT_BOTH, comment="two")
    store.add_span(doc_id, 0, 11, "CITATION", annotator="gold")  # by hand: never deleted
    requests = [
        DecisionRequest("a2", "b2", ACCEPT_B),  # replaces the DATE by a CLAIM
        DecisionRequest("a4", "b4", UNDECIDE),  # drops its ACTOR, keeps the hand-made CITATION
        DecisionRequest("a1", "b1", ACCEPT_A, comment="agreed"),
        DecisionRequest(None, "b5", EDIT, start=26, end=31, label="CLAIM"),  # shares the CLAIM
        DecisionRequest("a1", "b1", ACCEPT_A, comment="agreed"),  # twice in one batch: once
    ]
    if batched:
        store.adjudicate(doc_id, requests, by=LEAD)
    else:
        for request in requests:
            store.adjudicate(doc_id, [request], by=LEAD)
    assert [g[:3] + g[5:] for g in gold(store, doc_id)] == [
        ("CITATION", 0, 11, {}, None),
        ("ACTOR", 6, 17, {"source": "alice+bob"}, "agreed"),
        ("CLAIM", 26, 31, {"source": "bob"}, None),
    ]
    assert rows(
        db_path, "SELECT a_span, b_span, decision FROM review_decisions ORDER BY b_span"
    ) == [("a1", "b1", "accept_a"), ("a2", "b2", "accept_b"), (None, "b5", "edit")]
    shared = rows(db_path, "SELECT DISTINCT gold_span FROM review_decisions WHERE b_span != 'b1'")
    assert len(shared) == 1  # b5's edit points at the CLAIM that a2/b2 made


def test_undo_refuses_when_another_reviewer_re_decided_since(store, doc_id):
    decide(store, doc_id, "a5", None, REJECT)
    store.adjudicate(doc_id, [DecisionRequest("a5", None, ACCEPT_A)], by="second")
    with pytest.raises(HistoryConflictError, match="review decision .* was changed since"):
        store.undo(LEAD)
    assert [g[:3] for g in gold(store, doc_id)] == [("CLAIM", 18, 22)]  # nothing moved


def test_the_layout_has_the_decisions_table(store, db_path):
    assert rows(db_path, "PRAGMA user_version") == [(LATEST,)]
    columns = [r[1] for r in rows(db_path, "PRAGMA table_info(review_decisions)")]
    assert columns == ["id", "document_id", "gold", "a_span", "b_span", "gold_span",
                       "gold_span_2", "decision", "comment", "by", "created_at"]  # fmt: skip
    assert store.check() == []


# -- the attributes of what is accepted ------------------------------------------------------


def test_gold_keeps_the_attributes_of_what_was_accepted(store):
    """A DATE both analysts normalised alike keeps its value; a CLAIM whose stance
    they disagree on keeps only what they agree on; accepting one side takes that
    side's; an edit to another label takes none (they are the old label's)."""
    text = "The mayor said on 3 May that the bridge will reopen."
    assert (text[18:23], text[29:51]) == ("3 May", "the bridge will reopen")
    doc = store.add_document(text).id
    ids = {}
    for who, stance in (("alice", "supports"), ("bob", "refutes")):
        ids[who, "date"] = store.add_span(doc, 18, 23, "DATE", annotator=who,
                                          attributes={"normalized": "2026-05-03"}).id
        ids[who, "claim"] = store.add_span(doc, 29, 51, "CLAIM", annotator=who,
                                           attributes={"stance": stance,
                                                       "checkworthy": True}).id  # fmt: skip
    decide(store, doc, ids["alice", "date"], ids["bob", "date"], ACCEPT_BOTH)
    decide(store, doc, ids["alice", "claim"], ids["bob", "claim"], ACCEPT_BOTH)
    assert [s[5] for s in gold(store, doc)] == [
        {"normalized": "2026-05-03", "source": "alice+bob"},
        {"checkworthy": True, "source": "alice+bob"},
    ]
    decide(store, doc, ids["alice", "claim"], ids["bob", "claim"], ACCEPT_B)
    assert gold(store, doc)[1][5] == {"stance": "refutes", "checkworthy": True,
                                      "source": "alice+bob"}  # fmt: skip
    decide(store, doc, ids["alice", "date"], ids["bob", "date"], EDIT, start=18, end=23,
           label="CITATION", side="a")  # fmt: skip
    assert gold(store, doc)[0][:2] == ("CITATION", 18)
    assert gold(store, doc)[0][5] == {"source": "alice+bob", "edited": True}


def test_provenance_gives_way_to_an_attribute_the_schema_declares(tmp_path):
    """A schema whose ACTOR has its own "source" (where the actor spoke): the
    analysts' value stays, the provenance takes another name, and the store
    still passes its own check."""
    import json

    from annotator import open_store
    from annotator.resources import schema_file

    body = json.loads(schema_file("default.json").read_text(encoding="utf-8"))
    actor = next(label for label in body["labels"] if label["name"] == "ACTOR")
    actor.setdefault("attributes", {})["source"] = {"type": "enum",
                                                     "values": ["wire", "interview"]}  # fmt: skip
    with open_store(tmp_path / "s.db", schema=body) as store:
        doc = store.add_document("Bob denied it on Tuesday.").id
        a, b = (store.add_span(doc, 0, 3, "ACTOR", annotator=who, attributes={"source": "wire"})
                for who in ("alice", "bob"))  # fmt: skip
        decide(store, doc, a.id, b.id, ACCEPT_BOTH)
        assert gold(store, doc)[0][5] == {"source": "wire", "adjudicated_source": "alice+bob"}
        decide(store, doc, a.id, b.id, EDIT, start=0, end=3, label="ACTOR", side="a")
        assert gold(store, doc)[0][5] == {"source": "wire", "adjudicated_source": "alice+bob",
                                          "edited": True}  # fmt: skip
        assert store.check() == []
