"""Opening a database file, transactions and history records: the base of ``Store``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from .. import migrations
from ..atomicfile import is_sqlite_file
from ..errors import (
    AnnotatorError,
    DatabaseFileError,
    InvalidSpanError,
    NotFoundError,
    sqlite_trouble,
)
from ..model import (
    Relation,
    Schema,
    Span,
)
from ..schema import (
    default_schema_body,
    load_schema_file,
    schema_from_dict,
    validate_schema,
)
from . import read_only
from .checkpoint import BackgroundCheckpoint
from .row_values import stored_object


def _import_sqlite_utils() -> Any:
    """Import sqlite-utils without pandas and numpy.

    sqlite-utils imports both whenever they are installed (the test extras bring
    them), only to map their column types, which we never pass: that costs
    ~0.7 s at every start of the CLI and the window.  Hiding them during its
    import leaves them importable later for whoever needs them.
    """
    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # makes `import` fail fast
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]
    return sqlite_utils


if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 2000
WRITE_RETRIES = 5
# Of a new file (SQLite's default is 4,096): a bulk import writes rows to five
# B-trees at once; 8 KB pages took it about 8% less time here.
PAGE_SIZE = 8192
DEFAULT_IMPORT_LIMIT = 50 * 1024 * 1024
# Annotation files are read whole; a native export of a million spans is ~270 MB.
DEFAULT_ANNOTATION_LIMIT = 1024 * 1024 * 1024

SPAN_COLUMNS = (
    "id", "document_id", "annotator", "label", "start", "end", "text", "note",
    "attributes", "origin", "created_at", "updated_at",
)  # fmt: skip
RELATION_COLUMNS = (
    "id", "document_id", "annotator", "type", "from_span", "to_span", "attributes", "created_at",
)  # fmt: skip
_SPAN_SELECT = ", ".join(f'"{c}"' for c in SPAN_COLUMNS)
_RELATION_SELECT = ", ".join(f'"{c}"' for c in RELATION_COLUMNS)
_SPAN_INSERT = f"INSERT INTO spans ({_SPAN_SELECT}) VALUES ({', '.join('?' * len(SPAN_COLUMNS))})"
_RELATION_INSERT = (
    f"INSERT INTO relations ({_RELATION_SELECT}) VALUES ({', '.join('?' * len(RELATION_COLUMNS))})"
)
_UNSET: Any = object()


def quote_columns(columns: Iterable[str]) -> str:
    """A SELECT list of column names, each quoted (names come from our code only)."""
    return ", ".join(f'"{c}"' for c in columns)


def now() -> str:
    """UTC time stamp, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_id() -> str:
    return str(uuid.uuid4())


