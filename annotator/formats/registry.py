"""Which formats exist, what each can do, and which reader a file needs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType

from ..atomicfile import database_log, is_sqlite_file, special_file
from ..errors import ExportError, ImportRefusedError

# name -> (module, can import, can export, default output suffix or "/" for a folder)
FORMATS: dict[str, tuple[str, bool, bool, str]] = {
    "jsonl": ("jsonl", True, True, ".jsonl"),
    "doccano": ("doccano", True, True, ".doccano.jsonl"),
    "prodigy": ("prodigy", True, True, ".prodigy.jsonl"),
    "brat": ("brat", True, True, "/"),
    "labelstudio": ("labelstudio", True, True, ".labelstudio.json"),
    "conll": ("conll", False, True, ".conll"),
    "spacy": ("spacy_docbin", False, True, ".spacy"),
    "w3c": ("w3c", False, True, ".w3c.jsonld"),
}
IMPORT_FORMATS = tuple(name for name, (_, can, _, _) in FORMATS.items() if can)
EXPORT_FORMATS = tuple(name for name, (_, _, can, _) in FORMATS.items() if can)

# JSON-lines readers in the order they are asked: native first, it is the strictest.
_SNIFF_ORDER = ("jsonl", "prodigy", "labelstudio", "doccano")


def module(name: str) -> ModuleType:
    """The format's module, imported on first use (spaCy-based ones are heavy)."""
    if name not in FORMATS:
        raise ImportRefusedError(f"unknown format {name!r}: use one of {', '.join(FORMATS)}")
    return importlib.import_module(f"{__package__}.{FORMATS[name][0]}")


def default_output(name: str, stem: str) -> Path:
    suffix = FORMATS[name][3]
    return Path("exports") / (stem if suffix == "/" else f"{stem}{suffix}")


def refuse_unsafe_target(target: Path) -> None:
    """Raise ``ExportError`` when ``target`` is a SQLite database (this one or
    another, open or not), or something other than a file or a folder (a
    device such as /dev/null, a pipe, a socket): no export replaces one, not
    even with --force (the export writes a new file and renames it onto
    ``target``; reading a pipe's first bytes would wait forever)."""
    special = special_file(target)
    if special:
        raise ExportError(
            f"{target} is {special}, not a file: choose a file, or --out - to write to"
            " standard output"
        )
    if target.is_dir():
        return
    # A database open here must not be read: closing any descriptor of a file
    # drops every SQLite lock this process holds on it (POSIX locks are per
    # process).  An open database has its -wal/-shm files beside it.
    beside = any(Path(f"{target}{end}").exists() for end in ("-wal", "-shm"))
    if beside and not target.exists():
        raise ExportError(f"{target} belongs to an open database: choose another file")
    log = database_log(target)  # a database's own log: replaced, its committed work would go
    if log:
        raise ExportError(f"{target} is {log}: choose another file")
    if beside or is_sqlite_file(target):
        raise ExportError(
            f"{target} is a database: an export never replaces one; choose another file"
        )


def detect(path: Path) -> str | None:
    """The annotation format a file unambiguously is, or None for an article file.

    ``.txt``/``.md``/``.html`` are articles unless a ``.txt`` has a brat ``.ann``
    beside it; ``.ann`` is brat; ``.json``/``.jsonl`` are recognised by content
    (a file no reader claims goes to the native reader, or for ``.json`` Label
    Studio's, whose error then names the line that is wrong).
    """
    suffix = path.suffix.lower()
    if suffix == ".ann" or (suffix == ".txt" and path.with_suffix(".ann").is_file()):
        return "brat"
    if suffix in (".txt", ".md", ".html", ".htm"):
        return None
    written = {".conll": "CoNLL", ".spacy": "spaCy DocBin"}.get(suffix)
    if written:  # the suffixes our own exports give these files
        raise ImportRefusedError(
            f"{path.name} looks like a {written} file, which annotator only writes (it keeps"
            " neither the text as written nor span ids): import the native .jsonl export"
            " instead"
        )
    if suffix not in (".json", ".jsonl", ".jsonld"):
        raise ImportRefusedError(
            f"{path.name}: cannot tell its format from the name: give --format"
            f" ({', '.join(IMPORT_FORMATS)}) or use .txt, .md, .html"
        )
    with open(path, encoding="utf-8", errors="replace") as f:
        chunks = [f.read(65536)]
        # The whole first record (a long article is one line), up to 64 MiB: each
        # new chunk alone is searched for its end.
        while "\n" not in chunks[-1] and len(chunks) < 64:
            more = f.read(1 << 20)
            if not more:
                break
            chunks.append(more)
        head = "".join(chunks)
    if _HYPOTHESIS.search(head):  # its page notes have a "text" that a reader would take
        raise ImportRefusedError(f"{path.name} is {cannot_import('a Hypothesis annotation file')}")
    for name in _SNIFF_ORDER:
        if module(name).sniff(head):
            return name
    foreign = foreign_format(head)
    if foreign is not None:
        raise ImportRefusedError(f"{path.name} is {cannot_import(foreign)}")
    # Unrecognised: let the likeliest reader say exactly which line is wrong.
    return "jsonl" if suffix == ".jsonl" else "labelstudio"


# A Hypothesis account as its API and exports write it: "user": "acct:NAME@hypothes.is".
_HYPOTHESIS = re.compile(r'"user"\s*:\s*"acct:[^"\\]*@hypothes\.is"')

# JSON formats of other tools that no reader here takes, by a key only they have.
_FOREIGN = (
    ('"%TYPES"', "UIMA CAS JSON (INCEpTION, DKPro)"),
    ('"%FEATURE_STRUCTURES"', "UIMA CAS JSON (INCEpTION, DKPro)"),
    ("w3.org/ns/anno", "W3C Web Annotation JSON-LD"),
    ('"TextQuoteSelector"', "a Web Annotation file (Hypothesis or W3C)"),
    ('"TextPositionSelector"', "a Web Annotation file (Hypothesis or W3C)"),
)


def cannot_import(what: str) -> str:
    """What to do with another tool's file that no reader here takes (``what``)."""
    return (f"{what}, which annotator cannot import: export the annotations from that tool as"
            " brat, doccano, Label Studio or Prodigy, then import that file")  # fmt: skip


def foreign_format(head: str) -> str | None:
    """What another tool's JSON file is, by its own markers (first match), or None."""
    return next((what for marker, what in _FOREIGN if marker in head), None)
