"""Merging database files: one per analyst, or several shared ones, into a team file.

Documents are the same when their ``uid`` is the same.  Spans and relations keep
their analyst and ids, and ids the target does not have yet are added, so
merging the same files again adds nothing twice.  A file merged again brings
what its analyst changed since (``merge_follow``): a span changed there more
recently than here is updated, and spans and relations its own history shows
it deleted are removed; what was deleted here since is not brought back.  A
document whose text is an earlier text of the target's (replaced there since)
has its spans carried to the current text (``merge_revisions``).  A document
whose uid is in the target with another text (edited in one file) is a
conflict: reported, and the target's document is left as it is.

Everything is checked before anything is written: every source exists, opens,
is not the target, and uses only labels, relation types, attribute values and
time stamps the target's schema and store take.  Then each source's new rows
are written in one transaction, and its later changes in one more per document.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomicfile import unmake_database
from .display_text import counted
from .errors import AnnotatorError, InvalidSpanError
from .merge_follow import (
    documents_removed_here,
    follow,
    ids_in_history,
    named_here,
    removed_here,
    without_removed,
)
from .merge_revisions import through_revision
from .model import DocumentRecord, Relation, Schema, Span
from .store import Store, open_store, sha256
from .store.row_values import quoted
from .store.span_checks import check_span_attributes, normal_stamp
from .store.sync import MERGE


class MergeError(AnnotatorError):
    """The files cannot be merged as asked; nothing was written."""


@dataclass(frozen=True)
class Conflict:
    """A source document whose uid the target has with another text."""

    uid: str
    title: str | None
    target_id: int  # the target's document with that uid, left as it was


@dataclass
class SourceReport:
    path: Path
    documents_added: int = 0
    spans_added: int = 0
    relations_added: int = 0
    # Documents that held an earlier text of the target's: (where, target id, spans
    # carried to the current text, spans waiting as orphans of the earlier text).
    moved: list[tuple[str, int, int, int]] = field(default_factory=list)
    spans_updated: int = 0  # changed in the source since an earlier merge
    spans_deleted: int = 0  # deleted there since
    relations_deleted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. orphans of earlier texts kept


@dataclass
class MergeReport:
    into: Path
    created: bool  # the target file was created by this merge
    sources: list[SourceReport] = field(default_factory=list)

    @property
    def documents_added(self) -> int:
        return sum(s.documents_added for s in self.sources)

    @property
    def spans_added(self) -> int:
        return sum(s.spans_added for s in self.sources)

    @property
    def relations_added(self) -> int:
        return sum(s.relations_added for s in self.sources)

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for s in self.sources for c in s.conflicts]


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def read_records(store: Store) -> list[DocumentRecord]:
    """Every document of ``store`` with all its spans and relations, as import records."""
    records = []
    with store.reading():  # one snapshot, though its analyst may be writing to it now
        for summary in store.documents():
            doc = store.document(summary.id)
            spans = [_span_dict(s) for s in store.spans(doc.id)]
            relations = [_relation_dict(r) for r in store.relations(doc.id)]
            revisions, orphans, orphan_relations = _earlier_texts(store, doc.id)
            records.append(
                DocumentRecord(
                    text=doc.text,
                    uid=doc.uid,
                    title=doc.title,
                    source=doc.source,
                    meta=doc.meta,
                    created_at=doc.created_at,
                    spans=spans,
                    relations=relations,
                    where=f"{store.path.name} document {doc.id}",
                    revisions=revisions,
                    orphans=orphans,
                    orphan_relations=orphan_relations,
                )
            )
    return records


def _span_dict(s: Span) -> dict[str, Any]:
    return {"id": s.id, "annotator": s.annotator, "label": s.label, "start": s.start,
            "end": s.end, "text": s.text, "note": s.note, "attributes": s.attributes,
            "origin": s.origin, "created_at": s.created_at, "updated_at": s.updated_at}  # fmt: skip


def _relation_dict(r: Relation) -> dict[str, Any]:
    return {"id": r.id, "type": r.type, "from": r.from_span, "to": r.to_span,
            "annotator": r.annotator, "attributes": r.attributes,
            "created_at": r.created_at}  # fmt: skip


def _earlier_texts(store: Store, doc_id: int) -> tuple[list[Any], list[Any], list[Any]]:
    """A document's earlier texts, their orphans and the relations with an orphaned end:
    so that merging never loses spans still waiting to be placed."""
    revisions = store.revisions(doc_id)
    at = {rev.id: n for n, rev in enumerate(revisions)}
    texts = [{"text": store.revision_text(rev.id), "replaced_at": rev.replaced_at,
              "replaced_by": rev.replaced_by} for rev in revisions]  # fmt: skip
    orphans = [{**_span_dict(o.span), "revision": at[o.revision_id]}
               for o in store.orphans(doc_id)]  # fmt: skip
    return texts, orphans, [_relation_dict(r) for r in store.orphaned_relations(doc_id)]


def _check_schema(name: str, records: list[DocumentRecord], schema: Schema, into: Path) -> None:
    """Raise ``MergeError`` naming the labels or relations the target's schema lacks."""
    unknown = sorted({s["label"] for r in records for s in (*r.spans, *r.orphans)}
                     - schema.label_set)  # fmt: skip
    if unknown:
        raise MergeError(
            f"{name} uses labels that the schema of {into.name} does not have:"
            f" {', '.join(unknown)}: add them to the schema or merge into another file"
        )
    _check_attributes(name, records, schema, into)
    _check_times(name, records)
    _check_quotes(name, records)
    refused = set()
    for record in records:
        labels = {s["id"]: s["label"] for s in (*record.spans, *record.orphans)}
        for rel in (*record.relations, *record.orphan_relations):  # an orphaned end too
            ends = labels.get(rel["from"], "?"), labels.get(rel["to"], "?")
            if rel["type"] not in schema.relation_types_between(*ends):
                refused.add(f"{rel['type']} ({ends[0]} -> {ends[1]})")
    if refused:
        raise MergeError(
            f"{name} has relations that the schema of {into.name} does not allow:"
            f" {', '.join(sorted(refused))}: merge into a file whose schema has them"
        )


