"""The native JSONL format: one document per line with its spans and relations.

The record is described in DESIGN.md and validated by ``schemas/export.schema.json``.
It round-trips exactly: document uid, title, source and meta; span ids,
analysts, notes, attributes, origin and time stamps; relations with their ids.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from ..atomicfile import atomic_open
from ..errors import ExportError, ImportRefusedError
from ..model import DocumentRecord
from ..store.documents import export_lines, export_quotes
from .base import DEFAULT_ANNOTATOR, ReadResult, WriteReport

# Keys of "meta" that hold document columns rather than free metadata.
_META_COLUMNS = ("title", "source", "sha256", "created_at")


def _lines(store: Any, annotator: str | None) -> Iterator[tuple[str, int, int]]:
    """Each document's JSON line with its span and relation counts, checked.

    SQLite builds the lines on a second thread (it releases the GIL while it
    works) while this thread checks, from the same snapshot, that every span's
    quote is ``text[start:end]``; a line is handed out only once its document
    passed.  Two cores make the check almost free.
    """
    line_conn, check_conn = store.snapshot_readers(2)
    lines: queue.Queue[Any] = queue.Queue(maxsize=64)
    stop = threading.Event()

    def produce() -> None:
        try:
            for row in export_lines(line_conn, annotator):
                while not stop.is_set():
                    try:
                        lines.put(row, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            lines.put(None)
        except BaseException as exc:  # handed to the consumer, raised there
            lines.put(exc)

    producer = threading.Thread(target=produce, name="jsonl-export", daemon=True)
    producer.start()
    try:
        for doc_id, text, quotes in export_quotes(check_conn, annotator):
            for span_id, start, end, quote in quotes:
                if text[start:end] != quote:
                    raise ExportError(
                        f"span {span_id} of document {doc_id} quotes {quote!r} but the text at"
                        f" [{start}, {end}) is {text[start:end]!r}: run `annotator check`;"
                        " nothing was written"
                    )
            item = lines.get()
            if isinstance(item, BaseException):
                raise item
            line_doc, line, n_rels = item
            if line_doc != doc_id:  # both read documents in id order from one snapshot
                raise ExportError(f"export out of step at document {doc_id}: try again")
            yield line, len(quotes), n_rels
    finally:
        stop.set()
        producer.join()
        line_conn.close()
        check_conn.close()


def write(
    store: Any,
    target: str | Path | IO[str],
    *,
    annotator: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> WriteReport:
    """Export every document (or one analyst's layer) as native JSONL.

    ``target`` is a path, ``"-"`` for standard output, or an open text file.  A
    path is written through a temporary file in the same folder and renamed
    into place when complete, so a failed export leaves the old file intact.
    """
    if target == "-":
        target = sys.stdout
    if not isinstance(target, (str, Path)):
        return _write_lines(store, target, annotator, progress, getattr(target, "name", "-"))
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name such as {path / 'export.jsonl'}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path) as f:
        report = _write_lines(store, f, annotator, progress, str(path))
    return report


def _write_lines(
    store: Any,
    f: IO[str],
    annotator: str | None,
    progress: Callable[[int], None] | None,
    name: str,
) -> WriteReport:
    docs = spans = rels = 0
    for line, n_spans, n_rels in _lines(store, annotator):
        f.write(line)
        f.write("\n")
        docs, spans, rels = docs + 1, spans + n_spans, rels + n_rels
        if progress is not None:
            progress(docs)
    return WriteReport(docs, spans, rels, name)  # native JSONL loses nothing


def sniff(first_text: str) -> bool:
    """True when a file starts with one of our records (used to pick a reader)."""
    line = first_text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return False
    return isinstance(record, dict) and record.get("offset_unit") == "codepoint"


def read(
    path: str | Path,
    *,
    offsets: str | None = None,
    annotator: str | None = None,
    skip_invalid: bool = False,
) -> ReadResult:
    """Parse a native JSONL file.  Offsets are always code points; records keep
    their analysts (``annotator`` only fills in a span that names none)."""
    if offsets not in (None, "codepoint"):
        raise ImportRefusedError("native JSONL counts code points: leave out --offsets")
    path = Path(path)
    result = ReadResult()
    raw = path.read_bytes()
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    try:
        content = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:  # the offset counts from the file's first byte
        raise ImportRefusedError(
            f"{path.name} is not valid UTF-8 (byte {exc.start + bom}): save it as UTF-8"
            " and import again"
        ) from None
    # One record per line; JSON strings may hold U+2028 unescaped, so split on "\n" only.
    for n, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        try:
            obj = json.loads(line)
            record = _record(obj, where, annotator)
        except json.JSONDecodeError as exc:
            problem = (
                f"{where} is not valid JSON ({exc.msg}, column {exc.colno}): fix or remove it"
            )
        except ImportRefusedError as exc:
            problem = str(exc)
        else:
            result.records.append(record)
            continue
        if not skip_invalid:
            raise ImportRefusedError(problem)
        result.skipped.append(problem)
    return result


def _record(obj: Any, where: str, annotator: str | None = None) -> DocumentRecord:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ImportRefusedError(f'{where} has no "text" string: is this a native JSONL file?')
    unit = obj.get("offset_unit", "codepoint")
    if unit != "codepoint":
        raise ImportRefusedError(
            f"{where} counts offsets in {unit!r}: only code points are read; convert the file"
        )
    spans, relations = obj.get("spans") or [], obj.get("relations") or []
    if not isinstance(spans, list) or not all(isinstance(s, dict) for s in spans):
        raise ImportRefusedError(f'{where}: "spans" must be a list of objects')
    if not isinstance(relations, list) or not all(isinstance(r, dict) for r in relations):
        raise ImportRefusedError(f'{where}: "relations" must be a list of objects')
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise ImportRefusedError(f'{where}: "meta" must be a JSON object, not {meta!r}')
    meta = dict(meta)
    columns = {key: meta.pop(key, None) for key in _META_COLUMNS}
    uid = obj.get("id")
    return DocumentRecord(
        text=obj["text"],
        uid=str(uid) if uid is not None else None,
        title=columns["title"],
        source=columns["source"],
        meta=meta,
        created_at=columns["created_at"],
        spans=[_defaults(s, annotator) for s in spans],  # fmt: skip
        relations=relations,
        where=where,
    )


def _defaults(span: dict[str, Any], annotator: str | None) -> dict[str, Any]:
    """Fill in origin and analyst, in place (the dict was just parsed for us)."""
    if not span.get("origin"):
        span["origin"] = "import"
    if not span.get("annotator"):
        span["annotator"] = annotator or DEFAULT_ANNOTATOR
    return span
