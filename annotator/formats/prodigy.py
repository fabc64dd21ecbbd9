"""Prodigy JSONL: one task per line, ``{"text", "meta", "spans", "answer", ...}``.

Offsets are code points (Prodigy is Python), end-exclusive; a span's
``token_end`` is inclusive.

Read: only records with ``answer == "accept"`` (or no ``answer``) are imported; the
others are counted in the notes.  Each span is ``{"start", "end", "label"}``; a
span's ``text``, when present (``ner.teach``), is checked against the text.  In
binary records (``ner.teach``: one suggested span with its own ``answer``) only
accepted spans are kept.  Records without ``spans`` are documents without spans;
text-classification labels (a top-level ``label``) and ``relations`` are not kept
(counted in the notes).  The analyst is ``_annotator_id`` when present.
``meta`` becomes the document's meta, its ``title``, ``source`` and ``uid`` the
document's columns (``annotator_uid``, when present, is the uid, and ``uid``
stays meta); a ``uid`` the file gives to several texts (sentences of one
article) is no document's identity: each text is a document of its own and the
``uid`` stays in its meta (said in the notes).

Write: one task per document and analyst, ``meta`` holding title, source, the
uid (as ``annotator_uid`` when the document's meta has a ``uid`` of its own, so
neither clobbers the other) and the document's meta, with ``tokens``
(``{"text", "start", "end", "id", "ws"}``) from spaCy's ``blank("en")`` tokenizer,
or, without spaCy, from the rule "a run of word characters, or one other
non-space character"; each span's ``token_start``/``token_end`` (inclusive) is
``doc.char_span(start, end, alignment_mode="expand")``.  ``answer`` is
``"accept"``; ``_annotator_id`` names the analyst; ``_view_id`` is ``ner_manual``,
or ``spans_manual`` when spans overlap.  ``_input_hash`` (of the text) and
``_task_hash`` (of the text and the spans) are our own stable hashes, the first
four bytes of a SHA-256 as a signed 32-bit integer: NOT Prodigy's own hashing, so
Prodigy may not recognise tasks it already has.  Lost, and listed: relations,
span notes, attributes, ids, origins and time stamps.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError
from ..model import DocumentRecord, Span
from .base import ReadResult, WriteReport, iter_documents
from .common import (
    Bad,
    OutputText,
    Reading,
    SourceText,
    json_records,
    loads,
    lost_lines,
    offset_unit,
    write_atomically,
)
from .foreign import naming_the_tool, refuse_foreign_spans

# Where an export puts the document uid when the document's meta has a "uid" of its own.
OWN_UID = "annotator_uid"
_PRODIGY_KEYS = {"_input_hash", "_task_hash", "_view_id", "_session_id", "answer"}
# (tokens, locate): locate(start, end) -> (token_start, token_end inclusive) or None.
Tokenized = tuple[list[dict[str, Any]], Callable[[int, int], tuple[int, int] | None]]


def sniff(first_text: str) -> bool:
    """True when the first line is a Prodigy task (never a native record)."""
    try:
        obj = loads(first_text.lstrip("\ufeff \t\r\n").split("\n", 1)[0])
    except json.JSONDecodeError:
        return False
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("text"), str)
        and "offset_unit" not in obj
        and bool(_PRODIGY_KEYS & obj.keys())
    )


# -- reading ---------------------------------------------------------------------------


def read(
    path: Path,
    *,
    offsets: str | None = None,
    annotator: str | None = None,
    skip_invalid: bool = False,
) -> ReadResult:
    """Parse a Prodigy JSONL file (code points unless ``offsets="utf16"``)."""
    path = Path(path)
    reading = Reading(path, "prodigy", offsets, "codepoint", annotator, skip_invalid)
    for where, obj in json_records(path, reader="prodigy"):
        reading.add(where, partial(_read_record, reading, obj))
    return reading.finish()


def _record(reading: Reading, obj: Any) -> DocumentRecord | None:
    if isinstance(obj, Bad):
        raise obj
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
        raise Bad('has no "text" string: is this a Prodigy JSONL file?')
    if not obj.get("spans"):
        refuse_foreign_spans(obj, "prodigy", '"spans"')
    elif obj.get("offset_unit") == "codepoint" and "answer" not in obj:
        # Ours: read as Prodigy's, its span ids, analysts, notes and relations would go.
        raise Bad('has "offset_unit": it is an annotator JSONL record; import it with'
                  " --format jsonl (or without --format)")
    answer = obj.get("answer")
    if answer is not None and answer != "accept":
        reading.note(
            f'{{n}} record{{|s}} answered "{answer}" not imported (only accepted ones are)'
        )
        return None
    text = obj["text"]
    src = SourceText(text)
    analyst = reading.analyst(obj.get("_annotator_id"))
    raw = obj.get("spans")
    if raw is not None and not isinstance(raw, list):
        raise Bad('"spans" must be a list: fix the record')
    spans = []
    for item in raw or []:
        if not isinstance(item, dict):
            raise Bad(f'"spans" item {item!r} is not an object: fix it')
        if item.get("answer", "accept") != "accept":
            reading.note(f'{{n}} suggested span{{|s}} answered "{item["answer"]}" not imported')
            continue
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        spans.append(reading.span(src, start, end, label, analyst, quote=item.get("text")))
    if isinstance(obj.get("label"), str) and raw is None:
        reading.note('{n} text-classification label{|s} (top-level "label") not kept: spans only')
    if isinstance(obj.get("accept"), list) and obj["accept"]:
        reading.note('{n} choice answer{|s} (a top-level "accept" list) not kept: spans only')
    if isinstance(obj.get("relations"), list) and obj["relations"]:
        reading.note(
            "{n} relation{|s} not kept: Prodigy relations are not read", len(obj["relations"])
        )
    meta = dict(obj["meta"]) if isinstance(obj.get("meta"), dict) else {}
    title, source = (meta.pop(key, None) for key in ("title", "source"))
    record = DocumentRecord(
        text=text,
        title=title if isinstance(title, str) else None,
        source=source if isinstance(source, str) else None,
        meta=meta,
        spans=spans,
    )
    own = meta.get(OWN_UID)
    if isinstance(own, str) and own:  # our export: the document's own "uid" stays meta
        record.uid = meta.pop(OWN_UID)
        return record
    return reading.file_uid(record, meta.pop("uid", None), "uid")


_read_record = naming_the_tool(_record, "prodigy")


# -- writing ---------------------------------------------------------------------------


def write(
    store: Any,
    target: Path | IO[str],
    *,
    annotator: str | None = None,
    offsets: str | None = None,
) -> WriteReport:
    """Export as Prodigy JSONL (code points), one accepted task per document and analyst."""
    if offset_unit(offsets, "codepoint", ExportError) != "codepoint":
        raise ExportError("Prodigy counts offsets in code points: leave out --offsets utf16")
    return write_atomically(target, lambda f: _write_lines(store, f, annotator))


def _write_lines(store: Any, f: IO[str], annotator: str | None) -> WriteReport:
    report, lost = WriteReport(), Counter[str]()
    for doc, spans, rels in iter_documents(store, annotator):
        out = OutputText(doc.text, "codepoint")
        tokens, locate = tokenize(doc.text)
        groups: dict[str, list[Span]] = defaultdict(list)
        for span in spans:
            groups[span.annotator].append(span)
        meta = _task_meta(doc, lost)
        for who in sorted(groups) or [""]:
            task_spans = []
            for span in groups.get(who, []):
                start, end = out.offsets(span)
                item = {"start": start, "end": end, "text": span.text, "label": span.label}
                found = locate(start, end)
                if found is None:
                    lost["token indices of {n} span{|s} that cover{s|} no token (whitespace)"] += 1
                else:
                    item["token_start"], item["token_end"] = found
                    lost["token indices of {n} span{|s} that cut{s|} a token (they name the"
                         " tokens touched, which Prodigy's manual NER would widen to)"] += (
                        tokens[found[0]]["start"] != start or tokens[found[1]]["end"] != end
                    )  # fmt: skip
                task_spans.append(item)
                lost["notes of {n} span{|s} (Prodigy has no span notes)"] += bool(span.note)
                lost["attributes of {n} span{|s} (Prodigy has none)"] += bool(span.attributes)
                lost["ids, origins and time stamps of {n} span{|s} (Prodigy has none)"] += 1
            task = {
                "text": doc.text,
                "meta": meta,
                "_input_hash": _hash(doc.text),
                "_task_hash": _hash(
                    [doc.text, [[s["start"], s["end"], s["label"]] for s in task_spans]]
                ),
                "tokens": tokens,
                "_view_id": "spans_manual" if _overlapping(task_spans) else "ner_manual",
                "spans": task_spans,
                "answer": "accept",
            }
            if who:
                task["_annotator_id"] = who
            f.write(json.dumps(task, ensure_ascii=False) + "\n")
            report.spans += len(task_spans)
        lost["{n} relation{|s} (Prodigy's span format has none)"] += len(rels)
        report.documents += 1
    report.lost.extend(lost_lines(lost))
    return report


def _task_meta(doc: Any, lost: Counter[str]) -> dict[str, Any]:
    """title, source, the uid (as ``OWN_UID`` when the meta has a "uid" of its own)
    and the document's meta (which cannot hold a title or source).  A meta
    ``OWN_UID`` of the document's own would be read back as its uid: it is left
    out, and listed in ``lost``."""
    meta = {k: v for k, v in (("title", doc.title), ("source", doc.source)) if v}
    meta[OWN_UID if "uid" in doc.meta else "uid"] = doc.uid
    meta.update({k: v for k, v in doc.meta.items() if k not in meta and k != OWN_UID})
    lost[f'meta "{OWN_UID}" of {{n}} document{{|s}} (the key this export gives the document'
         ' uid when the meta has a "uid": rename it)'] += OWN_UID in doc.meta  # fmt: skip
    return meta


def _hash(value: Any) -> int:
    """Our stable signed 32-bit hash (not Prodigy's): the first 4 bytes of a SHA-256."""
    blob = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return int.from_bytes(hashlib.sha256(blob).digest()[:4], "big", signed=True)


def _overlapping(spans: list[dict[str, Any]]) -> bool:
    ordered = sorted((s["start"], s["end"]) for s in spans)
    return any(b[0] < a[1] for a, b in zip(ordered, ordered[1:], strict=False))


@lru_cache(maxsize=1)
def _spacy_tokenizer() -> Any:
    try:
        import spacy
    except ImportError:
        return None
    return spacy.blank("en").tokenizer


def tokenize(text: str) -> Tokenized:
    """Prodigy ``tokens`` of a text and a function mapping character spans onto them."""
    tokenizer = _spacy_tokenizer()
    if tokenizer is not None:
        doc = tokenizer(text)  # not nlp.make_doc: that refuses texts over nlp.max_length

        def locate(start: int, end: int) -> tuple[int, int] | None:
            found = doc.char_span(start, end, alignment_mode="expand")
            return None if found is None or not len(found) else (found.start, found.end - 1)

        tokens = [
            {"text": t.text, "start": t.idx, "end": t.idx + len(t.text), "id": t.i,
             "ws": bool(t.whitespace_)}
            for t in doc
        ]  # fmt: skip
        return tokens, locate
    bounds = [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
    starts, ends = [s for s, _ in bounds], [e for _, e in bounds]

    def locate_rule(start: int, end: int) -> tuple[int, int] | None:
        first, last = bisect_right(ends, start), bisect_left(starts, end) - 1
        return (first, last) if first <= last else None

    tokens = [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e : e + 1].isspace()}
        for i, (s, e) in enumerate(bounds)
    ]
    return tokens, locate_rule
