"""Adjudicating relations into the gold layer, once their ends are there.

A pair of relations (``relation_review.compare_relations``) is decided with the
verdicts of a span pair, by the same keys:

- ``accept_a`` / ``accept_b``: the gold layer gets that side's relation (its type);
- ``accept_both``: a match or a lone relation gives that relation, a type
  mismatch gives both types;
- ``reject``: nothing goes into gold; ``pending``: a comment only.

There is no ``edit``: a relation has no boundaries.  A gold relation links the
gold copies of its ends.  The gold copy of a span of A or B is the gold span
with the same start, end and label; failing that, the one gold span that a
verdict on a pair holding the span made (an edit, or the other analyst's
version).  A relation with an end without a gold copy cannot be accepted
("accept both ends first"); "accept all matches" leaves it undecided.

Gold relations have the gold layer's name as annotator and the attribute
``source`` (``"alice"``, or ``"alice+bob"`` when both drew it alike); that
attribute marks them as the review's, so a relation drawn by hand in the gold
layer is reused and never deleted by a decision.  Decisions are rows of
``relation_decisions``, written with the span decisions (``Store.adjudicate``:
one transaction, one undo step).  A gold span dropped by a span decision takes
its gold relations and the relation decisions that made them along, in the
same undo step.

``RelationRows`` gives ``ReviewSession`` its relation rows, after the span pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .decisions import (
    ACCEPT_A,
    ACCEPT_B,
    ACCEPT_BOTH,
    KEEP,
    PENDING,
    REJECT,
    AdjudicationError,
)
from .display_text import one_line
from .model import Document, Relation, Span
from .relation_review import RelationPair, compare_relations, relation_counts
from .review import MATCH, Pair

if TYPE_CHECKING:
    from .store import Store

RELATION_DECISIONS = (ACCEPT_A, ACCEPT_B, ACCEPT_BOTH, REJECT, PENDING)
ENDS_FIRST = "accept both ends first"

RelationKey = tuple[str | None, str | None]  # (A relation id, B relation id)


@dataclass(frozen=True)
class RelationDecision:
    """One row of ``relation_decisions``: how a pair of relations was decided into ``gold``."""

    id: str
    document_id: int
    gold: str
    a_relation: str | None
    b_relation: str | None
    gold_relation: str | None
    gold_relation_2: str | None
    decision: str
    comment: str | None
    by: str
    created_at: str

    @property
    def key(self) -> RelationKey:
        return (self.a_relation, self.b_relation)

    @property
    def gold_relations(self) -> tuple[str, ...]:
        return tuple(i for i in (self.gold_relation, self.gold_relation_2) if i is not None)

    @property
    def is_verdict(self) -> bool:
        return self.decision != PENDING


@dataclass(frozen=True)
class RelationRequest:
    """What the reviewer asks for one pair of relations (see ``DecisionRequest``).

    ``only_if_ends``: when an end has no gold copy, change nothing instead of
    refusing (what "accept all matches" asks).  ``only_if_undecided``: when the
    pair has a verdict by the time the request is applied, change nothing (a
    verdict that the span decisions before it in the same call did not undo).
    """

    a_relation: str | None
    b_relation: str | None
    decision: str | None
    comment: Any = KEEP
    only_if_ends: bool = False
    only_if_undecided: bool = False


@dataclass(frozen=True)
class RelationSpec:
    """A relation the gold layer must hold, given by the layer spans of its ends."""

    type: str
    from_span: str
    to_span: str
    source: str


def relation_key(pair: RelationPair) -> RelationKey:
    return (pair.a.id if pair.a is not None else None, pair.b.id if pair.b is not None else None)


def relation_decision_from_row(row: Mapping[str, Any]) -> RelationDecision:
    return RelationDecision(
        row["id"], row["document_id"], row["gold"], row["a_relation"], row["b_relation"],
        row["gold_relation"], row["gold_relation_2"], row["decision"], row["comment"], row["by"],
        row["created_at"],
    )  # fmt: skip


def plan_relations(
    decision: str, a: Mapping[str, Any] | None, b: Mapping[str, Any] | None
) -> list[RelationSpec]:
    """The gold relations a verdict asks for, given the pair's relations as mappings
    (``type``, ``from_span``, ``to_span``, ``annotator``)."""
    same = a is not None and b is not None and a["type"] == b["type"]
    joint = f"{a['annotator']}+{b['annotator']}" if same and a and b else None

    def spec(rel: Mapping[str, Any]) -> RelationSpec:
        return RelationSpec(rel["type"], rel["from_span"], rel["to_span"],
                            joint or rel["annotator"])  # fmt: skip

    if decision == REJECT:
        return []
    if decision == ACCEPT_A:
        if a is None:
            raise AdjudicationError("this relation is only in layer B: accept B's or reject it")
        return [spec(a)]
    if decision == ACCEPT_B:
        if b is None:
            raise AdjudicationError("this relation is only in layer A: accept A's or reject it")
        return [spec(b)]
    if decision == ACCEPT_BOTH:
        return [spec(r) for r in ((a,) if same else (a, b)) if r is not None]
    raise AdjudicationError(
        f"unknown decision {decision!r} for a relation: use one of {', '.join(RELATION_DECISIONS)}"
    )


def gold_copy(exact: str | None, decided: Iterable[str]) -> str | None:
    """The gold copy of a span: the gold span ``exact`` (same start, end and label),
    else the one gold span of ``decided`` (made by single-span verdicts on its pairs)."""
    if exact is not None:
        return exact
    found = set(decided)
    return found.pop() if len(found) == 1 else None


def short(text: str, limit: int = 30) -> str:
    return one_line(text, limit)


def describe(rel_type: str, from_text: str, to_text: str) -> str:
    """``ATTRIBUTED_TO: “the bridge will…” → “Olena Koval”``."""
    return f"{rel_type}: “{short(from_text)}” → “{short(to_text)}”"


def ends_missing(ends: Sequence[tuple[str, str]]) -> str:
    """The one-line refusal for a relation whose ends (label, text) are not in gold."""
    named = " and ".join(f"{label} “{short(text)}”" for label, text in ends)
    if len(ends) == 1:
        return f"the relation's end {named} is not in gold yet: {ENDS_FIRST}"
    return f"the relation's ends {named} are not in gold yet: {ENDS_FIRST}"


class RelationRows:
    """The relation part of a ``ReviewSession``: rows after the span pairs.

    Row ``len(pairs) + i`` is relation pair ``i``.  The mixin reads the span
    side's state (``pairs``, ``decisions``, ``gold_spans``) to find gold copies.
    """

    store: Store
    document: Document
    gold: str
    reviewer: str
    pairs: list[Pair]
    spans_a: list[Span]
    spans_b: list[Span]
    decisions: dict[tuple[str | None, str | None], Any]
    gold_spans: dict[str, Span]

    def _init_relations(self, relations_a: list[Relation], relations_b: list[Relation],
                        decisions: Iterable[RelationDecision],
                        gold_relations: Iterable[Relation]) -> None:  # fmt: skip
        self.relations_a, self.relations_b = relations_a, relations_b
        self.relation_decisions: dict[RelationKey, RelationDecision] = {
            d.key: d for d in decisions
        }
        self.gold_relations: dict[str, Relation] = {r.id: r for r in gold_relations}
        self.relation_pairs: list[RelationPair] = []
        self._relation_rows: dict[RelationKey, int] = {}
        self._layer_spans: dict[str, Span] = {}
        self._copies: dict[str, str | None] | None = None

    def _set_relation_pairs(self) -> None:
        self.relation_pairs = compare_relations(self.pairs, self.relations_a, self.relations_b)
        first = len(self.pairs)
        self._relation_rows = {
            relation_key(p): first + i for i, p in enumerate(self.relation_pairs)
        }
        self._layer_spans = {s.id: s for s in (*self.spans_a, *self.spans_b)}
        self._copies = None

    # -- rows ------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.pairs) + len(self.relation_pairs)

    def relation_rows(self) -> range:
        return range(len(self.pairs), self.row_count)

    def relation_at(self, row: int) -> RelationPair | None:
        """The relation pair of session row ``row``; None for a span row."""
        i = row - len(self.pairs)
        return self.relation_pairs[i] if 0 <= i < len(self.relation_pairs) else None

    def relation_row_of(self, key: RelationKey) -> int | None:
        return self._relation_rows.get(key)

    def relation_decision_at(self, row: int) -> RelationDecision | None:
        pair = self.relation_at(row)
        return None if pair is None else self.relation_decisions.get(relation_key(pair))

    def gold_relations_at(self, row: int) -> list[Relation]:
        decision = self.relation_decision_at(row)
        if decision is None:
            return []
        return [self.gold_relations[i] for i in decision.gold_relations if i in self.gold_relations]

    def relation_counts(self) -> dict[str, int]:
        """Relation pairs per category (every category present)."""
        return relation_counts(self.relation_pairs)

    def relation_progress(self) -> tuple[int, int, int]:
        """(relation pairs with a verdict, relation pairs, gold relations)."""
        decided = sum(1 for k, d in self.relation_decisions.items()
                      if d.is_verdict and k in self._relation_rows)  # fmt: skip
        return decided, len(self.relation_pairs), len(self.gold_relations)

    # -- words -----------------------------------------------------------------------

    def span_of(self, span_id: str) -> Span | None:
        """A span of layer A, B or gold of this review."""
        return self._layer_spans.get(span_id) or self.gold_spans.get(span_id)

    def span_text(self, span_id: str) -> str:
        span = self.span_of(span_id)
        return span.text if span is not None else "?"

    def describe(self, rel: Relation) -> str:
        return describe(rel.type, self.span_text(rel.from_span), self.span_text(rel.to_span))

    def describe_row(self, row: int) -> str:
        pair = self.relation_at(row)
        assert pair is not None
        rel = pair.a or pair.b
        assert rel is not None
        return self.describe(rel)

    # -- gold copies of the ends -----------------------------------------------------

    def gold_copy_of(self, span_id: str) -> str | None:
        """The gold copy of a layer span (the rule of the Store, on the session's data)."""
        if self._copies is None:
            exact: dict[tuple[int, int, str], str] = {}
            for span in sorted(self.gold_spans.values(), key=lambda s: s.id):
                exact.setdefault((span.start, span.end, span.label), span.id)
            decided: dict[str, set[str]] = {}
            for (a, b), d in self.decisions.items():
                if d.is_verdict and d.gold_span in self.gold_spans and d.gold_span_2 is None:
                    for span_id_ in (a, b):
                        if span_id_ is not None:
                            decided.setdefault(span_id_, set()).add(d.gold_span)
            self._copies = {}
            for span in self._layer_spans.values():
                self._copies[span.id] = gold_copy(
                    exact.get((span.start, span.end, span.label)), decided.get(span.id, ())
                )
        return self._copies.get(span_id)

    def missing_ends(self, row: int) -> list[Span]:
        """The ends of the row's relation (A's, else B's) that have no gold copy yet."""
        pair = self.relation_at(row)
        rel = pair.a or pair.b if pair is not None else None
        if rel is None:
            return []
        out = []
        for span_id in dict.fromkeys((rel.from_span, rel.to_span)):
            span = self._layer_spans.get(span_id)
            if span is not None and self.gold_copy_of(span_id) is None:
                out.append(span)
        return out

    # -- deciding --------------------------------------------------------------------

    def decide_relation(self, row: int, decision: str | None, **options: Any) -> list[int]:
        """Decide one pair of relations (one undo step of the reviewer); the rows that changed."""
        pair = self.relation_at(row)
        if pair is None:
            raise AdjudicationError(f"row {row} is not a relation of this review")
        a, b = relation_key(pair)
        self.store.adjudicate_relations(
            self.document.id, [RelationRequest(a, b, decision, **options)],
            by=self.reviewer, gold=self.gold,
        )  # fmt: skip
        return sorted(self._reload_relations() | {row})

    def relation_match_requests(self, span_requests: Iterable[Any]) -> list[RelationRequest]:
        """Every matching relation without a verdict whose ends are in gold, or will be
        once ``span_requests`` (accepting matching spans) are applied."""
        coming = {i for r in span_requests for i in (r.a_span, r.b_span) if i is not None}
        out = []
        for pair in self.relation_pairs:
            if pair.category != MATCH or pair.a is None:
                continue
            key = relation_key(pair)
            decision = self.relation_decisions.get(key)
            ends = (pair.a.from_span, pair.a.to_span)
            # An end accepted again (decided on an earlier version) may take the gold
            # relation and its verdict with it: asked again, applied only if so.
            again = any(e in coming for e in ends)
            if decision is not None and decision.is_verdict and not again:
                continue
            if all(e in coming or self.gold_copy_of(e) is not None for e in ends):
                out.append(RelationRequest(key[0], key[1], ACCEPT_BOTH, only_if_ends=True,
                                           only_if_undecided=again))  # fmt: skip
        return out

    def _reload_relations(self) -> set[int]:
        """Read the relation decisions and gold relations again (after any decision,
        undo or redo); the relation rows whose decision changed."""
        self._copies = None
        if not self.relation_pairs and not self.relation_decisions:
            return set()
        before = self.relation_decisions
        document_id = self.document.id
        self.relation_decisions = {
            d.key: d for d in self.store.relation_decisions(document_id, gold=self.gold)
        }
        gold_relations = self.store.relations(document_id, annotator=self.gold)
        self.gold_relations = {r.id: r for r in gold_relations}
        after = self.relation_decisions
        changed = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
        return {r for r in (self._relation_rows.get(k) for k in changed) if r is not None}
