"""What every format module shares: the shape of a read and of a write.

A reader is ``read(path, *, offsets=None, annotator=None, skip_invalid=False)
-> ReadResult``: it parses a file into ``DocumentRecord``s without touching any
database (the caller stores them in one transaction).  A malformed record
raises ``ImportRefusedError`` naming the file and the line or record number,
unless ``skip_invalid`` is set, in which case it is listed in ``skipped``.

A writer is ``write(store, target, *, annotator=None, ...) -> WriteReport``:
it checks its own output and lists in ``lost`` everything the target format
cannot carry, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..display_text import with_count
from ..errors import ExportError
from ..model import SUGGEST, Document, DocumentRecord, Relation, Span
from ..store.exporting import relations_with_an_orphan
from ..store.row_values import quote_refusal

DEFAULT_ANNOTATOR = "imported"


@dataclass
class ReadResult:
    records: list[DocumentRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each: where and why
    notes: list[str] = field(default_factory=list)  # things read but not kept, and why


@dataclass
class WriteReport:
    documents: int = 0
    spans: int = 0
    relations: int = 0
    path: str = ""
    lost: list[str] = field(default_factory=list)  # what the format cannot carry
    left_out: list[str] = field(default_factory=list)  # what was not asked for


def left_out_of(store: Any, fmt: str, annotator: str | None) -> list[str]:
    """The lines saying what an export leaves out that its writer's report does
    not name: the suggestions not yet accepted (in an export of every layer),
    the orphans of earlier texts (the native writer names those itself), and
    the analysts' "done" marks (no format has a place for them)."""
    lines = []
    if annotator is None:
        n = store.pending_suggestion_count()  # the accepted ones are in analysts' layers
        if n:
            lines.append(with_count("{n} suggestion{|s} not yet accepted", n)
                         + f" (accept them first, or export them alone with --annotator {SUGGEST})")
    if fmt != "jsonl":
        lines += orphan_lines(store.conn, annotator)
    layer, params = ("AND annotator = ?", [annotator]) if annotator else ("", [])
    done = store.conn.execute(
        f"SELECT count(*) FROM document_status WHERE done {layer}", params
    ).fetchone()[0]
    if done:  # the analysts' own progress, not an annotation of the text
        lines.append(with_count("{n} \"done\" mark{|s} of the analysts' progress", done))
    return lines


def orphan_lines(conn: Any, annotator: str | None) -> list[str]:
    """The lines naming the orphaned spans (of one analyst) no export carries, and
    the relations that have one of them at an end."""
    layer, params = ("AND annotator = ?", [annotator]) if annotator else ("", [])
    n = conn.execute(
        f"SELECT count(*) FROM spans WHERE orphan_revision IS NOT NULL {layer}", params
    ).fetchone()[0]
    if not n:
        return []
    lines = [with_count(
        "{n} orphaned span{|s} (of earlier texts: placed or dropped in the window's"
        " Orphans panel, they stay in the database)", n,
    )]  # fmt: skip
    linked = relations_with_an_orphan(conn, annotator)
    if linked:
        lines.append(with_count(
            "{n} relation{|s} with an orphaned end (back when the orphan is placed)", linked
        ))  # fmt: skip
    return lines


def iter_documents(
    store: Any, annotator: str | None = None
) -> Iterator[tuple[Document, list[Span], list[Relation]]]:
    """Every document with its spans (sorted) and relations, through the public API:
    one analyst's, or every layer but the suggestions not yet accepted.  All are
    read in one snapshot: a colleague's change during the export is in it whole
    or not at all."""
    with store.reading():
        for summary in store.documents():
            spans = store.spans(summary.id, annotator=annotator)
            relations = store.relations(summary.id)
            if annotator is not None:  # its spans' relations, whoever drew them, and its own
                ids = {s.id for s in spans}
                relations = [r for r in relations if r.annotator == annotator
                             or (r.from_span in ids and r.to_span in ids)]  # fmt: skip
            else:
                spans = [s for s in spans if s.annotator != SUGGEST]
                relations = [r for r in relations if r.annotator != SUGGEST]
            document = store.document(summary.id)
            for span in spans:  # every writer places spans by offset: a wrong quote is refused
                refused = quote_refusal(span.id, document.id, span.start, span.end, span.text,
                                        document.text)  # fmt: skip
                if refused:
                    raise ExportError(refused)
            yield document, spans, relations
