"""JSON columns as read back from the database, and how they fail.

The store writes ``spans.attributes``, ``relations.attributes`` and
``documents.meta`` as JSON objects.  A row edited outside annotator (a SQL
tool, a sync gone wrong) may hold anything there; reading it then fails in
one line that names the row and sends the analyst to ``annotator check``
(which lists every such row), instead of a traceback deep in an export.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ..display_text import one_line
from ..errors import DatabaseFileError
from ..migrations import RECORD_COLUMNS


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is no JSON")


# JSON as SQLite reads it: Python's parser also takes NaN and Infinity.
_loads = json.JSONDecoder(parse_constant=_no_constant).decode


def object_problem(raw: Any) -> str | None:
    """What is wrong with ``raw`` as a stored JSON object; None when nothing is."""
    try:
        value = _loads(raw)
    except (TypeError, ValueError, RecursionError):  # nested deeper than Python parses
        return f"{one_line(str(raw), 40)!r} (not JSON)"
    if not isinstance(value, dict):
        return f"{one_line(str(raw), 40)} (not a JSON object)"
    return None


def stored_object(raw: str, what: str) -> dict[str, Any]:
    """``raw`` (a JSON column of ``what``, e.g. "the attributes of span X") as a dict;
    ``DatabaseFileError`` when it is not a JSON object."""
    if raw == "{}":
        return {}
    try:
        value = _loads(raw)
    except (TypeError, ValueError, RecursionError):
        value = None
    if isinstance(value, dict):
        return value
    raise DatabaseFileError(
        f"the database holds {object_problem(raw)} as {what} (changed outside annotator?):"
        " run `annotator check` to see every such row, and correct them or restore a backup"
    )


def storage_classes(columns: Iterable[str], alias: str = "") -> str:
    """SQL: the storage class of each of ``columns`` (of the table ``alias``), in order."""
    return ", ".join(f"typeof({alias}{'.' if alias else ''}{column})" for column in columns)


# SQL: the storage class of each column of RECORD_COLUMNS, in its order.
RECORD_TYPES = storage_classes(RECORD_COLUMNS)


def blob_columns(
    kinds: Iterable[str | bytes], columns: Iterable[str] = RECORD_COLUMNS
) -> list[str]:
    """The ``columns`` whose storage class in ``kinds`` (``RECORD_TYPES`` for a
    span's) is a BLOB."""
    return [column.strip('"') for column, kind in zip(columns, kinds, strict=True)
            if kind in ("blob", b"blob")]  # fmt: skip


def bytes_problem(span_id: str, columns: list[str]) -> str | None:
    """The refusal of a span that holds bytes (a BLOB: JSON cannot hold them) in
    ``columns`` (``blob_columns``); None when there are none."""
    if not columns:
        return None
    return (
        f"span {span_id} holds bytes (a BLOB) as its {' and '.join(columns)}, where text or"
        " a number belongs (changed outside annotator?): run `annotator check` to see every"
        " such row, and correct them or restore a backup"
    )


def quoted(text: str) -> str:
    """A quote or a piece of text for a one-line message: shortened, on one line."""
    return repr(one_line(text, 60)) if len(text) > 60 or "\n" in text else repr(text)


def quote_refusal(span_id: str, doc_id: int, start: Any, end: Any, quote: str,
                  text: str) -> str | None:  # fmt: skip
    """Why an export refuses a span whose offsets are no whole numbers, or whose
    quote is not ``text[start:end]``; None when it holds."""
    if type(start) is not int or type(end) is not int:
        return (f"span {span_id} of document {doc_id} has the offsets {start!r}, {end!r}, not"
                " whole numbers: run `annotator check`; nothing was written")
    if start < 0 or end <= start:  # (Python would read a negative offset from the end)
        return (f"span {span_id} of document {doc_id} has the offsets {start}, {end}, which"
                " mark no piece of the text: run `annotator check`; nothing was written")
    if text[start:end] == quote:
        return None
    return (f"span {span_id} of document {doc_id} quotes {quoted(quote)} but the text at"
            f" [{start}, {end}) is {quoted(text[start:end])}: run `annotator check`; nothing"
            " was written")


def shown(value: Any) -> Any:
    """A value read as bytes (a BLOB, or text read with ``text_factory = bytes``) as
    text, for a message; any other value as it is."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
