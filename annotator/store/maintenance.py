"""Keeping a database file healthy: consistent backups and invariant checks."""

from __future__ import annotations

import glob
import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..atomicfile import database_log, remove_leftovers, temporary_path
from ..attributes import check_attributes
from ..errors import DatabaseFileError, InvalidSpanError
from ..migrations import RECORD_COLUMNS
from ..model import ORIGINS, RESERVED_META
from .base import StoreBase
from .exporting import DOCUMENT_LINE_COLUMNS, RELATION_LINE_COLUMNS, every_quote
from .row_values import blob_columns, object_problem, quoted, shown, storage_classes
from .span_checks import STAMP_HELP


@dataclass(frozen=True)
class Breach:
    """One broken promise found by ``Store.check``."""

    kind: str  # integrity, foreign_key, offsets, quote, orphan, label, relation, bytes, ...
    message: str
    ids: tuple[str, ...] = ()


# A backup named by the time it was made (the window's rolling ones, `annotator backup`);
# older releases wrote local times to the second, without ``-%fZ``.
_TIMED_BACKUP = re.compile(r"^(.+)\.backup-\d{8}-\d{6}(?:-\d+)?Z?\.db$")


def backup_name(db_path: Path, when: datetime) -> str:
    """The file name of a backup of ``db_path`` made at ``when``: UTC to the
    microsecond, so names sort by time and two backups in one second differ."""
    return f"{db_path.stem}.backup-{when.astimezone(UTC):%Y%m%d-%H%M%S-%f}Z.db"


def database_in_use(path: Path) -> bool:
    """True when a SQLite database at ``path`` is open, or was not closed cleanly:
    its -wal or -shm file lies beside it.  A file written to that path would get
    the old database's log replayed onto it, and be ruined."""
    return any(Path(f"{path}{end}").exists() for end in ("-wal", "-shm"))


