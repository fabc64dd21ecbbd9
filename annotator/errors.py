"""The core's exceptions: one-line messages that say what to do next."""


class AnnotatorError(Exception):
    """Base class of every error the core raises on purpose."""


class ImportRefusedError(AnnotatorError):
    """A file cannot be imported; nothing was changed."""


class UnknownLabelsError(ImportRefusedError):
    """An annotation file uses labels or relation types the schema lacks; nothing was changed.

    ``labels`` and ``relation_types`` are the unknown names, sorted (after any
    label map was applied); ``files`` names the file (or files) that use them.
    """

    def __init__(
        self,
        message: str,
        *,
        files: tuple[str, ...],
        labels: tuple[str, ...] = (),
        relation_types: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message)
        self.files = files
        self.labels = labels
        self.relation_types = relation_types


class DatabaseFileError(AnnotatorError):
    """The database file cannot be opened (not SQLite, not ours, or too new)."""


class SchemaError(AnnotatorError):
    """A label schema file is invalid."""


class NotFoundError(AnnotatorError):
    """A document, span or relation id does not exist."""


class InvalidSpanError(AnnotatorError):
    """A span's offsets or label are not acceptable; nothing was changed."""


class InvalidRelationError(AnnotatorError):
    """A relation's ends or type are not acceptable; nothing was changed."""


class DuplicateDocumentError(AnnotatorError):
    """The same text is already in the database."""

    def __init__(self, message: str, existing_id: int) -> None:
        super().__init__(message)
        self.existing_id = existing_id


class HistoryConflictError(AnnotatorError):
    """An undo or redo cannot apply because the data changed since."""


class ExportError(AnnotatorError):
    """An export would write a corrupt record; the target file is untouched."""
