"""Naming the tool that wrote a record a reader cannot read.

A record with spans only where another tool keeps them would be imported with
every span dropped: it is refused naming that tool (``refuse_foreign_spans``).

A file given to the wrong ``--format`` fails in the reader's own terms ("has no
"text" string", "is not [start, end, "LABEL"]"), which sends the analyst to
fix a file that is fine.  When the record carries keys only one tool writes,
the refusal names that tool and its ``--format`` instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from .common import Bad

R = TypeVar("R")
_PRODIGY_ANSWERS = frozenset({"accept", "reject", "ignore"})

# Where each tool keeps a record's spans: (key, tool, its --format), in the order
# asked.  "spans" is native JSONL's when the record has "offset_unit", else Prodigy's.
_SPAN_KEYS = (
    ("spans", "native JSONL", "jsonl"),
    ("spans", "Prodigy", "prodigy"),
    ("entities", "doccano", "doccano"),
    ("label", "doccano", "doccano"),
    ("labels", "doccano", "doccano"),
    ("annotations", "Label Studio", "labelstudio"),
    ("predictions", "Label Studio", "labelstudio"),
)


def refuse_foreign_spans(record: dict[str, Any], reader: str, own: str) -> None:
    """Raise ``Bad`` when ``record`` holds spans where another tool keeps them:
    ``reader`` (a --format name) found none where it keeps its own (``own``,
    for the message), and would import the text with every span dropped."""
    for key, tool, fmt in _SPAN_KEYS:
        value = record.get(key)
        if fmt == reader or not value or not isinstance(value, list):
            continue
        if key == "spans" and (fmt == "jsonl") != ("offset_unit" in record):
            continue
        if key.startswith("label") and not all(isinstance(item, list) for item in value):
            continue  # doccano's categories or Label Studio's JSON_MIN regions: not doccano spans
        raise Bad(
            f'has "{key}" but no {own}: it looks like a {tool} record; import it with'
            f" --format {fmt} (or without --format)"
        )


def looks_like(obj: Any) -> tuple[str, str] | None:
    """(tool, ``--format``) of the tool whose record ``obj`` is, told by keys
    only that tool writes; None when nothing tells."""
    if not isinstance(obj, dict):
        return None
    if obj.get("offset_unit") == "codepoint":
        return "native JSONL", "jsonl"
    if isinstance(obj.get("data"), dict) and ("annotations" in obj or "predictions" in obj):
        return "Label Studio", "labelstudio"
    # doccano's own spans before Prodigy's keys: doccano keeps the columns it was
    # given, so a doccano record may carry "_input_hash" or "answer" too.
    label = obj.get("label")
    if isinstance(label, list) and label and all(isinstance(i, list) for i in label):
        return "doccano", "doccano"  # [start, end, "LABEL"] lists, even a wrong one
    if isinstance(obj.get("entities"), list) and all(
        isinstance(e, dict) and "start_offset" in e for e in obj["entities"]
    ):
        return "doccano", "doccano"
    for value in obj.values():  # JSON_MIN: regions as objects under the control's name
        if isinstance(value, list) and value and all(_min_region(item) for item in value):
            return "Label Studio (JSON_MIN)", "labelstudio"
    answer = obj.get("answer")
    if (isinstance(answer, str) and answer in _PRODIGY_ANSWERS) or "_task_hash" in obj \
            or "_input_hash" in obj:  # fmt: skip
        return "Prodigy", "prodigy"
    return None


def _min_region(item: Any) -> bool:
    return isinstance(item, dict) and "start" in item and isinstance(item.get("labels"), list)


def other_tool(obj: Any, reader: str) -> str | None:
    """What to do with a record of another tool than ``reader`` (a --format name)."""
    found = looks_like(obj)
    if found is None or found[1] == reader:
        return None
    tool, fmt = found
    return f"it looks like a {tool} record; import it with --format {fmt} (or without --format)"


def whole_file_hint(whole: Any, reader: str) -> str:
    """What to do with JSON that is one array or object where ``reader`` (a
    --format name) reads one record per line."""
    array = isinstance(whole, list)
    first = whole[0] if array and whole else whole
    what = "one JSON array" if array else "one JSON object over several lines"
    found = looks_like(first)
    if found is None or found[1] == reader:
        from .registry import cannot_import, foreign_format  # (it imports the readers)

        other = foreign_format(json.dumps(first, ensure_ascii=False)[:1 << 16])
        if other is not None:
            return f"it is {cannot_import(other)}"
        return f"it is {what}, not one record per line: write each record on a line of its own"
    of = f"of {found[0]} records" if array else f"(a {found[0]} record)"
    return (f"it is {what} {of}, not one record per line; import it with --format"
            f" {found[1]} (or without --format)")  # fmt: skip


def array_hint(line: list[Any], reader: str) -> str | None:
    """For a line that is a JSON array of another tool's records (its export on
    one line): what to do, else None."""
    if other_tool(line[0] if line else None, reader) is None:
        return None
    return whole_file_hint(line, reader)


def naming_the_tool(read_record: Callable[[Any, Any], R], reader: str) -> Callable[[Any, Any], R]:
    """``read_record(reading, obj)``, refusing a record it cannot read that
    another tool wrote by that tool's name (``reader``: its own --format).  A
    record in the reader's own shape keeps the reader's refusal, which says
    what is wrong with it."""

    def read(reading: Any, obj: Any) -> R:
        try:
            return read_record(reading, obj)
        except Bad as exc:
            hint = array_hint(obj, reader) if isinstance(obj, list) else other_tool(obj, reader)
            if hint is None or "--format" in str(exc):  # the reader's, or named already
                raise
            raise Bad(hint) from None

    return read