class MaintenanceMixin(StoreBase):
    def backup(self, target: str | Path) -> Path:
        """Copy the database with SQLite's online backup API.

        The copy is consistent even while other connections (a window) write;
        it is written under a temporary name and renamed when complete.
        """
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise DatabaseFileError(
                f"a backup cannot replace the database itself ({target}): give another --out"
            )
        log = database_log(target)
        if log:
            raise DatabaseFileError(f"{target} is {log}: choose another --out")
        if database_in_use(target):
            # Also without the file itself: a log left by a database deleted there
            # would be replayed onto the copy the first time it is opened.
            raise DatabaseFileError(
                f"{target.name}-wal or -shm lies beside {target} (left by a database that was"
                " open there): choose another --out, or move those files away"
            )
        timed = _TIMED_BACKUP.match(target.name)
        if timed:  # a killed backup's file never has the next one's name
            remove_leftovers(target, like=f"{glob.escape(timed[1])}.backup-*.db")
        try:
            with temporary_path(target) as tmp:
                dest = sqlite3.connect(tmp)
                try:
                    self.conn.backup(dest)
                finally:
                    dest.close()
        except sqlite3.OperationalError as exc:
            raise DatabaseFileError(
                f"the backup could not be written to {target} ({exc}): free some space on"
                " that disk, or choose another --out"
            ) from None
        return target

    def check(self) -> list[Breach]:
        """SQLite's integrity check plus the store's own invariants, each breach
        with the ids involved: spans inside their document and quoting it exactly,
        labels in the schema, relations between spans of their own document.
        An orphan of a replaced text must quote the text of its revision.

        A file too damaged to read through is one breach saying where reading stopped.
        """
        try:
            return self._check()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not _damaged(exc):
                raise  # locked, or the disk has gone: not the file's fault
            return [Breach("integrity", f"the file is damaged and could not be read through"
                                        f" ({exc})")]  # fmt: skip

    def _check(self) -> list[Breach]:
        conn = self.conn
        breaches = [
            Breach("integrity", str(row[0]))
            for row in conn.execute("PRAGMA integrity_check")
            if row[0] != "ok"
        ]
        if breaches:  # reading on through broken pages could fail anywhere
            return breaches
        breaches = _utf8_breaches(conn)
        if breaches:  # the checks below read text as text: they would stop at the first
            return breaches
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall():
            row, row_id = _row_named(conn, table, rowid)
            breaches.append(Breach("foreign_key", f"{row} points at a missing {parent} row",
                                   (row_id,)))  # fmt: skip
        breaches += _text_breaches(conn)
        breaches += _orphan_breaches(conn)
        known = self.schema.label_set
        for label, n, sample in conn.execute(
            "SELECT label, count(*), min(id) FROM spans GROUP BY label ORDER BY label"
        ):
            if label not in known:
                breaches.append(Breach(
                    "label", f"{n} span(s) use label {label!r}, which the schema does not have"
                    f" (for example span {sample})", (sample,),
                ))  # fmt: skip
        for rel_id, rel_doc, a_doc, b_doc in conn.execute(
            "SELECT r.id, r.document_id, a.document_id, b.document_id FROM relations r"
            " JOIN spans a ON a.id = r.from_span JOIN spans b ON b.id = r.to_span"
            " WHERE a.document_id != r.document_id OR b.document_id != r.document_id"
        ):
            breaches.append(Breach(
                "relation", f"relation {rel_id} of document {rel_doc} links spans of documents"
                f" {a_doc} and {b_doc}", (rel_id,),
            ))  # fmt: skip
        for rel_id, rel_type, a_label, b_label in conn.execute(
            "SELECT r.id, r.type, a.label, b.label FROM relations r"
            " JOIN spans a ON a.id = r.from_span JOIN spans b ON b.id = r.to_span ORDER BY r.id"
        ):
            if rel_type not in self.schema.relation_types_between(a_label, b_label):
                breaches.append(Breach(
                    "relation", f"relation {rel_id} is {rel_type} from {a_label} to {b_label},"
                    " which the schema does not allow (an export of it cannot be imported)",
                    (rel_id,),
                ))  # fmt: skip
        marks = ", ".join("?" * len(ORIGINS))
        for span_id, label, attributes, origin in conn.execute(
            "SELECT id, label, attributes, origin FROM spans"
            f" WHERE attributes <> '{{}}' OR origin NOT IN ({marks}) ORDER BY id", ORIGINS,
        ):  # fmt: skip
            if origin not in ORIGINS:  # an export of it could not be imported
                breaches.append(Breach("origin", f"span {span_id} has the origin {origin!r}:"
                                       f" an origin is one of {', '.join(ORIGINS)}", (span_id,)))
            problem = object_problem(attributes)
            if problem is not None:
                breaches.append(Breach("attribute", f"span {span_id}: its attributes are {problem}",
                                       (span_id,)))  # fmt: skip
                continue
            try:  # imports of older versions kept what a file said; checked here
                check_attributes(self.schema.label(label), json.loads(attributes))
            except (InvalidSpanError, ValueError) as exc:
                breaches.append(Breach("attribute", f"span {span_id}: {exc}", (span_id,)))
        breaches += _bytes_breaches(conn)
        for rel_id, attributes in conn.execute(
            "SELECT id, attributes FROM relations WHERE attributes <> '{}'"
            " AND typeof(attributes) = 'text' ORDER BY id"
        ):
            problem = object_problem(attributes)
            if problem is not None:
                breaches.append(Breach(
                    "attribute", f"relation {rel_id}: its attributes are {problem}", (rel_id,)
                ))  # fmt: skip
        breaches += _time_breaches(conn)
        breaches += _meta_breaches(conn)
        return breaches


# A row of these tables is named by its id: "relation X".
_ROW = {"documents": "document", "spans": "span", "relations": "relation", "revisions": "revision"}
# What an export writes of each row: JSON cannot hold bytes (a BLOB) in any of it.
_LINE_COLUMNS = {
    "spans": RECORD_COLUMNS,
    "documents": DOCUMENT_LINE_COLUMNS,
    "relations": RELATION_LINE_COLUMNS,
}


def _bytes_breaches(conn: sqlite3.Connection) -> list[Breach]:
    """Rows holding bytes (a BLOB) where an export writes text, with the columns."""
    found = []
    for table, columns in _LINE_COLUMNS.items():
        kinds = storage_classes(columns)
        for row_id, *row_kinds in conn.execute(
            f"SELECT id, {kinds} FROM {table} WHERE 'blob' IN ({kinds}) ORDER BY id"
        ):
            name = str(shown(row_id))
            found.append(Breach("bytes", f"{_ROW[table]} {name} holds bytes (a BLOB) as its"
                                f" {' and '.join(blob_columns(row_kinds, columns))}: no export"
                                " can write it", (name,)))  # fmt: skip
    return found


