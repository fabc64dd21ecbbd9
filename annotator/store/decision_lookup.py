"""The rows a review decision reads and writes, looked up one by one for a single
decision (``Lookup``) or read at once for many (``Prefetched``, "accept all
matches"), and kept in step with what the decision writes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import history as hist
from ..adjudication import ADJUDICATED, AdjudicationError, DecisionRequest, PairKey
from ..decisions import widowed
from .base import _SPAN_SELECT, quote_columns
from .changes import Row

if TYPE_CHECKING:
    from .review import ReviewMixin

_DECISION_SELECT = quote_columns(hist.TABLE_COLUMNS["review_decisions"])


class Lookup:
    """The rows a decision reads, one query each (the right cost for one decision)."""

    def __init__(self, store: ReviewMixin, document_id: int, gold: str) -> None:
        self.store, self.document_id, self.gold = store, document_id, gold
        self.conn = store.conn

    def prefetch(self, requests: Sequence[DecisionRequest]) -> None:
        """Nothing to read ahead for a single decision."""

    def span(self, span_id: str) -> Row:
        return self.store._span_dict(span_id)

    def layer_span(self, span_id: str | None) -> Row | None:
        """A span of layer A or B of this document (never of the gold layer)."""
        if span_id is None:
            return None
        row = self.span(span_id)
        if row["document_id"] != self.document_id:
            raise AdjudicationError(
                f"span {span_id} belongs to document {row['document_id']}, not {self.document_id}"
            )
        if row["annotator"] == self.gold:
            raise AdjudicationError(
                f"span {span_id} is in the gold layer {self.gold!r} itself:"
                " compare two other layers"
            )
        return row

    def decision(self, a_span: str | None, b_span: str | None) -> Row | None:
        found = self.conn.execute(
            f"SELECT {_DECISION_SELECT} FROM review_decisions WHERE document_id = ?"
            " AND gold = ? AND a_span IS ? AND b_span IS ? ORDER BY created_at, id LIMIT 1",
            [self.document_id, self.gold, a_span, b_span],
        ).fetchone()
        return dict(found) if found else None

    def widowed(self, a_span: str | None, b_span: str | None) -> Row | None:
        """A decision on an earlier pair of one of these spans (``decisions.widowed``)."""
        keys = [(a_span, b_span)]
        candidates = self._decisions_of(keys)
        return widowed(candidates, keys, self._live(candidates)).get((a_span, b_span))

    def _decisions_of(self, keys: Sequence[PairKey]) -> dict[PairKey, Row]:
        """The decisions that name a span of ``keys`` on the same side, oldest kept."""
        found: dict[PairKey, Row] = {}
        for side, column in enumerate(("a_span", "b_span")):
            for span_id in {key[side] for key in keys if key[side] is not None}:
                for row in self.conn.execute(
                    f"SELECT {_DECISION_SELECT} FROM review_decisions WHERE document_id = ?"
                    f" AND gold = ? AND {column} = ? ORDER BY created_at DESC, id DESC",
                    [self.document_id, self.gold, span_id],
                ):
                    found[(row["a_span"], row["b_span"])] = dict(row)
        return found

    def _live(self, decisions: Collection[PairKey]) -> set[str]:
        """The spans named by ``decisions`` that are live (not deleted, no orphans)."""
        ids = sorted({span_id for key in decisions for span_id in key if span_id is not None})
        live: set[str] = set()
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            live.update(row[0] for row in self.conn.execute(
                f"SELECT id FROM spans WHERE id IN ({', '.join('?' * len(chunk))})"
                " AND orphan_revision IS NULL", chunk,
            ))  # fmt: skip
        return live

    def gold_span(self, start: int, end: int, label: str) -> Row | None:
        found = self.conn.execute(
            f"SELECT {_SPAN_SELECT} FROM spans WHERE document_id = ? AND start = ?"
            ' AND "end" = ? AND annotator = ? AND label = ? ORDER BY id LIMIT 1',
            [self.document_id, start, end, self.gold, label],
        ).fetchone()
        return dict(found) if found else None

    def _shared(self, span_id: str, decision_id: str) -> bool:
        return bool(self.store._scalar(
            "SELECT count(*) FROM review_decisions WHERE id != ? AND (gold_span = ?"
            " OR gold_span_2 = ?)",
            [decision_id, span_id, span_id],
        ))  # fmt: skip

    def _meta(self, span_id: str) -> tuple[str, str] | None:
        row = self.conn.execute(
            "SELECT annotator, origin FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def owned(self, decision: Mapping[str, Any]) -> list[str]:
        """The decision's gold spans that only it made and uses (safe to change)."""
        owned: list[str] = []
        for span_id in (decision["gold_span"], decision["gold_span_2"]):
            if span_id is None or span_id in owned:
                continue
            if self._meta(span_id) == (self.gold, ADJUDICATED) and not self._shared(
                span_id, decision["id"]
            ):
                owned.append(span_id)
        return owned

    # What was written: a read-ahead lookup keeps up with it.
    def span_written(self, row: Row) -> None: ...
    def span_deleted(self, row: Row) -> None: ...
    def decision_written(self, old: Row | None, new: Row | None) -> None: ...


