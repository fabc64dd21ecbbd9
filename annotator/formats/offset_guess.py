"""Which unit a record's offsets count, when the file does not say (doccano
and Label Studio exports; ``--offsets`` says it for the whole file).

doccano's browser counts UTF-16 units, but some of its versions and scripts
around it write code points; the two differ after every character above
U+FFFF (emoji, 𝔘).  Analysts mark words: under the right unit the spans'
edges fall between words, under the wrong one they land inside them.  The
unit under which more edges fall between words wins; a tie (no character
above U+FFFF before any span) changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..offsets import OffsetMap
from .common import Reading

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


UNITS = ("codepoint", "utf16")


@dataclass
class UnitEvidence:
    """Under each unit: quotes that are the text there, and span edges (of spans
    without a quote) that fall between words."""

    quoted: int = 0  # spans with a quote
    edges: int = 0  # edges of spans without one
    quotes_fit: Counter[str] = field(default_factory=Counter)  # unit -> quotes that fit
    between: Counter[str] = field(default_factory=Counter)  # unit -> edges between words

    def better(self) -> str | None:
        """The unit the spans show, or None when they do not tell for sure.

        Quotes decide when there are any: the unit under which every one is the
        text there, and not under the other.  Else the edges: at least six (three
        spans; one or two sub-word spans fit the wrong unit by chance too often),
        four in five between words under one unit, at most half under the other."""
        if self.quoted:
            fit = [u for u in UNITS if self.quotes_fit[u] == self.quoted]
            return fit[0] if len(fit) == 1 else None
        best, other = sorted(UNITS, key=self.between.__getitem__, reverse=True)
        if (self.edges < 6 or self.between[best] < 0.8 * self.edges
                or self.between[other] > 0.5 * self.edges):  # fmt: skip
            return None
        return best


def _between_words(text: str, at: int) -> bool:
    return at <= 0 or at >= len(text) or not (text[at - 1].isalnum() and text[at].isalnum())


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
        if isinstance(quote, str):
            evidence.quoted += 1
            for unit, s, e in _ranges(offsets, start, end):
                evidence.quotes_fit[unit] += text[s:e] == quote
        else:
            evidence.edges += 2
            for unit, s, e in _ranges(offsets, start, end):
                evidence.between[unit] += _between_words(text, s) + _between_words(text, e)


def _ranges(offsets: OffsetMap, start: int, end: int) -> Iterator[tuple[str, int, int]]:
    """(unit, start, end in code points) for each unit the offsets can be in."""
    if end <= offsets.length:
        yield "codepoint", start, end
    if end <= offsets.utf16_length:
        try:
            yield "utf16", offsets.to_codepoint(start), offsets.to_codepoint(end)
        except ValueError:  # inside a character above U+FFFF: not UTF-16 units
            pass


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
        reading.note(
            "{n} record{|s} read with code point offsets: their spans fit the text that"
            " way, not as UTF-16 units (--offsets utf16 reads them so anyway)"
            if unit == "codepoint" else
            "{n} record{|s} read with UTF-16 offsets: their spans fit the text that way,"
            " not as code points (--offsets codepoint reads them so anyway)"
        )  # fmt: skip
    return unit
