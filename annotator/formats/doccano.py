"""doccano JSONL: one example per line, spans as ``[start, end, "LABEL"]``.

Read: ``{"text", "label": [[s, e, "L"], ...]}`` (also ``"labels"``) and the
relation shape ``{"text", "entities": [{"id", "start_offset", "end_offset",
"label"}], "relations": [{"id"?, "from_id", "to_id", "type"}]}``.  The analyst is
``username`` or ``user``.  ``Comments``/``comments`` (when not empty), ``meta`` and
every other key (``variant``, ...) go into the document's meta; a string ``id`` is
the document uid, a number is kept as ``meta["doccano_id"]``; category labels
(strings in ``label``) go to ``meta["categories"]``.  A pretty-printed file (one
object or an array of them, like doccano's own relation example) is read whole
when its first line is not JSON.  The import-example placeholders
``column_data``/``column_label`` are refused: rename the columns.

Offsets: UTF-16 code units by default, on import and export (``offsets="utf16"``),
because doccano 1.8.4's interface counts them; ``"codepoint"`` for files written
by Python.  doccano stores whatever it is given and the files carry no quote, so
an export does not tell its unit: when a text has characters above U+FFFF the
reader says in its notes which unit it assumed.

Write: one line per document and analyst: ``{"id": uid, "text", "label",
"username", "meta": {title, source, ...}}``; a line whose analyst has relations
uses the relation shape (``entities`` numbered 0..n-1 per line, as doccano wants
integer ids, and ``relations``) instead of ``label``.  Lost, and listed: span notes,
attributes, ids, origins and time stamps; relation ids and attributes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError, ImportRefusedError
from ..model import DocumentRecord, Relation, Span
from ..offsets import OffsetMap, utf16_length
from .base import DEFAULT_ANNOTATOR, ReadResult, WriteReport, iter_documents


def sniff(first_text: str) -> bool:
    """True when the file starts with a doccano record (not a native or Prodigy one)."""
    obj = _first_json(first_text)
    if isinstance(obj, list) and obj:
        obj = obj[0]
    if not isinstance(obj, dict) or "offset_unit" in obj:
        return False
    if "column_data" in obj and "column_label" in obj:
        return True  # so that the reader explains what to do
    labels = obj.get("label", obj.get("labels"))
    prodigy = {"spans", "tokens", "_input_hash", "answer"} & obj.keys()
    return isinstance(obj.get("text"), str) and (
        isinstance(obj.get("entities"), list)
        or (isinstance(labels, list) and all(isinstance(x, list) for x in labels) and not prodigy)
    )


def _first_json(first_text: str) -> Any:
    text = first_text.lstrip("\ufeff \t\r\n")
    for candidate in (text.split("\n", 1)[0], text):
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    return None


# -- reading ---------------------------------------------------------------------------


def read(
    path: Path,
    *,
    offsets: str | None = None,
    annotator: str | None = None,
    skip_invalid: bool = False,
) -> ReadResult:
    """Parse a doccano JSONL export; offsets are UTF-16 units unless ``offsets="codepoint"``."""
    path = Path(path)
    reading = Reading(path, "doccano", offsets, "utf16", annotator, skip_invalid)
    for where, obj in json_records(path, lenient=True):
        reading.add(where, partial(_record, reading, obj))
    return reading.finish()


def _record(reading: Reading, obj: Any) -> DocumentRecord:
    if isinstance(obj, Bad):
        raise obj
    if not isinstance(obj, dict):
        raise Bad("is not a JSON object: each line must be one doccano record")
    if "column_data" in obj or "column_label" in obj:
        raise Bad(
            'has the placeholder keys "column_data"/"column_label" of doccano\'s import'
            ' example, not an export: rename them to "text" and "label"'
        )
    rest = dict(obj)
    text = rest.pop("text", None)
    if not isinstance(text, str) or not text.strip():
        raise Bad('has no "text" string: is this a doccano JSONL export?')
    src = SourceText(text)
    named = [rest.pop(key, None) for key in ("username", "user")]
    analyst = reading.analyst(named[0] if named[0] is not None else named[1])
    spans: list[dict[str, Any]] = []
    for key in ("label", "labels"):
        for item in _list(rest.pop(key, None), key):
            if isinstance(item, str):
                rest.setdefault("categories", []).append(item)
                reading.note('{n} document categories kept in meta "categories", not as spans')
            elif isinstance(item, (list, tuple)) and len(item) == 3:
                spans.append(reading.span(src, item[0], item[1], item[2], analyst))
            else:
                raise Bad(f'"{key}" item {item!r} is not [start, end, "LABEL"]: fix it')
    ids: dict[Any, str] = {}
    for ent in _list(rest.pop("entities", None), "entities"):
        if not isinstance(ent, dict):
            raise Bad(f'"entities" item {ent!r} is not an object: fix it')
        start, end = ent.get("start_offset"), ent.get("end_offset")
        span = reading.span(src, start, end, ent.get("label"), analyst)
        if ent.get("id") in ids:
            raise Bad(f"entity id {ent.get('id')!r} appears twice: give each entity its own id")
        ids[ent.get("id")] = span["id"]
        spans.append(span)
    relations = list(_relations(src, rest.pop("relations", None), ids, analyst))
    return DocumentRecord(text=text, spans=spans, relations=relations, **_document(rest))


def _relations(
    src: SourceText, items: Any, ids: dict[Any, str], analyst: str
) -> Iterator[dict[str, Any]]:
    for rel in _list(items, "relations"):
        ends = [rel.get(k) for k in ("from_id", "to_id")] if isinstance(rel, dict) else [None]
        if not isinstance(rel, dict) or any(e not in ids for e in ends):
            raise Bad(f'relation {rel!r} does not link two ids of "entities": fix the ids')
        rtype = rel.get("type")
        if not isinstance(rtype, str) or not rtype:
            raise Bad(f"relation {rel!r} has no type: give it one")
        frm, to = ids[ends[0]], ids[ends[1]]
        rel_id = src.new_id("doccano-rel", analyst, rtype, frm, to)
        yield {"id": rel_id, "type": rtype, "from": frm, "to": to, "annotator": analyst}


def _document(rest: dict[str, Any]) -> dict[str, Any]:
    """uid, title, source and meta from the keys left over."""
    meta: dict[str, Any] = {}
    comments = [rest.pop(key, None) for key in ("Comments", "comments")]
    if comments[0] or comments[1]:
        meta["comments"] = comments[0] or comments[1]
    if isinstance(rest.get("meta"), dict):
        meta.update(rest.pop("meta"))
    uid = rest.pop("id", None)
    if uid is not None and not isinstance(uid, str):
        meta["doccano_id"], uid = uid, None
    meta.update(rest)
    title, source = meta.pop("title", None), meta.pop("source", None)
    return {
        "uid": uid or None,
        "title": title if isinstance(title, str) else None,
        "source": source if isinstance(source, str) else None,
        "meta": meta,
    }


def _list(value: Any, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Bad(f'"{key}" must be a list, not {type(value).__name__}: fix the record')
    return value


# -- writing ---------------------------------------------------------------------------


def write(
    store: Any,
    target: Path | IO[str],
    *,
    annotator: str | None = None,
    offsets: str | None = None,
) -> WriteReport:
    """Export as doccano JSONL, offsets in UTF-16 units unless ``offsets="codepoint"``."""
    unit = offset_unit(offsets, "utf16", ExportError)
    return write_atomically(target, lambda f: _write_lines(store, f, annotator, unit))


def _write_lines(store: Any, f: IO[str], annotator: str | None, unit: str) -> WriteReport:
    report, lost = WriteReport(), Counter[str]()
    for doc, spans, rels in iter_documents(store, annotator):
        out = OutputText(doc.text, unit)
        span_groups: dict[str, list[Span]] = defaultdict(list)
        rel_groups: dict[str, list[Relation]] = defaultdict(list)
        for span in spans:
            span_groups[span.annotator].append(span)
        for rel in rels:
            rel_groups[rel.annotator].append(rel)
        meta = {k: v for k, v in (("title", doc.title), ("source", doc.source)) if v}
        meta.update(doc.meta)
        for who in sorted(span_groups.keys() | rel_groups.keys()) or [""]:
            mine = span_groups.get(who, [])
            line: dict[str, Any] = {"id": doc.uid, "text": doc.text}
            if rel_groups.get(who):
                line.update(_relation_shape(out, mine, rel_groups[who], lost))
                report.relations += len(line["relations"])
            else:
                line["label"] = [[*out.offsets(span), span.label] for span in mine]
            if who:
                line["username"] = who
            if meta:
                line["meta"] = meta
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
            report.spans += len(mine)
            for span in mine:
                lost["notes of {n} spans (doccano has no span notes)"] += bool(span.note)
                lost["attributes of {n} spans (doccano has none)"] += bool(span.attributes)
                lost["ids, origins and time stamps of {n} spans (doccano has none)"] += 1
        report.documents += 1
    report.lost.extend(lost_lines(lost))
    return report


def _relation_shape(
    out: OutputText, spans: list[Span], rels: list[Relation], lost: Counter[str]
) -> dict[str, Any]:
    number = {span.id: i for i, span in enumerate(spans)}
    entities = [
        {"id": i, "start_offset": s, "end_offset": e, "label": span.label}
        for i, span in enumerate(spans)
        for s, e in [out.offsets(span)]
    ]
    relations: list[dict[str, Any]] = []
    for rel in rels:
        if rel.from_span not in number or rel.to_span not in number:
            lost["{n} relations linking spans of another analyst (a line holds one analyst)"] += 1
            continue
        relations.append(
            {
                "id": len(relations),
                "from_id": number[rel.from_span],
                "to_id": number[rel.to_span],
                "type": rel.type,
            }
        )
        lost["ids of {n} relations (doccano numbers them per line)"] += 1
        lost["attributes of {n} relations (doccano has none)"] += bool(rel.attributes)
    return {"entities": entities, "relations": relations}


# -- shared with prodigy.py and labelstudio.py (they import these from here) ----------
# They belong in base.py or a common module; they live here only because this task
# may not add files.

UNITS = {"utf16": "utf16", "utf-16": "utf16", "codepoint": "codepoint", "code-point": "codepoint"}


class Bad(Exception):
    """One malformed record; the message is ``what is wrong: what to do``."""


def offset_unit(offsets: str | None, default: str, error: type[Exception]) -> str:
    unit = UNITS.get((offsets or default).lower().replace("_", "-"))
    if unit is None:
        raise error(f"unknown offset unit {offsets!r}: use utf16 or codepoint")
    return unit


def stable_id(prefix: str, *parts: object) -> str:
    """An id that comes out the same each time a file is read, so re-imports add nothing."""
    blob = json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")
    return f"{prefix}-{hashlib.sha256(blob).hexdigest()[:24]}"


class SourceText:
    """One document's text while it is read: offset map, digest, occurrence counts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.map = OffsetMap(text)
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        self.seen: Counter[tuple[Any, ...]] = Counter()

    def new_id(self, prefix: str, *key: object) -> str:
        """Stable id of the n-th item with this key in this text."""
        self.seen[key] += 1
        return stable_id(prefix, self.digest, *key, self.seen[key])


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text`` between two UTF-16 offsets, by Python's encoder (independent of OffsetMap)."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le", errors="replace")


