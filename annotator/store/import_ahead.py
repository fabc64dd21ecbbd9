"""Bulk imports on two threads: the next records' Python work while SQLite
stores the last ones.

A file of many new documents costs about as much Python (checking spans,
building rows and the history) as SQLite work.  SQLite lets go of Python's
lock while it works, so a thread that prepares records (``Preparer``) while
the importing thread writes them (``ahead``) does both at once.

The preparing thread touches no connection.  It prepares only records that
are plainly new documents with valid spans and nothing else to store; it
hands any other record over unprepared and waits until the importing thread
has stored it the careful way, since that record may take a document id and
add to the history, which the records after it take in turn.  Whether a
record is new is decided by the keys of the documents already here
(``known_keys``) and of those met earlier in the file.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Sequence
from itertools import chain
from typing import Any, NamedTuple

from ..model import Document, DocumentRecord
from .base import event_row, sha256
from .document_rows import added_event, check_document, meta_as_json
from .fast_rows import span_tuples
from .import_matching import given_twice, own_fields
from .search import folded_for_index
from .span_checks import checked_stamp

AHEAD_FROM = 32  # records: fewer are stored on one thread
KNOWN_AT_MOST = 100_000  # documents already here: with more, the import stays on one thread
# How long a thread holding Python's lock keeps the other waiting (default 5 ms):
# the writer waits for it after each statement.
SWITCH_INTERVAL = 0.0001
# Prepared records are handed over in runs of up to this many span rows (or
# records): the importing thread takes a run in a few list operations between
# two statements, where taking each record (a hand-over, a method call or two)
# kept it waiting for Python's lock, held by the preparing thread in between.
RUN_ROWS, RUN_RECORDS = 1024, 32


class Prepared(NamedTuple):
    document: Document
    row: list[Any]  # its documents row (``DOCUMENT_COLUMNS``)
    spans: list[tuple[Any, ...]]  # its span rows
    searched: tuple[int, str | None, str]  # id, title and text for the search index


class Run(NamedTuple):
    """Prepared records that follow one another in the file, to be stored together
    (``SpanBatch.add_run``)."""

    last: int  # the number of its last record in the file (the first is 1)
    documents: list[Document]
    rows: list[list[Any]]  # their documents rows
    searched: list[tuple[int, str | None, str]]
    values: list[Any]  # their span rows, flattened
    spans: int  # how many span rows
    where: dict[int, str]  # document id -> the record it came from


class Careful(NamedTuple):
    """A record the importing thread stores itself (``number``: its place in the file)."""

    number: int
    record: DocumentRecord


class _RunMaker:
    """A run being gathered on the preparing thread."""

    def __init__(self) -> None:
        self._prepared: list[tuple[int, DocumentRecord, Prepared]] = []
        self._spans = 0

    def add(self, number: int, record: DocumentRecord, prepared: Prepared) -> bool:
        """Add a record; True when the run is full."""
        self._prepared.append((number, record, prepared))
        self._spans += len(prepared.spans)
        return self._spans >= RUN_ROWS or len(self._prepared) >= RUN_RECORDS

    def __bool__(self) -> bool:
        return bool(self._prepared)

    def take(self) -> Run:
        gathered, self._prepared, spans, self._spans = self._prepared, [], self._spans, 0
        return Run(
            gathered[-1][0],
            [p.document for _, _, p in gathered],
            [p.row for _, _, p in gathered],
            [p.searched for _, _, p in gathered],
            list(chain.from_iterable(chain.from_iterable(p.spans for _, _, p in gathered))),
            spans,
            {p.document.id: r.where or f"record {n}" for n, r, p in gathered},
        )


def known_keys(conn: sqlite3.Connection) -> tuple[set[str], set[str]] | None:
    """The uids and text hashes of the documents here, read from their indexes;
    None when there are more than ``KNOWN_AT_MOST``."""
    uids = {uid for (uid,) in conn.execute(
        "SELECT uid FROM documents LIMIT ?", [KNOWN_AT_MOST + 1])}  # fmt: skip
    if len(uids) > KNOWN_AT_MOST:
        return None
    digests = {d for (d,) in conn.execute(
        "SELECT text_sha256 FROM documents INDEXED BY documents_sha256")}  # fmt: skip
    return uids, digests


class Preparer:
    """Rows of records that are new documents, made on the preparing thread.

    Call on one thread at a time; the store's held history (``_events_held``)
    and document ids (``_next_ids``) are taken in record order.
    """

    def __init__(
        self, store: Any, keys: tuple[set[str], set[str]], *, added_by: str, stamp: str,
        drop_twins: bool,
    ) -> None:  # fmt: skip
        self._store, (self._uids, self._digests) = store, keys
        self._added_by, self._stamp, self._drop_twins = added_by, stamp, drop_twins

    def __call__(self, record: DocumentRecord) -> Prepared | None:
        """The record's rows, with its history recorded; None for the careful way."""
        text = record.text
        try:
            digest = sha256(text) if isinstance(text, str) else None
        except UnicodeEncodeError:  # half a UTF-16 pair: the careful way says so
            digest = None
        uid = record.uid or digest
        try:
            known = uid in self._uids or digest in self._digests
        except TypeError:  # an unhashable uid: the careful way says what is wrong
            known = True
        self._seen(uid, digest)  # as the careful way would store it, too
        if digest is None or not isinstance(uid, str) or known:
            return None
        if "\r" in text or record.relations or record.revisions or record.orphans:
            return None  # CR: the same article as a .txt here, perhaps
        store = self._store
        try:
            meta, title, source, created_at = own_fields(record)
            check_document(text, title, source)
            created_at = checked_stamp(created_at, "created_at", "the document's ") or self._stamp
            meta_json = meta_as_json(meta)
            doc_id = store._next_ids["documents"] + 1
            rows = span_tuples(doc_id, text, record.spans, store.schema, self._stamp)
            if rows is None or (self._drop_twins and given_twice(rows)):
                return None
            events = [event_row(self._stamp, self._added_by, "add_document",
                                **added_event(doc_id, uid, title, source))]  # fmt: skip
            if rows:
                events.append(event_row(
                    self._stamp, self._added_by, "import", document_id=doc_id,
                    target=record.where or None,
                    after={"span_ids": [row[0] for row in rows], "relation_ids": []},
                ))  # fmt: skip
            document = Document(doc_id, uid, title, source, text, digest, json.loads(meta_json),
                                created_at)  # fmt: skip
        except Exception:  # the careful way finds it again and names it
            return None
        store._next_ids["documents"] = doc_id
        store._held[1].extend(events)
        row = [doc_id, uid, title, source, text, digest, len(text), meta_json, created_at]
        return Prepared(document, row, rows, (doc_id, *folded_for_index(title, text)))

    def _seen(self, uid: Any, digest: str | None) -> None:
        """A later record with this uid or text is no new document."""
        if uid is not None:  # SQLite keeps a uid of 7 as "7", the same as "7"
            self._uids.add(uid if isinstance(uid, str) else str(uid))
        if digest is not None:
            self._digests.add(digest)