def _span_from_row(row: Mapping[str, Any]) -> Span:
    return Span(
        id=row["id"],
        document_id=row["document_id"],
        annotator=row["annotator"],
        label=row["label"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        note=row["note"],
        attributes=stored_object(row["attributes"], f"the attributes of span {row['id']}"),
        origin=row["origin"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _relation_from_row(row: Mapping[str, Any]) -> Relation:
    return Relation(
        id=row["id"],
        document_id=row["document_id"],
        annotator=row["annotator"],
        type=row["type"],
        from_span=row["from_span"],
        to_span=row["to_span"],
        attributes=stored_object(row["attributes"], f"the attributes of relation {row['id']}"),
        created_at=row["created_at"],
    )


def event_row(at: str, annotator: str, action: str, *, document_id: int | None = None,
              target: str | None = None, before: Any = None, after: Any = None,
              ref: int | None = None) -> list[Any]:  # fmt: skip
    """The values of an events row (``_EVENT_INSERT``); refuses a name that is no analyst's."""
    check_analyst(annotator)
    return [at, annotator, action, document_id, target,
            None if before is None else json.dumps(before, ensure_ascii=False),
            None if after is None else json.dumps(after, ensure_ascii=False), ref]  # fmt: skip


_EVENT_INSERT = (
    "INSERT INTO events (at, annotator, action, document_id, target, before, after, ref)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def _file_identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` as the system knows it (device, inode); None if there is none."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


class StoreBase:
    """Connection, layout upgrades, transactions and the history log."""

    def __init__(
        self,
        path: str | Path,
        *,
        schema: str | Path | Mapping[str, Any] | None = None,
        import_limit: int = DEFAULT_IMPORT_LIMIT,
        annotation_limit: int = DEFAULT_ANNOTATION_LIMIT,
    ) -> None:
        self.path = Path(path)
        self.import_limit = import_limit  # articles, in bytes
        self.annotation_limit = annotation_limit  # annotation files, in bytes
        read_only.refuse_no_database(self.path)
        if schema is not None and (not self.path.exists() or self.path.stat().st_size == 0):
            schema = self._schema_body(schema)  # a bad schema file creates no database file
        conn, self.read_only, self.read_query = read_only.connect(
            self.path, BUSY_TIMEOUT_MS / 1000
        )  # ``read_only``: why it cannot be written (None: it can)
        conn.row_factory = sqlite3.Row
        self.conn = conn
        self._db: sqlite_utils.Database | None = None  # see ``db``
        self._texts: dict[int, tuple[str, str]] = {}  # id -> (sha256, text)
        self._held: tuple[str, list[list[Any]]] | None = None  # see _events_held
        self._next_ids: dict[str, int] = {}  # ids given in a bulk write (see _new_id)
        self._drop_twins = self._followed = False  # see ImportsMixin.import_records
        self._reading = False  # inside reading()
        try:
            self._prepare(schema)
            self.schema: Schema = self._stored_schema()
        except BaseException:
            conn.close()
            raise
        self._identity = _file_identity(self.path)
        # Where more connections (export readers, the helper process) find the same
        # file, whatever the working folder becomes later.
        self.real_path = self.path.resolve()
        path, identity = self.real_path, self._identity  # (not self: no reference cycle)
        self._checkpoint = BackgroundCheckpoint(path, lambda: _file_identity(path) != identity)

    def _stored_schema(self) -> Schema:
        """The label schema the database holds; one it cannot use is a damaged file."""
        body = self._scalar("SELECT body FROM schema")
        try:
            return schema_from_dict(json.loads(body))
        except (TypeError, ValueError, KeyError, AttributeError, AnnotatorError) as exc:
            raise DatabaseFileError(
                f"{self.path} is damaged (its label schema cannot be read: {type(exc).__name__}):"
                " restore the newest copy from the backups folder beside it"
            ) from None

    def file_replaced(self) -> bool:
        """True when the file at ``path`` is no longer the one this Store opened:
        moved, renamed, deleted or replaced (a sync tool) while open.  SQLite
        goes on writing to the file it opened, which nobody opening ``path``
        sees (and a deleted one is gone when closed): save a copy (``backup``)."""
        return _file_identity(self.real_path) != self._identity

    # -- opening -----------------------------------------------------------------

    def _prepare(self, schema: str | Path | Mapping[str, Any] | None) -> None:
        conn = self.conn
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            # The file itself, unless the disk failed (full: the shared-memory
            # file of WAL could not be made; unplugged).
            trouble = sqlite_trouble(exc)
            if trouble == "busy":  # another program holds it locked (exclusive mode)
                raise DatabaseFileError(
                    f"{self.path} is locked by another program ({exc}): close that program,"
                    " or wait until it has finished, then try again"
                ) from None
            if trouble in ("disk", "full", "open"):
                raise DatabaseFileError(
                    f"{self.path} could not be read ({exc}): check that its disk has free"
                    " space and is still attached, then try again"
                ) from None
            conn.close()  # before the file is read below (see read_only.refuse_no_database)
            if not is_sqlite_file(self.path):  # (read after SQLite refused it)
                raise DatabaseFileError(
                    f"{self.path} is not a SQLite database: choose an annotator .db file"
                ) from None
            raise DatabaseFileError(
                f"{self.path} is damaged ({exc}): restore the newest copy from the backups"
                " folder beside it, or choose another file"
            ) from None
        # Ours: marked with our application_id, or a brand-new empty file.  Checked
        # before the version, so another program's file (which often sets
        # user_version too) is neither "upgraded" nor called a newer annotator's.
        fresh = app_id == 0 and version == 0 and not tables
        if app_id != migrations.APPLICATION_ID and not fresh:
            raise DatabaseFileError(
                f"{self.path} is a SQLite file of another program: choose another file"
            )
        if version > migrations.LATEST:
            raise DatabaseFileError(
                f"{self.path} was written by a newer annotator (layout {version}, this one "
                f"knows up to {migrations.LATEST}): upgrade annotator to open it"
            )
        if self.read_only is not None and version < migrations.LATEST:
            state = "is empty" if fresh else f"has the older layout {version}"
            raise DatabaseFileError(
                f"{self.path} {state} and {self.read_only}: copy it to a folder you may write"
                " to, and open the copy"
            )
        if fresh and self.read_only is None:  # only a file's first write sets its page size
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if self.read_only is None and conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        # 64 MB of page cache (default 2 MB): bulk imports touch several indexes at once.
        conn.execute("PRAGMA cache_size = -65536")
        # Statement journals in memory: once a statement's journal passes 64 KB,
        # SQLite moves it to a temporary file for the rest of the transaction, and
        # an import then makes a system call per page of every later statement.
        conn.execute("PRAGMA temp_store = MEMORY")
        if version == migrations.LATEST:
            return
        body = None
        if version == 0:
            body = self._schema_body(schema)
        with self._transaction():
            # Another process may have upgraded the file while we waited for the lock.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current < migrations.LATEST:
                try:
                    migrations.upgrade(conn, current)
                except sqlite3.DatabaseError as exc:  # rolled back: the data is as it was
                    raise DatabaseFileError(
                        f"{self.path} could not be upgraded from layout {current} ({exc}):"
                        " it was left as it was; open it with the annotator that wrote it"
                    ) from None
            if body is not None and self._scalar("SELECT count(*) FROM schema") == 0:
                conn.execute("INSERT INTO schema (id, body) VALUES (1, ?)", [json.dumps(body)])

    @staticmethod
    def _schema_body(schema: str | Path | Mapping[str, Any] | None) -> dict[str, Any]:
        if schema is None:
            return default_schema_body()
        if isinstance(schema, Mapping):
            body = dict(schema)
            validate_schema(body)
            return body
        return load_schema_file(schema)

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection as a sqlite-utils ``Database``, for queries and tables
        beyond this API.  Made when first asked for: importing sqlite-utils
        takes about 0.1 s, a third of the command line's start."""
        if self._db is None:
            self._db = _import_sqlite_utils().Database(self.conn)
        return self._db

    def close(self) -> None:
        self._checkpoint.wait()
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions --------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Every read inside sees one committed state (a read transaction), however
        other processes write meanwhile: for exports and merges that read a
        document's text, spans and relations in several statements.  Nested
        uses share the outer one."""
        conn = self.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM schema").fetchone()  # the snapshot starts here
        self._reading = True
        try:
            yield
        finally:
            self._reading = False
            if conn.in_transaction:
                conn.execute("ROLLBACK")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any error."""
        if self._reading:
            raise AnnotatorError(
                "nothing can be changed inside store.reading(), which reads one state"
                " throughout: make the change after its with block"
            )
        if self.read_only is not None:
            raise DatabaseFileError(
                f"{self.path} is open read-only ({self.read_only}): nothing was changed; to"
                " change it, copy it to a folder you may write to and open the copy"
            )
        conn = self.conn
        for attempt in range(WRITE_RETRIES):
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                # busy_timeout already waited; a few more tries ride out a long writer.
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if attempt == WRITE_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        try:
            yield conn
        except BaseException as exc:
            # SQLite rolls back by itself after some errors (a full disk, an I/O
            # error): then there is nothing to roll back, and the error to show is
            # the one that happened.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, UnicodeEncodeError):  # a str that UTF-8 cannot hold
                raise InvalidSpanError(surrogate_message(exc)) from None
            raise
        conn.execute("COMMIT")

    def _new_id(self, table: str) -> int:
        """An id for a new row of ``table`` ("documents" or "revisions") that no row
        ever had: undo brings a deleted row back by its id.  Call inside a transaction.

        In a bulk write (``_events_held``) the ids are counted here and the last one
        is stored at its end: three statements a document less for an import."""
        if self._held is not None and table in self._next_ids:
            self._next_ids[table] += 1
            return self._next_ids[table]
        last = max(self._scalar("SELECT last FROM id_sequence WHERE name = ?", [table]) or 0,
                   self._scalar(f"SELECT max(id) FROM {table}") or 0)  # fmt: skip
        if self._held is not None:
            self._next_ids[table] = last + 1
            return last + 1
        self._store_last_id(table, last + 1)
        return last + 1

    def _store_last_id(self, table: str, last: int) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO id_sequence (name, last) VALUES (?, ?)", [table, last]
        )

    def _scalar(self, sql: str, params: Iterable[Any] = ()) -> Any:
        row = self.conn.execute(sql, list(params)).fetchone()
        return None if row is None else row[0]

    def _text(self, document_id: int) -> str:
        """The document's text, cached by its hash (texts are long, spans many)."""
        if type(document_id) is not int:  # True would silently mean document 1
            raise NotFoundError(f"a document id is a whole number, not {document_id!r}")
        digest = self._scalar("SELECT text_sha256 FROM documents WHERE id = ?", [document_id])
        if digest is None:
            raise NotFoundError(f"there is no document {document_id}: see `annotator list`")
        cached = self._texts.get(document_id)
        if cached is None or cached[0] != digest:
            text = self._scalar("SELECT text FROM documents WHERE id = ?", [document_id])
            if len(self._texts) > 16:
                self._texts.clear()
            cached = self._texts[document_id] = (digest, text)
        return cached[1]

    def _record(
        self,
        annotator: str,
        action: str,
        *,
        document_id: int | None = None,
        target: str | None = None,
        before: Any = None,
        after: Any = None,
        ref: int | None = None,
    ) -> int | None:
        """Append an event; its id, or None while events are held (``_events_held``).

        Every change is recorded here under an analyst's name (``by=``), so this
        is where a name that is not one is refused (the change is rolled back)."""
        values = event_row(self._held[0] if self._held else now(), annotator, action,
                           document_id=document_id, target=target, before=before, after=after,
                           ref=ref)  # fmt: skip
        if self._held:
            self._held[1].append(values)
            return None
        return int(self.conn.execute(_EVENT_INSERT, values).lastrowid or 0)

    @contextmanager
    def _events_held(self, stamp: str) -> Iterator[None]:
        """Inside a bulk write's transaction: events recorded here all carry
        ``stamp`` and reach the table in one statement at the end, in order.
        Nothing may read the events table meanwhile."""
        self._held = (stamp, [])
        self._next_ids = {}
        try:
            yield
            self.conn.executemany(_EVENT_INSERT, self._held[1])
            for table, last in self._next_ids.items():
                self._store_last_id(table, last)
        finally:
            self._held = None
            self._next_ids = {}

    def data_version(self) -> int:
        """A number that changes whenever ANOTHER connection commits to the file.

        SQLite's ``PRAGMA data_version``: this connection's own commits leave it
        as it was, so a window that polls it reloads only for other processes'
        (or other threads') changes.  Cheap: no table is read.
        """
        return int(self._scalar("PRAGMA data_version"))


def surrogate_message(exc: UnicodeEncodeError) -> str:
    """The one-line error for text holding a lone surrogate (only JSON's "\\udXXX"
    escapes or a program can make one): it is half of a UTF-16 pair, no character."""
    char = exc.object[exc.start] if isinstance(exc.object, str) else "?"
    return (
        f"a text holds U+{ord(char):04X}, half of a UTF-16 pair without its other half"
        " (not a character): fix the source; nothing was changed"
    )


def check_analyst(name: Any) -> None:
    """Refuse a name that is no analyst's: every change is recorded under one."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidSpanError(
            f"a change needs the analyst's name (by= or annotator=), not {name!r}"
        )