def _check_attributes(
    name: str, records: list[DocumentRecord], schema: Schema, into: Path
) -> None:
    """Raise ``MergeError`` for an attribute value the target's schema forbids
    (the source's schema may allow other values): the import would refuse it."""
    refused = set()
    for record in records:
        for span in (*record.spans, *record.orphans):
            try:
                check_span_attributes(schema, span, "")
            except InvalidSpanError as exc:
                refused.add(str(exc))
    if refused:
        first, *others = sorted(refused)
        more = f" (and {counted(len(others), 'other')})" if others else ""
        raise MergeError(
            f"{name} has attribute values that the schema of {into.name} does not allow:"
            f" {first}{more}: change them in {name} or merge into a file whose schema has them"
        )


def _check_quotes(name: str, records: list[DocumentRecord]) -> None:
    """Raise ``MergeError`` for a span whose quote is not its document's text at its
    offsets (a row changed outside annotator): the import would refuse it after
    earlier files were written."""
    for record in records:
        for span in record.spans:
            start, end, quote = span.get("start"), span.get("end"), span.get("text")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end
                    <= len(record.text)) or quote is None:  # fmt: skip
                continue  # the import's own checks say what is wrong
            if record.text[start:end] != quote:
                raise MergeError(
                    f"{record.where or name}: span {span.get('id')} quotes {quoted(quote)} but"
                    f" the text there is {quoted(record.text[start:end])}: `annotator check"
                    f" --db {name}` lists such spans; correct them there before merging"
                )


def _check_times(name: str, records: list[DocumentRecord]) -> None:
    """Raise ``MergeError`` for a time stamp that is no time (an older import kept
    any text): the import would refuse it after earlier files were written."""
    bad = [f"{kind} {row.get('id')} {key} {row[key]!r}"
           for record in records
           for kind, rows in (("span", (*record.spans, *record.orphans)),
                              ("relation", (*record.relations, *record.orphan_relations)))
           for row in rows for key in ("created_at", "updated_at")
           if row.get(key) and normal_stamp(row[key]) is None]  # fmt: skip
    if bad:
        more = f" (and {counted(len(bad) - 1, 'other')})" if len(bad) > 1 else ""
        raise MergeError(
            f"{name} has time stamps that are no times: {bad[0]}{more}: `annotator check"
            f" --db {name}` lists them; correct them there before merging"
        )


