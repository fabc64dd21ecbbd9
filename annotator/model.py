"""Plain, frozen records the store hands out. No SQL and no Qt here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .layers import SUGGEST  # noqa: F401  (re-exported; defined apart for the export's helper)

ORIGINS = ("manual", "rule", "model", "import", "adjudicated")
# Keys of the native record's "meta" that carry the document's own fields: a
# document's free metadata cannot use them (an export would overwrite them).
RESERVED_META = ("title", "source", "sha256", "created_at")
NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


@dataclass(frozen=True)
class Document:
    id: int
    uid: str
    title: str | None
    source: str | None
    text: str
    text_sha256: str
    meta: dict[str, Any]
    created_at: str


@dataclass(frozen=True)
class DocumentSummary:
    """A document without its text, for lists."""

    id: int
    uid: str
    title: str | None
    source: str | None
    length: int
    created_at: str
    span_counts: dict[str, int] = field(default_factory=dict)  # per label
    analyst_counts: dict[str, int] = field(default_factory=dict)  # per analyst
    done_by: frozenset[str] = frozenset()

    @property
    def span_total(self) -> int:
        return sum(self.span_counts.values())

    def state(self, analyst: str) -> str:
        """``done``, ``in_progress`` (has spans, not done) or ``not_started``."""
        if analyst in self.done_by:
            return DONE
        return IN_PROGRESS if self.analyst_counts.get(analyst) else NOT_STARTED


@dataclass(frozen=True)
class Span:
    """A labelled stretch of a document: ``document.text[start:end] == text``.

    Offsets count Unicode code points and ``end`` is exclusive.
    """

    id: str
    document_id: int
    annotator: str
    label: str
    start: int
    end: int
    text: str
    note: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    origin: str = "manual"
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Relation:
    id: str
    document_id: int
    annotator: str
    type: str
    from_span: str
    to_span: str
    attributes: dict[str, Any] = field(default_factory=dict)
    created_at: str = ""


@dataclass(frozen=True)
class Label:
    name: str
    key: str
    color: str
    description: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RelationType:
    type: str
    from_label: str
    to_label: str
    description: str = ""


@dataclass(frozen=True)
class Schema:
    name: str
    version: int
    labels: tuple[Label, ...]
    relations: tuple[RelationType, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    @cached_property
    def label_set(self) -> frozenset[str]:
        return frozenset(self.label_names)

    def label(self, name: str) -> Label | None:
        return next((lab for lab in self.labels if lab.name == name), None)

    def relation_types_between(self, from_label: str, to_label: str) -> list[str]:
        return [
            r.type for r in self.relations if r.from_label == from_label and r.to_label == to_label
        ]


@dataclass(frozen=True)
class HistoryEntry:
    """One row of the append-only history (the ``events`` table)."""

    id: int
    at: str
    annotator: str
    action: str
    document_id: int | None
    target: str | None
    before: Any
    after: Any
    ref: int | None = None


@dataclass
class DocumentRecord:
    """A document read from a file, with its annotations, before it is stored.

    Span dicts carry ``start``, ``end``, ``label``, ``annotator`` and optionally
    ``id``, ``text`` (the quote, checked against the text), ``note``,
    ``attributes``, ``origin``, ``created_at``, ``updated_at``, and ``source_id``
    (the file's own name of the span, brat's T1, for messages).  Relation dicts
    carry ``type``, ``from``, ``to`` (span ids), ``annotator`` and optionally
    ``id``, ``attributes``, ``created_at``.
    """

    text: str
    uid: str | None = None
    title: str | None = None
    source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    spans: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)
    where: str = ""  # e.g. "news.jsonl line 3", for error messages
    # Only between our own databases (``annotator merge``): the earlier texts
    # ({"text", "replaced_at", "replaced_by"}, oldest first), the orphans of
    # them (span dicts with "revision": the index of their text in
    # ``revisions``) and the relations with an orphaned end.
    revisions: list[dict[str, Any]] = field(default_factory=list)
    orphans: list[dict[str, Any]] = field(default_factory=list)
    orphan_relations: list[dict[str, Any]] = field(default_factory=list)


class ImportResult(list):  # type: ignore[type-arg]
    """The documents an import added (a list of ``Document``), plus what it skipped."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[str] = []  # one line each: what was skipped and why
        self.notes: list[str] = []  # things read but not kept, and why
        self.spans_added = 0
        self.relations_added = 0

    def merge(self, other: ImportResult) -> None:
        self.extend(other)
        self.skipped.extend(other.skipped)
        self.notes.extend(other.notes)
        self.spans_added += other.spans_added
        self.relations_added += other.relations_added
