"""doccano JSONL: one example per line, spans as ``[start, end, "LABEL"]``.

Read: ``{"text", "label": [[s, e, "L"], ...]}`` (also ``"labels"``) and the
relation shape ``{"text", "entities": [{"id", "start_offset", "end_offset",
"label"}], "relations": [{"id"?, "from_id", "to_id", "type"}]}``.  The analyst is
``username`` or ``user``.  ``Comments``/``comments`` (when not empty), ``meta`` and
every other key (``variant``, ...) go into the document's meta; a string ``id`` is
the document uid, a number is kept as ``meta["doccano_id"]``; category labels
(strings in ``label``) go to ``meta["categories"]``.  A file that is one JSON
array of records (on one line, as ``json.dump`` writes it, or pretty-printed), or
one pretty-printed object like doccano's own relation example, is read whole.
The import-example placeholders ``column_data``/``column_label`` are refused:
rename the columns.

Offsets: UTF-16 code units by default, on import and export (``offsets="utf16"``),
because doccano 1.8.4's interface counts them; ``"codepoint"`` for files written
by Python.  doccano stores whatever it is given and the files carry no quote, so
an export does not tell its unit: when a text has characters above U+FFFF and
no ``offsets`` is given, the unit under which more span edges fall between
words is taken (``offset_guess``), and the notes say which and why.

Write: one line per document and analyst: ``{"id": uid, "text", "label",
"username", "meta": {title, source, ...}}``.  When any exported line has
relations, every line of the file uses the relation shape instead of ``label``
(``entities`` numbered 0..n-1 per line, as doccano wants integer ids, and
``relations``, empty where a line has none): doccano reads one shape per project
(sequence labelling only ``label``, relation extraction only ``entities``), so a
file mixing them would lose the other shape's spans there.  Lost, and listed:
span notes, attributes, ids, origins and time stamps; relation ids and attributes.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError
from ..model import SUGGEST, DocumentRecord, Relation, Span
from .base import ReadResult, WriteReport, iter_documents
from .common import (
    Bad,
    OutputText,
    Reading,
    SourceText,
    id_key,
    json_records,
    loads,
    lost_lines,
    offset_unit,
    write_atomically,
)
from .foreign import naming_the_tool, other_tool, refuse_foreign_spans
from .offset_guess import file_unit, record_unit


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
            return loads(candidate)
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
    records = list(json_records(path, reader="doccano", lenient=True))
    file_unit(reading, ((obj["text"], _offsets(obj)) for _, obj in records
                        if isinstance(obj, dict) and isinstance(obj.get("text"), str)))  # fmt: skip
    for where, obj in records:
        reading.add(where, partial(_read_record, reading, obj))
    return reading.finish()


def _offsets(obj: dict[str, Any]) -> list[tuple[Any, Any, None]]:
    """The record's spans as (start, end, no quote), for ``record_unit``."""
    pairs: list[tuple[Any, Any, None]] = []
    for key in ("label", "labels"):
        items = obj.get(key)
        if isinstance(items, list):
            pairs += [(i[0], i[1], None) for i in items if isinstance(i, list) and len(i) == 3]
    entities = obj.get("entities")
    if isinstance(entities, list):
        pairs += [(e.get("start_offset"), e.get("end_offset"), None)
                  for e in entities if isinstance(e, dict)]  # fmt: skip
    return pairs


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
    if not any(obj.get(key) for key in ("label", "labels", "entities")):
        refuse_foreign_spans(obj, "doccano", '"label" or "entities"')
        _refuse_prodigy_answers(obj)
    file_unit = reading.unit
    reading.unit = record_unit(reading, text, _offsets(obj))
    try:
        return _spans_and_relations(reading, rest, text)
    finally:
        reading.unit = file_unit


_read_record = naming_the_tool(_record, "doccano")


def _refuse_prodigy_answers(obj: dict[str, Any]) -> None:
    """Refuse a Prodigy task that doccano's reader would misread: one the analyst
    rejected or ignored (Prodigy's reader leaves it out; this one would import
    it), or a choice task, whose answer would end up as meta."""
    if any(key in obj for key in ("label", "labels", "entities")):
        return  # doccano's own shape, whatever columns it carries
    hint = other_tool(obj, "doccano")
    decided = obj.get("answer") not in (None, "accept") or "accept" in obj or "options" in obj
    if hint and decided:
        raise Bad(hint)


def _spans_and_relations(reading: Reading, rest: dict[str, Any], text: str) -> DocumentRecord:
    src = SourceText(text)
    named = [rest.pop(key, None) for key in ("username", "user")]
    analyst = reading.analyst(named[0] if named[0] is not None else named[1])
    spans: list[dict[str, Any]] = []
    for key in ("label", "labels"):
        for item in _list(rest.pop(key, None), key):
            if isinstance(item, str):
                rest.setdefault("categories", []).append(item)
                reading.note('{n} document categor{y|ies} kept in meta "categories", not as spans')
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
        if id_key(ent.get("id")) in ids:
            raise Bad(f"entity id {ent.get('id')!r} appears twice: give each entity its own id")
        ids[id_key(ent.get("id"))] = span["id"]
        spans.append(span)
    relations = list(_relations(src, rest.pop("relations", None), ids, analyst))
    return DocumentRecord(text=text, spans=spans, relations=relations, **_document(rest))


def _relations(
    src: SourceText, items: Any, ids: dict[Any, str], analyst: str
) -> Iterator[dict[str, Any]]:
    for rel in _list(items, "relations"):
        ends = [id_key(rel.get(k)) for k in ("from_id", "to_id")] if isinstance(rel, dict) \
            else [None]  # fmt: skip
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
    with store.reading():  # the shape is chosen on the snapshot the lines are written from
        return _write_snapshot(store, f, annotator, unit)


def _write_snapshot(store: Any, f: IO[str], annotator: str | None, unit: str) -> WriteReport:
    report, lost = WriteReport(), Counter[str]()
    relation_shape = _any_relations(store, annotator)  # one shape for the whole file
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
            if relation_shape:
                line.update(_relation_shape(out, mine, rel_groups.get(who, []), lost))
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
                lost["notes of {n} span{|s} (doccano has no span notes)"] += bool(span.note)
                lost["attributes of {n} span{|s} (doccano has none)"] += bool(span.attributes)
                lost["ids, origins and time stamps of {n} span{|s} (doccano has none)"] += 1
        report.documents += 1
    report.lost.extend(lost_lines(lost))
    return report


def _any_relations(store: Any, annotator: str | None) -> bool:
    """True when the export holds a relation (the layers ``iter_documents`` gives)."""
    for summary in store.documents():
        rels = store.relations(summary.id, annotator=annotator)
        if any(annotator is not None or r.annotator != SUGGEST for r in rels):
            return True
    return False


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
            lost["{n} relation{|s} linking spans of another analyst"
                 " (a line holds one analyst)"] += 1
            continue
        relations.append(
            {
                "id": len(relations),
                "from_id": number[rel.from_span],
                "to_id": number[rel.to_span],
                "type": rel.type,
            }
        )
        lost["ids of {n} relation{|s} (doccano numbers them per line)"] += 1
        lost["attributes of {n} relation{|s} (doccano has none)"] += bool(rel.attributes)
    return {"entities": entities, "relations": relations}


# -- shared with prodigy.py and labelstudio.py (they import these from here) ----------
# They belong in base.py or a common module; they live here only because this task
# may not add files.
