"""W3C Web Annotation export: one JSON-LD ``AnnotationCollection`` (export only).

The file is an ``AnnotationCollection`` (``@context``
``http://www.w3.org/ns/anno.jsonld`` plus a local ``annotator:`` term) whose
embedded ``AnnotationPage`` lists, per span, an ``Annotation`` with

- ``body``: a ``TextualBody`` with ``purpose: "tagging"`` and the label as
  ``value``, and the note as a ``TextualBody`` with ``purpose: "commenting"``;
- ``creator`` (the analyst: a ``Person``, or ``Software`` for rule/model spans),
  ``created`` and ``modified``;
- ``target``: ``source`` = the document (``urn:annotator:doc:<uid>``, or its
  source when that is an http(s) URL) and two selectors, a ``TextQuoteSelector``
  (``exact``, and ``prefix``/``suffix`` of up to 32 characters) and a
  ``TextPositionSelector``.

**Offset unit.**  The W3C model leaves the unit of ``TextPositionSelector``
open (browser tools such as Hypothesis count UTF-16 units).  Ours counts Unicode
**code points** by default (``offsets="utf16"`` for UTF-16 units) and says so on
every position selector and on the collection:
``"annotator:offsetUnit": "codepoint"``.  Prefix and suffix lengths are always
code points.

A relation is an ``Annotation`` with ``motivation: "linking"``, a tagging body
with its type, and a ``target`` listing the two span annotations' ids (the shape
INCEpTION writes).  Span attributes and origin ride along as
``annotator:attributes`` / ``annotator:origin``.  Before the file is renamed into
place it is read back and every selector is checked against the text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..atomicfile import temporary_path
from ..display_text import with_count
from ..errors import ExportError
from ..model import Document, Relation, Span
from ..offsets import OffsetMap
from .base import WriteReport, iter_documents

CONTEXT = ["http://www.w3.org/ns/anno.jsonld", {"annotator": "urn:annotator:vocab#"}]
CONTEXT_LENGTH = 32  # characters of prefix and suffix
UNIT_KEY = "annotator:offsetUnit"


def doc_iri(doc: Document) -> str:
    """The target ``source``: the document's URL, else ``urn:annotator:doc:<uid>``."""
    if doc.source and re.match(r"https?://\S+$", doc.source):
        return doc.source
    return f"urn:annotator:doc:{quote(doc.uid, safe='')}"


def span_iri(span_id: str) -> str:
    return f"urn:annotator:span:{quote(span_id, safe='')}"


def write(
    store: Any, target: str | Path, *, annotator: str | None = None, offsets: str | None = None
) -> WriteReport:
    """Write every span (or one analyst's) and relation as W3C annotations to ``target``."""
    if str(target) == "-":
        raise ExportError(
            "the W3C export is checked as a whole file: give --out FILE.jsonld, not -"
        )
    unit = offsets or "codepoint"
    if unit not in ("codepoint", "utf16"):
        raise ExportError(f"unknown offset unit {offsets!r}: use codepoint or utf16")
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name such as {path / 'export.jsonld'}")
    report = WriteReport(path=str(path))
    items: list[dict[str, Any]] = []
    texts: dict[str, str] = {}
    relations_out = 0
    for doc, spans, rels in iter_documents(store, annotator):
        omap, source = OffsetMap(doc.text), doc_iri(doc)
        if texts.setdefault(source, doc.text) != doc.text:  # two texts under one URL
            source = f"urn:annotator:doc:{quote(doc.uid, safe='')}"
            texts[source] = doc.text
        items += [_span_annotation(doc.text, omap, unit, source, s) for s in spans]
        ids = {s.id for s in spans}
        linked = [r for r in rels if r.from_span in ids and r.to_span in ids]
        items += [_link(r) for r in linked]
        relations_out += len(rels) - len(linked)
        report.documents += 1
        report.spans += len(spans)
        report.relations += len(linked)
    collection = {
        "@context": CONTEXT, "type": "AnnotationCollection", "label": "annotator export",
        UNIT_KEY: unit, "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }  # fmt: skip
    with temporary_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            json.dump(collection, f, ensure_ascii=False, indent=1)
            f.write("\n")
        with open(tmp, encoding="utf-8") as f:
            check(json.load(f), texts)
    if relations_out:
        report.lost.append(
            with_count("{n} relation{|s} whose spans are not in this export", relations_out)
        )
    if report.documents:
        report.lost.append(
            with_count("{n} document{|s}: text, title and meta are not in the file"
                       " (targets name the document by IRI)", report.documents)
        )
    return report


def _span_annotation(
    text: str, omap: OffsetMap, unit: str, source: str, span: Span
) -> dict[str, Any]:
    start, end = span.start, span.end
    body = [{"type": "TextualBody", "purpose": "tagging", "value": span.label}]
    if span.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": span.note})
    position = (omap.to_utf16(start), omap.to_utf16(end)) if unit == "utf16" else (start, end)
    annotation = {
        "id": span_iri(span.id), "type": "Annotation",
        "body": body,
        "creator": {
            "type": "Software" if span.origin in ("model", "rule") else "Person",
            "name": span.annotator,
        },
        "created": span.created_at, "modified": span.updated_at,
        "target": {
            "source": source,
            "selector": [
                {"type": "TextQuoteSelector", "exact": text[start:end],
                 "prefix": text[max(0, start - CONTEXT_LENGTH) : start],
                 "suffix": text[end : end + CONTEXT_LENGTH]},
                {"type": "TextPositionSelector", "start": position[0], "end": position[1],
                 UNIT_KEY: unit},
            ],
        },
        "annotator:origin": span.origin,
    }  # fmt: skip
    if span.attributes:
        annotation["annotator:attributes"] = span.attributes
    return annotation


def _link(rel: Relation) -> dict[str, Any]:
    return {
        "id": f"urn:annotator:relation:{quote(rel.id, safe='')}",
        "type": "Annotation", "motivation": "linking",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": rel.type}],
        "creator": {"type": "Person", "name": rel.annotator}, "created": rel.created_at,
        "target": [{"id": span_iri(rel.from_span)}, {"id": span_iri(rel.to_span)}],
    }  # fmt: skip


def check(collection: dict[str, Any], texts: dict[str, str]) -> None:
    """Raise ``ExportError`` unless every selector matches its document's text."""
    items = collection["first"]["items"]
    known = {a["id"] for a in items if a.get("motivation") != "linking"}
    maps: dict[str, OffsetMap] = {}  # one per text: made per annotation, a long article crawls
    for a in items:
        if a.get("motivation") == "linking":
            if len(a["target"]) != 2 or any(t["id"] not in known for t in a["target"]):
                raise ExportError(f"{a['id']} links an annotation that is not in the file")
            continue
        source = a["target"]["source"]
        text = texts[source]
        quote_sel, pos = a["target"]["selector"]
        start, end = pos["start"], pos["end"]
        if pos[UNIT_KEY] == "utf16":
            if source not in maps:
                maps[source] = OffsetMap(text)
            omap = maps[source]
            start, end = omap.to_codepoint(start), omap.to_codepoint(end)
        prefix, suffix = quote_sel["prefix"], quote_sel["suffix"]
        if (
            quote_sel["exact"] != text[start:end]
            or not text.endswith(prefix, 0, start)
            or not text.startswith(suffix, end)
            or len(prefix) != min(start, CONTEXT_LENGTH)
            or len(suffix) != min(len(text) - end, CONTEXT_LENGTH)
        ):
            raise ExportError(f"{a['id']}: its selectors do not match the text: nothing written")