def _row_named(conn: sqlite3.Connection, table: str, rowid: int) -> tuple[str, str]:
    """(``relation X``, ``X``) for a row of a table with ids, else (``table row N``, ``N``)."""
    singular = _ROW.get(table)
    if singular is not None:
        found = conn.execute(f"SELECT id FROM {table} WHERE rowid = ?", [rowid]).fetchone()
        if found is not None:
            row_id = str(shown(found[0]))
            return f"{singular} {row_id}", row_id
    return f"{table} row {rowid}", str(rowid)


# The tables the check reads; a value of bytes cast to text outside annotator need
# not be UTF-8: SQLite copies it into an export as it is, and Python cannot read it.
_READ_TABLES = ("documents", "spans", "relations", "revisions")
_ROWS_AT_ONCE = 2_000


def _utf8_breaches(conn: sqlite3.Connection) -> list[Breach]:
    """Text that is not UTF-8, per row and column.  SQLite joins the text values of
    2,000 rows at a time with a newline between values (no UTF-8 sequence runs across
    one, so the slice decodes only if each value does); only a slice that fails is
    read row by row."""
    found = []
    reading = conn.text_factory
    conn.text_factory = bytes
    try:
        for table in _READ_TABLES:
            columns = [row[1].decode() for row in conn.execute(f"PRAGMA table_info({table})")]
            texts = [f"CASE typeof(\"{c}\") WHEN 'text' THEN \"{c}\" END" for c in columns]
            joined = " || char(10) || ".join(f"coalesce({text}, '')" for text in texts)
            listed = ", ".join(f'"{c}"' for c in columns)  # (not the record SQLite makes)
            after: int | None = None
            while True:
                where, params = ("", []) if after is None else ("WHERE rowid > ?", [after])
                first, last, chunk = conn.execute(
                    f"SELECT min(rowid), max(rowid), group_concat({joined}, char(10)) FROM"
                    f" (SELECT rowid, {listed} FROM {table} {where} ORDER BY rowid"
                    f" LIMIT {_ROWS_AT_ONCE})", params,
                ).fetchone()  # fmt: skip
                if first is None:
                    break
                after = last
                if _is_utf8(chunk):
                    continue
                for rowid, *values in conn.execute(
                    f"SELECT rowid, {', '.join(texts)} FROM {table}"
                    " WHERE rowid BETWEEN ? AND ? ORDER BY rowid", [first, last],
                ):  # fmt: skip
                    bad = [c for c, v in zip(columns, values, strict=True)
                           if v is not None and not _is_utf8(v)]  # fmt: skip
                    if bad:
                        row, row_id = _row_named(conn, table, rowid)
                        found.append(Breach(
                            "utf8", f"{row}: its {' and '.join(bad)}"
                            f" {'are' if len(bad) > 1 else 'is'} not UTF-8 text (bytes cast to"
                            " text outside annotator): no export can write it", (row_id,),
                        ))  # fmt: skip
    finally:
        conn.text_factory = reading
    return found


def _is_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text_breaches(conn: sqlite3.Connection) -> list[Breach]:
    """Lengths that are not the text's, then spans outside their text, then quotes
    that are not the text at their offsets (the text's own length counts, not the
    one recorded)."""
    lengths = dict(conn.execute("SELECT id, length FROM documents"))
    wrong, outside, misquoted = [], [], []
    for doc_id, text, quotes in every_quote(conn):
        if not isinstance(text, str):  # bytes (a BLOB): a breach of its own
            continue
        if lengths[doc_id] != len(text):  # counts and exports trust it
            wrong.append(Breach("length", f"document {doc_id} records a length of"
                                f" {lengths[doc_id]} but its text has {len(text)} characters",
                                (str(doc_id),)))  # fmt: skip
        for span_id, start, end, quote in quotes:
            if type(start) is not int or type(end) is not int:  # 1.5 or "3": only SQL writes those
                outside.append(Breach(
                    "offsets", f"span {span_id} has the offsets {start!r}, {end!r}: offsets are"
                    " whole numbers", (span_id, str(doc_id)),
                ))  # fmt: skip
            elif not 0 <= start < end <= len(text):
                outside.append(Breach(
                    "offsets", f"span {span_id} [{start}, {end}) is not inside document {doc_id}"
                    f" (0..{len(text)})", (span_id, str(doc_id)),
                ))  # fmt: skip
            elif isinstance(quote, str) and text[start:end] != quote:  # (bytes: their own)
                misquoted.append(Breach(
                    "quote", f"span {span_id} of document {doc_id} quotes {quoted(quote)} but"
                    f" the text at [{start}, {end}) is {quoted(text[start:end])}",
                    (span_id, str(doc_id)),
                ))  # fmt: skip
    return wrong + outside + misquoted


