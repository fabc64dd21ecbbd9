"""Label Studio JSON: a JSON array of tasks, and the flat JSON_MIN records.

Offsets: code points by default (``offsets="codepoint"``), because Label Studio
1.23.2's interface draws ``value.start``/``value.end`` as Python string indices;
``offsets="utf16"`` reads and writes UTF-16 units instead.

Read, full JSON: ``data.text`` is the document; ``data.uid``/``title``/``source``
its columns; the other ``data`` fields, the task's ``meta`` and its ``id`` (as
``labelstudio_id``) its meta.  A ``data.uid`` the file gives to several texts
(sentences of one article) is no document's identity: each text is a document
of its own and the uid stays in its meta (said in the notes).  Each of
``annotations[]`` gives the spans of its analyst (``completed_by``: a user
number becomes ``user-N``, an object its email; else our own ``annotator``
key): results of ``type: "labels"`` with
``value.start/end/labels`` (and ``value.text``, checked when present; one span per
label when a result has several), region notes from ``meta.text``, and relations
(``type: "relation"``, ``from_id``/``to_id``, ``direction``, ``labels`` giving the
type).  ``predictions[]`` are read the same way as analyst ``prediction`` with
origin ``model``; predictions listed as bare ids carry nothing to import.
Cancelled annotations, drafts and other result types are counted in the notes.
Region ids become span ids when they are strings of 8 characters or more that
are unique in the file (Label Studio's own are 10 random characters; short ones
like ``r0`` would clash across files); other spans get stable ids.

Read, JSON_MIN: one flat record per annotation, the task's data fields at the
top level, the regions in a list named after the ``<Labels>`` control
(``label: [{start, end, labels, text}]``) and ``annotator``.  It carries no
relations, region ids or notes.

Write: the JSON task list.  ``data`` holds ``text``, ``uid``, ``title``,
``source``; the task's ``meta`` the document's meta.  One annotation per analyst
(``annotator``; ``completed_by: {"email"}`` too when the name is an email, which
Label Studio needs to be a member's), the analyst ``prediction`` as
``predictions``.  Regions are ``{"id": span id, "from_name": "label", "to_name":
"text", "type": "labels", "value": {start, end, text, labels}}`` with the note in
``meta.text``; relations ``{"type": "relation", "from_id", "to_id", "direction":
"right", "labels": [type]}``.  The labelling config to import it with::

    <View><Labels name="label" toName="text"><Label value="CLAIM"/>...</Labels>
    <Text name="text" value="$text"/><Relations><Relation value="ATTRIBUTED_TO"/>...
    </Relations></View>

Lost, and listed: span attributes, origins and time stamps (one time per
annotation), relation ids and attributes.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError, ImportRefusedError
from ..model import DocumentRecord, Relation, Span
from .base import ReadResult, WriteReport, iter_documents
from .common import (
    Bad,
    OutputText,
    Reading,
    SourceText,
    id_key,
    json_problem,
    loads,
    lost_lines,
    offset_unit,
    raw_decode,
    refuse_lone_surrogates,
    write_atomically,
)
from .foreign import other_tool, refuse_foreign_spans
from .offset_guess import record_unit

PREDICTION = "prediction"
_MIN_KEYS = ("id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time")
_LAYER_KEYS = ("annotations", "completions", "predictions")
# What the beginning of a task longer than the sniffed sample shows: a full-JSON
# annotation, or a JSON_MIN region.
_TRUNCATED = re.compile(
    r'"(annotations|predictions)"\s*:\s*\[\s*\{\s*"id"\s*:[^{]*"result"\s*:'
    r'|\{\s*"start"\s*:\s*\d+\s*,\s*"end"\s*:\s*\d+\s*,\s*"labels"\s*:\s*\['
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def sniff(first_text: str) -> bool:
    """True when the file starts like a Label Studio JSON or JSON_MIN export."""
    text = first_text.lstrip("\ufeff \t\r\n")
    if not text.startswith("["):
        return False
    try:
        first, _ = raw_decode(text, len(text) - len(text[1:].lstrip()))
    except json.JSONDecodeError:  # a first task longer than the sample
        return bool(_TRUNCATED.search(text))
    if not isinstance(first, dict):
        return False
    full = isinstance(first.get("data"), dict) and bool(
        {"annotations", "predictions", "completions"} & first.keys()
    )
    return full or ({"annotation_id", "annotator"} <= first.keys())


# -- reading ---------------------------------------------------------------------------


def _lines_of_another_tool(content: str, exc: json.JSONDecodeError) -> str | None:
    """For JSON Lines (the error comes after a whole first line): what to do
    when the first record is another tool's."""
    first = content.split("\n", 1)[0]
    if exc.lineno < 2 or not first.strip():
        return None
    try:
        return other_tool(loads(first), "labelstudio")
    except json.JSONDecodeError:
        return None


