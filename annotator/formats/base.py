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

from ..errors import ExportError
from ..model import SUGGEST, Document, DocumentRecord, Relation, Span

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


def suggestions_left_out(store: Any, annotator: str | None) -> str | None:
    """The line saying an export of every layer left the unaccepted suggestions out."""
    if annotator is not None:
        return None
    n = store.layer_span_count(SUGGEST)
    if not n:
        return None
    return (f"{n:,} suggestion{'s' if n != 1 else ''} not yet accepted"
            f" (accept them first, or export them alone with --annotator {SUGGEST})")  # fmt: skip


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
            relations = store.relations(summary.id, annotator=annotator)
            if annotator is None:
                spans = [s for s in spans if s.annotator != SUGGEST]
                relations = [r for r in relations if r.annotator != SUGGEST]
            document = store.document(summary.id)
            for span in spans:  # every writer places spans by offset: a wrong quote is refused
                found = document.text[span.start : span.end]
                if found != span.text:
                    raise ExportError(
                        f"span {span.id} of document {document.id} quotes {span.text!r} but"
                        f" the text at [{span.start}, {span.end}) is {found!r}: run"
                        " `annotator check`; nothing was written"
                    )
            yield document, spans, relations