def _meta_breaches(conn: sqlite3.Connection) -> list[Breach]:
    """Meta that is no JSON object, or that keeps a document's own fields."""
    found = []
    for doc_id, meta in conn.execute(  # (meta of bytes: a "bytes" breach of its own)
        "SELECT id, meta FROM documents WHERE meta <> '{}' AND typeof(meta) = 'text'"
    ):
        problem = object_problem(meta)
        if problem:
            found.append(Breach("meta", f"document {doc_id}: its meta is {problem}",
                                (str(doc_id),)))  # fmt: skip
            continue
        keys = [key for key in RESERVED_META if key in json.loads(meta)]
        if keys:
            found.append(Breach(
                "meta", f"document {doc_id} keeps {', '.join(map(repr, keys))} in its meta:"
                " every native export replaces them with the document's own fields",
                (str(doc_id),),
            ))  # fmt: skip
    return found


# The store's own form of a time (``base.now``), as a GLOB: what is not in it is looked at.
_D = "[0-9]"
_STAMP_GLOB = f"{_D * 4}-[0-1]{_D}-[0-3]{_D}T[0-2]{_D}:[0-5]{_D}:[0-5]{_D}.{_D * 3}Z"
_STAMPED = (("spans", "created_at"), ("spans", "updated_at"), ("relations", "created_at"),
            ("documents", "created_at"))  # fmt: skip


def _time_breaches(conn: sqlite3.Connection) -> list[Breach]:
    """Time stamps not in the store's form (older imports kept any text): merge and
    review compare them as text to tell the newer version."""
    found = []
    for table, column in _STAMPED:
        for row_id, value in conn.execute(
            f"SELECT id, {column} FROM {table} WHERE {column} NOT GLOB ? ORDER BY id",
            [_STAMP_GLOB],
        ):
            found.append(Breach(
                "time", f"{table.removesuffix('s')} {row_id}: {column} {value!r} is not a time"
                f" in the store's form ({STAMP_HELP})", (str(row_id),),
            ))  # fmt: skip
    return found


def _orphan_breaches(conn: sqlite3.Connection) -> list[Breach]:
    """Orphans whose revision is missing, of another document, or not what they quote."""
    breaches, texts = [], {}  # revision id -> (document id, text): each read once
    for span_id, doc_id, start, end, quote, revision in conn.execute(
        'SELECT id, document_id, start, "end", text, orphan_revision FROM spans'
        " WHERE orphan_revision IS NOT NULL ORDER BY orphan_revision"
    ):
        if revision not in texts:
            row = conn.execute(
                "SELECT document_id, text FROM revisions WHERE id = ?", [revision]
            ).fetchone()
            texts = {revision: (row[0], row[1]) if row else (None, "")}
        owner, text = texts[revision]
        if owner != doc_id:
            breaches.append(Breach(
                "orphan", f"orphan span {span_id} of document {doc_id} names revision {revision},"
                " which is not one of that document's", (span_id, str(doc_id)),
            ))  # fmt: skip
        elif not 0 <= start < end <= len(text) or text[start:end] != quote:
            breaches.append(Breach(
                "orphan", f"orphan span {span_id} of document {doc_id} quotes {quote!r} but its"
                f" revision {revision} has {text[start:end]!r} at [{start}, {end})",
                (span_id, str(doc_id)),
            ))  # fmt: skip
    return breaches


def _damaged(exc: sqlite3.Error) -> bool:
    """True for SQLite's words for a broken file (some reach us as OperationalError)."""
    return any(word in str(exc) for word in ("malformed", "corrupt", "not a database"))
