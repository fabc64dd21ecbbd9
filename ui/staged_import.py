"""Imports that a cancel leaves without a trace: stage every file, then commit once.

Why staging: the Store imports each file in its own transaction, and an
annotation file may add spans to documents already in the database, so
deleting "the documents this import added" after a cancel would leave those
spans, and the history would keep an add and a delete.  Instead each file is
imported with the Store's own ``import_file`` (the same readers, checks,
label rules and messages as ``annotator import``) into a throw-away database
with the same schema; a cancel between files just drops it.  Only when every
file has been read are the staged documents, spans and relations written to
the real database with ONE ``import_records`` call: one transaction, all or
nothing, which also skips what is already there.

Files that use labels (or relation types) the schema lacks are not staged; the
others still are, so that ONE ``UnknownLabelsError`` names every unknown name of
every file and the window asks for one mapping, then imports again with it.

Qt-free, so it runs in a worker thread and in plain tests alike.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from annotator.atomicfile import process_folder
from annotator.errors import ImportRefusedError, UnknownLabelsError
from annotator.formats.base import iter_documents
from annotator.importing import SUFFIXES
from annotator.model import DocumentRecord, ImportResult
from annotator.store import Store, open_store

STAGING_PREFIX = "annotator-staging-"  # + the process id, in the system's temporary folder


class Cancelled(Exception):
    """The analyst cancelled; nothing was written to the database."""


# The reader's note that it could not tell the unit of a file's offsets
# (``annotator.formats.common``): the unit it read, and the other.
_UNIT_GUESSED = re.compile(
    r"offsets were read as (utf16|codepoint) units; if spans look shifted, import again"
    r" with --offsets (utf16|codepoint)"
)


def guessed_unit(message: str) -> tuple[str, str] | None:
    """(unit read, other unit) when ``message`` is a file's refusal by
    ``import_staged(ask_unit=True)``, else None."""
    found = _UNIT_GUESSED.search(message)
    return None if found is None else (found[1], found[2])


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files to import: the files given, and each folder's importable files (not nested)."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise ImportRefusedError(f"{path.name} does not exist: check the path and import again")
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            p for p in path.iterdir()  # hidden files are no articles (a Mac's "._a.txt")
            if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            # a brat .ann is read with the .txt beside it
            and not (p.suffix.lower() == ".ann" and p.with_suffix(".txt").exists())
        )  # fmt: skip
        if not found:
            raise ImportRefusedError(
                f"folder {path.name} has no {', '.join(SUFFIXES)} files: choose another folder"
            )
        files.extend(found)
    return files


def staged_records(staging: Store) -> Iterator[DocumentRecord]:
    """The staging database's documents as records for ``import_records``."""
    for doc, spans, relations in iter_documents(staging):
        yield DocumentRecord(
            text=doc.text, uid=doc.uid, title=doc.title, source=doc.source, meta=doc.meta,
            created_at=doc.created_at, where=doc.source or doc.title or f"document {doc.id}",
            spans=[
                {"id": s.id, "start": s.start, "end": s.end, "label": s.label, "text": s.text,
                 "annotator": s.annotator, "note": s.note, "attributes": s.attributes,
                 "origin": s.origin, "created_at": s.created_at, "updated_at": s.updated_at}
                for s in spans
            ],
            relations=[
                {"id": r.id, "type": r.type, "from": r.from_span, "to": r.to_span,
                 "annotator": r.annotator, "attributes": r.attributes,
                 "created_at": r.created_at}
                for r in relations
            ],
        )  # fmt: skip


def stage_file(staging: Store, path: Path, **options: Any) -> ImportResult:
    """Import one file into the staging database (a seam for tests)."""
    return staging.import_file(path, **options)


