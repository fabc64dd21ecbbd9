"""Span rows for bulk imports, built in one tight pass.

``span_tuples`` accepts only spans that are plainly valid (the shapes a
well-formed file has) and returns the parameter tuples for ``executemany``;
at the first doubt it returns ``None`` and the caller takes the careful path
(``SpansMixin._span_rows``), which says exactly what is wrong.  So this module
decides nothing on its own: it only saves time when there is nothing to say.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from ..model import ORIGINS
from .base import new_id

_ORIGINS = frozenset(ORIGINS)
_strict = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode


def span_tuples(
    document_id: int, text: str, spans: Sequence[Any], labels: Collection[str], stamp: str
) -> list[tuple[Any, ...]] | None:
    """Rows in ``SPAN_COLUMNS`` order, quotes checked, or ``None`` when in doubt."""
    length = len(text)
    rows = []
    try:
        for s in spans:
            if type(s) is not dict:
                return None
            start, end, label = s.get("start"), s.get("end"), s.get("label")
            if type(start) is not int or type(end) is not int or not 0 <= start < end <= length:
                return None
            piece = text[start:end]
            quote, who, note = s.get("text"), s.get("annotator"), s.get("note")
            origin = s.get("origin") or "manual"
            if (
                label not in labels
                or (quote is not None and quote != piece)
                or type(who) is not str
                or not who.strip()
                or origin not in _ORIGINS
                or (note is not None and type(note) is not str)
            ):
                return None
            attributes = s.get("attributes")
            if not attributes:
                encoded = "{}"
            elif type(attributes) is dict:
                encoded = _strict(attributes)
            else:
                return None
            span_id = s.get("id") or new_id()
            created = s.get("created_at") or stamp
            updated = s.get("updated_at") or created
            if type(span_id) is not str or type(created) is not str or type(updated) is not str:
                return None
            rows.append((span_id, document_id, who, label, start, end, piece, note or None,
                         encoded, origin, created, updated))  # fmt: skip
    except (TypeError, ValueError):  # unhashable labels, NaN in attributes, ...
        return None
    if len({row[0] for row in rows}) != len(rows):
        return None  # the same id twice: the careful path says so
    return rows