class Prefetched(Lookup):
    """The same, from rows read at once: the requests' spans in chunks, the gold layer
    and its decisions whole (``accept all matches`` on 5,000 pairs: a few queries)."""

    def prefetch(self, requests: Sequence[DecisionRequest]) -> None:
        conn = self.conn
        wanted = sorted({i for r in requests for i in (r.a_span, r.b_span) if i is not None})
        self.spans: dict[str, Row] = {}
        for k in range(0, len(wanted), 500):
            chunk = wanted[k : k + 500]
            for row in conn.execute(
                f"SELECT {_SPAN_SELECT} FROM spans WHERE id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                self.spans[row["id"]] = dict(row)
        self.by_key: dict[tuple[int, int, str], str] = {}
        for row in conn.execute(
            f"SELECT {_SPAN_SELECT} FROM spans WHERE document_id = ? AND annotator = ? ORDER BY id",
            [self.document_id, self.gold],
        ):
            self.spans[row["id"]] = dict(row)
            self.by_key.setdefault((row["start"], row["end"], row["label"]), row["id"])
        self.decisions: dict[tuple[str | None, str | None], Row] = {}
        self.refs: Counter[str] = Counter()
        for row in conn.execute(
            f"SELECT {_DECISION_SELECT} FROM review_decisions WHERE document_id = ? AND gold = ?"
            " ORDER BY created_at DESC, id DESC",  # the first of a pair is kept, as above
            [self.document_id, self.gold],
        ):
            self.decisions[(row["a_span"], row["b_span"])] = dict(row)
            self.refs.update(i for i in (row["gold_span"], row["gold_span_2"]) if i)
        keys = [(r.a_span, r.b_span) for r in requests]
        self.widows = widowed(self.decisions, keys, self._live(self.decisions))

    def span(self, span_id: str) -> Row:
        row = self.spans.get(span_id)
        return row if row is not None else super().span(span_id)

    def decision(self, a_span: str | None, b_span: str | None) -> Row | None:
        return self.decisions.get((a_span, b_span))

    def widowed(self, a_span: str | None, b_span: str | None) -> Row | None:
        row = self.widows.pop((a_span, b_span), None)  # each is decided again once
        if row is None or self.decisions.get((row["a_span"], row["b_span"])) is not row:
            return None
        return row

    def gold_span(self, start: int, end: int, label: str) -> Row | None:
        span_id = self.by_key.get((start, end, label))
        return None if span_id is None else self.spans[span_id]

    def _shared(self, span_id: str, decision_id: str) -> bool:
        return self.refs[span_id] > 1

    def _meta(self, span_id: str) -> tuple[str, str] | None:
        row = self.spans.get(span_id)
        return None if row is None else (row["annotator"], row["origin"])

    def span_written(self, row: Row) -> None:
        self.spans[row["id"]] = row
        if row["annotator"] == self.gold:
            self.by_key.setdefault((row["start"], row["end"], row["label"]), row["id"])

    def span_deleted(self, row: Row) -> None:
        self.spans.pop(row["id"], None)
        key = (row["start"], row["end"], row["label"])
        if self.by_key.get(key) == row["id"]:
            del self.by_key[key]
            again = self.conn.execute(  # another gold span of the same range, if any
                'SELECT id FROM spans WHERE document_id = ? AND start = ? AND "end" = ?'
                " AND annotator = ? AND label = ? ORDER BY id LIMIT 1",
                [self.document_id, *key, self.gold],
            ).fetchone()
            if again is not None:
                self.by_key[key] = again[0]

    def decision_written(self, old: Row | None, new: Row | None) -> None:
        for row, step in ((old, -1), (new, 1)):
            if row is not None:
                for span_id in (row["gold_span"], row["gold_span_2"]):
                    if span_id:
                        self.refs[span_id] += step
        if old is not None:
            self.decisions.pop((old["a_span"], old["b_span"]), None)
        if new is not None:
            self.decisions[(new["a_span"], new["b_span"])] = new