def merged(errors: list[UnknownLabelsError]) -> UnknownLabelsError:
    """One refusal naming every file's unknown labels and relation types."""
    if len(errors) == 1:
        return errors[0]
    files = tuple(name for exc in errors for name in exc.files)
    labels = tuple(sorted({name for exc in errors for name in exc.labels}))
    types = tuple(sorted({name for exc in errors for name in exc.relation_types}))
    unknown = "; ".join(
        f"{what} {', '.join(names)}"
        for what, names in (("labels", labels), ("relation types", types)) if names
    )  # fmt: skip
    return UnknownLabelsError(
        f"{', '.join(files)} use {unknown}, which the schema does not have:"
        " map them with --map FROM=TO",
        files=files, labels=labels, relation_types=types,
    )  # fmt: skip


# A twin found in the staging database is another file of this import: the id is
# the staging database's, no document of the real one.
_STAGED_TWIN = re.compile(r"already in the database as document (\d+) \(.*?\)(?=:|,|$)")


def _within_import(staging: Store, line: str) -> str:
    found = _STAGED_TWIN.search(line)
    if found is None:
        return line
    twin = staging.document(int(found[1]))
    name = twin.source or twin.title or "another file"
    return f"{line[: found.start()]}also in {name}, earlier in this import{line[found.end() :]}"


def _refuse_a_guess(path: Path, notes: list[str]) -> None:
    for note in notes:
        if guessed_unit(note) is not None:
            raise ImportRefusedError(f"{path.name}: {note}")


def import_staged(
    db_path: Path,
    files: list[Path],
    *,
    added_by: str,
    cancelled: threading.Event,
    step: Callable[[int, str], None] = lambda n, name: None,
    label_map: Mapping[str, str | None] | None = None,
    offsets: str | None = None,
    ask_unit: bool = False,
) -> ImportResult:
    """Import ``files`` into the database at ``db_path``: all of them, or (cancelled,
    or any error) nothing.  ``step(n, name)`` reports before each file and before saving.
    ``label_map`` and ``offsets`` are those of ``Store.import_file``.  With
    ``ask_unit``, a single file whose offsets' unit the reader had to guess is
    refused, its note as the message (``guessed_unit``), before anything is
    written: the window asks which unit, as it has no ``--offsets`` to give
    after the import.  The staging database lives in a folder of this process
    (``process_folder``): one an import killed half way left is removed by the next."""
    options: dict[str, Any] = {"label_map": label_map} if label_map else {}
    if offsets is not None:
        options["offsets"] = offsets
    tmp = process_folder(Path(tempfile.gettempdir()), STAGING_PREFIX)
    try:
        return _import_staged(db_path, files, tmp, added_by=added_by, cancelled=cancelled,
                              step=step, options=options, ask_unit=ask_unit and offsets is None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _import_staged(db_path: Path, files: list[Path], tmp: Path, *, added_by: str,
                   cancelled: threading.Event, step: Callable[[int, str], None],
                   options: dict[str, Any], ask_unit: bool) -> ImportResult:  # fmt: skip
    skipped: list[str] = []
    notes: list[str] = []
    unknown: list[UnknownLabelsError] = []
    with open_store(db_path) as target:
        with open_store(tmp / "staging.db", schema=target.schema.raw) as staging:
            for n, path in enumerate(files):
                if cancelled.is_set():
                    raise Cancelled
                step(n, path.name)
                try:
                    result = stage_file(staging, path, **options)
                except UnknownLabelsError as exc:
                    unknown.append(exc)
                    continue
                skipped += [_within_import(staging, line) for line in result.skipped]
                # Of several files, each note names its own (as the command's output
                # does by printing it under the file's documents).
                notes += [n if len(files) == 1 or n.startswith(f"{path.name}:")
                          else f"{path.name}: {n}" for n in result.notes]  # fmt: skip
            if cancelled.is_set():
                raise Cancelled
            if unknown:
                raise merged(unknown)
            if ask_unit and len(files) == 1:
                _refuse_a_guess(files[0], notes)
            step(len(files), "saving")
            records = list(staged_records(staging))
        def still_wanted(_n: int) -> None:  # a cancel while saving rolls it all back
            if cancelled.is_set():
                raise Cancelled

        result = target.import_records(records, added_by=added_by, progress=still_wanted)
    # What staging skipped (duplicates within the import) comes first, then the
    # documents that were in the database already.
    result.skipped[:0] = skipped
    result.notes[:0] = notes
    return result
