"""brat standoff: one ``.txt`` + ``.ann`` pair per document (import and export).

Offsets count Unicode **code points** of the ``.txt`` decoded as UTF-8,
end-exclusive (brat's server is Python); ``offsets="utf16"`` reads or writes
UTF-16 units instead.  The ``.txt`` is decoded by ``textfile``'s rules but NOT
newline-normalised: a CRLF text keeps its CRs, which brat counts.  A UTF-8 BOM
is dropped from the text; brat counts it as a character, so offsets shift by one.

Read: ``T`` lines become spans (discontinuous ``T1\\tL 0 5;9 12``: one span per
fragment, linked by the attributes ``brat_id`` and ``fragment``), ``R`` relations,
``#`` comments become the span's note (the text after the tab, exactly; a type other than
AnnotatorNotes is kept as the attribute ``brat_note_type``), ``A`` (and brat's
older ``M``) attributes: ``{name: value}``, or ``{name: True}`` when binary.
``E``, ``N``, ``*`` and whatever cannot be attached are counted in ``notes``.  A
quote unequal to the slice (fragments joined by a space) is a bad line.  Ids are
hashes of text, analyst and content: reading the same files twice adds nothing.

Write: ``target`` is a folder of ``<uid>.txt`` (``doc-<id>`` when the uid is no
safe file name) + ``.ann``; T/R/A/# numbered in text order.  A span across a line
break or tab is written as fragments, as brat itself does.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomicfile import default_mode, made_folders
from ..display_text import with_count
from ..errors import ExportError, ImportRefusedError
from ..model import Document, DocumentRecord, Relation, Span
from ..offsets import OffsetMap
from ..textfile import _decode, _first_line, _newlines, _read_bytes, _stat_size
from .base import DEFAULT_ANNOTATOR, ReadResult, WriteReport, iter_documents

_RANGE = re.compile(r"^\s*(\d+)\s+(\d+)\s*$")
_BREAK_CHARS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # splitlines() breaks, and tab
_BREAKS, _PIECES = re.compile(f"[{_BREAK_CHARS}]+"), re.compile(f"[^{_BREAK_CHARS}]+")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
_SNIFF = re.compile(
    r"^(?:T\d+\t\S+ \d+ \d+|R\d+\t\S+ \S+:\S+ \S+:\S+|[AM]\d+\t\S+ \S+|#\d*\t\S+ \S+"
    r"|E\d+\t\S+:\S+|N\d+\t\S+ \S+ \S+:|\*\t\S+ \S+)"
)
_OTHER = {"E": "event", "N": "normalisation", "*": "equivalence"}
_OWN_KEYS = ("brat_id", "fragment", "brat_note_type")  # ours: never written as A lines
Problem = Callable[[str], None]


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
        record = _Parse(text, name, unit, who, problem, result, int(bom)).record(ann_text)
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


def _fail(message: str) -> None:
    raise ImportRefusedError(message)


@dataclass
class _Parse:
    """Reads one document's ``.ann`` content against its text (no file access)."""

    text: str
    name: str
    unit: str = "codepoint"
    annotator: str = DEFAULT_ANNOTATOR
    problem: Problem = _fail
    result: ReadResult = field(default_factory=ReadResult)
    shift: int = 0  # 1 when a BOM was dropped: brat counted it
    ids: set[str] = field(default_factory=set)
    others: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    digest: str = ""  # of the text: span and relation ids are hashes

    def record(self, ann_text: str) -> DocumentRecord:
        bounds: dict[str, tuple[str, str, list[tuple[int, int]], str | None]] = {}
        links: list[tuple[str, list[str]]] = []  # (where, fields) of R, A/M and # lines
        for n, raw in enumerate(ann_text.split("\n"), 1):
            line, where = raw.removesuffix("\r"), f"{self.name} line {n}"
            fields = line.split("\t")
            ann_id, head = fields[0], fields[1].split() if len(fields) > 1 else []
            kind, ranges = ann_id[:1], fields[1].split(None, 1)[1:] if len(head) > 1 else []
            pairs = [_RANGE.match(part) for part in "".join(ranges).split(";")]
            if not line.strip():
                continue
            if ann_id in self.ids:
                self.problem(f"{where}: the id {ann_id} is used twice")
                continue
            self.ids.add(ann_id if kind != "*" else f"*{n}")
            if kind in _OTHER:
                self.others[_OTHER[kind]].append(ann_id if kind != "*" else f"line {n}")
            elif kind == "T" and len(fields) in (2, 3) and ranges and all(pairs):
                offsets = [(int(m[1]), int(m[2])) for m in pairs if m]
                bounds[ann_id] = (where, head[0], offsets, fields[2] if len(fields) == 3 else None)
            elif (kind == "R" and len(head) == 3 and all(":" in a for a in head[1:])) or (
                kind in ("A", "M") and len(head) in (2, 3) or kind == "#" and len(head) == 2
            ):
                links.append((where, [ann_id, *head, "\t".join(fields[2:])]))
            else:
                self.problem(f"{where} is not a brat annotation line: {line[:60]!r}")
        self.digest = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        spans = self.spans(bounds)
        relations = self.attach(links, spans)
        if self.others:
            listed = [f"{len(v)} {k} ({', '.join(v[:5])}{', ...' * (len(v) > 5)})"
                      for k, v in self.others.items()]  # fmt: skip
            listing = "; ".join(listed)
            self.result.notes.append(f"{self.name}: not imported (no place here): {listing}")
        spans_out = [s for group in spans.values() for s in group]
        return DocumentRecord(self.text, spans=spans_out, relations=relations, where=self.name)

    def spans(self, bounds: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        text, omap, who = self.text, OffsetMap(self.text), self.annotator
        spans, seen = {}, Counter[Any]()
        for tid, (where, label, pairs, quote) in bounds.items():
            try:
                cps = [tuple(_cp(omap, o - self.shift, self.unit) for o in p) for p in pairs]
                if not all(0 <= s < e <= len(text) for s, e in cps):
                    raise ValueError(f"has offsets outside the .txt (0..{len(text)}) or empty")
            except ValueError as exc:
                self.problem(f"{where}: {tid} {exc}{self._utf16_hint(omap, pairs, quote)}")
                continue
            found = " ".join(text[s:e] for s, e in cps)
            if quote is not None and quote != found:
                self.problem(f"{where}: {tid} quotes {quote!r} but the .txt has {found!r}"
                             f"{self._utf16_hint(omap, pairs, quote)}")  # fmt: skip
                continue
            seen[(label, *cps)] += 1
            spans[tid] = [
                {"id": _id(self.digest, who, label, cps, i, seen[(label, *cps)]), "start": s,
                 "end": e, "label": label, "annotator": who, "text": text[s:e],
                 "origin": "import", "attributes": {"brat_id": tid, "fragment": i}}
                for i, (s, e) in enumerate(cps)
            ]  # fmt: skip
            if len(cps) == 1:
                spans[tid][0]["attributes"] = {}
        return spans

    def _utf16_hint(self, omap: OffsetMap, pairs: list[Any], quote: str | None) -> str:
        """Advice when the offsets, read as UTF-16 units, give the quote (a file
        written by a tool that counts them, or exported with --offsets utf16)."""
        if self.unit != "codepoint" or quote is None:
            return ""
        try:
            cps = [tuple(omap.to_codepoint(o - self.shift) for o in p) for p in pairs]
        except ValueError:
            return ""
        if " ".join(self.text[s:e] for s, e in cps) != quote:
            return ""
        return " (read as UTF-16 units they fit: import with --offsets utf16)"

    def attach(
        self, links: list[tuple[str, list[str]]], spans: dict[str, list[dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Relations from R lines; notes and attributes onto their spans or relations."""
        ids, others = self.ids, self.others
        dropped = {k for k in ids if k[:1] == "T"} - set(spans)
        relations: dict[str, dict[str, Any]] = {}
        for where, f in sorted(links, key=lambda link: link[1][0][:1] != "R"):  # R lines first
            kind = f[0][:1]
            ends = [arg.split(":", 1)[1] for arg in f[2:4]] if kind == "R" else [f[2]]
            missing, on = [e for e in ends if e not in ids], _OTHER.get(ends[0][:1], "relation")
            if missing or len(set(ends)) < len(ends):
                why = f"{' and '.join(missing)}, not in this file" if missing else "one span twice"
                self.problem(f"{where}: {f[0]} refers to {why}")
            elif any(e in dropped for e in ends):
                self.result.skipped.append(f"{where}: {f[0]} refers to a skipped annotation")
                dropped.add(f[0])
            elif kind == "R" and all(e in spans for e in ends):
                ab = [spans[e][0]["id"] for e in ends]
                relations[f[0]] = {"id": _id(self.digest, self.annotator, f[1], ab),
                                   "type": f[1], "from": ab[0], "to": ab[1],
                                   "annotator": self.annotator}  # fmt: skip
            elif kind == "#" and ends[0] in spans:
                for span in spans[ends[0]]:
                    span["note"] = f"{span['note']}\n{f[3]}" if span.get("note") else f[3]
                    if f[1] != "AnnotatorNotes":
                        span["attributes"].setdefault("brat_note_type", f[1])
            elif kind in "AM" and (ends[0] in spans or ends[0] in relations):
                for owner in spans.get(ends[0]) or [relations[ends[0]]]:
                    attributes = owner.setdefault("attributes", {})
                    if f[1] in attributes:
                        others[f"repeated attribute {f[1]} (first kept)"].append(f[0])
                        break
                    attributes[f[1]] = (f[3] or True) if len(f) == 5 else True
            else:
                what = {"R": "relation to an event", "#": f"note on {on}"}
                others[what.get(kind, f"attribute on {on}")].append(f[0])
        return list(relations.values())


def _cp(omap: OffsetMap, offset: int, unit: str) -> int:
    return omap.to_codepoint(offset) if unit == "utf16" else offset


def _id(*parts: Any) -> str:
    return "brat-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def write(
    store: Any, target: str | Path, *, annotator: str | None = None, offsets: str | None = None
) -> WriteReport:
    """Write each document as ``<name>.txt`` + ``<name>.ann`` into the folder ``target``.

    Each ``.ann`` is parsed back and compared with the spans it must hold; files
    are staged as temporary files and renamed only when all passed.
    """
    if str(target) == "-":
        raise ExportError("brat writes a folder of .txt and .ann files: give --out FOLDER, not -")
    unit, folder = _unit(offsets, ExportError), Path(target)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file: brat export needs a folder (--out DIR)")
    with made_folders(folder):
        return _write_folder(store, folder, annotator, unit)


def _write_folder(store: Any, folder: Path, annotator: str | None, unit: str) -> WriteReport:
    report, lost, names = WriteReport(path=str(folder)), Counter[str](), set()
    staged: list[tuple[Path, Path]] = []
    try:
        for doc, spans, rels in iter_documents(store, annotator):
            name = doc.uid if _SAFE_NAME.match(doc.uid) else f"doc-{doc.id}"
            name = f"doc-{doc.id}" if name.lower() in names else name
            names.add(name.lower())
            ann_text, expected, n_rels = _ann(doc, spans, rels, unit, lost)
            got = _Parse(doc.text, f"{name}.ann", unit).record(ann_text).spans
            if Counter(expected) != Counter(
                (s["start"], s["end"], s["label"], s.get("note")) for s in got
            ):
                raise ExportError(f"{name}.ann does not read back as written: nothing was written")
            for suffix, data in ((".txt", doc.text), (".ann", ann_text)):
                fd, tmp = tempfile.mkstemp(prefix=f".{name}{suffix}.", suffix=".tmp", dir=folder)
                staged.append((Path(tmp), folder / f"{name}{suffix}"))
                with os.fdopen(fd, "wb") as f:
                    f.write(data.encode("utf-8"))
                    f.flush()
                    os.fsync(f.fileno())  # on the disk before any file is renamed into place
            report.documents, report.spans = report.documents + 1, report.spans + len(spans)
            report.relations += n_rels
        for staged_path, final in staged:
            os.chmod(staged_path, default_mode())
            os.replace(staged_path, final)
    except BaseException as exc:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno is not None:  # name the folder, not a part
            raise OSError(exc.errno, exc.strerror, str(folder)) from exc
        raise
    report.lost = [with_count(what, n) for what, n in lost.items() if n]
    return report


def _ann(
    doc: Document, spans: list[Span], rels: list[Relation], unit: str, lost: Counter[str]
) -> tuple[str, list[tuple[int, int, str, str | None]], int]:
    """The ``.ann`` text, the (start, end, label, note) it must read back as, relation count."""
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
    expected: list[tuple[int, int, str, str | None]] = []
    tid: dict[str, int] = {}
    for group in ordered:
        first, k = group[0], len(t_lines) + 1
        pieces = [(s.start + m.start(), s.start + m.end()) for s in group
                  for m in _PIECES.finditer(s.text)]  # fmt: skip
        if not pieces:
            lost["{n} span{|s} made only of line breaks or tabs (brat cannot hold them)"] += len(
                group
            )
            continue
        if len(pieces) > len(group):
            lost["{n} span{|s} crossing a line break or tab, written as brat fragments"] += 1
        where = ";".join(f"{_out(omap, s, unit)} {_out(omap, e, unit)}" for s, e in pieces)
        quote = " ".join(doc.text[s:e] for s, e in pieces)
        t_lines.append(f"T{k}\t{_word(first.label, lost)} {where}\t{quote}")
        tid.update({s.id: k for s in group})
        note = _BREAKS.sub(" ", first.note or "")
        lost["{n} note{|s} with line breaks or tabs, written on one line"] += note != (
            first.note or ""
        )
        lost["{n} note{|s} of later fragments unlike the first's"] += any(
            s.note != first.note for s in group
        )
        if note:
            kind = first.attributes.get("brat_note_type")
            kind = kind if isinstance(kind, str) and _SAFE_NAME.match(kind) else "AnnotatorNotes"
            notes.append(f"#{len(notes) + 1}\t{kind} T{k}\t{note}")
        own = {key: v for key, v in first.attributes.items() if key not in _OWN_KEYS}
        a_lines += _attribute_lines(f"T{k}", own, lost)
        expected += [(s, e, first.label, note or None) for s, e in pieces]
    r_lines: list[str] = []
    for rel in sorted(rels, key=lambda r: (tid.get(r.from_span, 0), tid.get(r.to_span, 0), r.id)):
        if rel.from_span not in tid or rel.to_span not in tid:
            lost["{n} relation{|s} whose spans are not in this export"] += 1
            continue
        rid = f"R{len(r_lines) + 1}"
        ends = f"Arg1:T{tid[rel.from_span]} Arg2:T{tid[rel.to_span]}"
        r_lines.append(f"{rid}\t{_word(rel.type, lost)} {ends}\t")
        a_lines += _attribute_lines(rid, rel.attributes, lost)
    lost["{n} span{|s}: ids, analyst names, origin and time stamps (no place in brat)"] += len(
        spans
    )
    lost["{n} relation{|s}: ids, analyst names and time stamps"] += len(r_lines)
    lost["{n} {document's title, source|documents' titles, sources} and meta"
         " (brat keeps only the text)"] += bool(
        doc.title or doc.source or doc.meta
    )
    numbered = [f"A{i}\t{line}" for i, line in enumerate(a_lines, 1)]
    body = "".join(f"{line}\n" for line in t_lines + r_lines + numbered + notes)
    return body, expected, len(r_lines)


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