def read(
    path: Path,
    *,
    offsets: str | None = None,
    annotator: str | None = None,
    skip_invalid: bool = False,
) -> ReadResult:
    """Parse a Label Studio JSON or JSON_MIN export (code points unless ``offsets="utf16"``)."""
    path = Path(path)
    reading = Reading(path, "labelstudio", offsets, "codepoint", annotator, skip_invalid)
    try:
        content = path.read_text(encoding="utf-8-sig")
        refuse_lone_surrogates(content, path.name)
        tasks = loads(content)
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRefusedError(f"{path.name} cannot be read ({exc}): check the file") from None
    except json.JSONDecodeError as exc:
        other = _lines_of_another_tool(content, exc)
        raise ImportRefusedError(
            f"{path.name} line 1: {other}" if other else f"{path.name} line {exc.lineno}: not"
            f" valid JSON ({json_problem(exc)}): a Label Studio export is one JSON array of"
            " tasks; export it again"
        ) from None
    tasks = [tasks] if isinstance(tasks, dict) else tasks
    if not isinstance(tasks, list):
        raise ImportRefusedError(
            f"{path.name} is not a list of tasks: is it a Label Studio export?"
        )
    region_ids = _unique_region_ids(tasks)
    for n, task in enumerate(tasks, 1):
        reading.add(f"{path.name} record {n}", partial(_task, reading, task, region_ids))
    return reading.finish()


def _unique_region_ids(tasks: list[Any]) -> set[str]:
    """Region ids that can be span ids: long enough not to clash, and unique in the file."""
    counts: Counter[Any] = Counter()
    for task in tasks:
        for layer, _ in _layers(task) if isinstance(task, dict) else []:
            results = layer.get("result") if isinstance(layer, dict) else None
            for r in results if isinstance(results, list) else []:
                if isinstance(r, dict) and r.get("type") != "relation":
                    counts[id_key(r.get("id"))] += 1
    return {i for i, n in counts.items() if isinstance(i, str) and len(i) >= 8 and n == 1}


def _layers(task: dict[str, Any]) -> list[tuple[Any, bool]]:
    """``(annotation or prediction, is_prediction)`` of a full-JSON task."""
    lists = [(task.get(key), key == "predictions") for key in _LAYER_KEYS]
    return [(item, pred) for items, pred in lists if isinstance(items, list) for item in items]


def _task(reading: Reading, task: Any, region_ids: set[str]) -> DocumentRecord:
    if not isinstance(task, dict):
        raise Bad("is not a JSON object: a Label Studio export is a list of task objects")
    full = isinstance(task.get("data"), dict)
    fields = dict(task["data"]) if full else {k: v for k, v in task.items() if k not in _MIN_KEYS}
    text = fields.pop("text", None)
    if not isinstance(text, str) or not text.strip():
        raise Bad('has no "data.text" string: the articles must be in the task\'s data.text')
    file_unit = reading.unit
    reading.unit = record_unit(reading, text, _offsets(task, fields, full))
    try:
        return _task_record(reading, task, region_ids, fields, text, full)
    finally:
        reading.unit = file_unit


def _offsets(task: dict[str, Any], fields: dict[str, Any], full: bool) -> list[tuple[Any, ...]]:
    """Every region of the task as (start, end, quote or None), for ``record_unit``."""
    if full:
        layers = [ann for ann, _ in _layers(task) if isinstance(ann, dict)]
        values = [r.get("value") for ann in layers if isinstance(ann.get("result"), list)
                  for r in ann["result"] if isinstance(r, dict)]  # fmt: skip
    else:
        values = [r for v in fields.values() if isinstance(v, list) for r in v]
    return [(v.get("start"), v.get("end"), v.get("text")) for v in values
            if isinstance(v, dict) and "start" in v]  # fmt: skip


