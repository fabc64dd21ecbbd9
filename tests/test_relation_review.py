"""Relation disagreements between two analysts (issue 9, review), worked out by hand.

Text (code points): Koval=0-5 "said"=6-10 "bridge reopened"=11-26 Tuesday=30-37
"[citation: Ledger]"=38-56.  Alice and Bob tag the same ACTOR, CLAIM and
CITATION; Alice's DATE is 30-37, Bob's 29-37 (a boundary mismatch, so DATED
cannot match).  Alice: claim->Koval ATTRIBUTED_TO, claim->Tuesday DATED,
claim->citation SOURCED_FROM.  Bob: claim->Koval ATTRIBUTED_TO, claim->his
Tuesday DATED, and with a schema allowing CLAIM->CITATION as CITES too,
claim->citation CITES.  By hand: 1 match (ATTRIBUTED_TO), 1 type mismatch
(SOURCED_FROM vs CITES), Alice's DATED only_a, Bob's DATED only_b.
"""

from __future__ import annotations

import json

from annotator.relation_review import compare_relations, relation_counts
from annotator.resources import schema_file
from annotator.review import compare
from annotator.store import open_store

TEXT = "Koval said bridge reopened on Tuesday [citation: Ledger]."


def test_a_relation_disagreement(tmp_path):
    body = json.loads(schema_file("default.json").read_text(encoding="utf-8"))
    body["relations"].append(
        {"type": "CITES", "from": "CLAIM", "to": "CITATION", "description": "Cites."})
    with open_store(tmp_path / "r.db", schema=body) as store:
        doc = store.add_document(TEXT).id
        spans = {}
        for who, date_start in (("alice", 30), ("bob", 29)):
            for start, end, label in [(0, 5, "ACTOR"), (11, 26, "CLAIM"),
                                      (date_start, 37, "DATE"), (38, 56, "CITATION")]:
                spans[who, label] = store.add_span(doc, start, end, label, annotator=who).id
        for who, cite_type in (("alice", "SOURCED_FROM"), ("bob", "CITES")):
            claim = spans[who, "CLAIM"]
            for label, kind in (("ACTOR", "ATTRIBUTED_TO"), ("DATE", "DATED"),
                                ("CITATION", cite_type)):
                store.add_relation(doc, claim, spans[who, label], kind, annotator=who)
        pairs = compare(store.spans(doc, annotator="alice"), store.spans(doc, annotator="bob"))
        result = compare_relations(pairs, store.relations(doc, annotator="alice"),
                                   store.relations(doc, annotator="bob"))
        seen = [(p.category, p.a.type if p.a else None, p.b.type if p.b else None)
                for p in result]
        assert seen == [
            ("match", "ATTRIBUTED_TO", "ATTRIBUTED_TO"),
            ("type_mismatch", "SOURCED_FROM", "CITES"),
            ("only_a", "DATED", None),
            ("only_b", None, "DATED"),
        ]
        assert relation_counts(result) == {
            "match": 1, "type_mismatch": 1, "only_a": 1, "only_b": 1}
        assert [p.agrees for p in result] == [True, False, False, False]


def test_no_relations_no_pairs():
    assert compare_relations([], [], []) == []
