"""The core's exceptions: one-line messages that say what to do next; and the
one-line messages for what the system refuses (a full disk, a failed write)."""

import errno


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


class TextChangedError(InvalidSpanError):
    """The document's text is no longer the one the caller showed (``seen``): its
    offsets would land on other words; nothing was changed."""


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


def sqlite_trouble(exc: Exception) -> str:
    """What a SQLite error means for the person at the keyboard: "damaged" (the
    file itself), "full" (its disk), "disk" (reading or writing the disk failed:
    full, unplugged, or failing), "open" (the file or a file beside it could not
    be opened: a missing folder, no permission, a read-only disk), "busy" (another
    connection held the write lock past every retry), or "" (anything else)."""
    name = getattr(exc, "sqlite_errorname", "")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return "damaged"
    if name == "SQLITE_FULL":
        return "full"
    if name.startswith("SQLITE_IOERR"):
        return "disk"
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY")):
        return "open"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "busy"
    return ""


def sqlite_error_line(exc: Exception, *, sentence: bool = False) -> str:
    """One line for a database write that failed, with what to do; as a
    sentence (capital, full stop) for a dialog."""
    advice = {
        "full": "free some space on its disk and try again",
        "disk": "check that its disk has free space and is still attached, then try again",
        "open": "check that you may write to its folder and that its disk is attached",
        "busy": "another program kept it busy for several seconds (a big import?): nothing"
                " was stored; try again when that has finished",
    }.get(sqlite_trouble(exc), "try again")
    line = f"the database could not be written ({exc}): {advice}"
    if "malformed JSON" in str(exc):  # a row changed outside annotator, met while reading
        line = ("a row of the database holds text that is not JSON where JSON belongs: run"
                " `annotator check` to see which, and correct it or restore a backup")
    return f"T{line[1:]}." if sentence else line


_FULL = "free some space or choose another place, and try again"
_NOT_YOURS = "choose a place you may write to, or get access to this one"
_OS_ADVICE = {
    errno.ENOSPC: _FULL,
    getattr(errno, "EDQUOT", errno.ENOSPC): _FULL,  # quota: not on every system
    errno.EACCES: _NOT_YOURS,
    errno.EPERM: _NOT_YOURS,
    errno.EROFS: "that disk is read-only: choose another place",
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "check the path",
    errno.EISDIR: "name a file, not a folder",
    errno.EEXIST: "a file of that name is in the way: choose another place",
    errno.EFBIG: "the file is too big for that place: choose another place",
}


def os_error_line(exc: OSError) -> str:
    """One line for a failed read or write: what, which file, what to do."""
    where = f": {exc.filename}" if exc.filename else ""
    advice = _OS_ADVICE.get(exc.errno or 0, "check the file and the disk, then try again")
    return f"{exc.strerror or exc}{where}: {advice}"
