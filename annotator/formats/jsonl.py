"""The native JSONL format: one document per line with its spans and relations.

The record is described in DESIGN.md and validated by ``schemas/export.schema.json``.
It round-trips exactly: document uid, title, source and meta; span ids,
analysts, notes, attributes, origin and time stamps; relations with their ids.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
import operator
import sqlite3
import sys
from collections.abc import Callable, Iterator
from itertools import compress, repeat
from pathlib import Path
from typing import IO, Any

from ..atomicfile import EarlySync, atomic_open
from ..display_text import with_count
from ..errors import DatabaseFileError, ExportError, ImportRefusedError
from ..model import RESERVED_META, DocumentRecord
from ..store.export_helper import Helper, OrderedBlocks
from ..store.exporting import (
    build_block,
    export_blocks,
    export_heads,
    head_refusal,
    relations_left_out,
    snapshot_mark,
)
from ..store.row_values import shown
from .base import DEFAULT_ANNOTATOR, ReadResult, WriteReport, orphan_lines
from .common import json_problem, loads, refuse_lone_surrogates, whole_json
from .foreign import array_hint, other_tool, whole_file_hint
from .registry import refuse_unsafe_target

BLOCK = 8  # documents per query of span groups, at most
BLOCK_CHARS = 1 << 18  # characters of text per block, at most (a longer document: one)
HELPER_SPANS = 200_000  # from this many spans on, a second process shares the blocks
_TAIL = b',"offset_unit":"codepoint"}'
# Keys where other tools keep their spans: a record with one of them and no "spans"
# would otherwise be read as an article without annotations.
_FOREIGN_KEYS = frozenset({"label", "labels", "entities", "annotations", "predictions"})


def _lines(store: Any, annotator: str | None) -> Iterator[tuple[bytes, int, int]]:
    """Each document's JSON line (UTF-8) with its span and relation counts, checked.

    The documents are cut into blocks whose spans arrays SQLite builds and
    the quote check passes (``build_block``); for a big export a helper
    process builds blocks at the same time, on the other core, as many as it
    keeps up with (``OrderedBlocks``).
    Every reader sees one snapshot.
    """
    helper, (heads, worker) = _snapshot(store, annotator)
    try:
        blocks = export_blocks(heads, BLOCK, BLOCK_CHARS)
        ours = snapshot_mark(heads)
        built = OrderedBlocks(
            blocks, lambda first, last: build_block(worker, first, last, annotator), helper,
            # The same state: the same mark, and the same file (a copy put at the path
            # after our readers started can have as many changes).
            accept=lambda mark: mark == ours and not store.file_replaced(),
        )  # fmt: skip
        spans_of: dict[int, tuple[bytes, int]] = {}
        block = -1
        for doc_id, head, relations, n_rels, unwritable in export_heads(heads, annotator):
            if head is None:  # the line would break the export's schema
                raise ExportError(head_refusal(heads, doc_id))
            if relations is None:
                raise ExportError(
                    f"relation {shown(unwritable)} of document {doc_id} cannot be written: its"
                    " attributes are no JSON object, or it holds bytes (a BLOB) where text"
                    " belongs, or an end is no span of its document (changed outside"
                    " annotator?): run `annotator check`; nothing was written"
                )
            while doc_id > (blocks[block][1] if block >= 0 else -1):
                block += 1
                spans_of = {doc: (spans, n) for doc, spans, n in built.get(block)}
            spans, n_spans = spans_of.pop(doc_id, (b"", 0))
            line = (head[:-1], b',"spans":[', spans, b'],"relations":', relations, _TAIL)
            yield b"".join(line), n_spans, n_rels
    finally:
        if helper is not None:
            helper.close()
        heads.close()
        worker.close()


def _snapshot(store: Any, annotator: str | None) -> tuple[Helper | None, list[sqlite3.Connection]]:
    """Two readers of one snapshot, and for a big export a helper process, started
    first (it joins once it has started, if on the same snapshot: ``OrderedBlocks``)."""
    helper = None
    if HELPER_SPANS <= 0 or _at_least(store.conn, HELPER_SPANS, annotator):
        with contextlib.suppress(OSError):  # no second process here: this one does all
            helper = Helper(store.real_path, annotator)
    try:
        return helper, _readers(store)
    except BaseException:
        if helper is not None:
            helper.close()
        raise


def _at_least(conn: sqlite3.Connection, n: int, annotator: str | None) -> bool:
    """True when the export's layers hold ``n`` spans or more.  The largest rowid
    bounds the count from above for free; else the spans are counted up to
    ``n`` only, in the smallest index (a whole count of a million: 0.05-0.5 s)."""
    if conn.execute("SELECT coalesce(max(rowid), 0) FROM spans").fetchone()[0] < n:
        return False
    layer, params = ("annotator = ?", [annotator]) if annotator else ("1", [])
    return bool(conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM spans INDEXED BY spans_document_annotator"
        f" WHERE {layer} LIMIT ?)", [*params, n],
    ).fetchone()[0] >= n)  # fmt: skip


def _readers(store: Any) -> list[sqlite3.Connection]:
    conns: list[sqlite3.Connection] = store.snapshot_readers(2)
    for conn in conns:
        conn.text_factory = bytes
    return conns


def write(
    store: Any,
    target: str | Path | IO[str],
    *,
    annotator: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> WriteReport:
    """Export every document (or one analyst's layer) as native JSONL.

    ``target`` is a path, ``"-"`` for standard output, or an open text or
    binary file.  A path is written through a temporary file in the same folder
    and renamed into place when complete, so a failed export leaves the old file
    intact; a refusal after lines went to a stream says how many.
    """
    if target == "-":  # JSONL is UTF-8 whatever the terminal's encoding says
        return _write_lines(store, sys.stdout, annotator, progress, "-", utf8=True,
                            stream="standard output")  # fmt: skip
    if not isinstance(target, (str, Path)):
        name = getattr(target, "name", "-")
        return _write_lines(store, target, annotator, progress, name, stream=_named(target))
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name such as {path / 'export.jsonl'}")
    refuse_unsafe_target(path)
    with atomic_open(path) as f:
        report = _write_lines(store, f, annotator, progress, str(path))
    return report


def _write_lines(
    store: Any,
    f: IO[str],
    annotator: str | None,
    progress: Callable[[int], None] | None,
    name: str,
    *,
    utf8: bool = False,
    stream: str | None = None,
) -> WriteReport:
    """Write the lines to ``f``: a temporary file renamed when complete, or an
    open stream (named ``stream`` in messages), where the lines written before
    a refusal stay."""
    docs = spans = rels = 0
    if isinstance(f, (io.RawIOBase, io.BufferedIOBase)):  # a binary file: the lines as they are
        raw: Any = f
    else:  # lines are UTF-8 already: skip the text layer
        raw = getattr(f, "buffer", None)
        if raw is not None and not utf8 and _encoding(f) != "utf-8":
            raw = None  # a file opened in another encoding gets its own
    if raw is not None:
        f.flush()
        syncing = EarlySync(raw)
    try:
        for line, n_spans, n_rels in _lines(store, annotator):
            if raw is not None:
                raw.write(line + b"\n")
                syncing.wrote(len(line) + 1)
            else:
                try:
                    f.write(line.decode("utf-8") + "\n")
                except UnicodeEncodeError as exc:
                    raise ExportError(
                        f"{stream or name} is open as {exc.encoding}, which cannot hold every"
                        " character of the articles: open it as UTF-8"
                    ) from None
            docs, spans, rels = docs + 1, spans + n_spans, rels + n_rels
            if progress is not None:
                progress(docs)
    except (ExportError, DatabaseFileError) as exc:  # a refusal
        if stream and docs:  # its message says nothing was written: the lines before were
            raise type(exc)(_partly_written(str(exc), docs, stream)) from None
        raise
    if raw is not None:
        syncing.wait()
    report = WriteReport(docs, spans, rels, name)  # native JSONL loses nothing
    conn = store.conn
    dropped = relations_left_out(conn, annotator)
    if dropped:
        report.left_out.append(with_count(
            "{n} relation{|s} to spans of other layers (left out with those spans)", dropped
        ))  # fmt: skip
    report.left_out += orphan_lines(conn, annotator)
    earlier = conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
    if earlier:
        report.left_out.append(with_count(
            "{n} earlier text{|s} of edited documents (a record holds the current text)",
            earlier,
        ))  # fmt: skip
    return report


def _partly_written(message: str, docs: int, stream: str) -> str:
    """The message of a refusal after ``docs`` lines went to ``stream``."""
    went = with_count("the lines of the first {n} document{|s}", docs)
    return f"{message.removesuffix('nothing was written').rstrip('; ')}; {went} went to {stream}"


def _named(stream: Any) -> str:
    """How a message names an open stream: its file's name, or what it is."""
    name = getattr(stream, "name", None)
    if stream is sys.stdout or stream is sys.__stdout__ or name == "<stdout>":
        return "standard output"
    return name if isinstance(name, str) and name and not name.startswith("<") else "the stream"


def _encoding(f: IO[str]) -> str:
    try:
        return codecs.lookup(getattr(f, "encoding", None) or "utf-8").name
    except LookupError:
        return ""


def sniff(first_text: str) -> bool:
    """True when a file starts with one of our records (used to pick a reader)."""
    line = first_text.lstrip("\ufeff").split("\n", 1)[0]
    try:
        record = loads(line)
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
    refuse_lone_surrogates(content, path.name)
    # One record per line; JSON strings may hold U+2028 unescaped, so split on "\n" only.
    first = True
    for n, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {n}"
        try:
            obj = loads(line)
            record = parse_record(obj, where, annotator)
        except json.JSONDecodeError as exc:
            whole = whole_json(content) if first else None
            problem = (
                f"{where} is not valid JSON ({json_problem(exc)}): fix or remove it"
                if whole is None else f"{path.name}: {whole_file_hint(whole, 'jsonl')}"
            )  # fmt: skip
        except ImportRefusedError as exc:
            problem = str(exc)
        else:
            result.records.append(record)
            first = False
            continue
        first = False
        if not skip_invalid:
            raise ImportRefusedError(problem)
        result.skipped.append(problem)
    return result


def parse_record(obj: Any, where: str, annotator: str | None = None) -> DocumentRecord:
    """One parsed line as a record; ``ImportRefusedError`` when it is none."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        other = array_hint(obj, "jsonl") if isinstance(obj, list) else other_tool(obj, "jsonl")
        raise ImportRefusedError(
            f"{where}: {other}" if other else f'{where} has no "text" string: is this a native'
            " JSONL file?"
        )  # fmt: skip
    unit = obj.get("offset_unit", "codepoint")
    foreign = sorted(_FOREIGN_KEYS & obj.keys())
    spanless = foreign and "offset_unit" not in obj and not obj.get("spans")
    other = other_tool(obj, "jsonl") if spanless else None
    if other:
        raise ImportRefusedError(f'{where} has "{foreign[0]}" but no "spans": {other}')
    if spanless:
        raise ImportRefusedError(
            f'{where} has "{foreign[0]}" but no "spans": it is another tool\'s record, not'
            " native JSONL; import it with --format doccano, labelstudio or prodigy"
        )
    if "offset_unit" not in obj and "answer" in obj:  # its rejected suggestions are no spans
        raise ImportRefusedError(
            f'{where} has "answer" but no "offset_unit": it is a Prodigy record, not native'
            " JSONL; import it with --format prodigy (or without --format)"
        )
    if unit != "codepoint":
        raise ImportRefusedError(
            f"{where} counts offsets in {unit!r}: only code points are read; convert the file"
        )
    spans, relations = obj.get("spans") or [], obj.get("relations") or []
    if not isinstance(spans, list) or not _fill_in(spans, annotator or DEFAULT_ANNOTATOR):
        raise ImportRefusedError(f'{where}: "spans" must be a list of objects')
    if not isinstance(relations, list) or not all(isinstance(r, dict) for r in relations):
        raise ImportRefusedError(f'{where}: "relations" must be a list of objects')
    if relations:  # a relation that names no analyst is its first span's analyst's
        whose = {s["id"]: s["annotator"] for s in spans if isinstance(s.get("id"), str)}
        for rel in relations:
            if not rel.get("annotator"):
                first = rel.get("from")
                named = whose.get(first) if isinstance(first, str) else None
                rel["annotator"] = named or annotator or DEFAULT_ANNOTATOR
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise ImportRefusedError(f'{where}: "meta" must be a JSON object, not {meta!r}')
    meta = dict(meta)
    columns = {key: meta.pop(key, None) for key in RESERVED_META}
    uid = obj.get("id")
    return DocumentRecord(
        text=obj["text"],
        uid=str(uid) if uid is not None else None,
        title=columns["title"],
        source=columns["source"],
        meta=meta,
        created_at=columns["created_at"],
        spans=spans,
        relations=relations,
        where=where,
    )


def _fill_in(spans: list[Any], annotator: str) -> bool:
    """Fill in origin and analyst, in place (the dicts were just parsed for us);
    False when an item is not an object."""
    if not all(map(isinstance, spans, repeat(dict))):
        return False
    for key, value in (("origin", "import"), ("annotator", annotator)):
        for span in compress(spans, map(operator.not_, map(dict.get, spans, repeat(key)))):
            span[key] = value
    return True
