"""The ``Store`` class: every mixin of this package on one database file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .documents import DocumentsMixin
from .maintenance import MaintenanceMixin
from .overview import OverviewMixin
from .review import ReviewMixin
from .revisions import RevisionsMixin
from .search import SearchMixin
from .sync import SyncMixin
from .undo import UndoMixin


class Store(
    ReviewMixin, DocumentsMixin, RevisionsMixin, UndoMixin, MaintenanceMixin, SearchMixin,
    OverviewMixin, SyncMixin,
):
    """One annotation database file.  Use as a context manager or call ``close()``."""


def open_store(path: str | Path, *, schema: str | Path | Mapping[str, Any] | None = None) -> Store:
    """Open (creating if missing) the database at ``path``.

    ``schema`` (a file path or a parsed schema) is copied into a new database;
    an existing database keeps the schema it was created with.
    """
    return Store(path, schema=schema)
