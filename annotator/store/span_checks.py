"""What an import checks of a span beyond its shape: the attribute values its
label declares (``add_span`` refuses the same values, and ``annotator check``
calls a database holding them broken), and its time stamps, which merge and
review compare as text to tell the newer version.

Both checks look at distinct values: a file's time stamps and attribute values
repeat, so a bulk import pays for each once, not once per span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from ..attributes import check_value
from ..errors import InvalidSpanError
from ..model import Schema

STAMP_HELP = "an ISO-8601 time with its zone, such as 2026-11-28T09:30:00.000Z"
# The store's own form (``base.now``); its day is checked apart, once per distinct day.
_STORE_FORM = re.compile(r"\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z")


def normal_stamp(value: Any) -> str | None:
    """``value`` in the store's own form (UTC, milliseconds, ``Z``), or None when
    it is not an ISO-8601 time with a zone.  Other forms of a time (no
    milliseconds, ``+00:00``, another zone) are turned into the store's, so
    that time stamps still compare as text; a time without a zone is refused:
    which time it means is a guess."""
    if type(value) is not str:
        return None
    if _STORE_FORM.fullmatch(value):
        return value if _is_day(value[:10]) else None
    try:
        at = datetime.fromisoformat(value)
        if at.tzinfo is None:
            return None
        return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    except (ValueError, OverflowError):
        return None


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def normal_stamps(values: Iterable[str]) -> dict[str, str] | None:
    """{value: its store form} for the distinct ``values`` not in that form
    already, or None when one is no time (the careful path says which)."""
    distinct = set(values)
    odd = [v for v in distinct if not _STORE_FORM.fullmatch(v)]
    if not all(map(_is_day, {v[:10] for v in distinct.difference(odd)})):
        return None
    mapped = {v: normal_stamp(v) for v in odd}
    if None in mapped.values():
        return None
    return mapped  # type: ignore[return-value]


def checked_stamp(
    value: Any, field: str, named: str, error: type[Exception] = InvalidSpanError
) -> str | None:
    """A span's, relation's or document's time in the store's form (None, "" and
    other empty values stay None: the store stamps it, as it always did);
    ``error`` naming ``field`` if it is no time."""
    if not value:
        return None
    normal = normal_stamp(value)
    if normal is None:
        raise error(f"{named}{field} {value!r} is not a time: use {STAMP_HELP}")
    return normal


def checked_span(schema: Schema, span: Mapping[str, Any]) -> Mapping[str, Any]:
    """``span`` with its times in the store's form (a copy only if that changes
    them); ``InvalidSpanError`` for a forbidden attribute value or a time that
    is none, naming the span."""
    named = _named(span)
    check_span_attributes(schema, span, named)
    times = {key: checked_stamp(span.get(key), key, named) for key in ("created_at", "updated_at")}
    changed = {key: at for key, at in times.items() if at is not None and at != span.get(key)}
    return {**span, **changed} if changed else span


def _named(span: Mapping[str, Any]) -> str:
    """"span ID [start, end): ", as much of it as the span has; ID is the name
    the file itself gives the span (brat's T1) when the reader kept it."""
    start, end = span.get("start"), span.get("end")
    own = span.get("source_id") or span.get("id")
    parts = ["span", own if isinstance(own, str) and own else None,
             f"[{start}, {end})" if type(start) is int and type(end) is int else None]  # fmt: skip
    return " ".join(p for p in parts if p) + ": "


def attributes_allowed(schema: Schema, labels: list[Any], attributes: list[Any]) -> bool:
    """True when every attribute the spans' labels declare has an allowed value
    (distinct label, name and value checked once); False when in doubt."""
    declared = {lab.name: lab.attributes for lab in schema.labels if lab.attributes}
    seen: set[tuple[Any, ...]] = set()
    try:
        for label, values in zip(labels, attributes, strict=True):
            specs = declared.get(label)
            if specs and values:
                seen.update((label, k, type(v), v) for k, v in values.items() if k in specs)
        for label, name, _type, value in seen:  # the type: 1 and True are one key else
            check_value(label, name, declared[label][name], value)
    except (InvalidSpanError, TypeError):  # TypeError: a list or object as a value
        return False
    return True


def check_span_attributes(schema: Schema, span: Mapping[str, Any], named: str) -> None:
    """Refuse a span whose declared attributes have a value the schema forbids,
    naming the span, the attribute and what is allowed."""
    label, attributes = span.get("label"), span.get("attributes")
    if not isinstance(label, str) or not isinstance(attributes, Mapping):
        return  # the store's own checks name what is wrong
    found = schema.label(label)
    if found is None or not found.attributes:
        return
    for name, value in attributes.items():
        spec = found.attributes.get(name)
        if spec is not None:
            try:
                check_value(label, name, spec, value)
            except InvalidSpanError as exc:
                raise InvalidSpanError(f"{named}{exc}") from None
