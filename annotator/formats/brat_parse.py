"""Reading one brat ``.ann`` against its text, for the import and for the
export's own check (see ``brat`` for the format's rules)."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ImportRefusedError
from ..model import DocumentRecord
from ..offsets import OffsetMap
from .base import DEFAULT_ANNOTATOR, ReadResult

_RANGE = re.compile(r"^\s*(\d+)\s+(\d+)\s*$")
_BREAK_CHARS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # splitlines() breaks, and tab
BREAKS, _PIECES = re.compile(f"[{_BREAK_CHARS}]+"), re.compile(f"[^{_BREAK_CHARS}]+")
_OTHER = {"E": "event", "N": "normalisation", "*": "equivalence"}
# Our own ``#`` lines: the analyst of a T or R line, and a span's exact edges
# when brat's offsets leave out a line break or tab at its edge (or cut it in fragments).
ANALYST, EDGES = "Analyst", "Offsets"
Problem = Callable[[str], None]


def _fail(message: str) -> None:
    raise ImportRefusedError(message)


@dataclass
class Parse:
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
        own = self.own_notes(links)
        spans = self.spans(bounds, own)
        relations = self.attach(links, spans, own)
        if self.others:
            listed = [f"{len(v)} {k} ({', '.join(v[:5])}{', ...' * (len(v) > 5)})"
                      for k, v in self.others.items()]  # fmt: skip
            listing = "; ".join(listed)
            self.result.notes.append(f"{self.name}: not imported (no place here): {listing}")
        spans_out = [s for group in spans.values() for s in group]
        return DocumentRecord(self.text, spans=spans_out, relations=relations, where=self.name)

    def own_notes(self, links: list[tuple[str, list[str]]]) -> dict[tuple[str, str], str]:
        """Take our own ``#`` lines (analyst, exact edges) on annotations of this
        file out of ``links``: {(type, target id): text}.  A repeated one is counted."""
        own: dict[tuple[str, str], str] = {}
        rest = []
        for where, f in links:
            mine = f[0][:1] == "#" and f[1] in (ANALYST, EDGES) and f[2][:1] in ("T", "R")
            if mine and f[2] in self.ids:
                if (f[1], f[2]) in own:
                    self.others[f"repeated {f[1]} note (first kept)"].append(f[0])
                own.setdefault((f[1], f[2]), f[3])
            else:
                rest.append((where, f))
        links[:] = rest
        return own

    def analyst(self, own: dict[tuple[str, str], str], ann_id: str) -> str:
        """The analyst an ``Analyst`` note names, else the one given to the read."""
        name = own.get((ANALYST, ann_id))
        return name if name and name.strip() else self.annotator

    def exact(
        self, omap: OffsetMap, own: dict[tuple[str, str], str], tid: str,
        cps: list[tuple[int, ...]],
    ) -> list[tuple[int, ...]]:
        """The span's own edges from an ``Offsets`` note (``start end``), when
        brat's fragments ``cps`` are what our export makes of them; else ``cps``."""
        found = _RANGE.match(own.get((EDGES, tid), ""))
        if found is None:
            return cps
        try:
            start, end = (_cp(omap, int(o) - self.shift, self.unit) for o in found.groups())
        except ValueError:
            return cps
        if 0 <= start < end <= len(self.text) and pieces(self.text, start, end) == cps:
            return [(start, end)]
        self.others[f"{EDGES} unlike the span's place (ignored)"].append(tid)
        return cps

    def spans(
        self, bounds: dict[str, Any], own: dict[tuple[str, str], str]
    ) -> dict[str, list[dict[str, Any]]]:
        text, omap = self.text, OffsetMap(self.text)
        spans, seen = {}, Counter[Any]()
        for tid, (where, label, pairs, quote) in bounds.items():
            who = self.analyst(own, tid)
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
            cps = self.exact(omap, own, tid, cps)
            seen[(who, label, *cps)] += 1
            spans[tid] = [
                {"id": _id(self.digest, who, label, cps, i, seen[(who, label, *cps)]), "start": s,
                 "end": e, "label": label, "annotator": who, "text": text[s:e],
                 "origin": "import", "attributes": {"brat_id": tid, "fragment": i},
                 "source_id": tid}
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
        if any(s >= e for s, e in cps) or " ".join(self.text[s:e] for s, e in cps) != quote:
            return ""
        return " (read as UTF-16 units they fit: import with --offsets utf16)"

    def attach(
        self,
        links: list[tuple[str, list[str]]],
        spans: dict[str, list[dict[str, Any]]],
        own: dict[tuple[str, str], str],
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
                ab, who = [spans[e][0]["id"] for e in ends], self.analyst(own, f[0])
                relations[f[0]] = {"id": _id(self.digest, who, f[1], ab),
                                   "type": f[1], "from": ab[0], "to": ab[1],
                                   "annotator": who}  # fmt: skip
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


def pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) without line breaks and tabs: the fragments brat can hold."""
    return [(start + m.start(), start + m.end()) for m in _PIECES.finditer(text[start:end])]


def _cp(omap: OffsetMap, offset: int, unit: str) -> int:
    return omap.to_codepoint(offset) if unit == "utf16" else offset


def _id(*parts: Any) -> str:
    return "brat-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:24]
