"""Adjudication: deciding each pair of two layers into a gold layer, with provenance.

A reviewer compares layer A with layer B on a document (``review.compare``) and
decides every pair or lone span:

- ``accept_a`` / ``accept_b``: the gold layer gets that side's span;
- ``accept_both``: both spans (one, when they match);
- ``reject``: nothing goes into gold;
- ``edit``: one span with boundaries and label chosen by the reviewer;
- ``pending``: no verdict yet, only a comment.

Gold spans have ``origin = "adjudicated"``, the attributes of the span accepted
(of two spans accepted as one, those both give alike; of an edit that changes
the label, none), and the attribute ``source`` naming the analyst they come
from (``"alice+bob"`` when both layers agree on the span; edited ones also
carry ``"edited": true``).  Where the label's schema declares an attribute of
that name, these are ``adjudicated_source`` and ``adjudicated_edited`` instead,
so the analysts' own value stays.  A gold span with the same start,
end and label as one already in the gold layer is never added twice: the
decision points at the existing one.  Every decision is one row of
``review_decisions`` and one undoable event of the reviewer (the Store does the
writing, see ``store/review.py``).

Relations are decided after their ends, into the same gold layer: see
``relation_adjudication``.

``ReviewSession`` is the Qt-free model of one review (what the window shows):
the pairs, then the pairs of relations, their decisions and the gold spans and
relations, kept in step after each decision.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .agreement_csv import agreement_csv_rows, write_csv  # re-exported: callers take them here
from .decisions import (
    ACCEPT_A,
    ACCEPT_B,
    ACCEPT_BOTH,
    ADJUDICATED,
    DECISIONS,
    DEFAULT_GOLD,
    EDIT,
    KEEP,
    PENDING,
    REJECT,
    UNDECIDE,
    VERDICTS,
    AdjudicationError,
    widowed,
)
from .errors import AnnotatorError
from .model import Document, Relation, Span
from .relation_adjudication import RelationDecision, RelationRows
from .review import MATCH, Pair, category_counts, compare

if TYPE_CHECKING:
    from .store import Store

__all__ = [  # the words of decisions live in ``decisions``; callers take them from here too
    "ACCEPT_A", "ACCEPT_B", "ACCEPT_BOTH", "ADJUDICATED", "DECISIONS", "DEFAULT_GOLD", "EDIT",
    "KEEP", "PENDING", "REJECT", "UNDECIDE", "VERDICTS", "AdjudicationError", "Decision",
    "DecisionRequest", "GoldSpec", "PairKey", "ReviewData", "ReviewSession", "agreement_csv_rows",
    "decided_earlier", "decision_from_row", "pair_key", "plan_gold", "read_review", "write_csv",
]  # fmt: skip

PairKey = tuple[str | None, str | None]  # (A span id, B span id)


@dataclass(frozen=True)
class Decision:
    """One row of ``review_decisions``: how a pair was decided into layer ``gold``."""

    id: str
    document_id: int
    gold: str
    a_span: str | None
    b_span: str | None
    gold_span: str | None
    gold_span_2: str | None
    decision: str
    comment: str | None
    by: str
    created_at: str

    @property
    def key(self) -> PairKey:
        return (self.a_span, self.b_span)

    @property
    def gold_spans(self) -> tuple[str, ...]:
        return tuple(i for i in (self.gold_span, self.gold_span_2) if i is not None)

    @property
    def is_verdict(self) -> bool:
        return self.decision != PENDING


@dataclass(frozen=True)
class DecisionRequest:
    """What the reviewer asks for one pair.

    ``decision`` None changes only the comment (a pair without a decision gets a
    ``pending`` one); ``UNDECIDE`` removes the decision and the gold it made.
    ``comment`` ``KEEP`` leaves the pair's comment as it is.  ``edit`` needs
    ``start``, ``end`` (code points) and ``label``; ``side`` (``"a"``/``"b"``)
    names whose span was edited (default: A's, if the pair has one).
    """

    a_span: str | None
    b_span: str | None
    decision: str | None
    comment: Any = KEEP
    start: int | None = None
    end: int | None = None
    label: str | None = None
    side: str | None = None


@dataclass(frozen=True)
class GoldSpec:
    """A span the gold layer must hold after a decision."""

    start: int
    end: int
    label: str
    attributes: dict[str, Any]


def pair_key(pair: Pair) -> PairKey:
    return (pair.a.id if pair.a is not None else None, pair.b.id if pair.b is not None else None)


def _same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return (a["start"], a["end"], a["label"]) == (b["start"], b["end"], b["label"])


def plan_gold(
    decision: str,
    a: Mapping[str, Any] | None,
    b: Mapping[str, Any] | None,
    *,
    start: int | None = None,
    end: int | None = None,
    label: str | None = None,
    side: str | None = None,
    declared: Callable[[str], Collection[str]] = lambda label: (),
) -> list[GoldSpec]:
    """The gold spans a verdict asks for, given the pair's spans as mappings
    (``start``, ``end``, ``label``, ``annotator``, ``attributes``, as a dict or
    as JSON); ``declared(label)``: the attribute names the schema gives a label."""
    both = a is not None and b is not None and _same(a, b)
    joint = f"{a['annotator']}+{b['annotator']}" if both and a and b else None

    def carried(span: Mapping[str, Any], *, agreed: bool = False) -> dict[str, Any]:
        """The span's attributes; ``agreed``: those the other span of a match gives alike."""
        own = _attributes(span)
        if not (agreed and both and a is not None and b is not None):
            return own
        other = _attributes(b if span is a else a)
        return {k: v for k, v in own.items() if k in other and other[k] == v}

    def gold(start: int, end: int, label: str, attributes: dict[str, Any], source: str,
             *, edited: bool = False) -> GoldSpec:  # fmt: skip
        names = declared(label)
        provenance = {"source": source, **({"edited": True} if edited else {})}
        for key, value in provenance.items():
            attributes[f"adjudicated_{key}" if key in names else key] = value
        return GoldSpec(start, end, label, attributes)

    def spec(span: Mapping[str, Any], *, agreed: bool = False) -> GoldSpec:
        return gold(span["start"], span["end"], span["label"], carried(span, agreed=agreed),
                    joint or span["annotator"])  # fmt: skip

    if decision == REJECT:
        return []
    if decision == ACCEPT_A:
        if a is None:
            raise AdjudicationError("this pair has no span in layer A: accept B's or reject")
        return [spec(a)]
    if decision == ACCEPT_B:
        if b is None:
            raise AdjudicationError("this pair has no span in layer B: accept A's or reject")
        return [spec(b)]
    if decision == ACCEPT_BOTH:
        if both or b is None:
            return [spec(a, agreed=True)] if a is not None else []
        return [spec(a), spec(b)] if a is not None else [spec(b)]
    if decision == EDIT:
        if start is None or end is None or label is None:
            raise AdjudicationError("an edit needs the new start, end and label")
        base = {"a": a, "b": b}.get(side or "") if side else (a if a is not None else b)
        if side not in (None, "a", "b") or base is None:
            raise AdjudicationError(f"side must be 'a' or 'b' of a span in the pair, not {side!r}")
        kept = carried(base, agreed=side is None) if label == base["label"] else {}
        return [gold(start, end, label, kept, joint or base["annotator"], edited=True)]
    raise AdjudicationError(f"unknown decision {decision!r}: use one of {', '.join(VERDICTS)}")


def _attributes(span: Mapping[str, Any]) -> dict[str, Any]:
    value = span.get("attributes") or {}
    return dict(json.loads(value) if isinstance(value, str) else value)


def decided_earlier(
    decision: Decision | Mapping[str, Any],
    a: Span | Mapping[str, Any] | None,
    b: Span | Mapping[str, Any] | None,
    gold: Sequence[Span | Mapping[str, Any]] | None = None,
) -> bool:
    """True when a verdict was made on an earlier version of its pair: a span of the
    pair was edited after the decision, or, for an accept, the gold it made
    (``gold``, when given) is no longer what the pair asks for.  Such a decision
    needs the reviewer again; it counts as undecided.

    "Edited" needs ``updated_at`` later than the decision and than the span's own
    ``created_at``: a span imported or merged with another machine's (later)
    clock, never edited since, does not count."""
    made = _get(decision, "created_at")
    if _get(decision, "decision") == PENDING:
        return False
    for span in (a, b):
        if span is not None:
            updated = _get(span, "updated_at") or ""
            if updated > made and updated != (_get(span, "created_at") or updated):
                return True
    kind = _get(decision, "decision")
    if gold is None or kind not in (ACCEPT_A, ACCEPT_B, ACCEPT_BOTH):
        return False
    wanted = {_place(s) for s in (a if kind != ACCEPT_B else None,
                                  b if kind != ACCEPT_A else None) if s is not None}  # fmt: skip
    if not wanted:  # the side it accepted is gone
        return True
    return wanted != {_place(g) for g in gold if g is not None}


def _get(item: Any, name: str) -> Any:
    """A field of a Span, Decision or row dict (``isinstance(dict)`` is quick; an ABC is not,
    and the review asks this for every pair)."""
    return item.get(name) if isinstance(item, dict) else getattr(item, name, None)


def _place(span: Any) -> tuple[int, int, str]:
    return _get(span, "start"), _get(span, "end"), _get(span, "label")


def decision_from_row(row: Mapping[str, Any]) -> Decision:
    return Decision(
        row["id"], row["document_id"], row["gold"], row["a_span"], row["b_span"],
        row["gold_span"], row["gold_span_2"], row["decision"], row["comment"], row["by"],
        row["created_at"],
    )  # fmt: skip


@dataclass
class ReviewData:
    """What a review reads from the Store: enough to build a ``ReviewSession``."""

    document: Document
    spans_a: list[Span]
    spans_b: list[Span]
    decisions: list[Decision]
    gold_spans: list[Span]
    pairs: list[Pair] | None = None  # None: not compared yet
    relations_a: list[Relation] = field(default_factory=list)
    relations_b: list[Relation] = field(default_factory=list)
    relation_decisions: list[RelationDecision] = field(default_factory=list)
    gold_relations: list[Relation] = field(default_factory=list)


def read_review(store: Store, document_id: int, a: str, b: str, *, gold: str = DEFAULT_GOLD,
                pairs: bool = True) -> ReviewData:  # fmt: skip
    """Read a review's document, layers, decisions and gold (and compare, if ``pairs``).

    Runs on any thread, given a Store opened on that thread.
    """
    document = store.document(document_id)
    merged = store.merged_at(document_id)  # a merge's change counts from the merge
    spans_a, spans_b = ([replace(s, updated_at=max(s.updated_at, merged[s.id]))
                         if s.id in merged else s for s in store.layer_spans(document_id, who)]
                        for who in (a, b))  # fmt: skip
    return ReviewData(
        document, spans_a, spans_b, store.decisions(document_id, gold=gold),
        store.layer_spans(document_id, gold), compare(spans_a, spans_b) if pairs else None,
        store.relations(document_id, annotator=a), store.relations(document_id, annotator=b),
        store.relation_decisions(document_id, gold=gold),
        store.relations(document_id, annotator=gold),
    )  # fmt: skip


class ReviewSession(RelationRows):
    """One document's layers A and B, their pairs, decisions and gold spans.

    ``pairs`` is empty until ``compare()`` or ``set_pairs()`` when the data came
    without them.  Rows ``0 .. len(pairs) - 1`` are the span pairs, the relation
    pairs follow (``relation_at``).  Methods that decide return the rows whose
    decision or gold changed.
    """

    def __init__(self, store: Store, data: ReviewData, *, a: str, b: str,
                 gold: str = DEFAULT_GOLD, reviewer: str) -> None:  # fmt: skip
        if not gold.strip():
            raise AdjudicationError("the gold layer needs an analyst name, such as 'gold'")
        if gold in (a, b):
            raise AdjudicationError(
                f"the gold layer {gold!r} cannot be layer A or B: choose another name"
            )
        self.store = store
        self.document = data.document
        self.a, self.b, self.gold, self.reviewer = a, b, gold, reviewer
        self.spans_a, self.spans_b = data.spans_a, data.spans_b
        self.decisions: dict[PairKey, Decision] = {d.key: d for d in data.decisions}
        self.gold_spans: dict[str, Span] = {s.id: s for s in data.gold_spans}
        self.pairs: list[Pair] = []
        self._rows: dict[PairKey, int] = {}
        self._gold_rows: dict[str, set[int]] = {}  # gold span id -> rows pointing at it
        self._earlier: dict[int, bool] = {}  # decided_earlier per span row, as last worked out
        self._verdicts: int | None = None  # span rows with a verdict (progress), when known
        self._init_relations(data.relations_a, data.relations_b, data.relation_decisions,
                             data.gold_relations)  # fmt: skip
        if data.pairs is not None:
            self.set_pairs(data.pairs)

    @classmethod
    def load(cls, store: Store, document_id: int, a: str, b: str, *,
             gold: str = DEFAULT_GOLD, reviewer: str) -> ReviewSession:  # fmt: skip
        """Read and compare on the calling thread."""
        data = read_review(store, document_id, a, b, gold=gold)
        return cls(store, data, a=a, b=b, gold=gold, reviewer=reviewer)

    # -- pairs ---------------------------------------------------------------------

    def compare(self) -> None:
        self.set_pairs(compare(self.spans_a, self.spans_b))

    def set_pairs(self, pairs: list[Pair]) -> None:
        self.pairs = pairs
        self._earlier, self._verdicts = {}, None
        self._rows = {pair_key(p): row for row, p in enumerate(pairs)}
        self._index_gold_rows()
        self._set_relation_pairs()

    def row_of(self, key: PairKey) -> int | None:
        return self._rows.get(key)

    def decision_at(self, row: int) -> Decision | RelationDecision | None:
        """The decision of a span row, or of a relation row."""
        if row >= len(self.pairs):
            return self.relation_decision_at(row)
        return self.decisions.get(pair_key(self.pairs[row]))

    def has_verdict(self, row: int) -> bool:
        """A verdict on the pair as it is now (one made on an earlier version does not count)."""
        decision = self.decision_at(row)
        return decision is not None and decision.is_verdict and not self.decided_earlier(row)

    def decided_earlier(self, row: int) -> bool:
        """The span row's verdict was made on an earlier version of its pair (kept
        per row until the row, its decision or the gold changes: the count of
        decided pairs is asked after every key)."""
        if row >= len(self.pairs):
            return False
        known = self._earlier.get(row)
        if known is None:
            pair = self.pairs[row]
            decision = self.decisions.get(pair_key(pair))
            known = decision is not None and decided_earlier(
                decision, pair.a, pair.b, self.gold_at(row)
            )
            self._earlier[row] = known
        return known

    def agrees_at(self, row: int) -> bool:
        pair = self.relation_at(row) if row >= len(self.pairs) else self.pairs[row]
        return pair is not None and pair.agrees

    def gold_at(self, row: int) -> list[Span]:
        """The gold spans of a span row's decision (none for a relation row)."""
        if row >= len(self.pairs):
            return []
        decision = self.decisions.get(pair_key(self.pairs[row]))
        if decision is None:
            return []
        return [self.gold_spans[i] for i in decision.gold_spans if i in self.gold_spans]

    def counts(self) -> dict[str, int]:
        """Pairs per category (every category present)."""
        return category_counts(self.pairs)

    def progress(self) -> tuple[int, int, int]:
        """(pairs with a verdict, pairs, gold spans)."""
        if self._verdicts is None:  # counted whole after a reload; then kept up per decision
            self._verdicts = sum(1 for k, row in self._rows.items()
                                 if k in self.decisions and self.has_verdict(row))  # fmt: skip
        return self._verdicts, len(self.pairs), len(self.gold_spans)

    # -- deciding ------------------------------------------------------------------

    def request(self, row: int, decision: str | None, **options: Any) -> DecisionRequest:
        a, b = pair_key(self.pairs[row])
        return DecisionRequest(a, b, decision, **options)

    def decide(self, row: int, decision: str | None, **options: Any) -> list[int]:
        """Decide one pair (one undo step of the reviewer); the rows that changed.

        A span decision may give (or take) relations their ends in gold: every
        relation row counts as changed then.
        """
        if row >= len(self.pairs):
            return self.decide_relation(row, decision, **options)
        old = self.decisions.get(pair_key(self.pairs[row]))
        found = self.store.adjudicate(
            self.document.id, [self.request(row, decision, **options)],
            by=self.reviewer, gold=self.gold,
        )  # fmt: skip
        key = pair_key(self.pairs[row])
        new = found[0] if found else None
        touched = set(old.gold_spans if old else ()) | set(new.gold_spans if new else ())
        changed = {row}.union(*(self._gold_rows.get(span_id, set()) for span_id in touched))
        before = sum(map(self.has_verdict, changed))  # the count follows these rows only
        for span_id in touched:
            self._gold_rows.get(span_id, set()).discard(row)
            try:
                self.gold_spans[span_id] = self.store.span(span_id)
            except AnnotatorError:  # deleted: the decision's gold went
                self.gold_spans.pop(span_id, None)
        if old is not None and old.key != key:  # a widowed decision, decided again here
            self.decisions.pop(old.key, None)
        if new is None:
            self.decisions.pop(key, None)
        else:
            self.decisions[key] = new
            for span_id in new.gold_spans:
                self._gold_rows.setdefault(span_id, set()).add(row)
        for changed_row in changed:
            self._earlier.pop(changed_row, None)
        if self._verdicts is not None:
            self._verdicts += sum(map(self.has_verdict, changed)) - before
        if self.relation_pairs:  # their ends' gold copies may have come or gone
            self._reload_relations()
            changed.update(self.relation_rows())
        return sorted(changed)

    def comment(self, row: int, text: str) -> list[int]:
        return self.decide(row, None, comment=text.strip() or None)

    def match_requests(self) -> list[DecisionRequest]:
        """Every matching pair without a verdict yet ("Accept all matches")."""
        out = []
        for pair in self.pairs:
            if pair.category != MATCH:
                continue
            key = pair_key(pair)
            if not self.has_verdict(self._rows[key]):
                out.append(DecisionRequest(key[0], key[1], ACCEPT_BOTH))
        return out

    def accept_all_matches(self) -> int:
        """Accept every undecided match in one transaction and one undo step, and
        every undecided matching relation whose ends are then in gold (``accept_all``)."""
        return self.accept_all()[0]

    def accept_all(self) -> tuple[int, int]:
        """``accept_all_matches``: (span matches, relation matches) accepted."""
        requests = self.match_requests()
        relations = self.relation_match_requests(requests)
        if not requests and not relations:
            return 0, 0
        before = self.relation_decisions
        self.store.adjudicate(self.document.id, requests, by=self.reviewer, gold=self.gold,
                              relations=relations)  # fmt: skip
        self.refresh()
        keys = [(r.a_relation, r.b_relation) for r in relations]
        carried = sum(1 for key in keys if (d := self.relation_decisions.get(key)) is not None
                      and d.is_verdict and d != before.get(key))  # fmt: skip
        return len(requests), carried

    def refresh(self) -> None:
        """Re-read the decisions and the gold layer (after an undo, a redo, a bulk change)."""
        self.decisions = {d.key: d for d in self.store.decisions(self.document.id, gold=self.gold)}
        self.gold_spans = {s.id: s for s in self.store.layer_spans(self.document.id, self.gold)}
        self._earlier, self._verdicts = {}, None
        self._index_gold_rows()
        self._reload_relations()

    def _index_gold_rows(self) -> None:
        """Map gold spans to rows; a row inherits a widowed decision (``widowed``)."""
        live = {s.id for s in self.spans_a} | {s.id for s in self.spans_b}
        self.decisions.update(widowed(self.decisions, self._rows, live))
        self._gold_rows = {}
        for key, decision in self.decisions.items():
            row = self._rows.get(key)
            if row is not None:
                for span_id in decision.gold_spans:
                    self._gold_rows.setdefault(span_id, set()).add(row)
