"""brat standoff: one ``.txt`` + ``.ann`` pair per document (import and export).

Offsets count Unicode **code points** of the ``.txt`` decoded as UTF-8,
end-exclusive (brat's server is Python); ``offsets="utf16"`` reads or writes
UTF-16 units instead.  The ``.txt`` is decoded by ``textfile``'s rules but NOT
newline-normalised: a CRLF text keeps its CRs, which brat counts.  A UTF-8 BOM
is dropped from the text; brat counts it as a character, so offsets shift by one.
A text that starts with U+FEFF is therefore written with a BOM before it (and
offsets one more): read back, the BOM goes and the text's own U+FEFF stays.

Read: ``T`` lines become spans (discontinuous ``T1\\tL 0 5;9 12``: one span per
fragment, linked by the attributes ``brat_id`` and ``fragment``), ``R`` relations,
``#`` comments become the span's note (the text after the tab, exactly; a type other than
AnnotatorNotes is kept as the attribute ``brat_note_type``), ``A`` (and brat's
older ``M``) attributes: ``{name: value}``, or ``{name: True}`` when binary.
``E``, ``N``, ``*`` and whatever cannot be attached are counted in ``notes``.  A
quote unequal to the slice (fragments joined by a space) is a bad line.  Ids are
hashes of text, analyst and content: reading the same files twice adds nothing.
Two ``#`` types are ours: ``Analyst`` names the analyst of a T or R line (else
``annotator``, else "imported"), ``Offsets`` gives a span's exact ``start end``
when its T line leaves a line break or tab out (used only when the T line is
what our export makes of those edges, i.e. the span was not moved in brat).

Write: ``target`` is a folder of ``<uid>.txt`` (``doc-<id>`` when the uid is no
safe file name) + ``.ann``, written whole into a temporary folder beside it and
renamed into place (an earlier export there is replaced whole, never added
to); T/R/A/# numbered in text order.  A span across a line
break or tab is written as fragments, and one with a break at an edge without
it, as brat itself does (brat's quotes are one line); each such span is listed
in the report and gets an ``Offsets`` note.  Every T and R gets an ``Analyst``
note, so an export of every layer reads back adding nothing.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..atomicfile import temporary_folder
from ..display_text import with_count
from ..errors import ExportError, ImportRefusedError
from ..model import Document, Relation, Span
from ..offsets import OffsetMap
from ..textfile import _decode, _first_line, _newlines, _read_bytes, _stat_size
from .base import DEFAULT_ANNOTATOR, ReadResult, WriteReport, iter_documents
from .brat_parse import ANALYST, BREAKS, EDGES, Parse, Problem, pieces
from .common import describe, listed

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
_SNIFF = re.compile(
    r"^(?:T\d+\t\S+ \d+ \d+|R\d+\t\S+ \S+:\S+ \S+:\S+|[AM]\d+\t\S+ \S+|#\d*\t\S+ \S+"
    r"|E\d+\t\S+:\S+|N\d+\t\S+ \S+ \S+:|\*\t\S+ \S+)"
)
_OWN_KEYS = ("brat_id", "fragment", "brat_note_type")  # ours: never written as A lines


def sniff(first_text: str) -> bool:
    """True when the first non-blank line looks like a brat ``.ann`` line."""
    line = next((ln for ln in first_text.lstrip("\ufeff").split("\n") if ln.strip()), "")
    return bool(_SNIFF.match(line))


def _unit(offsets: str | None, error: type[Exception] = ImportRefusedError) -> str:
    if offsets not in (None, "codepoint", "utf16"):
        raise error(f"unknown offset unit {offsets!r}: use codepoint or utf16")
    return offsets or "codepoint"


def read(
    path: str | Path,
    *,
    offsets: str | None = None,
    annotator: str | None = None,
    skip_invalid: bool = False,
) -> ReadResult:
    """Read a ``.txt``/``.ann`` pair (either file) or a folder of pairs (recursively)."""
    unit, who, result = _unit(offsets), annotator or DEFAULT_ANNOTATOR, ReadResult()

    def problem(message: str) -> None:
        if not skip_invalid:
            raise ImportRefusedError(f"{message}: fix it or import with --skip-invalid")
        result.skipped.append(message)

    for txt, ann, name in _pairs(Path(path), problem, result):
        try:
            text, meta = _decode(txt.name, _read_bytes(txt, _stat_size(txt), 50 << 20), "txt")
            ann_text = ann.read_bytes().decode("utf-8-sig")
        except ImportRefusedError as exc:
            problem(str(exc))
            continue
        except UnicodeDecodeError as exc:
            problem(f"{name} is not UTF-8 (byte {exc.start}): the document was not read")
            continue
        if not text.strip():
            problem(f"{txt.name} holds no text, only whitespace")
            continue
        bom = meta["encoding"] == "utf-8-sig"
        record = Parse(text, name, unit, who, problem, result, int(bom)).record(ann_text)
        meta.update(newlines=_newlines(text)[1], filename=txt.name, format="brat")
        record.title, record.source, record.meta = _first_line(text), txt.name, meta
        result.records.append(record)
    return result


def _pairs(path: Path, problem: Problem, result: ReadResult) -> Iterator[tuple[Path, Path, str]]:
    if not path.is_dir():
        if not path.exists() and not path.suffix:
            raise ImportRefusedError(f"{path} does not exist: check the path")
        if path.suffix.lower() not in (".txt", ".ann"):
            raise ImportRefusedError(f"{path.name} is not brat: give a .txt, .ann or a folder")
        for part in (path.with_suffix(".txt"), path.with_suffix(".ann")):
            if not part.is_file():
                raise ImportRefusedError(f"{part.name} does not exist: brat needs .txt and .ann")
        yield path.with_suffix(".txt"), path.with_suffix(".ann"), path.with_suffix(".ann").name
        return
    anns = sorted(path.rglob("*.ann"))
    if not anns:
        raise ImportRefusedError(f"folder {path} has no brat .ann files: choose another folder")
    lonely = [p.relative_to(path).as_posix() for p in sorted(path.rglob("*.txt"))
              if not p.with_suffix(".ann").exists()]  # fmt: skip
    if lonely:
        result.notes.append(f"{len(lonely)} .txt without an .ann not read: {', '.join(lonely[:5])}")
    for ann in anns:
        name = ann.relative_to(path).as_posix()
        if ann.with_suffix(".txt").is_file():
            yield ann.with_suffix(".txt"), ann, name
        else:
            problem(f"{name} has no {ann.stem}.txt next to it")


def write(
    store: Any, target: str | Path, *, annotator: str | None = None, offsets: str | None = None
) -> WriteReport:
    """Write each document as ``<name>.txt`` + ``<name>.ann`` into the folder ``target``.

    Each ``.ann`` is parsed back and compared with the spans it must hold.  The
    files go into a temporary folder beside ``target``, renamed to ``target``
    only when all passed and reached the disk: a failed or killed export leaves
    no folder under that name.  A folder already there is replaced whole, as
    the other formats replace their file (the command asks for --force first),
    unless ``refuse_target`` says why it may not be.
    """
    if str(target) == "-":
        raise ExportError("brat writes a folder of .txt and .ann files: give --out FOLDER, not -")
    unit, folder = _unit(offsets, ExportError), Path(target)
    refuse_target(folder)
    try:
        with temporary_folder(folder) as staging:
            return _write_folder(store, staging, str(folder), annotator, unit)
    except OSError as exc:
        if exc.errno is None:
            raise
        raise OSError(exc.errno, exc.strerror, str(folder)) from exc  # the folder, not a part


def refuse_target(folder: Path) -> None:
    """Raise ``ExportError`` unless ``folder`` is new, or a folder that an export
    may replace without losing anything but an earlier export: it holds only
    ``.txt`` and ``.ann`` files (and the hidden ``.tmp`` files that killed
    exports of earlier versions left in it), no subfolder, no other file."""
    if folder.name in ("", ".", ".."):
        raise ExportError(f"{folder} is not a folder's name: name the export folder (--out DIR)")
    if folder.is_symlink():
        raise ExportError(f"{folder} is a link: give the folder itself, or another --out")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ExportError(f"{folder} is a file: brat export needs a folder (--out DIR)")
    other = sorted(p.name for p in folder.iterdir() if not _exported(p))
    if other:
        raise ExportError(
            f"{folder} holds more than a brat export ({', '.join(other[:3])}"
            f"{', ...' * (len(other) > 3)}): choose another --out, or move those away first"
        )


def _exported(path: Path) -> bool:
    """True for a file a brat export writes (or a temporary one it left)."""
    name = path.name
    ours = path.suffix in (".txt", ".ann") or (name.startswith(".") and name.endswith(".tmp"))
    return ours and path.is_file() and not path.is_symlink()


def _write_folder(
    store: Any, staging: Path, target: str, annotator: str | None, unit: str
) -> WriteReport:
    """Write the pairs into the empty folder ``staging``, each file synced
    before the folder is put in ``target``'s place; the report names ``target``."""
    report, lost, names = WriteReport(path=target), Counter[str](), set()
    moved: dict[str, list[str]] = defaultdict(list)  # {heading: spans whose edges brat moves}
    for doc, spans, rels in iter_documents(store, annotator):
        if "\x00" in doc.text:  # a .txt holding one reads as a binary file, here and in brat
            lost["{n} document{|s} whose text holds a NUL character, not written"] += 1
            continue
        name = doc.uid if _SAFE_NAME.match(doc.uid) else f"doc-{doc.id}"
        name = f"doc-{doc.id}" if name.lower() in names else name
        taken = 1
        while name.lower() in names:  # another document's uid is "doc-<this id>"
            taken += 1
            name = f"doc-{doc.id}-{taken}"
        names.add(name.lower())
        ann_text, expected, n_rels = _ann(doc, spans, rels, unit, lost, moved)
        got = Parse(doc.text, f"{name}.ann", unit, shift=_bom(doc.text)).record(ann_text)
        if Counter(expected) != Counter(
            (s["start"], s["end"], s["label"], s.get("note"), s["annotator"]) for s in got.spans
        ):
            raise ExportError(f"{name}.ann does not read back as written: nothing was written")
        # A text that starts with U+FEFF gets a BOM before it: a reader drops
        # the BOM, not the text's own first character (brat counts both).
        txt = "\ufeff" * _bom(doc.text) + doc.text
        for suffix, data in ((".txt", txt), (".ann", ann_text)):
            with open(staging / f"{name}{suffix}", "wb") as f:
                f.write(data.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())  # on the disk before the folder is renamed into place
        report.documents, report.spans = report.documents + 1, report.spans + len(spans)
        report.relations += n_rels
    for heading, items in moved.items():
        listed(report.lost, heading, items)
    report.lost += [with_count(what, n) for what, n in lost.items() if n]
    return report


