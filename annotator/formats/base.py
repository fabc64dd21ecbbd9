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

from ..model import Document, DocumentRecord, Relation, Span

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


def iter_documents(
    store: Any, annotator: str | None = None
) -> Iterator[tuple[Document, list[Span], list[Relation]]]:
    """Every document with its spans (sorted) and relations, through the public API."""
    for summary in store.documents():
        yield (
            store.document(summary.id),
            store.spans(summary.id, annotator=annotator),
            store.relations(summary.id, annotator=annotator),
        )
