"""A new document's row, checked: shared by ``add_document`` and bulk imports."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..errors import InvalidSpanError
from ..model import RESERVED_META

DOCUMENT_COLUMNS = ("id", "uid", "title", "source", "text", "text_sha256", "length", "meta",
                    "created_at")  # fmt: skip
DOCUMENT_INSERT = (
    f"INSERT INTO documents ({', '.join(DOCUMENT_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(DOCUMENT_COLUMNS))})"
)


def many_rows(insert: str, rows: int) -> str:
    """An ``INSERT ... VALUES (?, ...)`` of one row made into one of ``rows``
    rows: SQLite's cost per row is lower, and a bulk import hands it over in
    one call."""
    head, one = insert.split(" VALUES ")
    return f"{head} VALUES {', '.join([one] * rows)}"


@cache
def documents_insert(rows: int) -> str:
    """One ``INSERT`` of ``rows`` documents."""
    return many_rows(DOCUMENT_INSERT, rows)


def check_document(text: Any, title: Any, source: Any) -> None:
    """Refuse a document without text, or whose title or source is not text."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidSpanError("a document needs non-empty text")
    for field, value in (("title", title), ("source", source)):
        if value is not None and not isinstance(value, str):
            raise InvalidSpanError(f"a document's {field} is text (or None), not {value!r}")


def meta_as_json(meta: Mapping[str, Any] | None) -> str:
    """A document's meta as stored: strict JSON, without the document's own fields."""
    reserved = [key for key in RESERVED_META if key in (meta or {})]
    if reserved:
        raise InvalidSpanError(
            f"document meta cannot hold {', '.join(map(repr, reserved))}: they are the"
            " document's own fields (give title= and source= as arguments; the store"
            " sets the hash and the time)"
        )
    try:  # strict JSON: a NaN stored here would break every later export
        return json.dumps(dict(meta or {}), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidSpanError(f"document meta must be plain JSON values ({exc})") from None


def added_event(doc_id: int, uid: str, title: str | None, source: str | None) -> dict[str, Any]:
    """The fields of the history's "add_document" event."""
    return {
        "document_id": doc_id,
        "target": uid,
        "after": {"documents": [{"id": doc_id, "uid": uid, "title": title, "source": source}]},
    }
