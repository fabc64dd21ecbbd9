"""Import files into a store: articles (.txt, .md, .html) and annotation files of
the formats in ``annotator.formats`` (native JSONL, doccano, Prodigy, brat, Label
Studio), with label mapping and one transaction per file."""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import DuplicateDocumentError, ImportRefusedError
from .formats import registry
from .formats.base import ReadResult
from .model import ImportResult
from .textfile import read_article

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
SUFFIXES = ARTICLE_SUFFIXES + (".jsonl", ".json", ".ann")


def import_path(
    store: Any,
    path: Path,
    *,
    format: str | None = None,
    label_map: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    offsets: str | None = None,
    annotator: str | None = None,
) -> ImportResult:
    """Import one file, or every importable file of a folder (not recursive).

    An article file becomes one document.  An annotation file is read whole,
    its labels renamed through ``label_map``, checked against the schema, and
    stored in one transaction: all of it, or (on any error) nothing.
    """
    options = dict(format=format, label_map=label_map, skip_invalid=skip_invalid,
                   offsets=offsets, annotator=annotator)  # fmt: skip
    if not path.exists():
        raise ImportRefusedError(f"{path.name} does not exist: check the path and import again")
    if path.is_dir() and format != "brat":
        files = sorted(
            p for p in path.iterdir()
            if p.suffix.lower() in SUFFIXES
            and not (p.suffix.lower() == ".ann" and p.with_suffix(".txt").exists())
        )  # fmt: skip
        if not files:
            raise ImportRefusedError(
                f"folder {path} has no {', '.join(SUFFIXES)} files: choose another folder"
            )
        total = ImportResult()
        for file in files:
            total.merge(import_path(store, file, **options))  # type: ignore[arg-type]
        return total
    fmt = format or registry.detect(path)
    if fmt is None:
        return _import_article(store, path)
    if not registry.FORMATS.get(fmt, ("", False))[1]:
        raise ImportRefusedError(
            f"annotator cannot import {fmt}: use one of {', '.join(registry.IMPORT_FORMATS)}"
        )
    try:
        read = registry.module(fmt).read(
            path, offsets=offsets, annotator=annotator, skip_invalid=skip_invalid
        )
    except UnicodeDecodeError:
        at = _first_non_utf8_byte(path)
        where = f" (byte {at})" if at is not None else ""
        raise ImportRefusedError(
            f"{path.name} is not valid UTF-8{where}: save it as UTF-8 and import again"
        ) from None
    _check_shapes(read, skip_invalid)
    _map_labels(read, label_map or {}, store.schema, path.name)
    result: ImportResult = store.import_records(read.records)
    result.skipped[:0] = read.skipped
    result.notes.extend(read.notes)
    return result


def _first_non_utf8_byte(path: Path) -> int | None:
    """Where a file stops being UTF-8, counted from its first byte.

    A reader's ``UnicodeDecodeError`` counts from the start of the buffer it was
    decoding (8 KiB at a time), not of the file.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError as exc:
        return len(bom) + exc.start
    return None


def _import_article(store: Any, path: Path) -> ImportResult:
    article = read_article(path, max_bytes=store.import_limit)
    result = ImportResult()
    try:
        result.append(
            store.add_document(article.text, title=article.title, source=path.name,
                               meta=article.meta)  # fmt: skip
        )
    except DuplicateDocumentError as exc:
        result.skipped.append(f"{path.name}: {exc}")
    return result


def _map_labels(read: ReadResult, label_map: Mapping[str, str], schema: Any, name: str) -> None:
    """Rename labels (and relation types) in place; refuse any the schema lacks."""
    unknown_labels: set[str] = set()
    unknown_types: set[str] = set()
    relation_types = {r.type for r in schema.relations}
    for record in read.records:
        for span in record.spans:
            span["label"] = label_map.get(span["label"], span["label"])
            if span["label"] not in schema.label_set:
                unknown_labels.add(span["label"])
        for rel in record.relations:
            rel_type = str(rel.get("type"))
            rel["type"] = label_map.get(rel_type, rel_type)
            if rel["type"] not in relation_types:
                unknown_types.add(str(rel["type"]))
    if unknown_labels:
        example = sorted(unknown_labels)[0]
        raise ImportRefusedError(
            f"{name} uses labels the schema does not have: {', '.join(sorted(unknown_labels))};"
            f" map them, e.g. --map {example}={schema.label_names[0]}"
            f" (the schema has {', '.join(schema.label_names)})"
        )
    if unknown_types:
        raise ImportRefusedError(
            f"{name} uses relation types the schema does not have:"
            f" {', '.join(sorted(unknown_types))}; map them with --map FROM=TO"
            f" (the schema has {', '.join(sorted(relation_types))})"
        )


# What the store can hold, checked before anything reaches it: a value of
# another type (a list as a span id, an object as a title, NaN in attributes)
# would otherwise fail deep in SQLite with a traceback, or be stored and then
# break every later export.
_TEXT_FIELDS = ("uid", "title", "source", "created_at")
_SPAN_TEXT = ("id", "note", "annotator", "origin", "created_at", "updated_at")
_RELATION_TEXT = ("id", "annotator", "created_at")


def _check_shapes(read: ReadResult, skip_invalid: bool) -> None:
    """Refuse (or, with ``skip_invalid``, skip) records whose fields have the wrong types."""
    kept = []
    for record in read.records:
        problem = _shape_problem(record)
        if problem is None:
            kept.append(record)
            continue
        message = f"{record.where or record.title or 'a record'}: {problem}: fix the record"
        if not skip_invalid:
            raise ImportRefusedError(message)
        read.skipped.append(message)
    read.records[:] = kept


def _shape_problem(record: Any) -> str | None:
    if not isinstance(record.text, str):
        return "the text is not a string"
    for key in _TEXT_FIELDS:
        if not _text_or_none(getattr(record, key)):
            return f"{key} {_short(getattr(record, key))} is not a string"
    if not isinstance(record.meta, Mapping) or not _strict_json(record.meta):
        return f"meta {_short(record.meta)} is not a JSON object (NaN and Infinity are not JSON)"
    for n, span in enumerate(record.spans, 1):  # the hot loop of a bulk import
        if not isinstance(span, Mapping):
            return f"span {n} is not an object"
        label = span.get("label")
        if type(label) is not str or not label:
            return f"span {n}: label {_short(label)} is not a label name"
        for key in _SPAN_TEXT:
            value = span.get(key)
            if value is not None and type(value) is not str:
                return f"span {n}: {key} {_short(value)} is not a string"
        attributes = span.get("attributes")
        if attributes and not _strict_json(attributes):
            return f"span {n}: attributes are not plain JSON (NaN and Infinity are not JSON)"
    for n, rel in enumerate(record.relations, 1):
        if not isinstance(rel, Mapping):
            return f"relation {n} is not an object"
        for key in ("type", "from", "to"):
            if not isinstance(rel.get(key), str) or not rel[key]:
                return f"relation {n}: {key} {_short(rel.get(key))} is not a string"
        for key in _RELATION_TEXT:
            if not _text_or_none(rel.get(key)):
                return f"relation {n}: {key} {_short(rel.get(key))} is not a string"
        if not _strict_json(rel.get("attributes")):
            return f"relation {n}: attributes are not plain JSON (NaN and Infinity are not JSON)"
    return None


def _text_or_none(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _strict_json(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
