"""Replacing an article's text: revisions, re-anchored spans and the orphan queue.

``replace_text`` keeps the old text as a revision, gives the document the new
one (same id, same uid) and re-anchors every live span (``annotator.anchoring``)
in ONE transaction and one undo step.  A span that cannot be placed becomes an
orphan: it keeps its old offsets and quote, and ``orphan_revision`` names the
revision whose text they belong to.  Orphans are never deleted by the store and
never counted, exported or painted; ``place_orphan`` and ``drop_orphan`` (each
undoable) end their wait.  Fuzzy placements carry ``anchoring = "fuzzy"`` and
``anchoring_score`` in their attributes until ``confirm_anchor``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import history as hist
from ..anchoring import EXACT, FUZZY, ORPHAN, AnchoredSpan, AnchorReport, Placement, reanchor
from ..errors import DuplicateDocumentError, HistoryConflictError, InvalidSpanError, NotFoundError
from ..model import Relation, Span
from .base import (
    _RELATION_SELECT,
    _relation_from_row,
    _span_from_row,
    now,
    quote_columns,
    sha256,
)
from .exporting import LIVE_RELATION
from .undo import UndoMixin

_SPAN_ROW = quote_columns(hist.TABLE_COLUMNS["spans"])
_FLAGS = ("anchoring", "anchoring_score")


@dataclass(frozen=True)
class Revision:
    """An earlier text of a document (its text: ``Store.revision_text(id)``)."""

    id: int
    document_id: int
    number: int  # 1 for the first text replaced, 2 for the next...
    text_sha256: str
    length: int
    replaced_at: str
    replaced_by: str


@dataclass(frozen=True)
class Orphan:
    """A span whose quote was not found in the new text: its offsets and quote
    are those it had in the text of revision ``revision_id``."""

    span: Span
    revision_id: int


class RevisionsMixin(UndoMixin):
    def replace_text(self, document_id: int, new_text: str, *, by: str) -> AnchorReport:
        """Give a document a new version of its text; one undo step of ``by``.

        The old text becomes a revision; every live span is re-anchored (exact,
        fuzzy and flagged, or orphaned); relations keep their spans, and one with
        an orphaned end is kept but left out of ``relations()`` and exports.
        """
        if not isinstance(new_text, str) or not new_text.strip():
            raise InvalidSpanError("the new text is empty: choose a file with the article in it")
        if not isinstance(by, str) or not by.strip():
            raise InvalidSpanError("say who replaces the text (an analyst name)")
        digest = sha256(new_text)
        with self._transaction() as conn:
            text = self._text(document_id)  # a missing document or a bad id says so
            old = dict(conn.execute(
                "SELECT id, text_sha256, length FROM documents WHERE id = ?", [document_id]
            ).fetchone())  # fmt: skip
            old["text"] = text
            if old["text_sha256"] == digest:
                raise InvalidSpanError(
                    f"document {document_id} already has this text: nothing to replace"
                )
            twin = self._scalar(
                "SELECT id FROM documents WHERE text_sha256 = ? AND id != ?", [digest, document_id]
            )
            if twin is not None:
                raise DuplicateDocumentError(
                    f"this text is already document {twin}: replace with another text", twin
                )
            rows = [
                dict(r)
                for r in conn.execute(
                    f"SELECT {_SPAN_ROW} FROM spans WHERE document_id = ?"
                    ' AND orphan_revision IS NULL ORDER BY start, "end", id',
                    [document_id],
                )
            ]
            placements = reanchor(old["text"], new_text, [(r["start"], r["end"]) for r in rows])
            stamp = now()
            revision = {
                "document_id": document_id,
                "number": 1 + (self._scalar(
                    "SELECT max(number) FROM revisions WHERE document_id = ?", [document_id]
                ) or 0),
                "text": old["text"], "text_sha256": old["text_sha256"], "length": old["length"],
                "replaced_at": stamp, "replaced_by": by,
            }  # fmt: skip
            # The id is never one given before (undo brings deleted revisions back by id).
            revision = {"id": self._new_id("revisions"), **revision}
            conn.execute(
                "INSERT INTO revisions (id, document_id, number, text, text_sha256, length,"
                " replaced_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                list(revision.values()),
            )
            new_doc = {"id": document_id, "text": new_text, "text_sha256": digest,
                       "length": len(new_text)}  # fmt: skip
            conn.execute(
                "UPDATE documents SET text = ?, text_sha256 = ?, length = ? WHERE id = ?",
                [new_text, digest, len(new_text), document_id],
            )
            before, after, landed = [], [], []
            for row, place in zip(rows, placements, strict=True):
                moved = _landed(row, place, new_text, revision["id"], stamp)
                if moved != row:
                    before.append(row)
                    after.append(moved)
                landed.append(_anchored(row, place, moved))
            # Orphans of earlier replacements get another chance in the new text.
            again = self._retry_orphans(document_id, revision["id"], new_text)
            for row, place in again:
                moved = {**_landed(row, place, new_text, row["orphan_revision"], stamp),
                         "orphan_revision": None, "updated_at": stamp}  # fmt: skip
                before.append(row)
                after.append(moved)
                landed.append(_anchored(row, place, moved))
            conn.executemany(
                'UPDATE spans SET start = ?, "end" = ?, text = ?, attributes = ?,'
                " orphan_revision = ?, updated_at = ? WHERE id = ?",
                [[r["start"], r["end"], r["text"], r["attributes"], r["orphan_revision"],
                  r["updated_at"], r["id"]] for r in after],
            )  # fmt: skip
            self._record(
                by, "replace_text", document_id=document_id, target=str(revision["id"]),
                before={"documents": [old], "spans": before},
                after={"documents": [new_doc], "revisions": [revision], "spans": after},
            )  # fmt: skip
        self._texts.pop(document_id, None)
        cut = tuple(r.id for r in self.orphaned_relations(document_id))
        return AnchorReport(
            document_id, revision["id"], old["length"], len(new_text), tuple(landed), cut,
            tuple(row["id"] for row, _place in again),
        )

    def _retry_orphans(
        self, document_id: int, current: int, new_text: str
    ) -> list[tuple[dict[str, Any], Placement]]:
        """The orphans of earlier texts (not of revision ``current``, just made) that
        can be placed in ``new_text``, each with its placement."""
        found = []
        for revision_id, old_text in self.conn.execute(
            "SELECT id, text FROM revisions WHERE document_id = ? AND id != ? AND id IN"
            " (SELECT orphan_revision FROM spans WHERE document_id = ?) ORDER BY number",
            [document_id, current, document_id],
        ).fetchall():
            rows = [dict(r) for r in self.conn.execute(
                f"SELECT {_SPAN_ROW} FROM spans WHERE document_id = ? AND orphan_revision = ?"
                ' ORDER BY start, "end", id', [document_id, revision_id])]  # fmt: skip
            places = reanchor(old_text, new_text, [(r["start"], r["end"]) for r in rows])
            found += [(r, p) for r, p in zip(rows, places, strict=True) if p.kind != ORPHAN]
        return found

    def revisions(self, document_id: int) -> list[Revision]:
        """The document's earlier texts, oldest first."""
        return [
            Revision(*row)
            for row in self.conn.execute(
                "SELECT id, document_id, number, text_sha256, length, replaced_at, replaced_by"
                " FROM revisions WHERE document_id = ? ORDER BY number, id",
                [document_id],
            )
        ]

    def revision_text(self, revision_id: int) -> str:
        text = self._scalar("SELECT text FROM revisions WHERE id = ?", [revision_id])
        if text is None:
            raise NotFoundError(f"there is no revision {revision_id}")
        return str(text)

    def orphans(self, document_id: int, *, annotator: str | None = None) -> list[Orphan]:
        """Spans a text replacement could not place, oldest revision first."""
        where = "document_id = ? AND orphan_revision IS NOT NULL"
        params: list[Any] = [document_id]
        if annotator is not None:
            where, params = where + " AND annotator = ?", [*params, annotator]
        return [
            Orphan(_span_from_row(r), r["orphan_revision"])
            for r in self.conn.execute(
                f"SELECT {_SPAN_ROW} FROM spans WHERE {where}"
                ' ORDER BY orphan_revision, start, "end", id',
                params,
            )
        ]

    def fuzzy_spans(self, document_id: int, *, annotator: str | None = None) -> list[Span]:
        """Spans placed fuzzily by a text replacement and not yet confirmed."""
        return [
            s
            for s in self.spans(document_id, annotator=annotator)
            if s.attributes.get("anchoring") == FUZZY
        ]

    def orphaned_relations(self, document_id: int) -> list[Relation]:
        """Relations kept with an orphaned end: not listed by ``relations()``, not exported."""
        rows = self.conn.execute(
            f"SELECT {_RELATION_SELECT} FROM relations r WHERE document_id = ?"
            f" AND NOT {LIVE_RELATION} ORDER BY created_at, id",
            [document_id],
        )
        return [_relation_from_row(r) for r in rows]

    def confirm_anchor(self, span_id: str, by: str) -> Span:
        """The analyst accepts a fuzzy placement: its flag goes (one undo step)."""
        with self._transaction() as conn:
            old = self._span_dict(span_id)
            attributes = json.loads(old["attributes"])
            if attributes.get("anchoring") != FUZZY:
                raise InvalidSpanError(f"span {span_id} was not placed fuzzily: nothing to confirm")
            new = {**old, "attributes": _unflagged(attributes), "updated_at": now()}
            conn.execute(
                "UPDATE spans SET attributes = ?, updated_at = ? WHERE id = ?",
                [new["attributes"], new["updated_at"], span_id],
            )
            self._record(
                by, "confirm_anchor", document_id=old["document_id"], target=span_id,
                before={"spans": [old]}, after={"spans": [new]},
            )  # fmt: skip
        return _span_from_row(new)

    def place_orphan(
        self, span_id: str, start: int, end: int, *, by: str, seen: str | None = None
    ) -> Span:
        """Put an orphan back at ``[start, end)`` of the current text (one undo step).

        Its quote becomes that stretch of the text; label, note and analyst stay.
        ``seen`` as for ``add_span``: the digest of the text the offsets came from.
        """
        with self._transaction() as conn:
            old = self._orphan_row(span_id)
            self._check_seen(old["document_id"], seen)
            new = self._span_row(
                self._text(old["document_id"]), old["document_id"], start, end, old["label"],
                old["annotator"], note=old["note"],
                attributes=json.loads(_unflagged(json.loads(old["attributes"]))),
                origin=old["origin"], span_id=span_id, created_at=old["created_at"],
            )  # fmt: skip
            new.update(updated_at=now(), orphan_revision=None)
            conn.execute(
                'UPDATE spans SET start = ?, "end" = ?, text = ?, attributes = ?,'
                " orphan_revision = NULL, updated_at = ? WHERE id = ?",
                [start, end, new["text"], new["attributes"], new["updated_at"], span_id],
            )
            self._record(
                by, "place_orphan", document_id=old["document_id"], target=span_id,
                before={"spans": [old]}, after={"spans": [new]},
            )  # fmt: skip
        return _span_from_row(new)

    def drop_orphan(self, span_id: str, *, by: str) -> None:
        """Delete an orphan and the relations that use it (one undo step)."""
        with self._transaction() as conn:
            old = self._orphan_row(span_id)
            relations = self._relations_touching([span_id])
            conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
            self._record(
                by, "drop_orphan", document_id=old["document_id"], target=span_id,
                before={"spans": [old], "relations": relations}, after={},
            )  # fmt: skip

    def _orphan_row(self, span_id: str) -> dict[str, Any]:
        row = self.conn.execute(f"SELECT {_SPAN_ROW} FROM spans WHERE id = ?", [span_id])
        found = row.fetchone()
        if found is None:
            raise NotFoundError(f"there is no span {span_id}: it may have been dropped")
        if found["orphan_revision"] is None:
            raise InvalidSpanError(f"span {span_id} is not an orphan: it is in the text already")
        return dict(found)

    def _move(self, current: hist.State, wanted: hist.State) -> None:
        """Undo and redo put rows back as they were; refuse (rolling back) any
        live span that would then not quote its document's current text, e.g. one
        deleted before the text was replaced, or one added after it."""
        super()._move(current, wanted)
        replaced = {row["id"] for row in wanted.get("documents", []) if "text" in row}
        ids = [row["id"] for row in wanted.get("spans", [])]
        checked = [
            r
            for i in range(0, len(ids), 500)
            for r in self.conn.execute(
                f'SELECT id, document_id, start, "end", text FROM spans WHERE id IN'
                f" ({', '.join('?' * len(ids[i : i + 500]))}) AND orphan_revision IS NULL",
                ids[i : i + 500],
            )
        ]
        for doc_id in replaced:
            checked += self.conn.execute(
                'SELECT id, document_id, start, "end", text FROM spans'
                " WHERE document_id = ? AND orphan_revision IS NULL",
                [doc_id],
            ).fetchall()
        texts: dict[int, str] = {}
        for span_id, doc_id, start, end, quote in checked:
            if doc_id not in texts:
                texts[doc_id] = self._text(doc_id)
            if texts[doc_id][start:end] != quote:
                raise HistoryConflictError(
                    f"span {span_id} belongs to another version of the text of document"
                    f" {doc_id}: it cannot be put back"
                )


