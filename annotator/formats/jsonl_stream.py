"""A native JSONL file read while it is stored: the plain case, at the speed of SQLite.

``jsonl.read`` parses and checks the whole file before the import stores
anything, so that a bad line is named before the file is touched.  For a big
file that is a sixth of the import's time during which SQLite waits.  Here each
line is parsed when the import asks for its record: on the import's preparing
thread (``import_ahead``), while SQLite stores the records before it.

Only plainly good lines are read this way.  The first line that is not (bad
JSON, a record ``jsonl.read`` would refuse, a field of the wrong type, a label
or relation type the schema lacks) raises ``NotPlain``.  On that, or on any
error the store finds, the import's transaction is rolled back and the caller
reads the file again the careful way, which names the first problem (the
file's own before the store's) as before.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

from ..errors import ImportRefusedError
from ..model import DocumentRecord
from ..shapes import known_labels_only, record_shape_problem
from .common import loads, refuse_lone_surrogates
from .jsonl import parse_record


class NotPlain(Exception):
    """A line the careful read must look at: nothing of the file is kept."""


class StreamedRecords(Sequence[DocumentRecord]):
    """The records of a file's lines, each parsed and checked when asked for."""

    def __init__(
        self, name: str, lines: list[tuple[int, bytes]], annotator: str | None, schema: Any
    ) -> None:
        self._name, self._lines, self._annotator = name, lines, annotator
        self._labels = schema.label_set
        self._relation_types = frozenset(r.type for r in schema.relations)

    def __len__(self) -> int:
        return len(self._lines)

    @overload
    def __getitem__(self, index: int) -> DocumentRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[DocumentRecord]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self._record(i) for i in range(len(self))[index]]
        return self._record(range(len(self))[index])

    def __iter__(self) -> Iterator[DocumentRecord]:
        return map(self._record, range(len(self)))

    def _record(self, index: int) -> DocumentRecord:
        number, line = self._lines[index]
        try:
            content = line.decode("utf-8")
            refuse_lone_surrogates(content, self._name)
            record = parse_record(loads(content), f"{self._name} line {number}", self._annotator)
        except (UnicodeDecodeError, json.JSONDecodeError, ImportRefusedError):
            raise NotPlain from None
        if record_shape_problem(record) is not None or not known_labels_only(
            record.spans, self._labels
        ):
            raise NotPlain
        types = {rel.get("type") for rel in record.relations}
        if not types <= self._relation_types:  # unknown, or no name at all
            raise NotPlain
        return record


# A refusal found late costs a store and a rollback (holding the database's write
# lock meanwhile): bigger files are read the careful way, whole, first.
STREAM_AT_MOST = 64 * 1024 * 1024  # bytes


def stream(path: Path, annotator: str | None, schema: Any) -> StreamedRecords | None:
    """The file's records to be read as they are stored; None when the careful
    read should have the file from the start: no regular file (a pipe is read
    once), bigger than ``STREAM_AT_MOST``, no line at all, or a first or last
    line that is not plainly good (a file cut short by an interrupted copy is
    refused before any work).

    Each line is decoded (and checked for half a UTF-16 pair escaped) when its
    record is asked for, on the preparing thread: decoding and splitting the
    whole file first kept SQLite waiting for about a twentieth of the import.
    """
    if not path.is_file() or path.stat().st_size > STREAM_AT_MOST:
        return None
    # One record per line; JSON strings may hold U+2028 unescaped: split on "\n" only
    # (in UTF-8 that byte is never part of another character).
    raw = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    lines = [(n, line) for n, line in enumerate(raw.split(b"\n"), 1) if line.strip()]
    del raw
    if not lines:
        return None
    records = StreamedRecords(path.name, lines, annotator, schema)
    try:
        records[0], records[-1]  # noqa: B018 (parsed and checked, then dropped)
    except NotPlain:
        return None
    return records