def many(records: Iterable[DocumentRecord]) -> bool:
    """True for records enough to be prepared ahead (a bulk import)."""
    return isinstance(records, Sequence) and len(records) >= AHEAD_FROM


def preparer_for(store: Any, records: Iterable[DocumentRecord], **options: Any) -> Preparer | None:
    """A preparing thread's work for a file of many records, or None (``options``
    are ``Preparer``'s).  From here on the store counts document ids in Python."""
    if not many(records):
        return None
    keys = known_keys(store.conn)
    if keys is None:
        return None
    if "documents" not in store._next_ids:
        store._next_ids["documents"] = store._new_id("documents") - 1
    return Preparer(store, keys, **options)


class _Failed(NamedTuple):
    error: BaseException


_END = object()


def ahead(
    records: Iterable[DocumentRecord],
    prepare: Callable[[DocumentRecord], Prepared | None] | None,
    depth: int = 2,
) -> Generator[Run | Careful, None, None]:
    """The records in file order: runs of records prepared on a thread, up to
    ``depth`` runs ahead, and each record ``prepare`` left (None) to store the
    careful way; without ``prepare``, every record careful.

    After a careful record, the thread waits until the caller asks for what
    follows: by then the caller has stored it.  Close the iterator
    (``contextlib.closing``) to stop the thread early.
    """
    if prepare is None:
        for number, record in enumerate(records, 1):
            yield Careful(number, record)
        return
    items: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stored = threading.Event()  # the caller has stored the careful record handed over
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        run = _RunMaker()
        try:
            for number, record in enumerate(records, 1):
                prepared = prepare(record)
                if prepared is not None and not run.add(number, record, prepared):
                    continue
                if run and not put(run.take()):
                    return
                if prepared is None:
                    if not put(Careful(number, record)):
                        return
                    while not stored.wait(0.05):
                        if stop.is_set():
                            return
                    stored.clear()
            if run and not put(run.take()):
                return
            put(_END)
        except BaseException as exc:  # raised again on the caller's thread
            if not run or put(run.take()):  # the records before it are stored first
                put(_Failed(exc))

    thread = threading.Thread(target=work, name="import-ahead", daemon=True)
    with _quick_switches():
        thread.start()
        try:
            while True:
                got = items.get()
                if got is _END:
                    return
                if isinstance(got, _Failed):
                    raise got.error
                yield got
                if isinstance(got, Careful):
                    stored.set()
        finally:
            stop.set()
            thread.join()


class _quick_switches:
    """Python's switch interval at ``SWITCH_INTERVAL`` while any import runs ahead."""

    _lock = threading.Lock()
    _running = 0
    _saved = 0.0

    def __enter__(self) -> None:
        with self._lock:
            cls = type(self)
            if cls._running == 0:
                cls._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(cls._saved, SWITCH_INTERVAL))
            cls._running += 1

    def __exit__(self, *exc: Any) -> None:
        with self._lock:
            cls = type(self)
            cls._running -= 1
            if cls._running == 0:
                sys.setswitchinterval(cls._saved)