def _unflagged(attributes: dict[str, Any]) -> str:
    """Attributes JSON without the fuzzy-placement flag."""
    kept = {k: v for k, v in attributes.items() if k not in _FLAGS}
    return json.dumps(kept, ensure_ascii=False) if kept else "{}"


def _anchored(row: dict[str, Any], place: Placement, moved: dict[str, Any]) -> AnchoredSpan:
    """The report's line for one span: where it was, and where (and how) it landed."""
    return AnchoredSpan(
        row["id"], row["label"], row["annotator"], row["start"], row["end"], row["text"],
        place.kind, moved["start"], moved["end"], moved["text"], place.score,
    )


def _landed(
    row: dict[str, Any], place: Placement, text: str, revision_id: int, stamp: str
) -> dict[str, Any]:
    """The spans row after a replacement (the same dict when nothing changed)."""
    if place.kind == ORPHAN:
        return {**row, "orphan_revision": revision_id, "updated_at": stamp}
    if place.kind == EXACT and (place.start, place.end) == (row["start"], row["end"]):
        return row
    # Moved exactly, the span is unchanged (same quote, same label): no edit, so its
    # time stays, and a review's verdict on it holds.  A fuzzy one was changed.
    changed = row["updated_at"] if place.kind == EXACT else stamp
    new = {**row, "start": place.start, "end": place.end, "text": text[place.start : place.end],
           "updated_at": changed}  # fmt: skip
    if place.kind == FUZZY:
        attributes = {**json.loads(row["attributes"]), "anchoring": FUZZY,
                      "anchoring_score": place.score}  # fmt: skip
        new["attributes"] = json.dumps(attributes, ensure_ascii=False)
    return new