def _bom(text: str) -> int:
    """1 when ``text`` starts with U+FEFF: its ``.txt`` gets a BOM, which brat counts."""
    return int(text.startswith("\ufeff"))


def _ann(
    doc: Document, spans: list[Span], rels: list[Relation], unit: str, lost: Counter[str],
    moved: dict[str, list[str]],
) -> tuple[str, list[tuple[int, int, str, str | None, str]], int]:
    """The ``.ann`` text, the (start, end, label, note, analyst) it must read back
    as, and the relation count.  Spans whose edges brat's offsets move are added
    to ``moved``; the rest of what brat cannot carry is counted in ``lost``."""
    omap, groups = OffsetMap(doc.text), defaultdict[Any, list[Span]](list)
    for s in spans:
        a = s.attributes
        linked = isinstance(a.get("brat_id"), str) and type(a.get("fragment")) is int
        groups[(s.annotator, s.label, a["brat_id"]) if linked else s.id].append(s)
    ordered = sorted(
        (sorted(g, key=lambda s: s.attributes.get("fragment", 0)) for g in groups.values()),
        key=lambda g: (g[0].start, g[0].end, g[0].label, g[0].id),
    )
    t_lines: list[str] = []
    a_lines: list[str] = []
    notes: list[str] = []
    ours: list[str] = []  # our own # lines (analysts, exact edges), numbered after the notes
    expected: list[tuple[int, int, str, str | None, str]] = []
    tid: dict[str, int] = {}

    def out(cp: int) -> int:
        return _out(omap, cp, unit) + _bom(doc.text)

    for group in ordered:
        first, k = group[0], len(t_lines) + 1
        frags = [p for s in group for p in pieces(doc.text, s.start, s.end)]
        if not frags:
            lost[_ONLYBREAKS] += len(group)
            continue
        whole = len(group) == 1 and frags != [(first.start, first.end)]
        for s in group:
            own = pieces(doc.text, s.start, s.end)
            lost[_ONLYBREAKS] += not own
            if own and (own[0][0], own[-1][1]) != (s.start, s.end):
                moved[_EDGE_KEPT if whole else _EDGE_LOST].append(
                    f"{doc.uid[:16]}: {describe(s)} -> [{own[0][0]}, {own[-1][1]})"
                )
        if len(frags) > len(group):
            lost["{n} span{|s} crossing a line break or tab, written as brat fragments"
                 + " (an Offsets note keeps {it|them} whole for our import)" * whole] += 1
        where = ";".join(f"{out(s)} {out(e)}" for s, e in frags)
        quote = " ".join(doc.text[s:e] for s, e in frags)
        t_lines.append(f"T{k}\t{_word(first.label, lost)} {where}\t{quote}")
        tid.update({s.id: k for s in group})
        note = BREAKS.sub(" ", first.note or "")
        lost["{n} note{|s} with line breaks or tabs, written on one line"] += note != (
            first.note or ""
        )
        lost["{n} note{|s} of later fragments unlike the first's"] += any(
            s.note != first.note for s in group
        )
        if note:
            kind = first.attributes.get("brat_note_type")
            kind = kind if isinstance(kind, str) and _SAFE_NAME.match(kind) else "AnnotatorNotes"
            notes.append(f"{kind} T{k}\t{note}")
        who = _analyst_line(f"T{k}", first.annotator, ours, lost)
        if whole:
            ours.append(f"{EDGES} T{k}\t{out(first.start)} {out(first.end)}")
        own_attributes = {key: v for key, v in first.attributes.items() if key not in _OWN_KEYS}
        a_lines += _attribute_lines(f"T{k}", own_attributes, lost)
        places = [(first.start, first.end)] if whole else frags
        expected += [(s, e, first.label, note or None, who) for s, e in places]
    r_lines: list[str] = []
    for rel in sorted(rels, key=lambda r: (tid.get(r.from_span, 0), tid.get(r.to_span, 0), r.id)):
        if rel.from_span not in tid or rel.to_span not in tid:
            lost["{n} relation{|s} whose spans are not in this export"] += 1
            continue
        rid = f"R{len(r_lines) + 1}"
        ends = f"Arg1:T{tid[rel.from_span]} Arg2:T{tid[rel.to_span]}"
        r_lines.append(f"{rid}\t{_word(rel.type, lost)} {ends}\t")
        _analyst_line(rid, rel.annotator, ours, lost)
        a_lines += _attribute_lines(rid, rel.attributes, lost)
    lost["{n} span{|s}: ids, origin and time stamps (no place in brat)"] += len(spans)
    lost["{n} relation{|s}: ids and time stamps"] += len(r_lines)
    lost["{n} {document's title, source|documents' titles, sources} and meta"
         " (brat keeps only the text)"] += bool(
        doc.title or doc.source or doc.meta
    )
    numbered = [f"A{i}\t{line}" for i, line in enumerate(a_lines, 1)]
    comments = [f"#{i}\t{line}" for i, line in enumerate(notes + ours, 1)]
    body = "".join(f"{line}\n" for line in t_lines + r_lines + numbered + comments)
    return body, expected, len(r_lines)