def _task_record(
    reading: Reading, task: dict[str, Any], region_ids: set[str], fields: dict[str, Any],
    text: str, full: bool,
) -> DocumentRecord:  # fmt: skip
    src = SourceText(text)
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    if full:
        for key in _LAYER_KEYS:  # a layer that is no list would be read as none
            if task.get(key) is not None and not isinstance(task[key], list):
                raise Bad(f'"{key}" must be a list of annotations, not {type(task[key]).__name__}')
        for ann, is_prediction in _layers(task):
            if not isinstance(ann, dict):
                reading.note("{n} prediction{|s} listed only by id: nothing to import")
                continue
            if ann.get("was_cancelled"):
                reading.note("{n} cancelled (skipped) annotation{|s} not imported")
                continue
            who = PREDICTION if is_prediction else reading.analyst(_who(ann))
            found = _results(
                reading, src, ann, who, region_ids, "model" if is_prediction else "import"
            )
            spans += found[0]
            relations += found[1]
        drafts = task.get("drafts")
        if drafts:
            reading.note(
                "{n} draft{|s} not imported", len(drafts) if isinstance(drafts, list) else 1
            )
    else:
        reading.note(
            "{n} JSON_MIN record{|s}: that export carries no relations, region ids or notes"
            " (export JSON from Label Studio to keep them)"
        )
        regions = [k for k, v in fields.items() if isinstance(v, list) and v and all(
            isinstance(r, dict) and "start" in r and "labels" in r for r in v)]  # fmt: skip
        results = [{"type": "labels", "value": r} for k in regions for r in fields.pop(k)]
        if not results:
            refuse_foreign_spans(task, "labelstudio", "Label Studio regions")
        if results:
            who = reading.analyst(_who({"annotator": task.get("annotator")}))
            layer = {"result": results, **{k: task.get(k) for k in ("created_at", "updated_at")}}
            spans += _results(reading, src, layer, who, region_ids, "import")[0]
    meta = dict(task["meta"]) if full and isinstance(task.get("meta"), dict) else {}
    if task.get("id") is not None:
        meta["labelstudio_id"] = task["id"]
    uid, title, source = (fields.pop(key, None) for key in ("uid", "title", "source"))
    record = DocumentRecord(
        text=text,
        title=title if isinstance(title, str) else None,
        source=source if isinstance(source, str) else None,
        meta={**fields, **meta},
        spans=spans,
        relations=relations,
    )
    return reading.file_uid(record, uid, "uid")


def _who(annotation: dict[str, Any]) -> Any:
    """A readable analyst name from ``completed_by`` (number or user object)."""
    by = annotation.get("completed_by")
    if isinstance(by, dict):
        by = by.get("email") or by.get("username") or by.get("id")
    if by is None:
        by = annotation.get("annotator")
    return f"user-{by}" if isinstance(by, int) and not isinstance(by, bool) else by


