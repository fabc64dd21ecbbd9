"""The only package that talks SQL: documents, spans, relations and their history.

Every public call that changes data is one ``BEGIN IMMEDIATE`` transaction,
committed (``synchronous=FULL``, WAL) before the call returns, so a process
killed right after a call returns has lost nothing.  Callers get frozen
dataclasses from ``annotator.model``, never rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .base import new_id, now, sha256
from .documents import DocumentsMixin
from .maintenance import Breach, MaintenanceMixin
from .overview import OverviewMixin
from .review import ReviewMixin
from .revisions import RevisionsMixin
from .search import SearchHit, SearchMixin, SearchQueryError
from .undo import UndoMixin

__all__ = [
    "Breach",
    "SearchHit",
    "SearchQueryError",
    "Store",
    "open_store",
    "new_id",
    "now",
    "sha256",
]


class Store(
    ReviewMixin, DocumentsMixin, RevisionsMixin, UndoMixin, MaintenanceMixin, SearchMixin,
    OverviewMixin,
):
    """One annotation database file.  Use as a context manager or call ``close()``."""


def open_store(path: str | Path, *, schema: str | Path | Mapping[str, Any] | None = None) -> Store:
    """Open (creating if missing) the database at ``path``.

    ``schema`` (a file path or a parsed schema) is copied into a new database;
    an existing database keeps the schema it was created with.
    """
    return Store(path, schema=schema)