def merge(sources: Sequence[Path], into: Path) -> MergeReport:
    """Merge the database files ``sources`` into ``into``, creating it if needed.

    A new target gets the first source's schema.  Raises ``MergeError`` (nothing
    written) for a missing source, a source that is the target, or labels and
    relation types the target's schema lacks.
    """
    sources = [Path(p) for p in sources]
    into = Path(into)
    if not sources:
        raise MergeError("name at least one database file to merge")
    for path in sources:
        if not path.is_file():
            raise MergeError(f"{path} does not exist: check the path")
        if path.stat().st_size == 0:  # opened, it would be made a new empty database
            raise MergeError(f"{path} is an empty file, not a database: check the path")
        if _same_file(path, into):
            raise MergeError(f"cannot merge {path} into itself: choose another --into file")
    records: list[list[DocumentRecord]] = []
    histories: list[dict[str, dict[str, str]]] = []
    schemas: list[Schema] = []
    for path in sources:
        with open_store(path) as store:
            schemas.append(store.schema)
            records.append(read_records(store))
            histories.append(ids_in_history(store))
    was_empty = into.exists() and into.stat().st_size == 0  # e.g. made by `touch`
    created = was_empty or not into.exists()
    target_schema = schemas[0] if created else _schema_of(into)
    for path, recs in zip(sources, records, strict=True):
        _check_schema(path.name, recs, target_schema, into)
    report = MergeReport(into=into, created=created)
    try:
        with open_store(into, schema=schemas[0].raw) as target:
            for path, recs, known in zip(sources, records, histories, strict=True):
                report.sources.append(_merge_one(target, path, recs, known))
    except BaseException:
        if created:  # a file that was not there (or empty) is not left behind half written
            unmake_database(into, was_empty=was_empty)
        raise
    return report


def _schema_of(path: Path) -> Schema:
    with open_store(path) as store:
        return store.schema


def _merge_one(
    target: Store, path: Path, records: list[DocumentRecord], history: dict[str, dict[str, str]]
) -> SourceReport:
    """Write one source's new rows in one transaction, then what it changed or
    deleted since an earlier merge, a document at a time; conflicts are left out
    and reported."""
    part = SourceReport(path=path)
    keep, again = [], []
    gone = documents_removed_here(target)
    pairs = [(r, target.document_by_uid(r.uid) if r.uid else None) for r in records]
    # One reading of the history here: documents merged again, and those deleted
    # here that a record brings again (their events name their old id).
    ids = [doc.id for _, doc in pairs if doc is not None]
    ids += [gone[r.uid][1] for r, doc in pairs if doc is None and r.uid in gone]
    named = named_here(target, ids)
    removed = removed_here(target, named)
    for record, existing in pairs:
        known = history.get(record.uid or "", {})
        said: list[str] = []  # kept only if the record is merged (not a conflict)
        if existing is None and record.uid in gone:
            deleted_at, old_id = gone[record.uid]
            if not _worked_on_since(record, deleted_at):
                part.notes.append(f"{record.where or record.title}: deleted here on"
                                  f" {deleted_at[:10]}, and not worked on there since: not"
                                  " brought back (import an export of that file to have it"
                                  " again)")  # fmt: skip
                continue
            part.notes.append(f"{record.where or record.title}: deleted here on"
                              f" {deleted_at[:10]}, but worked on there since: merged"
                              " again")  # fmt: skip
            # Without what the team file deleted of it one by one, before the document.
            before = {i: at for i, at in removed.get(old_id, {}).items() if at < deleted_at}
            record = without_removed(record, before, said, known)
        # What was deleted here is left out first: a carried span is counted as placed.
        if existing is not None:
            record = without_removed(record, removed.get(existing.id, {}), said, known)
        if existing is not None and existing.text_sha256 != sha256(record.text):
            moved = through_revision(target, existing.id, record)
            if moved is None:
                part.conflicts.append(Conflict(record.uid or "", record.title, existing.id))
                continue
            record, placed, waiting = moved
            if placed or waiting:
                part.moved.append((record.where, existing.id, placed, waiting))
        part.notes += said
        if existing is not None:
            again.append((existing.id, record))
        keep.append(record)
    # The file's later changes and deletions first: a span it deleted and drew again
    # at the same place is new, not "already here" as the old one still is.
    for doc_id, record in again:
        follow(target, doc_id, record, history.get(record.uid or "", {}), named.get(doc_id, {}),
               part)  # fmt: skip
    result = target.import_records(keep, added_by=MERGE, followed=True)
    part.documents_added = len(result)
    part.spans_added = result.spans_added
    part.relations_added = result.relations_added
    part.notes += result.notes
    return part


def _worked_on_since(record: DocumentRecord, deleted: str) -> bool:
    """True when a span of ``record`` was made or changed after its document was
    deleted here (at ``deleted``): the more recent work wins, as for a span."""
    return any(max(s.get("created_at") or "", s.get("updated_at") or "") > deleted
               for s in (*record.spans, *record.orphans))  # fmt: skip
