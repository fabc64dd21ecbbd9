"""annotator: the Qt-free core of the news annotation tool.

>>> from annotator import open_store
>>> with open_store("annotations.db") as store:
...     doc = store.add_document("Kyiv, 3 May: the mayor said ...", title="Example")
...     store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
"""

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    AnnotatorError,
    DatabaseFileError,
    DuplicateDocumentError,
    ExportError,
    HistoryConflictError,
    ImportRefusedError,
    InvalidRelationError,
    InvalidSpanError,
    NotFoundError,
    SchemaError,
    TextChangedError,
    UnknownLabelsError,
)

if TYPE_CHECKING:
    from .model import Document, DocumentSummary, HistoryEntry, Label, Relation, Schema, Span
    from .store import Store, open_store

_MODEL = frozenset(("Document", "DocumentSummary", "HistoryEntry", "Label", "Relation", "Schema",
                    "Span"))  # fmt: skip

__version__ = "0.1.0"

__all__ = [
    "AnnotatorError",
    "DatabaseFileError",
    "Document",
    "DocumentSummary",
    "DuplicateDocumentError",
    "ExportError",
    "HistoryConflictError",
    "HistoryEntry",
    "ImportRefusedError",
    "InvalidRelationError",
    "InvalidSpanError",
    "Label",
    "NotFoundError",
    "Relation",
    "Schema",
    "SchemaError",
    "Span",
    "Store",
    "TextChangedError",
    "UnknownLabelsError",
    "open_store",
]


if not TYPE_CHECKING:  # (type checkers see the imports above, and flag a misspelt name)

    def __getattr__(name: str) -> Any:
        # The store (and sqlite-utils beneath it) and the records (dataclasses,
        # slow to make) load on first use: the export's helper process, which
        # reads one module of the core, starts without them.
        if name in ("Store", "open_store"):
            from . import store

            return getattr(store, name)
        if name in _MODEL or name == "model":  # (``annotator.model`` once came with the package)
            model = importlib.import_module(".model", __name__)
            return model if name == "model" else getattr(model, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:  # completion and help() list the names loaded on first use
        return sorted(globals().keys() | set(__all__))
