"""Spans and relations: validated, one short transaction per change, each in the history."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from ..attributes import allowed_by, check_attributes, encode_attributes
from ..display_text import one_line
from ..errors import (
    InvalidRelationError,
    InvalidSpanError,
    NotFoundError,
    TextChangedError,
)
from ..model import (
    ORIGINS,
    SUGGEST,
    Relation,
    Span,
)
from .base import (
    _RELATION_INSERT,
    _RELATION_SELECT,
    _SPAN_INSERT,
    _SPAN_SELECT,
    _UNSET,
    RELATION_COLUMNS,
    SPAN_COLUMNS,
    StoreBase,
    _relation_from_row,
    _span_from_row,
    new_id,
    now,
)
from .exporting import LIVE_RELATION
from .span_checks import checked_stamp


class SpansMixin(StoreBase):
    # -- spans ---------------------------------------------------------------------

    def _span_row(
        self,
        text: str,
        document_id: int,
        start: Any,
        end: Any,
        label: Any,
        annotator: Any,
        *,
        note: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        origin: str = "manual",
        span_id: str | None = None,
        created_at: str | None = None,
        updated_at: str | None = None,
        stamp: str | None = None,
    ) -> dict[str, Any]:
        """A validated spans row; raises ``InvalidSpanError`` and writes nothing.

        ``stamp`` is the time to record when the row carries none (one per batch).
        """
        if type(start) is not int or type(end) is not int:  # bool is not an offset
            bad = ("start", start) if type(start) is not int else ("end", end)
            raise InvalidSpanError(f"span {bad[0]} must be an integer, not {bad[1]!r}")
        if not 0 <= start < end <= len(text):
            raise InvalidSpanError(
                f"span [{start}, {end}) is not inside document {document_id} "
                f"(0..{len(text)} code points, start < end)"
            )
        if label not in self.schema.label_set:
            raise InvalidSpanError(
                f"unknown label {label!r}: the schema has {', '.join(self.schema.label_names)}"
            )
        if not isinstance(annotator, str) or not annotator.strip():
            raise InvalidSpanError("a span needs an annotator name")
        if origin not in ORIGINS:
            raise InvalidSpanError(f"unknown origin {origin!r}: use one of {', '.join(ORIGINS)}")
        if annotator == SUGGEST and origin == "manual":  # left out of every full export
            raise InvalidSpanError(
                f"{SUGGEST!r} is the layer of machine suggestions: annotate under another name"
            )
        if attributes is not None and not isinstance(attributes, Mapping):
            raise InvalidSpanError("span attributes must be a JSON object")
        if attributes and not all(isinstance(key, str) for key in attributes):
            odd = next(key for key in attributes if not isinstance(key, str))
            raise InvalidSpanError(f"span attribute names are text, not {odd!r}")
        if note is not None and not isinstance(note, str):
            raise InvalidSpanError(f"a span note must be text, not {note!r}")
        try:
            attributes_json = encode_attributes(attributes) if attributes else "{}"
        except (TypeError, ValueError) as exc:
            raise InvalidSpanError(f"span attributes must be plain JSON values ({exc})") from None
        stamp = created_at or stamp or now()
        return {
            "id": span_id or new_id(),
            "document_id": document_id,
            "annotator": annotator,
            "label": label,
            "start": start,
            "end": end,
            "text": text[start:end],
            "note": note or None,
            "attributes": attributes_json,
            "origin": origin,
            "created_at": stamp,
            "updated_at": updated_at or stamp,
        }

    def add_span(
        self,
        document_id: int,
        start: int,
        end: int,
        label: str,
        *,
        annotator: str,
        note: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        origin: str = "manual",
        seen: str | None = None,
    ) -> Span:
        """Add one span, committed before returning (one short transaction).

        Attributes are checked against those the label declares (``annotator.attributes``).
        ``seen``: the ``text_sha256`` of the text the offsets were taken from (a
        window's); another text now is a ``TextChangedError``.
        """
        if isinstance(label, str) and isinstance(attributes, Mapping):
            check_attributes(self.schema.label(label), attributes)
        with self._transaction() as conn:
            self._check_seen(document_id, seen)
            row = self._span_row(
                self._text(document_id), document_id, start, end, label, annotator,
                note=note, attributes=attributes, origin=origin,
            )  # fmt: skip
            conn.execute(_SPAN_INSERT, [row[c] for c in SPAN_COLUMNS])
            self._record(
                annotator, "add_span", document_id=document_id, target=row["id"],
                before={}, after={"spans": [row]},
            )  # fmt: skip
        return _span_from_row(row)

    def add_spans(
        self,
        document_id: int,
        spans: Iterable[Mapping[str, Any] | Span],
        *,
        by: str | None = None,
        seen: str | None = None,
    ) -> list[Span]:
        """Add many spans in one transaction and one undo step.

        Each item is a ``Span`` or a mapping with ``start``, ``end``, ``label``,
        ``annotator`` and optionally ``id``, ``note``, ``attributes``, ``origin``,
        ``created_at``, ``updated_at``.  All are checked before any is written.
        ``seen`` as for ``add_span``.
        """
        with self._transaction() as conn:
            self._check_seen(document_id, seen)
            rows = self._span_rows(document_id, spans, check=True)
            if not rows:
                return []
            try:
                conn.executemany(_SPAN_INSERT, [[r[c] for c in SPAN_COLUMNS] for r in rows])
            except sqlite3.IntegrityError:  # an id given twice, or one a span has already
                taken = self._taken_id([r["id"] for r in rows])
                if taken is None:
                    raise
                raise InvalidSpanError(
                    f"span id {taken} is taken: leave 'id' out and the store gives a new one"
                ) from None
            self._record(
                by or rows[0]["annotator"], "add_spans", document_id=document_id,
                before={}, after={"spans": rows},
            )  # fmt: skip
        return [_span_from_row(r) for r in rows]

    def _taken_id(self, ids: list[str]) -> str | None:
        """The first of ``ids`` given twice in the list, or held by a span already."""
        seen: set[str] = set()
        for span_id in ids:
            if span_id in seen or self._scalar("SELECT 1 FROM spans WHERE id = ?", [span_id]):
                return span_id
            seen.add(span_id)
        return None

    def _span_rows(
        self,
        document_id: int,
        spans: Iterable[Mapping[str, Any] | Span],
        *,
        text: str | None = None,
        check: bool = False,
        stamp: str | None = None,
    ) -> list[dict[str, Any]]:
        """Validated rows; ``check`` also checks declared attributes (not for imports).
        Rows that bring no time get ``stamp`` (default: now)."""
        text = self._text(document_id) if text is None else text
        rows = []
        stamp = stamp or now()
        for item in spans:
            s = item.__dict__ if isinstance(item, Span) else item
            if check and isinstance(s.get("label"), str):
                attributes = s.get("attributes")
                check_attributes(
                    self.schema.label(s["label"]),
                    attributes if isinstance(attributes, Mapping) else None,
                )
            rows.append(
                self._span_row(
                    text,
                    document_id,
                    s.get("start"),
                    s.get("end"),
                    s.get("label"),
                    s.get("annotator"),
                    note=s.get("note"),
                    attributes=s.get("attributes"),
                    origin=s.get("origin") or "manual",
                    span_id=s.get("id") or None,
                    created_at=s.get("created_at") or None,
                    updated_at=s.get("updated_at") or None,
                    stamp=stamp,
                )  # fmt: skip
            )
        ids = [r["id"] for r in rows]
        if len(set(ids)) != len(ids):
            raise InvalidSpanError("the same span id appears twice in one batch")
        return rows

    def _check_seen(self, document_id: int, seen: str | None) -> None:
        """Refuse offsets taken from a text the document no longer has."""
        if seen is None:
            return
        digest = self._scalar("SELECT text_sha256 FROM documents WHERE id = ?", [document_id])
        if digest is not None and digest != seen:
            raise TextChangedError(
                f"the text of document {document_id} was changed elsewhere since it was"
                " shown (another window, or `annotator update`): nothing was stored; look"
                " at the new text and do it again"
            )

    def spans(self, document_id: int, *, annotator: str | None = None) -> list[Span]:
        """The document's spans (one analyst's, if given), sorted by (start, end).

        Orphans of a replaced text are left out: see ``orphans()``.
        """
        where = "document_id = ? AND orphan_revision IS NULL"
        params: list[Any] = [document_id]
        if annotator is not None:
            where, params = where + " AND annotator = ?", params + [annotator]
        rows = self.conn.execute(
            f'SELECT {_SPAN_SELECT} FROM spans WHERE {where} ORDER BY start, "end", id', params
        )
        return [_span_from_row(r) for r in rows]

    def spans_at(self, document_id: int, start: int, end: int) -> list[Span]:
        """The document's spans covering exactly ``[start, end)`` (an index look-up: a
        check of one suggestion need not read the document's thousands of spans)."""
        rows = self.conn.execute(
            f"SELECT {_SPAN_SELECT} FROM spans WHERE document_id = ? AND start = ?"
            ' AND "end" = ? AND orphan_revision IS NULL ORDER BY id',
            [document_id, start, end],
        )
        return [_span_from_row(r) for r in rows]

    def span(self, span_id: str) -> Span:
        return _span_from_row(self._span_dict(span_id))

    def _span_dict(self, span_id: str) -> dict[str, Any]:
        row = self.conn.execute(
            f"SELECT {_SPAN_SELECT}, orphan_revision FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"there is no span {span_id}: it may have been deleted")
        found = dict(row)
        if found.pop("orphan_revision") is not None:
            raise InvalidSpanError(
                f"span {span_id} is an orphan of an earlier text of document"
                f" {found['document_id']}: place it or drop it in the Orphans panel first"
            )
        return found

    def update_span(
        self,
        span_id: str,
        *,
        label: str | None = None,
        start: int | None = None,
        end: int | None = None,
        note: str | None = _UNSET,
        attributes: Mapping[str, Any] | None = None,
        by: str | None = None,
        seen: str | None = None,
    ) -> Span:
        """Change a span; omitted fields stay.  ``note=None`` or ``""`` clears the note.

        ``by`` names who made the change (default: the span's analyst); the change
        joins that analyst's undo history.  Given ``attributes`` replace the old
        ones and are checked against the (new) label's declared attributes; a
        label change alone keeps the old attributes, less the values the new label
        declares otherwise (undo brings them back).  ``seen`` as for ``add_span``
        (for new offsets).
        """
        with self._transaction() as conn:
            old = self._span_dict(span_id)
            self._check_seen(old["document_id"], seen)
            if attributes is not None and isinstance(attributes, Mapping):
                check_attributes(self.schema.label(label or old["label"]), attributes)
            new = self._span_row(
                self._text(old["document_id"]), old["document_id"],
                old["start"] if start is None else start, old["end"] if end is None else end,
                old["label"] if label is None else label, old["annotator"],
                note=old["note"] if note is _UNSET else note,
                attributes=attributes if attributes is not None else allowed_by(
                    self.schema.label(label or old["label"]), json.loads(old["attributes"])),
                origin=old["origin"], span_id=span_id, created_at=old["created_at"],
            )  # fmt: skip
            if new["label"] != old["label"]:
                self._check_relations_fit(span_id, new["label"])
            new["updated_at"] = now()
            conn.execute(
                'UPDATE spans SET label = ?, start = ?, "end" = ?, text = ?, note = ?,'
                " attributes = ?, updated_at = ? WHERE id = ?",
                [new["label"], new["start"], new["end"], new["text"], new["note"],
                 new["attributes"], new["updated_at"], span_id],
            )  # fmt: skip
            self._record(
                by or old["annotator"], "update_span", document_id=old["document_id"],
                target=span_id, before={"spans": [old]}, after={"spans": [new]},
            )  # fmt: skip
        return _span_from_row(new)

    def _check_relations_fit(self, span_id: str, label: str) -> None:
        """Refuse a label under which a relation of the span would not be allowed."""
        for rel in self._relations_touching([span_id]):
            other = rel["to_span"] if rel["from_span"] == span_id else rel["from_span"]
            other_label = self._scalar("SELECT label FROM spans WHERE id = ?", [other])
            ends = (label, other_label) if rel["from_span"] == span_id else (other_label, label)
            if rel["type"] not in self.schema.relation_types_between(*ends):
                this, that = (self.conn.execute(
                    "SELECT label, text FROM spans WHERE id = ?", [i]).fetchone()
                    for i in (span_id, other))  # fmt: skip
                raise InvalidSpanError(
                    f"{this[0]} “{one_line(this[1], 40)}” is linked to {that[0]}"
                    f" “{one_line(that[1], 40)}” by {rel['type']}, which cannot go from"
                    f" {ends[0]} to {ends[1]}: delete that link first"
                )

    def delete_span(self, span_id: str, *, by: str | None = None) -> None:
        """Delete a span and the relations that use it (one undo step)."""
        with self._transaction() as conn:
            old = self._span_dict(span_id)
            rels = self._relations_touching([span_id])
            conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
            self._record(
                by or old["annotator"], "delete_span", document_id=old["document_id"],
                target=span_id, before={"spans": [old], "relations": rels}, after={},
            )  # fmt: skip

    def _relations_touching(self, span_ids: list[str]) -> list[dict[str, Any]]:
        marks = ", ".join("?" * len(span_ids))
        return [
            dict(r)
            for r in self.conn.execute(
                f"SELECT {_RELATION_SELECT} FROM relations"
                f" WHERE from_span IN ({marks}) OR to_span IN ({marks}) ORDER BY id",
                span_ids + span_ids,
            )
        ]

    # -- relations -----------------------------------------------------------------

    def add_relation(
        self, document_id: int, from_span: str, to_span: str, type: str, *, annotator: str
    ) -> Relation:
        """Link two spans of one document with a relation type the schema allows."""
        with self._transaction() as conn:
            row = self._relation_row(
                document_id,
                {"from": from_span, "to": to_span, "type": type, "annotator": annotator},
                {},
            )  # fmt: skip
            if conn.execute(
                "SELECT 1 FROM relations WHERE from_span = ? AND to_span = ? AND type = ?"
                " AND annotator = ?", [from_span, to_span, type, annotator],
            ).fetchone():  # fmt: skip
                raise InvalidRelationError(
                    f"{annotator} has linked these two spans by {type} already: nothing to do"
                )
            conn.execute(_RELATION_INSERT, [row[c] for c in RELATION_COLUMNS])
            self._record(
                annotator, "add_relation", document_id=document_id, target=row["id"],
                before={}, after={"relations": [row]},
            )  # fmt: skip
        return _relation_from_row(row)

    def relations(
        self, document_id: int, *, annotator: str | None = None, include_orphaned: bool = False
    ) -> list[Relation]:
        """The document's relations; those with an orphaned end only if asked."""
        where, params = "document_id = ?", [document_id]  # type: tuple[str, list[Any]]
        if not include_orphaned:
            where += " AND " + LIVE_RELATION
        if annotator is not None:
            where, params = where + " AND annotator = ?", params + [annotator]
        rows = self.conn.execute(
            f"SELECT {_RELATION_SELECT} FROM relations r WHERE {where} ORDER BY created_at, id",
            params,
        )
        return [_relation_from_row(r) for r in rows]

    def delete_relation(self, relation_id: str, *, by: str | None = None) -> None:
        with self._transaction() as conn:
            row = conn.execute(
                f"SELECT {_RELATION_SELECT} FROM relations WHERE id = ?", [relation_id]
            ).fetchone()
            if row is None:
                raise NotFoundError(f"there is no relation {relation_id}")
            conn.execute("DELETE FROM relations WHERE id = ?", [relation_id])
            self._record(
                by or row["annotator"], "delete_relation", document_id=row["document_id"],
                target=relation_id, before={"relations": [dict(row)]}, after={},
            )  # fmt: skip

    def _relation_row(
        self, document_id: int, rel: Mapping[str, Any], labels: Mapping[str, tuple[str, int]]
    ) -> dict[str, Any]:
        """A validated relations row; ``labels`` maps span ids to (label, document)."""
        ends = []
        for key in ("from", "to"):
            span_id = str(rel.get(key))
            if span_id not in labels:
                row = self.conn.execute(
                    "SELECT label, document_id FROM spans"
                    " WHERE id = ? AND orphan_revision IS NULL",  # an orphan cannot be linked
                    [span_id],
                ).fetchone()
                if row is None:
                    raise InvalidRelationError(f"relation {key} span {span_id!r} does not exist")
                ends.append((row[0], row[1]))
            else:
                ends.append(labels[span_id])
        if any(doc != document_id for _, doc in ends):
            raise InvalidRelationError(
                f"both spans of a relation must belong to document {document_id}"
            )
        if rel.get("from") == rel.get("to"):
            raise InvalidRelationError("a relation needs two different spans")
        rel_type = rel.get("type")
        allowed = self.schema.relation_types_between(ends[0][0], ends[1][0])
        if rel_type not in allowed:
            raise InvalidRelationError(
                f"the schema allows no {rel_type} relation from {ends[0][0]} to {ends[1][0]}"
                + (f": use {', '.join(allowed)}" if allowed else "")
            )
        annotator = rel.get("annotator")
        if not isinstance(annotator, str) or not annotator.strip():
            raise InvalidRelationError("a relation needs an annotator name")
        attributes = rel.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            raise InvalidRelationError("relation attributes must be a JSON object")
        try:
            encoded = encode_attributes(attributes)
        except (TypeError, ValueError) as exc:
            raise InvalidRelationError(f"relation attributes must be plain JSON ({exc})") from None
        return {
            "id": rel.get("id") or new_id(), "document_id": document_id,
            "annotator": annotator, "type": rel_type, "from_span": rel["from"],
            "to_span": rel["to"], "attributes": encoded,
            "created_at": checked_stamp(
                rel.get("created_at"), "created_at",
                f"relation {rel['id']}: " if rel.get("id") else "a relation's ",
                InvalidRelationError,
            ) or now(),
        }  # fmt: skip
