"""The only package that talks SQL: documents, spans, relations and their history.

Every public call that changes data is one ``BEGIN IMMEDIATE`` transaction,
committed (``synchronous=FULL``, WAL) before the call returns, so a process
killed right after a call returns has lost nothing.  Callers get frozen
dataclasses from ``annotator.model``, never rows.

Names are loaded on first use, so a helper process that needs one module of
this package (the export's, say) does not import the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import new_id, now, sha256
    from .maintenance import Breach, database_in_use
    from .search import SearchHit, SearchQueryError
    from .store import Store, open_store

_WHERE = {
    "Breach": "maintenance",
    "database_in_use": "maintenance",
    "SearchHit": "search",
    "SearchQueryError": "search",
    "Store": "store",
    "open_store": "store",
    "new_id": "base",
    "now": "base",
    "sha256": "base",
}
__all__ = [
    "Breach",
    "SearchHit",
    "SearchQueryError",
    "Store",
    "database_in_use",
    "new_id",
    "now",
    "open_store",
    "sha256",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