_ONLYBREAKS = "{n} span{|s} made only of line breaks or tabs (brat cannot hold them)"
_EDGE_KEPT = ("{n} span{|s} with a line break or tab at an edge: brat's offsets leave it out"
              " (an Offsets note keeps the exact edges for our import)")  # fmt: skip
_EDGE_LOST = "{n} brat fragment{|s} with a line break or tab at an edge, written without it"


def _analyst_line(target: str, name: str, ours: list[str], lost: Counter[str]) -> str:
    """Add the ``Analyst`` note of ``target`` to ``ours``; the analyst it reads back as."""
    if name.splitlines() != [name]:
        lost["{n} analyst name{|s} with a line break, not written (read back as 'imported')"] += 1
        return DEFAULT_ANNOTATOR
    ours.append(f"{ANALYST} {target}\t{name}")
    return name


def _attribute_lines(target: str, attributes: dict[str, Any], lost: Counter[str]) -> list[str]:
    out = []
    for name, value in sorted(attributes.items()):
        if value is True and _SAFE_NAME.match(name):
            out.append(f"{name} {target}")
        elif isinstance(value, str) and _SAFE_NAME.match(name) and re.match(r"^\S+$", value):
            out.append(f"{name} {target} {value}")
        else:
            lost["{n} attribute{|s} that {is|are} not true or one word"
                 " (false, numbers, lists, ...)"] += 1
    return out


def _word(name: str, lost: Counter[str]) -> str:
    """A brat type: one word; spaces become '_' (and are reported)."""
    lost["{n} {label or relation type|labels or relation types} with spaces, written with '_'"] += (
        bool(re.search(r"\s", name))
    )
    return re.sub(r"\s", "_", name) or "_"


def _out(omap: OffsetMap, cp: int, unit: str) -> int:
    return omap.to_utf16(cp) if unit == "utf16" else cp
