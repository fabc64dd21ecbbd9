"""Which unit a record's offsets count, when the file does not say (doccano
and Label Studio exports; ``--offsets`` says it for the whole file).

doccano's browser counts UTF-16 units, but some of its versions and scripts
around it write code points; the two differ after every character above
U+FFFF (emoji, 𝔘).  Analysts mark words: under the right unit a span's edges
fall between words and it neither starts nor ends with a space; under the
wrong one its edges land inside words or beside the spaces.  Only edges the
two units place differently tell anything: each such edge that is clean under
one unit and not the other is a point for that unit, and a unit that clearly
leads wins.  A span one unit cannot hold at all (past the end of the text, or
through the middle of a character above U+FFFF) rules that unit out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..display_text import whole_characters
from ..offsets import OffsetMap
from ..word_edges import inside_word
from .common import Reading

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


UNITS = ("codepoint", "utf16")


@dataclass
class UnitEvidence:
    """Under each unit: quotes that are the text there, span edges (of spans
    without a quote) clean there and not under the other unit, and spans the
    unit cannot hold."""

    quoted: int = 0  # spans with a quote
    quotes_fit: Counter[str] = field(default_factory=Counter)  # unit -> quotes that fit
    wins: Counter[str] = field(default_factory=Counter)  # unit -> edges clean only there
    impossible: Counter[str] = field(default_factory=Counter)  # unit -> spans it cannot hold

    def better(self) -> str | None:
        """The unit the spans show, or None when they do not tell for sure.

        Quotes decide when there are any: the unit under which every one is the
        text there, and not under the other.  Else the edges: at least three
        points for one unit (one or two sub-word spans fit the wrong unit by
        chance too often), four times the other's, and no span it cannot hold;
        or the one unit that can hold every span."""
        if self.quoted:
            fit = [u for u in UNITS if self.quotes_fit[u] == self.quoted]
            return fit[0] if len(fit) == 1 else None
        possible = [u for u in UNITS if not self.impossible[u]]
        if len(possible) == 1 and any(self.impossible.values()):
            return possible[0]  # the other cannot hold a span (through half an emoji)
        best, other = sorted(UNITS, key=self.wins.__getitem__, reverse=True)
        if self.impossible[best] or self.wins[best] < 3 or self.wins[best] < 4 * self.wins[other]:
            return None
        return best


def _clean_start(text: str, at: int) -> bool:
    """A span starting at ``at`` starts a word (or a sign), not inside one or on a space."""
    if at >= len(text) or text[at].isspace():
        return False
    return at == 0 or not inside_word(text, at)


def _clean_end(text: str, at: int) -> bool:
    """A span ending at ``at`` ends a word (or a sign), not inside one or on a space."""
    if at <= 0 or text[at - 1].isspace():
        return False
    return at >= len(text) or not inside_word(text, at)


def weigh(evidence: UnitEvidence, text: str, spans: Iterable[Sequence[Any]]) -> None:
    """Add the spans ``(start, end, quote or None)``, offsets as the file gives them,
    of ``text``."""
    astral = _ASTRAL.search(text)
    if astral is None:
        return  # nothing above U+FFFF: both units agree
    offsets = OffsetMap(text)
    for start, end, quote in spans:
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            continue  # the reader says what is wrong with it
        if end <= astral.start():
            continue  # before the first character above U+FFFF both units agree: no evidence
        ranges = dict((unit, (s, e)) for unit, s, e in _ranges(offsets, start, end))
        if isinstance(quote, str):
            evidence.quoted += 1
            for unit, (s, e) in ranges.items():
                evidence.quotes_fit[unit] += text[s:e] == quote
            continue
        for unit in UNITS:
            evidence.impossible[unit] += unit not in ranges
        if len(ranges) == 1:  # the one unit that holds it must not cut a character either
            ((unit, (s, e)),) = ranges.items()
            evidence.impossible[unit] += whole_characters(text, s, e) != (s, e)
        for edge, clean in ((0, _clean_start), (1, _clean_end)):
            places = {unit: where[edge] for unit, where in ranges.items()}
            if len(set(places.values())) == 1 and len(places) == 2:
                continue  # both units put this edge in one place: it tells nothing
            fits = [unit for unit, at in places.items() if clean(text, at)]
            if len(fits) == 1:  # clean under one unit only (or the other cannot hold it)
                evidence.wins[fits[0]] += 1


def _ranges(offsets: OffsetMap, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(unit, start, end in code points) for each unit the offsets can be in."""
    if end <= offsets.length:
        yield "codepoint", start, end
    if end <= offsets.utf16_length:
        try:
            yield "utf16", offsets.to_codepoint(start), offsets.to_codepoint(end)
        except ValueError:  # inside a character above U+FFFF: not UTF-16 units
            pass


def file_unit(reading: Reading, records: Iterable[tuple[str, Iterable[Sequence[Any]]]]) -> None:
    """Weigh the spans of every record of a file together, before any is read:
    the unit they show as a whole becomes the file's, so that a record whose own
    few spans tell nothing is not read in the other unit than its neighbours
    (``records``: each record's text and spans, as ``weigh`` takes them)."""
    if reading.unit_given:
        return
    evidence, telling = UnitEvidence(), 0
    for text, spans in records:
        weigh(evidence, text, spans)
        telling += _ASTRAL.search(text) is not None  # where the two units differ
    unit = evidence.better()
    if unit is None:
        return
    reading.file_weighed = True
    if unit != reading.unit:
        reading.unit = unit
        reading.notes[_READ_AS[unit]] += telling


_READ_AS = {
    "codepoint": "{n} record{|s} read with code point offsets: their spans fit the text that"
                 " way, not as UTF-16 units (--offsets utf16 reads them so anyway)",
    "utf16": "{n} record{|s} read with UTF-16 offsets: their spans fit the text that way,"
             " not as code points (--offsets codepoint reads them so anyway)",
}  # fmt: skip


def record_unit(reading: Reading, text: str, spans: Iterable[Sequence[Any]]) -> str:
    """The unit of one record's offsets: the file's (or the one given), unless the
    evidence of its spans points to the other; the reading's notes say so."""
    if reading.unit_given:
        return reading.unit
    evidence = UnitEvidence()
    weigh(evidence, text, spans)
    unit = evidence.better()
    if unit is None:
        return reading.unit
    reading.weighed = True  # its unit is no guess: no warning about it
    if unit != reading.unit:
        reading.note(_READ_AS[unit])
    return unit
