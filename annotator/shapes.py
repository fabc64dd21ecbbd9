"""What the store can hold, checked before anything reaches it.

A value of another type (a list as a span id, an object as a title, NaN in
attributes) would otherwise fail deep in SQLite with a traceback, or be stored
and then break every later export.  Each check returns a short description of
the first problem, or ``None``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import repeat
from typing import Any

from .display_text import shorten

_TEXT_FIELDS = ("uid", "title", "source", "created_at")
_SPAN_TEXT = ("id", "note", "annotator", "origin", "created_at", "updated_at")
_RELATION_TEXT = ("id", "annotator", "created_at")


def record_shape_problem(record: Any) -> str | None:
    """The document's own fields and its relations (spans: ``span_shape_problem``)."""
    if not isinstance(record.text, str):
        return "the text is not a string"
    for key in _TEXT_FIELDS:
        if not _text_or_none(getattr(record, key)):
            return f"{key} {_short(getattr(record, key))} is not a string"
    if not isinstance(record.meta, Mapping) or not _strict_json(record.meta):
        return f"meta {_short(record.meta)} is not a JSON object (NaN and Infinity are not JSON)"
    for n, rel in enumerate(record.relations, 1):
        if not isinstance(rel, Mapping):
            return f"relation {n} is not an object"
        for key in ("type", "from", "to"):
            if not isinstance(rel.get(key), str) or not rel[key]:
                return f"relation {n}: {key} {_short(rel.get(key))} is not a string"
        for key in _RELATION_TEXT:
            if not _text_or_none(rel.get(key)):
                return f"relation {n}: {key} {_short(rel.get(key))} is not a string"
        if not _strict_json(rel.get("attributes")):
            return f"relation {n}: attributes are not plain JSON (NaN and Infinity are not JSON)"
    return None


def span_shape_problem(spans: Sequence[Any]) -> str | None:
    for n, span in enumerate(spans, 1):
        if not isinstance(span, Mapping):
            return f"span {n} is not an object"
        label = span.get("label")
        if type(label) is not str or not label:
            return f"span {n}: label {_short(label)} is not a label name"
        for key in _SPAN_TEXT:
            value = span.get(key)
            if value is not None and type(value) is not str:
                return f"span {n}: {key} {_short(value)} is not a string"
        attributes = span.get("attributes")
        if attributes and not _strict_json(attributes):
            return f"span {n}: attributes are not plain JSON (NaN and Infinity are not JSON)"
    return None


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _strict_json(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _short(value: Any) -> str:
    return shorten(repr(value), 40)


def known_labels_only(spans: list[Any], labels: frozenset[str]) -> bool:
    """True when every span is an object whose label the schema has (checked at once)."""
    if not all(map(isinstance, spans, repeat(dict))):
        return False
    try:
        return set(map(dict.get, spans, repeat("label"))) <= labels
    except TypeError:  # an unhashable label: the store's check says so
        return False
