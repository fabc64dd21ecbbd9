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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..offsets import OffsetMap
from .common import Reading

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass
class UnitEvidence:
    """Under each unit: quotes that are the text there, and span edges (of spans
    without a quote) that fall between words."""

    codepoint: int = 0
    utf16: int = 0
    edges: int = 0
    quoted: int = 0
    quoted_codepoint: int = 0
    quoted_utf16: int = 0

    def better(self) -> str | None:
        """The unit the spans show, or None when they do not tell for sure.

        Quotes decide when there are any: the unit under which every one is the
        text there, and not under the other.  Else the edges: at least six (three
        spans; one or two sub-word spans fit the wrong unit by chance too often),
        four in five between words under one unit, at most half under the other."""
        if self.quoted:
            if self.quoted_codepoint == self.quoted > self.quoted_utf16:
                return "codepoint"
            if self.quoted_utf16 == self.quoted > self.quoted_codepoint:
                return "utf16"
            return None
        best, other = sorted((self.codepoint, self.utf16), reverse=True)
        if self.edges < 6 or best < 0.8 * self.edges or other > 0.5 * self.edges:
            return None
        return "codepoint" if self.codepoint > self.utf16 else "utf16"


def _between_words(text: str, at: int) -> bool:
    return at <= 0 or at >= len(text) or not (text[at - 1].isalnum() and text[at].isalnum())


def weigh(evidence: UnitEvidence, text: str, spans: Iterable[Sequence[Any]]) -> None:
    """Add the edges of ``spans`` (start, end as the file gives them, and the quote
    or None) in ``text``."""
    astral = _ASTRAL.search(text)
    if astral is None:
        return  # nothing above U+FFFF: both units agree
    offsets = OffsetMap(text)
    for start, end, quote in spans:
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            continue  # the reader says what is wrong with it
        if end <= astral.start():
            continue  # before the first character above U+FFFF both units agree: no evidence
        quoted = isinstance(quote, str)
        if quoted:
            evidence.quoted += 1
        else:
            evidence.edges += 2
        if end <= len(text):
            fit = _fit(text, start, end, quote)
            if quoted:
                evidence.quoted_codepoint += fit == 2
            else:
                evidence.codepoint += fit
        if end <= offsets.utf16_length:
            try:
                s, e = offsets.to_codepoint(start), offsets.to_codepoint(end)
            except ValueError:  # inside a character above U+FFFF: not UTF-16 units
                continue
            fit = _fit(text, s, e, quote)
            if quoted:
                evidence.quoted_utf16 += fit == 2
            else:
                evidence.utf16 += fit


def _fit(text: str, start: int, end: int, quote: Any) -> int:
    """How many edges of the span [start, end) (code points) look right: both when
    its quote is the text there, none when it is not; else those between words."""
    if isinstance(quote, str):
        return 2 if text[start:end] == quote else 0
    return _between_words(text, start) + _between_words(text, end)


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