class Reading:
    """Collects the records of one file: offset unit, analysts, skips and notes."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        offsets: str | None,
        default_unit: str,
        annotator: str | None,
        skip_invalid: bool,
    ) -> None:
        self.fmt = fmt
        self.unit = offset_unit(offsets, default_unit, ImportRefusedError)
        self.fallback, self.given = annotator or DEFAULT_ANNOTATOR, annotator is not None
        self.skip_invalid = skip_invalid
        self.result = ReadResult()
        self.notes: Counter[str] = Counter()
        self.pending: Counter[str] = Counter()
        self.fell_back = False

    def note(self, template: str, n: int = 1) -> None:
        """Count something read but not kept (``template`` holds ``{n}``)."""
        self.pending[template] += n

    def analyst(self, named: Any) -> str:
        """The analyst a file names (a string, or a user number), else the fallback."""
        if isinstance(named, str) and named.strip():
            return named
        if isinstance(named, int) and not isinstance(named, bool):
            return f"user-{named}"
        self.fell_back = True
        return self.fallback

    def add(self, where: str, build: Callable[[], DocumentRecord | None]) -> None:
        """Build one record; a ``Bad`` one refuses the file, or is skipped with skip_invalid."""
        self.pending, self.fell_back = Counter(), False
        try:
            record = build()
        except Bad as exc:
            if not self.skip_invalid:
                raise ImportRefusedError(f"{where}: {exc}") from None
            self.result.skipped.append(f"{where}: {exc}")
            return
        if self.fell_back and not self.given and record is not None and record.spans:
            self.note(
                f"{{n}} records name no analyst: their spans are credited to {self.fallback!r}"
                " (give --annotator NAME)"
            )
        self.notes.update(self.pending)
        if record is not None:
            record.where = where
            self.result.records.append(record)

    def span(
        self,
        src: SourceText,
        start: Any,
        end: Any,
        label: Any,
        analyst: str,
        *,
        quote: Any = None,
        span_id: str | None = None,
    ) -> dict[str, Any]:
        """A span dict in code points; ``start``/``end`` count the file's unit."""
        if type(start) is not int or type(end) is not int:
            raise Bad(f"span offsets must be integers, not {start!r}, {end!r}: fix the span")
        if not isinstance(label, str) or not label:
            raise Bad(f"span [{start}, {end}) has no label: give it one or remove the span")
        size = src.map.utf16_length if self.unit == "utf16" else src.map.length
        if not 0 <= start < end <= size:
            hint = "fix the offsets"
            if self.unit == "codepoint" and 0 <= start < end <= src.map.utf16_length:
                hint = "they fit in UTF-16 units: use --offsets utf16"
            raise Bad(
                f"span [{start}, {end}) {label} is not inside the text (0..{size} {self.unit}"
                f" units, start < end): {hint}"
            )
        s, e = start, end
        if self.unit == "utf16":
            try:
                s, e = src.map.to_codepoint(start), src.map.to_codepoint(end)
            except ValueError:
                raise Bad(
                    f"span [{start}, {end}) {label} splits a character above U+FFFF (an emoji,"
                    " 𝔘) in two: the offsets must be code points, use --offsets codepoint"
                ) from None
        if quote is not None and src.text[s:e] != quote:
            hint = "fix the offsets or the quote"
            if self.unit == "codepoint" and utf16_slice(src.text, start, end) == quote:
                hint = "the quote matches when the offsets are UTF-16 units: use --offsets utf16"
            elif self.unit == "utf16" and src.text[start:end] == quote:
                hint = "the quote matches when the offsets are code points: use --offsets codepoint"
            raise Bad(
                f"span [{start}, {end}) {label} quotes {quote!r} but the text there is"
                f" {src.text[s:e]!r}: {hint}"
            )
        span_id = span_id or src.new_id(self.fmt, analyst, s, e, label)
        span = {"id": span_id, "start": s, "end": e, "label": label, "annotator": analyst}
        if quote is not None:
            span["text"] = quote
        return span | {"origin": "import"}

    def finish(self) -> ReadResult:
        """The result, notes counted, and a warning wherever the offset unit is a guess."""
        unchecked = sum(
            1
            for r in self.result.records
            if r.spans
            and utf16_length(r.text) != len(r.text)
            and not all("text" in s for s in r.spans)
        )
        if unchecked:
            other = "codepoint" if self.unit == "utf16" else "utf16"
            self.notes[
                "{n} documents have characters above U+FFFF (emoji, 𝔘) and spans without a"
                f" quote: their offsets were read as {self.unit} units; if spans look shifted,"
                f" import again with --offsets {other}"
            ] += unchecked
        self.result.notes.extend(t.replace("{n}", str(n)) for t, n in self.notes.items())
        return self.result


