"""Relation decisions: pairs of relations of two layers adjudicated into the gold layer.

``ReviewMixin.adjudicate`` applies them after the span decisions of the same
call (same transaction, same event); this module holds how one is applied and
how a dropped gold span takes the relation decisions of its relations along.
The rules are in ``annotator.relation_adjudication``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .. import history as hist
from ..decisions import DEFAULT_GOLD, EDIT, PENDING, UNDECIDE, AdjudicationError, comment_value
from ..errors import NotFoundError
from ..relation_adjudication import (
    RELATION_DECISIONS,
    RelationDecision,
    RelationRequest,
    RelationSpec,
    ends_missing,
    gold_copy,
    plan_relations,
    relation_decision_from_row,
)
from .base import _RELATION_INSERT, _RELATION_SELECT, RELATION_COLUMNS, new_id, quote_columns
from .changes import Changes, Row, write_decision
from .undo import UndoMixin

_COLUMNS = hist.TABLE_COLUMNS["relation_decisions"]
_SELECT = quote_columns(_COLUMNS)
_COMPARED = ("gold_relation", "gold_relation_2", "decision", "comment")


class RelationDecisionsMixin(UndoMixin):
    def relation_decisions(self, document_id: int, *,
                           gold: str = DEFAULT_GOLD) -> list[RelationDecision]:  # fmt: skip
        """The document's relation decisions into layer ``gold``, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_SELECT} FROM relation_decisions WHERE document_id = ? AND gold = ?"
            " ORDER BY created_at, id",
            [document_id, gold],
        )
        return [relation_decision_from_row(r) for r in rows]

    def _apply_relation(self, document_id: int, gold: str, by: str, request: RelationRequest,
                        stamp: str, changes: Changes) -> RelationDecision | None:  # fmt: skip
        decision = request.decision
        if decision == EDIT:
            raise AdjudicationError(
                "a relation has no boundaries to edit: accept A's or B's, or reject it"
            )
        if decision is not None and decision not in (*RELATION_DECISIONS, UNDECIDE):
            raise AdjudicationError(
                f"unknown decision {decision!r} for a relation:"
                f" use one of {', '.join(RELATION_DECISIONS)}"
            )
        if request.a_relation is None and request.b_relation is None:
            raise AdjudicationError("a relation decision needs a relation of layer A or of layer B")
        a = self._layer_relation(document_id, gold, request.a_relation)
        b = self._layer_relation(document_id, gold, request.b_relation)
        conn = self.conn
        found = conn.execute(
            f"SELECT {_SELECT} FROM relation_decisions WHERE document_id = ? AND gold = ?"
            " AND a_relation IS ? AND b_relation IS ? ORDER BY created_at, id LIMIT 1",
            [document_id, gold, request.a_relation, request.b_relation],
        ).fetchone()
        old = dict(found) if found else None
        if request.only_if_undecided and old is not None and old["decision"] != PENDING:
            return relation_decision_from_row(old)
        comment = comment_value(request.comment, old)
        if decision is None and comment is None:  # no comment and no verdict:
            if old is None:
                return None
            if old["decision"] == PENDING:
                decision = UNDECIDE
        if decision == UNDECIDE:
            if old is not None:
                self._drop_gold_relations(self._owned_relations(old), changes)
                conn.execute("DELETE FROM relation_decisions WHERE id = ?", [old["id"]])
                changes.deleted("relation_decisions", old)
            return None
        if decision is None and old is not None:  # a comment on a decided pair
            kind, gold_ids = old["decision"], [old["gold_relation"], old["gold_relation_2"]]
        else:
            kind = decision or PENDING
            specs = [] if kind == PENDING else plan_relations(kind, a, b)
            ends = [self._gold_ends(document_id, gold, spec) for spec in specs]
            missing = [i for spec, pair in zip(specs, ends, strict=True)
                       for i, end in zip((spec.from_span, spec.to_span), pair, strict=True)
                       if end is None]  # fmt: skip
            if missing:
                if request.only_if_ends:
                    return relation_decision_from_row(old) if old else None
                raise AdjudicationError(ends_missing([
                    (span["label"], span["text"]) for span in map(self._span_dict,
                                                                  dict.fromkeys(missing))
                ]))  # fmt: skip
            owned = self._owned_relations(old) if old else []
            ids = [self._gold_relation(document_id, gold, spec, pair, owned, stamp, changes)
                   for spec, pair in zip(specs, ends, strict=True)]  # fmt: skip
            self._drop_gold_relations([i for i in owned if i not in ids], changes)
            gold_ids = [*ids, None, None][:2]
        new = {
            "id": old["id"] if old else new_id(), "document_id": document_id, "gold": gold,
            "a_relation": request.a_relation, "b_relation": request.b_relation,
            "gold_relation": gold_ids[0], "gold_relation_2": gold_ids[1], "decision": kind,
            "comment": comment, "by": by, "created_at": stamp,
        }  # fmt: skip
        if not write_decision(conn, "relation_decisions", old, new, _COMPARED, changes):
            assert old is not None  # only an old row can say the same
            return relation_decision_from_row(old)
        return relation_decision_from_row(new)

    def _layer_relation(self, document_id: int, gold: str, relation_id: str | None) -> Row | None:
        """A relation of layer A or B of this document (never of the gold layer)."""
        if relation_id is None:
            return None
        found = self.conn.execute(
            f"SELECT {_RELATION_SELECT} FROM relations WHERE id = ?", [relation_id]
        ).fetchone()
        if found is None:
            raise NotFoundError(f"there is no relation {relation_id}: compare the layers again")
        if found["document_id"] != document_id:
            raise AdjudicationError(f"relation {relation_id} belongs to document"
                                    f" {found['document_id']}, not {document_id}")  # fmt: skip
        if found["annotator"] == gold:
            raise AdjudicationError(
                f"relation {relation_id} is in the gold layer {gold!r} itself:"
                " compare two other layers"
            )
        return dict(found)

    def _gold_ends(self, document_id: int, gold: str,
                   spec: RelationSpec) -> tuple[str | None, str | None]:  # fmt: skip
        return (self._gold_copy(document_id, gold, spec.from_span),
                self._gold_copy(document_id, gold, spec.to_span))  # fmt: skip

    def _gold_copy(self, document_id: int, gold: str, span_id: str) -> str | None:
        """The gold span standing for a layer span (the rule: ``relation_adjudication``)."""
        conn = self.conn
        span = conn.execute(
            'SELECT start, "end", label FROM spans WHERE id = ?', [span_id]
        ).fetchone()
        if span is None:
            return None
        exact = self._scalar(
            'SELECT id FROM spans WHERE document_id = ? AND start = ? AND "end" = ?'
            " AND annotator = ? AND label = ? AND orphan_revision IS NULL ORDER BY id LIMIT 1",
            [document_id, span[0], span[1], gold, span[2]],
        )
        decided = [r[0] for r in conn.execute(
            "SELECT d.gold_span FROM review_decisions d JOIN spans s ON s.id = d.gold_span"
            " WHERE d.document_id = ? AND d.gold = ? AND (d.a_span = ? OR d.b_span = ?)"
            " AND d.decision != ? AND d.gold_span_2 IS NULL AND s.annotator = ?"
            " AND s.orphan_revision IS NULL",
            [document_id, gold, span_id, span_id, PENDING, gold],
        )] if exact is None else []  # fmt: skip
        return gold_copy(exact, decided)

    def _gold_relation(self, document_id: int, gold: str, spec: RelationSpec,
                       ends: tuple[str | None, str | None], owned: Sequence[str], stamp: str,
                       changes: Changes) -> str:  # fmt: skip
        """The id of the gold relation ``spec`` asks for between ``ends``, made if missing."""
        conn = self.conn
        existing = conn.execute(
            f"SELECT {_RELATION_SELECT} FROM relations WHERE document_id = ? AND annotator = ?"
            " AND from_span = ? AND to_span = ? AND type = ? ORDER BY id LIMIT 1",
            [document_id, gold, ends[0], ends[1], spec.type],
        ).fetchone()
        if existing is None:
            row = self._relation_row(document_id, {
                "from": ends[0], "to": ends[1], "type": spec.type, "annotator": gold,
                "attributes": {"source": spec.source}, "created_at": stamp,
            }, {})  # fmt: skip
            conn.execute(_RELATION_INSERT, [row[c] for c in RELATION_COLUMNS])
            changes.inserted("relations", row)
            return str(row["id"])
        old = dict(existing)
        attributes = json.dumps({**json.loads(old["attributes"]), "source": spec.source},
                                ensure_ascii=False)  # fmt: skip
        if old["id"] in owned and attributes != old["attributes"]:  # ours: follows the verdict
            conn.execute(
                "UPDATE relations SET attributes = ? WHERE id = ?", [attributes, old["id"]]
            )
            changes.updated("relations", old, {**old, "attributes": attributes})
        return str(old["id"])

    def _owned_relations(self, decision: Row) -> list[str]:
        """The decision's gold relations that only it made and uses (safe to change)."""
        owned: list[str] = []
        for rel_id in (decision["gold_relation"], decision["gold_relation_2"]):
            if rel_id is None or rel_id in owned:
                continue
            row = self.conn.execute(
                "SELECT annotator, attributes FROM relations WHERE id = ?", [rel_id]
            ).fetchone()
            if row is None or row[0] != decision["gold"] or "source" not in json.loads(row[1]):
                continue  # gone, or drawn by hand: never the decision's to delete
            if not self._scalar(
                "SELECT count(*) FROM relation_decisions WHERE id != ?"
                " AND (gold_relation = ? OR gold_relation_2 = ?)",
                [decision["id"], rel_id, rel_id],
            ):
                owned.append(rel_id)
        return owned

    def _drop_gold_relations(self, relation_ids: Sequence[str], changes: Changes) -> None:
        conn = self.conn
        for rel_id in relation_ids:
            row = conn.execute(
                f"SELECT {_RELATION_SELECT} FROM relations WHERE id = ?", [rel_id]
            ).fetchone()
            if row is not None:
                conn.execute("DELETE FROM relations WHERE id = ?", [rel_id])
                changes.deleted("relations", dict(row))

    def _drop_relation_decisions_of(self, relation_ids: Sequence[str], changes: Changes) -> None:
        """A span decision dropped these gold relations: the decisions that made them go too."""
        for rel_id in relation_ids:
            for row in self.conn.execute(
                f"SELECT {_SELECT} FROM relation_decisions"
                " WHERE gold_relation = ? OR gold_relation_2 = ?",
                [rel_id, rel_id],
            ).fetchall():
                self.conn.execute("DELETE FROM relation_decisions WHERE id = ?", [row["id"]])
                changes.deleted("relation_decisions", dict(row))
