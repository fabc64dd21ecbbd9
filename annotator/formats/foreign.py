"""Naming the tool that wrote a record a reader cannot read.

A file given to the wrong ``--format`` fails in the reader's own terms ("has no
"text" string", "is not [start, end, "LABEL"]"), which sends the analyst to
fix a file that is fine.  When the record carries keys only one tool writes,
the refusal names that tool and its ``--format`` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .common import Bad

R = TypeVar("R")
_PRODIGY_ANSWERS = frozenset({"accept", "reject", "ignore"})


def looks_like(obj: Any) -> tuple[str, str] | None:
    """(tool, ``--format``) of the tool whose record ``obj`` is, told by keys
    only that tool writes; None when nothing tells."""
    if not isinstance(obj, dict):
        return None
    if obj.get("offset_unit") == "codepoint":
        return "native JSONL", "jsonl"
    if isinstance(obj.get("data"), dict) and ("annotations" in obj or "predictions" in obj):
        return "Label Studio", "labelstudio"
    answer = obj.get("answer")
    if (isinstance(answer, str) and answer in _PRODIGY_ANSWERS) or "_task_hash" in obj \
            or "_input_hash" in obj:  # fmt: skip
        return "Prodigy", "prodigy"
    for value in obj.values():  # JSON_MIN: regions as objects under the control's name
        if isinstance(value, list) and value and all(_min_region(item) for item in value):
            return "Label Studio (JSON_MIN)", "labelstudio"
    label = obj.get("label")
    if isinstance(label, list) and label and all(
        isinstance(i, list) and len(i) == 3 and isinstance(i[2], str) for i in label
    ):
        return "doccano", "doccano"
    if isinstance(obj.get("entities"), list) and all(
        isinstance(e, dict) and "start_offset" in e for e in obj["entities"]
    ):
        return "doccano", "doccano"
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


def whole_file_hint(whole: Any) -> str:
    """What to do with a file that is one JSON array or object over several lines,
    given to a reader of one record per line (``whole``: the file parsed whole)."""
    array = isinstance(whole, list)
    found = looks_like(whole[0] if array and whole else whole)
    what = "one JSON array" if array else "one JSON object over several lines"
    if found is None:
        return (f"it is {what}, not one record per line; import it without --format, or"
                " with the --format of the tool that wrote it")  # fmt: skip
    of = f"of {found[0]} records" if array else f"(a {found[0]} record)"
    return (f"it is {what} {of}, not one record per line; import it with --format"
            f" {found[1]} (or without --format)")  # fmt: skip


def naming_the_tool(read_record: Callable[[Any, Any], R], reader: str) -> Callable[[Any, Any], R]:
    """``read_record(reading, obj)``, refusing a record it cannot read that
    another tool wrote by that tool's name (``reader``: its own --format)."""

    def read(reading: Any, obj: Any) -> R:
        try:
            return read_record(reading, obj)
        except Bad as exc:
            hint = other_tool(obj, reader)
            if hint is None or "--format" in str(exc):  # it names a tool already
                raise
            raise Bad(hint) from None

    return read