def json_records(path: Path, *, lenient: bool = False) -> Iterator[tuple[str, Any]]:
    """``(where, object)`` per JSONL line; a line that is not JSON gives a ``Bad``.

    With ``lenient``, a file whose first line is not JSON but which parses whole
    (one object, or an array of objects) gives its objects as records.  Lines are
    split on "\\n" only: U+2028 and friends may stand unescaped inside JSON strings.
    """
    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRefusedError(f"{path.name} cannot be read ({exc}): check the file") from None
    first = True
    for n, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            if first and lenient:
                try:
                    whole = json.loads(content)
                except json.JSONDecodeError:
                    whole = None
                if isinstance(whole, (dict, list)):
                    for i, item in enumerate(whole if isinstance(whole, list) else [whole], 1):
                        yield f"{path.name} record {i}", item
                    return
            obj = Bad(f"not valid JSON ({exc.msg}, column {exc.colno}): fix or remove the line")
        first = False
        yield f"{path.name} line {n}", obj


class OutputText:
    """One document's text while it is written: converts span offsets and checks them."""

    def __init__(self, text: str, unit: str) -> None:
        self.text, self.unit = text, unit
        self.map = OffsetMap(text) if unit == "utf16" else None

    def offsets(self, span: Span) -> tuple[int, int]:
        """The span's offsets in the output unit, checked against the text by slicing."""
        if self.map is None:
            s, e = span.start, span.end
            found = self.text[s:e]
        else:
            s, e = self.map.to_utf16(span.start), self.map.to_utf16(span.end)
            found = utf16_slice(self.text, s, e)
        if found != span.text:
            raise ExportError(
                f"span {span.id} of document {span.document_id} would be written at [{s}, {e})"
                f" ({self.unit}), where the text is {found!r}, not {span.text!r}:"
                " nothing was written"
            )
        return s, e


def write_atomically(
    target: Path | str | IO[str], body: Callable[[IO[str]], WriteReport]
) -> WriteReport:
    """Run ``body`` on the target; a path is written through a temporary file and renamed."""
    if target == "-":
        target = sys.stdout
    if not isinstance(target, (str, Path)):
        report = body(target)
        report.path = getattr(target, "name", "-")
        return report
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name inside it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            report = body(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    report.path = str(path)
    return report


def lost_lines(lost: Counter[str]) -> list[str]:
    """``WriteReport.lost`` lines from counted templates (``{n}`` is the count)."""
    return [t.replace("{n}", str(n)) for t, n in lost.items() if n]
