"""The native JSONL format: one document per line with its spans and relations.

The record is described in DESIGN.md and validated by ``schemas/export.schema.json``.
It round-trips exactly: document uid, title, source and meta; span ids,
analysts, notes, attributes, origin and time stamps; relations with their ids.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError, ImportRefusedError
from ..model import DocumentRecord

# Keys of "meta" that hold document columns rather than free metadata.
_META_COLUMNS = ("title", "source", "sha256", "created_at")


@dataclass(frozen=True)
class ExportReport:
    documents: int
    spans: int
    relations: int
    path: str


def _lines(store: Any, annotator: str | None) -> Iterator[tuple[str, int, int]]:
    """Each document's JSON line, checked; with its span and relation counts."""
    for doc, spans, rels in store.export_rows(annotator=annotator):
        text = doc["text"]
        out_spans = []
        for s in spans:
            start, end, quote = s["start"], s["end"], s["text"]
            if text[start:end] != quote:
                raise ExportError(
                    f"span {s['id']} of document {doc['id']} quotes {quote!r} but the text at"
                    f" [{start}, {end}) is {text[start:end]!r}: run `annotator check`;"
                    " nothing was written"
                )
            attributes = s["attributes"]
            out_spans.append(
                {
                    "id": s["id"],
                    "start": start,
                    "end": end,
                    "label": s["label"],
                    "text": quote,
                    "annotator": s["annotator"],
                    "note": s["note"],
                    "attributes": {} if attributes == "{}" else json.loads(attributes),
                    "origin": s["origin"],
                    "created_at": s["created_at"],
                    "updated_at": s["updated_at"],
                }  # fmt: skip
            )
        meta = json.loads(doc["meta"])
        meta.update(
            title=doc["title"], source=doc["source"], sha256=doc["text_sha256"],
            created_at=doc["created_at"],
        )  # fmt: skip
        record = {
            "id": doc["uid"],
            "text": text,
            "meta": meta,
            "spans": out_spans,
            "relations": [
                {
                    "id": r["id"],
                    "type": r["type"],
                    "from": r["from_span"],
                    "to": r["to_span"],
                    "annotator": r["annotator"],
                    "attributes": json.loads(r["attributes"]),
                    "created_at": r["created_at"],
                }  # fmt: skip
                for r in rels
            ],
            "offset_unit": "codepoint",
        }
        yield json.dumps(record, ensure_ascii=False), len(out_spans), len(rels)


def write(
    store: Any,
    target: str | Path | IO[str],
    *,
    annotator: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExportReport:
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            report = _write_lines(store, f, annotator, progress, str(path))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return report


def _write_lines(
    store: Any,
    f: IO[str],
    annotator: str | None,
    progress: Callable[[int], None] | None,
    name: str,
) -> ExportReport:
    docs = spans = rels = 0
    for line, n_spans, n_rels in _lines(store, annotator):
        f.write(line)
        f.write("\n")
        docs, spans, rels = docs + 1, spans + n_spans, rels + n_rels
        if progress is not None:
            progress(docs)
    return ExportReport(docs, spans, rels, name)


def looks_native(first_line: str) -> bool:
    """True when a JSONL line is one of our records (used to pick a reader)."""
    try:
        record = json.loads(first_line)
    except json.JSONDecodeError:
        return False
    return isinstance(record, dict) and record.get("offset_unit") == "codepoint"


def read(path: str | Path) -> Iterator[DocumentRecord]:
    """Parse a native JSONL file into records (a generator: one line at a time)."""
    path = Path(path)
    with open(path, encoding="utf-8-sig") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path.name} line {n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportRefusedError(
                    f"{where} is not valid JSON ({exc.msg}, column {exc.colno}): fix or remove it"
                ) from None
            yield _record(obj, where)


def _record(obj: Any, where: str) -> DocumentRecord:
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
    meta = dict(obj.get("meta") or {})
    columns = {key: meta.pop(key, None) for key in _META_COLUMNS}
    uid = obj.get("id")
    return DocumentRecord(
        text=obj["text"],
        uid=str(uid) if uid is not None else None,
        title=columns["title"],
        source=columns["source"],
        meta=meta,
        created_at=columns["created_at"],
        spans=[{**s, "origin": s.get("origin") or "import"} for s in spans],
        relations=relations,
        where=where,
    )