def _results(
    reading: Reading,
    src: SourceText,
    layer: dict[str, Any],
    who: str,
    region_ids: set[str],
    origin: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Spans and relations of one annotation (or prediction)."""
    spans: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    local: dict[Any, str] = {}  # region id -> span id
    results = layer.get("result") or []
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise Bad('"result" must be a list of objects: fix the annotation')
    times = {k: layer[k] for k in ("created_at", "updated_at") if isinstance(layer.get(k), str)}
    for r in results:
        kind, value = r.get("type"), r.get("value")
        if kind == "relation":
            continue
        if kind != "labels" or not isinstance(value, dict):
            reading.note(
                f"{{n}} result{{|s}} of type {kind!r} not kept (only labels and relations)"
            )
            continue
        labels = value.get("labels")
        if isinstance(labels, str) and labels:  # one label, not in a list: meant the same
            labels = [labels]
        if not isinstance(labels, list) or not labels:
            which = f"region {r['id']!r}" if r.get("id") is not None else "a region"
            raise Bad(f"{which} has no labels: give it one or remove it")
        if len(labels) > 1:
            reading.note("{n} region{|s} with several labels split into one span per label")
        note = (r.get("meta") or {}).get("text") if isinstance(r.get("meta"), dict) else None
        for i, label in enumerate(labels):
            own_id = r.get("id") if i == 0 and isinstance(r.get("id"), str) \
                and r.get("id") in region_ids else None  # fmt: skip
            span = reading.span(src, value.get("start"), value.get("end"), label, who,
                                quote=value.get("text"), span_id=own_id)  # fmt: skip
            span.update(times, origin=origin)
            if note:
                span["note"] = "\n".join(map(str, note)) if isinstance(note, list) else str(note)
            local.setdefault(id_key(r.get("id")), span["id"])
            spans.append(span)
    for r in results:
        if r.get("type") != "relation":
            continue
        raw = (r.get("from_id"), r.get("to_id"))
        ends = (id_key(raw[0]), id_key(raw[1]))
        if None in ends or any(e not in local for e in ends):
            raise Bad(f"relation {raw[0]!r} -> {raw[1]!r} links a region that is not in its"
                      " annotation: fix the ids")  # fmt: skip
        frm, to = (local[ends[1]], local[ends[0]]) if r.get("direction") == "left" else \
            (local[ends[0]], local[ends[1]])  # fmt: skip
        if r.get("direction") == "bi":
            reading.note("{n} two-way relation{|s} kept as one-way (from -> to)")
        labels = r.get("labels")
        types = [t for t in labels if isinstance(t, str) and t] if isinstance(labels, list) else []
        if not types:
            reading.note("{n} relation{|s} without a label not kept (a relation needs a type)")
        for rtype in types:
            rel_id = src.new_id("labelstudio-rel", who, rtype, frm, to)
            relations.append({"id": rel_id, "type": rtype, "from": frm, "to": to, "annotator": who})
    return spans, relations


# -- writing ---------------------------------------------------------------------------


def write(
    store: Any,
    target: Path | IO[str],
    *,
    annotator: str | None = None,
    offsets: str | None = None,
) -> WriteReport:
    """Export the Label Studio JSON task list (code points unless ``offsets="utf16"``)."""
    unit = offset_unit(offsets, "codepoint", ExportError)
    return write_atomically(target, lambda f: _write_tasks(store, f, annotator, unit))


def _write_tasks(store: Any, f: IO[str], annotator: str | None, unit: str) -> WriteReport:
    report, lost = WriteReport(), Counter[str]()
    f.write("[")
    for doc, spans, rels in iter_documents(store, annotator):
        out = OutputText(doc.text, unit)
        groups: dict[str, list[Span]] = defaultdict(list)
        rel_groups: dict[str, list[Relation]] = defaultdict(list)
        for span in spans:
            groups[span.annotator].append(span)
        for rel in rels:
            rel_groups[rel.annotator].append(rel)
        data = {"text": doc.text, "uid": doc.uid}
        data.update({k: v for k, v in (("title", doc.title), ("source", doc.source)) if v})
        task: dict[str, Any] = {
            "data": data,
            "meta": doc.meta,
            "annotations": [],
            "predictions": [],
        }
        for who in sorted(groups.keys() | rel_groups.keys()):
            result = [_region(out, span, lost) for span in groups.get(who, [])]
            result += _relations(rel_groups.get(who, []), {s.id for s in groups.get(who, [])}, lost)
            report.spans += len(groups.get(who, []))
            report.relations += sum(r["type"] == "relation" for r in result)
            if who == PREDICTION:
                task["predictions"].append({"model_version": "annotator", "result": result})
                continue
            ann: dict[str, Any] = {"annotator": who, "result": result}
            if _EMAIL.fullmatch(who):
                ann["completed_by"] = {"email": who}
            if groups.get(who):
                ann["created_at"] = min(s.created_at for s in groups[who])
                ann["updated_at"] = max(s.updated_at for s in groups[who])
            task["annotations"].append(ann)
        f.write(("\n" if not report.documents else ",\n") + json.dumps(task, ensure_ascii=False))
        report.documents += 1
    f.write("\n]\n")
    report.lost.extend(lost_lines(lost))
    return report


def _region(out: OutputText, span: Span, lost: Counter[str]) -> dict[str, Any]:
    start, end = out.offsets(span)
    region: dict[str, Any] = {
        "id": span.id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "text": span.text, "labels": [span.label]},
    }
    if span.note:
        region["meta"] = {"text": [span.note]}
    lost["attributes of {n} span{|s} (Label Studio regions have none)"] += bool(span.attributes)
    lost["origins and time stamps of {n} span{|s}"
         " (Label Studio keeps one time per annotation)"] += 1
    return region


def _relations(
    rels: list[Relation], span_ids: set[str], lost: Counter[str]
) -> list[dict[str, Any]]:
    items = []
    for rel in rels:
        if rel.from_span not in span_ids or rel.to_span not in span_ids:
            lost["{n} relation{|s} linking spans of another analyst (an annotation holds one)"] += 1
            continue
        items.append({"from_id": rel.from_span, "to_id": rel.to_span, "type": "relation",
                      "direction": "right", "labels": [rel.type]})  # fmt: skip
        lost["ids of {n} relation{|s} (Label Studio relations have none)"] += 1
        lost["attributes of {n} relation{|s} (Label Studio has none)"] += bool(rel.attributes)
    return items
