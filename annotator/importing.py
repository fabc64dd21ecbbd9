"""Import files into a store: articles (.txt, .md, .html) and annotation files of
the formats in ``annotator.formats`` (native JSONL, doccano, Prodigy, brat, Label
Studio), with label mapping and one transaction per file."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .display_text import counted
from .errors import (
    AnnotatorError,
    DuplicateDocumentError,
    ImportRefusedError,
    UnknownLabelsError,
)
from .formats import jsonl_stream, registry
from .formats.base import ReadResult
from .label_aliases import suggest_label
from .model import ImportResult
from .shapes import known_labels_only, record_shape_problem, span_shape_problem
from .store.base import sha256
from .textfile import read_article, size_text, stored_name

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
SUFFIXES = ARTICLE_SUFFIXES + (".jsonl", ".json", ".ann")
MAX_NAMED = 10  # entries a folder's import names as left out; the rest are counted


def import_path(
    store: Any,
    path: Path,
    *,
    format: str | None = None,
    label_map: Mapping[str, str | None] | None = None,
    skip_invalid: bool = False,
    offsets: str | None = None,
    annotator: str | None = None,
) -> ImportResult:
    """Import one file, or every importable file of a folder (not recursive).

    An article file becomes one document.  An annotation file is read whole,
    its labels renamed through ``label_map`` (a label or relation type mapped to
    None is left out), checked against the schema, and
    stored in one transaction: all of it, or (on any error) nothing.
    """
    _check_label_map(label_map)
    options = dict(format=format, label_map=label_map, skip_invalid=skip_invalid,
                   offsets=offsets, annotator=annotator)  # fmt: skip
    if not path.exists():
        raise ImportRefusedError(f"{path.name} does not exist: check the path and import again")
    if path.is_dir() and format != "brat":
        # Hidden files are no articles: a Mac's "._name.txt" (binary), ".DS_Store".
        entries = sorted(p for p in path.iterdir() if not p.name.startswith("."))
        files = [
            p for p in entries
            if p.suffix.lower() in SUFFIXES and not p.is_dir()
            and not (p.suffix.lower() == ".ann" and p.with_suffix(".txt").exists())
        ]  # fmt: skip
        if not files:
            raise ImportRefusedError(
                f"folder {path} has no {', '.join(SUFFIXES)} files: choose another folder"
            )
        total = ImportResult()
        for n, file in enumerate(files):
            try:
                total.merge(import_path(store, file, **options))  # type: ignore[arg-type]
            except AnnotatorError as exc:  # each file is its own transaction
                if skip_invalid:
                    total.skipped.append(f"{file.name}: {exc}")
                    continue
                if len(files) == 1:
                    raise
                say_where_it_stopped(exc, "the folder's import", files, n)
                raise
        left_out = _left_out(entries)
        if left_out:
            total.notes.append(f"Left out of folder {path.name}: {left_out}")
        return total
    fmt = format or registry.detect(path)
    if fmt is None:
        return _import_article(store, path)
    if not registry.FORMATS.get(fmt, ("", False))[1]:
        raise ImportRefusedError(
            f"annotator cannot import {fmt}: use one of {', '.join(registry.IMPORT_FORMATS)}"
        )
    size = path.stat().st_size if path.is_file() else 0
    if size > store.annotation_limit:
        raise ImportRefusedError(
            f"{path.name} is {size_text(size)}, over the limit of"
            f" {size_text(store.annotation_limit)} for annotation files: split it,"
            " or raise the limit with --max-annotation-size"
        )
    if path.is_file():
        with open(path, "rb") as f:
            head = f.read(4)
        # UTF-32's little-endian mark starts as UTF-16's does: asked first.
        for marks, name in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "UTF-32"),
                            ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "UTF-16")):  # fmt: skip
            if head.startswith(marks):
                raise ImportRefusedError(
                    f"{path.name} is {name} (it starts with a {name} byte order mark): save it"
                    " as UTF-8 and import again"
                )
    if fmt == "jsonl" and not (label_map or skip_invalid) and offsets in (None, "codepoint"):
        streamed = jsonl_stream.stream(path, annotator, store.schema)
        if streamed is not None:
            try:
                result: ImportResult = store.import_records(streamed)
                return result
            except (jsonl_stream.NotPlain, AnnotatorError):
                # Rolled back.  The careful read names the first problem as it always
                # has: the file's own (JSON, shapes, labels) before the store's.
                streamed = None  # its lines are not kept meanwhile
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
    if not read.records and not read.skipped and not read.notes:  # notes say why, if any
        raise ImportRefusedError(
            f"{path.name} holds no {fmt} records: nothing to import (is it the file you meant?)"
        )
    _check_shapes(read, skip_invalid)
    _map_labels(read, label_map or {}, store.schema, path.name)
    result = store.import_records(
        read.records, skip_invalid=skip_invalid, drop_twins=fmt != "jsonl"
    )
    result.skipped[:0] = read.skipped
    result.notes.extend(read.notes)
    return result


def _check_label_map(label_map: Any) -> None:
    """Refuse a ``label_map`` of the wrong shape before anything is read: a list of
    pairs would otherwise fail deep in the import as an AttributeError."""
    if label_map is None:
        return
    if not isinstance(label_map, Mapping):
        raise ImportRefusedError(
            f"label_map must be a mapping from label to label, such as {{'LOC': 'ACTOR'}}"
            f" (None leaves a label out), not a {type(label_map).__name__}: pass a dict"
        )
    for source, target in label_map.items():
        if not isinstance(source, str) or not (target is None or isinstance(target, str)):
            raise ImportRefusedError(
                f"label_map maps {source!r} to {target!r}: it must map label names (strings)"
                " to label names or to None"
            )


def say_where_it_stopped(exc: AnnotatorError, whose: str, paths: list[Path], n: int) -> None:
    """Add to ``exc``'s message what an import of ``paths`` that failed on the
    ``n``-th (from 0) did before: those files stay imported, each being its own
    transaction, and a script that reads only the error must not think otherwise."""
    before, after = _files(paths[:n]), paths[n + 1 :]
    # Named: a .txt with its .ann beside it fails in the .ann's name.
    rest = f", {_files(after)} not imported" if after else ""  # none after the last
    exc.args = (f"{exc} ({whose} stopped at {paths[n].name}: {before} imported before it"
                f"{rest})",)  # fmt: skip


def _files(paths: list[Path]) -> str:
    """"no file", "1 file (a.txt)", "5 files (a.txt, b.txt, c.txt, …)"."""
    if not paths:
        return "no file"
    names = ", ".join(p.name for p in paths[:3]) + (", …" if len(paths) > 3 else "")
    return f"{counted(len(paths), 'file')} ({names})"


def _left_out(entries: list[Path]) -> str:
    """What a folder's import does not read, as one line: its folders (the import
    is not recursive) and files of no format it imports.  An .ann beside its .txt
    is read with it."""
    names = []
    for entry in entries:
        if entry.is_dir():
            names.append(f"{entry.name}/ (a folder)")
        elif entry.suffix.lower() not in SUFFIXES:
            names.append(f"{entry.name} (not a format annotator imports)")
    shown = ", ".join(names[:MAX_NAMED])
    return shown + (f" and {len(names) - MAX_NAMED:,} more" if len(names) > MAX_NAMED else "")


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


_ENDS = {"crlf": "CR LF", "cr": "CR", "mixed": "mixed"}  # meta["newlines"] other than "lf"


def _import_article(store: Any, path: Path) -> ImportResult:
    article = read_article(path, max_bytes=store.import_limit)
    result = ImportResult()
    twin = store.document_by_uid(sha256(article.as_read)) if article.as_read else None
    if twin is not None:  # brought first by a brat file, which keeps the CRs it counts
        result.skipped.append(
            f"{path.name}: this article is already in the database as document {twin.id}"
            f" ({twin.title or 'untitled'}), with the file's {_ENDS[article.meta['newlines']]}"
            " line ends (from a brat file): nothing to do"
        )
        return result
    try:
        result.append(
            store.add_document(article.text, title=article.title, source=stored_name(path),
                               meta=article.meta)  # fmt: skip
        )
    except DuplicateDocumentError as exc:
        result.skipped.append(f"{path.name}: {exc}")
    return result


def _map_labels(
    read: ReadResult, label_map: Mapping[str, str | None], schema: Any, name: str
) -> None:
    """Rename labels (and relation types) in place; refuse any the schema lacks.

    A name mapped to None is left out: its spans (with the relations that touch
    them) or its relations, counted in the notes.
    """
    unknown_labels: set[str] = set()
    unknown_types: set[str] = set()
    relation_types = {r.type for r in schema.relations}
    labels = schema.label_set
    names = (f"labels {', '.join(schema.label_names)}; relation types"
             f" {', '.join(sorted(relation_types))}")  # fmt: skip
    for source, target in label_map.items():
        if target is not None and target not in labels and target not in relation_types:
            raise ImportRefusedError(
                f"{source}={target} maps to {target}, which this database's schema does not"
                f" have ({names}): map {source} to one of those, or to - to leave it out"
            )
    left_out: dict[str, int] = {}  # "span labelled X", "relation of type X", ...: how many
    for record in read.records:
        if not (label_map or record.relations) and known_labels_only(record.spans, labels):
            continue  # nothing to rename, leave out or report
        dropped_ids: set[str] = set()
        kept_spans = []
        for span in record.spans:
            label = span.get("label") if isinstance(span, dict) else None
            if type(label) is not str:
                kept_spans.append(span)
                continue  # not a label name at all: the store's check says so
            if label_map:
                mapped = label_map.get(label, label)
                if mapped is None:
                    _count(left_out, f"span labelled {label}")
                    if isinstance(span.get("id"), str):  # what relations point at
                        dropped_ids.add(span["id"])
                    continue
                if mapped != label and mapped not in labels:  # a relation type, then
                    raise ImportRefusedError(
                        f"{label}={mapped} maps the spans labelled {label} to a relation"
                        f" type: map {label} to a label ({', '.join(schema.label_names)}),"
                        " or to - to leave those spans out"
                    )
                span["label"] = label = mapped
            if label not in labels:
                unknown_labels.add(label)
            kept_spans.append(span)
        if len(kept_spans) != len(record.spans):
            record.spans[:] = kept_spans
        kept_relations = []
        for rel in record.relations:
            rel_type = str(rel.get("type"))
            mapped = label_map.get(rel_type, rel_type)
            if mapped is None:
                _count(left_out, f"relation of type {rel_type}")
                continue
            if rel.get("from") in dropped_ids or rel.get("to") in dropped_ids:
                _count(left_out, "relation to those spans")
                continue
            if mapped != rel_type and mapped not in relation_types:  # a label, then
                raise ImportRefusedError(
                    f"{rel_type}={mapped} maps the relations of type {rel_type} to a label:"
                    f" map {rel_type} to a relation type ({', '.join(sorted(relation_types))}),"
                    " or to - to leave those relations out"
                )
            rel["type"] = mapped
            if mapped not in relation_types:
                unknown_types.add(mapped)
            kept_relations.append(rel)
        if len(kept_relations) != len(record.relations):
            record.relations[:] = kept_relations
    if left_out:
        counts = ", ".join(
            f"{n:,} {what}" if n == 1 else f"{n:,} {what.replace(' ', 's ', 1)}"
            for what, n in left_out.items()
        )
        read.notes.append(f"{name}: left out, as mapped: {counts}")
    if unknown_labels:
        example = sorted(unknown_labels)[0]
        guess = suggest_label(example, schema.label_names) or schema.label_names[0]
        has = f"the schema has {', '.join(schema.label_names)}"
        uses = f"{name} uses labels the schema does not have: {', '.join(sorted(unknown_labels))}"
        how = f"map them, e.g. --map {example}={guess}"
        if unknown_types:  # both at once: not one round of fixes per kind
            uses += f", and relation types it does not have: {', '.join(sorted(unknown_types))}"
            how = ("map each with --map FROM=TO (FROM=- leaves it out), e.g."
                   f" --map {example}={guess}")
            has += f"; relation types {', '.join(sorted(relation_types))}"
        raise UnknownLabelsError(
            f"{uses}; {how} ({has})",
            files=(name,), labels=tuple(sorted(unknown_labels)),
            relation_types=tuple(sorted(unknown_types)),
        )  # fmt: skip
    if unknown_types:
        raise UnknownLabelsError(
            f"{name} uses relation types the schema does not have:"
            f" {', '.join(sorted(unknown_types))}; map them with --map FROM=TO"
            f" (the schema has {', '.join(sorted(relation_types))})",
            files=(name,), relation_types=tuple(sorted(unknown_types)),
        )  # fmt: skip


def _count(counts: dict[str, int], what: str) -> None:
    counts[what] = counts.get(what, 0) + 1


def _check_shapes(read: ReadResult, skip_invalid: bool) -> None:
    """Refuse (or, with ``skip_invalid``, skip) records whose fields have the wrong types.

    Spans are checked here only when bad records are to be skipped; otherwise
    the store checks them as it builds their rows (one pass instead of two) and
    refuses the file with the same message.
    """
    kept = []
    for record in read.records:
        problem = record_shape_problem(record) or (
            span_shape_problem(record.spans) if skip_invalid else None
        )
        if problem is None:
            kept.append(record)
            continue
        message = f"{record.where or record.title or 'a record'}: {problem}: fix the record"
        if not skip_invalid:
            raise ImportRefusedError(message)
        read.skipped.append(message)
    read.records[:] = kept
