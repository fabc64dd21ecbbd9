"""Span attributes checked against the attributes the schema declares for a label.

A label may declare attributes (``name -> {type, values, description}``) with
``type`` one of ``enum`` (a string from ``values``), ``boolean`` (JSON true or
false: yes/no), ``string`` (any text; an attribute named ``url`` must be an
http or https URL) or ``date`` (ISO-8601: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``,
or an interval of two of those joined by ``/``, start not after end).

The store checks attributes on ``add_span``, ``add_spans`` and ``update_span``
(when attributes are given) for labels that declare attributes: a declared
attribute with a wrong type, a value not allowed, a bad date or a bad URL is
refused.  Attribute names the label does not declare are passed through by
the store (``strict=False``): tools keep their own data there (the suggestion
engine's ``confidence`` and ``reason``, brat ids, notes of other formats), and
existing tests and files rely on it.  ``strict=True`` also refuses them; the
attributes form uses it, so what an analyst types is always declared.
Labels that declare none (databases that copied an older default schema)
take any JSON object, as before.  Imports apply the same check to the names a
label declares (``store.span_checks``): a value the schema forbids would make
``annotator check`` call the whole database broken.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .errors import InvalidSpanError
from .model import Label

# ASCII digits only, and nothing after the last (``$`` would let a final "\n" by).
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
DATE_HELP = "an ISO-8601 date YYYY, YYYY-MM or YYYY-MM-DD, or two of those joined by '/'"
URL_HELP = "an http:// or https:// URL with a host"


def _date_bounds(text: str) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    """(first day, last day) of an ISO date of year, month or day precision; None if bad."""
    m = _DATE.fullmatch(text)
    if m is None:
        return None
    year = int(m.group(1))
    if m.group(2) is None:
        return (year, 1, 1), (year, 12, 31)
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    if m.group(3) is None:
        return (year, month, 1), (year, month, last)
    day = int(m.group(3))
    if not 1 <= day <= last:
        return None
    return (year, month, day), (year, month, day)


def is_iso_date(value: str) -> bool:
    """True for an ISO-8601 date (year, month or day precision) or an interval of two."""
    parts = value.split("/")
    if len(parts) == 1:
        return _date_bounds(parts[0]) is not None
    if len(parts) != 2:
        return False
    start, end = _date_bounds(parts[0]), _date_bounds(parts[1])
    return start is not None and end is not None and start[0] <= end[1]


def is_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value


def check_value(label: str, name: str, spec: Mapping[str, Any], value: Any) -> None:
    """Raise ``InvalidSpanError`` when ``value`` is not allowed for attribute ``name``."""
    kind = spec.get("type")
    where = f"{label} attribute {name!r}"
    if kind == "boolean":
        if type(value) is not bool:
            raise InvalidSpanError(f"{where} must be true or false (yes/no), not {value!r}")
        return
    if kind == "enum":
        allowed = list(spec.get("values", []))
        if not isinstance(value, str) or value not in allowed:
            raise InvalidSpanError(f"{where} cannot be {value!r}: use one of {', '.join(allowed)}")
    elif not isinstance(value, str):
        raise InvalidSpanError(f"{where} must be text ({kind}), not {value!r}")
    elif kind == "date":
        if not is_iso_date(value):
            raise InvalidSpanError(f"{where} cannot be {value!r}: use {DATE_HELP}")
    elif kind == "string":
        if name == "url" and not is_url(value):
            raise InvalidSpanError(f"{where} cannot be {value!r}: use {URL_HELP}")
    else:  # the meta-schema allows no other type; a hand-edited database might
        raise InvalidSpanError(f"{where} has unknown type {kind!r} in the schema")


_INT64 = range(-(2**63), 2**63)
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def encode_attributes(attributes: Mapping[str, Any]) -> str:
    """Attributes as JSON text; ``ValueError`` for what JSON tools cannot read back
    as written: NaN and infinities, and whole numbers beyond 64 bits (Arrow, so
    Hugging Face datasets, refuse them)."""
    big = _first_big_int(attributes)
    if big is not None:
        raise ValueError(f"{big} is beyond the 64-bit whole numbers JSON tools read: store it as"
                         " text")  # fmt: skip
    return _encode(dict(attributes))


def _first_big_int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None if value in _INT64 else value
    if isinstance(value, Mapping):
        value = value.values()
    elif not isinstance(value, (list, tuple)):
        return None
    return next((big for item in value if (big := _first_big_int(item)) is not None), None)


def check_attributes(
    label: Label | None, attributes: Mapping[str, Any] | None, *, strict: bool = False
) -> None:
    """Check ``attributes`` against what ``label`` declares; labels declaring none take any.

    ``strict`` also refuses names the label does not declare.
    """
    if label is None or not label.attributes or not attributes:
        return
    declared = label.attributes
    for name, value in attributes.items():
        spec = declared.get(name)
        if spec is None:
            if not strict:
                continue
            raise InvalidSpanError(
                f"{label.name} has no attribute {name!r}: it has {', '.join(declared)}"
            )
        check_value(label.name, name, spec, value)


def allowed_by(label: Label | None, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """``attributes`` less the values ``label`` declares otherwise (those a relabel
    cannot keep: an ACTOR's ``kind`` "organisation" is no CITATION ``kind``)."""
    if label is None:
        return dict(attributes)
    kept = {}
    for name, value in attributes.items():
        if name in label.attributes:
            try:
                check_value(label.name, name, label.attributes[name], value)
            except InvalidSpanError:
                continue
        kept[name] = value
    return kept
