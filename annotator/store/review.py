"""Review decisions: adjudicating pairs of two layers into a gold layer, undoably.

``adjudicate`` applies one or many ``DecisionRequest``s, then the
``RelationRequest``s given with them, in ONE transaction and records ONE
``adjudicate`` event of the reviewer, whose before/after states hold every
``review_decisions``, ``relation_decisions``, ``spans`` and ``relations`` row it
touched (a deleted gold span takes its relations and their relation decisions
along), so the generic undo puts them back.  The rules of what a verdict puts
into gold are in ``annotator.adjudication`` and ``annotator.relation_adjudication``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import Any

from .. import history as hist
from ..adjudication import (
    ADJUDICATED,
    DECISIONS,
    DEFAULT_GOLD,
    PENDING,
    UNDECIDE,
    AdjudicationError,
    Decision,
    DecisionRequest,
    decided_earlier,
    decision_from_row,
    plan_gold,
)
from ..decisions import comment_value
from ..errors import HistoryConflictError
from ..model import Span
from ..relation_adjudication import RelationDecision, RelationRequest
from .base import _SPAN_INSERT, SPAN_COLUMNS, new_id, now, quote_columns
from .changes import Changes, Row, write_decision
from .decision_lookup import Lookup, Prefetched
from .relation_decisions import RelationDecisionsMixin

_DECISION_COLUMNS = hist.TABLE_COLUMNS["review_decisions"]
_DECISION_SELECT = quote_columns(_DECISION_COLUMNS)
_RELATION_DECISION_COLUMNS = hist.TABLE_COLUMNS["relation_decisions"]


class ReviewMixin(RelationDecisionsMixin):
    # -- reading -------------------------------------------------------------------

    def decisions(self, document_id: int, *, gold: str = DEFAULT_GOLD) -> list[Decision]:
        """The document's decisions into layer ``gold``, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_DECISION_SELECT} FROM review_decisions WHERE document_id = ? AND gold = ?"
            " ORDER BY created_at, id",
            [document_id, gold],
        )
        return [decision_from_row(r) for r in rows]

    def layer_spans(self, document_id: int, annotator: str) -> list[Span]:
        """``spans(document_id, annotator=...)``, read in ONE SQLite step.

        The rows come back as one JSON array, so a reader on a worker thread does
        not hand the GIL back and forth once per row; they are read through the
        (document, analyst) index and sorted here, which beats SQLite walking
        every span of the document in position order to pick one analyst's.
        """
        raw = self._scalar(
            'SELECT json_group_array(json_array(id, document_id, annotator, label, start, "end",'
            " text, note, attributes, origin, created_at, updated_at))"
            " FROM spans INDEXED BY spans_document_annotator"
            " WHERE document_id = ? AND annotator = ? AND orphan_revision IS NULL",
            [document_id, annotator],
        )
        rows = json.loads(raw)
        rows.sort(key=itemgetter(4, 5, 0))  # (start, end, id): the order of spans()
        return [
            Span(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7],
                 {} if r[8] == "{}" else json.loads(r[8]), r[9], r[10], r[11])
            for r in rows
        ]  # fmt: skip

    def layer_sizes(self, document_id: int, annotators: Sequence[str]) -> dict[str, int]:
        """How many spans each of ``annotators`` has in the document."""
        marks = ", ".join("?" * len(annotators))
        found = dict(self.conn.execute(
            "SELECT annotator, count(*) FROM spans"
            f" WHERE document_id = ? AND annotator IN ({marks}) AND orphan_revision IS NULL"
            " GROUP BY annotator",
            [document_id, *annotators],
        ).fetchall())  # fmt: skip
        return {name: found.get(name, 0) for name in annotators}

    # -- deciding ------------------------------------------------------------------

    def adjudicate(
        self,
        document_id: int,
        requests: Sequence[DecisionRequest],
        *,
        by: str,
        gold: str = DEFAULT_GOLD,
        relations: Sequence[RelationRequest] = (),
    ) -> list[Decision | None]:
        """Apply ``requests`` (pairs of layers A and B), then ``relations`` (pairs of
        their relations), to layer ``gold``: one transaction, one undo step of ``by``.
        Returns each pair's decision after (None when undecided).  A request that
        changes nothing records nothing.
        """
        return self._adjudicate(document_id, requests, relations, by=by, gold=gold)[0]

    def adjudicate_relations(
        self,
        document_id: int,
        requests: Sequence[RelationRequest],
        *,
        by: str,
        gold: str = DEFAULT_GOLD,
    ) -> list[RelationDecision | None]:
        """``adjudicate`` for pairs of relations only; each one's decision after."""
        return self._adjudicate(document_id, (), requests, by=by, gold=gold)[1]

    def _adjudicate(
        self, document_id: int, requests: Sequence[DecisionRequest],
        relations: Sequence[RelationRequest], *, by: str, gold: str,
    ) -> tuple[list[Decision | None], list[RelationDecision | None]]:  # fmt: skip
        if not isinstance(by, str) or not by.strip():
            raise AdjudicationError("a decision needs the reviewer's name")
        if not isinstance(gold, str) or not gold.strip():
            raise AdjudicationError("the gold layer needs an analyst name, such as 'gold'")
        with self._transaction():
            text = self._text(document_id)
            changes = Changes()
            stamp = now()
            # One decision looks rows up one by one; "accept all matches" reads them at once.
            lookup = (Lookup if len(requests) <= 1 else Prefetched)(self, document_id, gold)
            lookup.prefetch(requests)
            out = [self._apply(text, lookup, by, request, stamp, changes) for request in requests]
            out_relations = [self._apply_relation(document_id, gold, by, request, stamp, changes)
                             for request in relations]  # fmt: skip
            before, after = changes.states()
            if before or after:
                self._record(
                    by, "adjudicate", document_id=document_id,
                    target=_target([*out, *out_relations], len(requests), len(relations)),
                    before=before, after=after,
                )  # fmt: skip
        return out, out_relations

    def _apply(self, text: str, lookup: Lookup, by: str, request: DecisionRequest, stamp: str,
               changes: Changes) -> Decision | None:  # fmt: skip
        if request.decision is not None and request.decision not in (*DECISIONS, UNDECIDE):
            raise AdjudicationError(
                f"unknown decision {request.decision!r}: use one of {', '.join(DECISIONS)}"
            )
        if request.a_span is None and request.b_span is None:
            raise AdjudicationError("a decision needs a span of layer A or of layer B")
        a = lookup.layer_span(request.a_span)
        b = lookup.layer_span(request.b_span)
        document_id, gold, conn = lookup.document_id, lookup.gold, self.conn
        old = lookup.decision(request.a_span, request.b_span)
        if old is None:  # a verdict on an earlier pair of a span whose partner went
            old = lookup.widowed(request.a_span, request.b_span)
        comment = comment_value(request.comment, old)
        if request.decision is None and comment is None:  # no comment and no verdict:
            if old is None:  # nothing to keep
                return None
            if old["decision"] == PENDING:  # a comment-only decision without its comment
                request = replace(request, decision=UNDECIDE)
        if request.decision == UNDECIDE:
            if old is not None:
                self._drop_gold(lookup, lookup.owned(old), changes)
                conn.execute("DELETE FROM review_decisions WHERE id = ?", [old["id"]])
                changes.deleted("review_decisions", old)
                lookup.decision_written(old, None)
            return None
        if request.decision is None and old is not None:  # a comment on a decided pair
            kind, gold_ids = old["decision"], [old["gold_span"], old["gold_span_2"]]
            for span_id in lookup.owned(old):
                span = lookup.span(span_id)
                self._set_span(lookup, span, json.loads(span["attributes"]), comment, changes)
        else:
            kind = request.decision or PENDING
            specs = [] if kind == PENDING else plan_gold(
                kind, a, b, start=request.start, end=request.end, label=request.label,
                side=request.side, declared=self._declared_attributes,
            )  # fmt: skip
            owned = lookup.owned(old) if old else []
            ids: list[str] = []
            for spec in specs:
                existing = lookup.gold_span(spec.start, spec.end, spec.label)
                if existing is None:
                    row = self._span_row(
                        text, document_id, spec.start, spec.end, spec.label, gold,
                        note=comment, attributes=spec.attributes, origin=ADJUDICATED, stamp=stamp,
                    )  # fmt: skip
                    conn.execute(_SPAN_INSERT, [row[c] for c in SPAN_COLUMNS])
                    changes.inserted("spans", row)
                    lookup.span_written(row)
                    ids.append(row["id"])
                    continue
                ids.append(existing["id"])
                if existing["id"] in owned:  # ours: it follows the new verdict and comment
                    self._set_span(lookup, existing, spec.attributes, comment, changes)
            self._drop_gold(lookup, [i for i in owned if i not in ids], changes)
            gold_ids = [*ids, None, None][:2]
        new = {
            "id": old["id"] if old else new_id(), "document_id": document_id, "gold": gold,
            "a_span": request.a_span, "b_span": request.b_span, "gold_span": gold_ids[0],
            "gold_span_2": gold_ids[1], "decision": kind, "comment": comment, "by": by,
            "created_at": stamp,
        }  # fmt: skip
        compared: tuple[str, ...] = ("a_span", "b_span", "gold_span", "gold_span_2", "decision",
                                     "comment")  # fmt: skip
        if old is not None and decided_earlier(old, a, b):  # decided again: on this version
            compared += ("created_at",)
        if not write_decision(conn, "review_decisions", old, new, compared, changes):
            assert old is not None  # only an old row can say the same
            return decision_from_row(old)
        lookup.decision_written(old, new)
        return decision_from_row(new)

    def _declared_attributes(self, label: str) -> Collection[str]:
        found = self.schema.label(label)
        return found.attributes if found is not None else ()

    def _drop_gold(self, lookup: Lookup, span_ids: Sequence[str], changes: Changes) -> None:
        conn = self.conn
        for span_id in span_ids:
            rels = self._relations_touching([span_id])
            for rel in rels:  # they go with it, and come back
                conn.execute("DELETE FROM relations WHERE id = ?", [rel["id"]])
                changes.deleted("relations", rel)
            self._drop_relation_decisions_of([rel["id"] for rel in rels], changes)
            old = lookup.span(span_id)
            conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
            changes.deleted("spans", old)
            lookup.span_deleted(old)

    def _set_span(self, lookup: Lookup, old: Row, attributes: Mapping[str, Any],
                  note: str | None, changes: Changes) -> None:  # fmt: skip
        encoded = json.dumps(dict(attributes), ensure_ascii=False) if attributes else "{}"
        if old["attributes"] == encoded and old["note"] == note:
            return
        new = {**old, "attributes": encoded, "note": note, "updated_at": now()}
        self.conn.execute(
            "UPDATE spans SET attributes = ?, note = ?, updated_at = ? WHERE id = ?",
            [new["attributes"], new["note"], new["updated_at"], old["id"]],
        )
        changes.updated("spans", old, new)
        lookup.span_written(new)

    # -- undo of review rows ---------------------------------------------------------

    def _move(self, current: hist.State, wanted: hist.State) -> None:
        """Check the decision rows first, so a conflict there reads as one."""
        conn = self.conn
        for table, columns, noun in (
            ("review_decisions", _DECISION_COLUMNS, "review decision"),
            ("relation_decisions", _RELATION_DECISION_COLUMNS, "relation decision"),
        ):
            have = hist.rows_by_id(current, table)
            want = hist.rows_by_id(wanted, table)
            for row_id, row in have.items():
                now_row = conn.execute(
                    f"SELECT {quote_columns(columns)} FROM {table} WHERE id = ?", [row_id]
                ).fetchone()
                if now_row is None or any(now_row[c] != row.get(c) for c in columns):
                    raise HistoryConflictError(
                        f"{noun} {row_id} was changed since (decided again by"
                        " someone else?): it cannot be put back"
                    )
            for row_id in want.keys() - have.keys():
                if self._scalar(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]):
                    raise HistoryConflictError(f"{noun} {row_id} exists again since")
        self._check_gold_unused(current, wanted)
        super()._move(current, wanted)

    def _check_gold_unused(self, current: hist.State, wanted: hist.State) -> None:
        """Refuse to take away a gold span that another decision, not of this step,
        uses (another reviewer accepted the same span since)."""
        spans, kept = hist.rows_by_id(current, "spans"), hist.rows_by_id(wanted, "spans")
        decisions = hist.rows_by_id(current, "review_decisions")
        leaving = sorted(spans.keys() - kept.keys())
        for k in range(0, len(leaving), 250):  # each id is given twice
            chunk = leaving[k : k + 250]
            marks = ", ".join("?" * len(chunk))
            for row_id, by, first, second in self.conn.execute(
                f'SELECT id, "by", gold_span, gold_span_2 FROM review_decisions'
                f" WHERE gold_span IN ({marks}) OR gold_span_2 IN ({marks})", chunk + chunk,
            ):  # fmt: skip
                if row_id not in decisions:
                    span_id = first if first in chunk else second
                    raise HistoryConflictError(
                        f"gold span {span_id} is used by review decision {row_id} of {by} since:"
                        " it cannot be taken away (that decision must go first)"
                    )


def _target(out: Sequence[Decision | RelationDecision | None], pairs: int,
            relations: int) -> str:  # fmt: skip
    """The event's target: the decision's id, or how many pairs and relations it decided."""
    if pairs + relations == 1 and out[0] is not None:
        return out[0].id
    if not relations:
        return f"{pairs} pairs"
    return f"{pairs} pairs, {relations} relation{'s' * (relations != 1)}"
