"""Adjudication seen from outside: the review session, the gold layer's export, the
agreement CSV and `annotator accept-matches` (the decisions themselves:
tests/test_adjudication.py)."""

from __future__ import annotations

import csv
import json

import pytest
from adjudication_helpers import LEAD, accept_matches, add_layers, decide, gold, rows

import annotator.cli_review  # noqa: F401  (registers the review commands)
from annotator import Store, open_store
from annotator.adjudication import (
    ACCEPT_A,
    ACCEPT_B,
    ACCEPT_BOTH,
    REJECT,
    AdjudicationError,
    ReviewSession,
    agreement_csv_rows,
    plan_gold,
    write_csv,
)


@pytest.fixture
def doc_id(store: Store) -> int:
    return add_layers(store)


# -- the session: what the window shows -------------------------------------------------------


def test_session_rows_decisions_and_refresh(store, doc_id):
    session = ReviewSession.load(store, doc_id, "alice", "bob", gold="adjudicated-gold",
                                 reviewer=LEAD)  # fmt: skip
    # Rows by position: a4/b4 (0..11), a1/b1, a5, a2/b2, b5, a3/b3.
    assert [p.category for p in session.pairs] == [
        "overlap_mismatch", "match", "only_a", "label_mismatch", "only_b", "boundary_mismatch",
    ]  # fmt: skip
    assert session.decide(3, ACCEPT_B) == [3]
    assert [(s.label, s.start, s.end, s.annotator) for s in session.gold_at(3)] == [
        ("CLAIM", 26, 31, "adjudicated-gold"),
    ]
    assert session.progress() == (1, 6, 1)
    assert store.spans(doc_id, annotator="gold") == []  # the configured layer, not "gold"
    store.undo(LEAD)
    session.refresh()
    assert (session.decision_at(3), session.gold_at(3), session.progress()) == (None, [], (0, 6, 0))
    with pytest.raises(AdjudicationError, match="cannot be layer A or B"):
        ReviewSession.load(store, doc_id, "alice", "bob", gold="bob", reviewer=LEAD)


def test_plan_gold_by_hand():
    a = {"start": 0, "end": 5, "label": "ACTOR", "annotator": "alice"}
    b = {"start": 0, "end": 5, "label": "ACTOR", "annotator": "bob"}
    assert [(g.start, g.end, g.label, g.attributes) for g in plan_gold(ACCEPT_B, a, b)] == [
        (0, 5, "ACTOR", {"source": "alice+bob"}),
    ]
    assert plan_gold(REJECT, a, b) == []


# -- export of the gold layer and the numbers ---------------------------------------------------


def test_export_of_the_gold_layer(store, doc_id, tmp_path):
    decide(store, doc_id, "a2", "b2", ACCEPT_A, comment="a date")
    decide(store, doc_id, "a1", "b1", ACCEPT_BOTH)
    out = tmp_path / "gold.jsonl"
    store.export_jsonl(out, annotator="gold")
    record = json.loads(out.read_text(encoding="utf-8"))
    assert [(s["start"], s["end"], s["label"], s["text"], s["origin"], s["attributes"],
             s["annotator"], s["note"]) for s in record["spans"]] == [
        (6, 17, "ACTOR", "Olena Koval", "adjudicated", {"source": "alice+bob"}, "gold", None),
        (26, 31, "DATE", "3 May", "adjudicated", {"source": "alice"}, "gold", "a date"),
    ]  # fmt: skip


def test_agreement_csv_rows_and_file(tmp_path):
    result = {
        "labels": {"ACTOR": {"a": 3, "b": 2, "exact_f1": 0.8, "overlap_f1": 0.8},
                   "DATE": {"a": 1, "b": 1, "exact_f1": 0.0, "overlap_f1": None}},
        "overall": {"exact_f1": 1 / 3, "overlap_f1": 0.5, "cohen_kappa": None,
                    "krippendorff_alpha": 0.397849},
    }  # fmt: skip
    counts = {"match": 2, "only_a": 1}
    table = agreement_csv_rows(result, counts, document_id=7, a="alice", b="bob")
    assert table[0] == ["document_id", "layer_a", "layer_b", "section", "name", "metric", "value"]
    head = ["7", "alice", "bob", "label", "ACTOR"]
    assert table[1:4] == [head + ["a", "3"], head + ["b", "2"], head + ["exact_f1", "0.8000"]]
    assert table[8] == ["7", "alice", "bob", "label", "DATE", "overlap_f1", ""]  # undefined
    assert [r[4:] for r in table[9:13]] == [
        ["overall", "exact_f1", "0.3333"], ["overall", "overlap_f1", "0.5000"],
        ["overall", "cohen_kappa", ""], ["overall", "krippendorff_alpha", "0.3978"],
    ]  # fmt: skip
    assert [r[4:] for r in table[13:]] == [
        ["match", "pairs", "2"], ["label_mismatch", "pairs", "0"],
        ["boundary_mismatch", "pairs", "0"], ["overlap_mismatch", "pairs", "0"],
        ["only_a", "pairs", "1"], ["only_b", "pairs", "0"],
    ]  # fmt: skip
    path = write_csv(tmp_path / "out" / "numbers.csv", table)
    with open(path, newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == table


# -- the command line --------------------------------------------------------------------------


def test_cli_accept_matches(doc_id, db_path, store):
    store.close()
    result = accept_matches(db_path)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Document {doc_id}: 1 match accepted\n"
        "Accepted 1 match of alice and bob into gold in 1 document\n"
    )
    again = accept_matches(db_path)
    assert again.stdout.endswith("Accepted 0 matches of alice and bob into gold in 1 document\n")
    with open_store(db_path) as reopened:
        assert gold(reopened, doc_id) == [
            ("ACTOR", 6, 17, "Olena Koval", "adjudicated", {"source": "alice+bob"}, None),
        ]
        assert reopened.undo(LEAD) is not None
        assert gold(reopened, doc_id) == []


def test_cli_accept_matches_unknown_document(db_path, doc_id, store):
    store.close()
    result = accept_matches(db_path, "--doc", "99")
    assert result.exit_code == 1
    assert result.stderr == "Error: there is no document 99: see `annotator list`\n"


def test_an_empty_comment_alone_keeps_no_row(store, doc_id, db_path):
    assert decide(store, doc_id, "a4", "b4", None, comment="  ") is None
    decide(store, doc_id, "a4", "b4", None, comment="ask the desk")
    assert decide(store, doc_id, "a4", "b4", None, comment="") is None  # the pending row goes
    assert rows(db_path, "SELECT count(*) FROM review_decisions") == [(0,)]
    store.undo(LEAD)
    assert rows(db_path, "SELECT decision, comment FROM review_decisions") == [
        ("pending", "ask the desk")
    ]
