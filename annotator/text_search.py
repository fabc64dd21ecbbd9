"""Finding a query in one article as the corpus search does: case, accents and
the way an accent is written (one code point, or a letter and a combining
mark) do not matter, and a match never cuts a letter from its marks.

``ArticleSearch`` folds the article once (``search.fold``, character by
character: ASCII runs by ``str.lower``, every other distinct character once)
and keeps, for the characters whose folding is not one letter long ("ß" is
"ss", a combining accent nothing, "ﬃ" "ffi"), where their folding starts and
ends.  A query is folded the same way and found with ``str.find`` in the
folded text; each match goes back to code point offsets in the article
through those few places.  So "efficient" finds "efﬁcient" and "eﬃcient",
"strasse" finds "Straße", and a long pasted quote costs what ``find`` costs.

``find_to_tag`` gives the matches "Tag all" may tag, by the rules of tagging
by hand (``word_edges``): trimmed of white space, and none inside a longer word.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from .store.search import fold
from .word_edges import cuts_a_character, inside_word, trim_spaces

_MARKS = frozenset({"Mn", "Mc", "Me"})  # combining, spacing and enclosing marks
_NOT_ASCII = re.compile(r"([^\x00-\x7f]+)")


@dataclass(frozen=True)
class TagMatches:
    """The matches to tag, and how many were left out as part of a longer word."""

    ranges: list[tuple[int, int]]
    in_longer_words: int


class ArticleSearch:
    """Searches one article; make one per text (it folds the text once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        table = {ch: fold(ch) for ch in set(text) if not ch.isascii()}
        uneven = {ch for ch, folded in table.items() if len(folded) != 1}
        out: list[str] = []
        # For each character whose folding is not one letter: (start of its folding
        # in the folded text, end of it, its offset in the article).
        self._starts: list[int] = []
        self._places: list[tuple[int, int]] = []
        at = source = 0
        for n, run in enumerate(_NOT_ASCII.split(text)):
            if n % 2 == 0:  # ASCII
                out.append(run.lower())
                at, source = at + len(run), source + len(run)
                continue
            if not uneven.intersection(run):
                out.append("".join(map(table.__getitem__, run)))
                at, source = at + len(run), source + len(run)
                continue
            for ch in run:
                folded = table[ch]
                out.append(folded)
                if len(folded) != 1:
                    self._starts.append(at)
                    self._places.append((at + len(folded), source))
                at, source = at + len(folded), source + 1
        self.folded = "".join(out)

    def _source(self, position: int) -> int:
        """The article offset of the character that gave folded ``position``."""
        i = bisect_right(self._starts, position) - 1
        if i < 0:
            return position
        end, source = self._places[i]
        if position < end:  # inside that character's folding
            return source
        return source + 1 + (position - end)

    def find_all(self, query: str) -> list[tuple[int, int]]:
        """Every match of ``query`` as ``(start, end)`` code points, in order, not
        overlapping; each ends after the marks of its last letter."""
        needle = fold(query)
        if not needle:
            return []
        found: list[tuple[int, int]] = []
        text, at = self.text, self.folded.find(needle)
        while at >= 0:
            start = self._source(at)
            end = self._source(at + len(needle) - 1) + 1
            while end < len(text) and unicodedata.category(text[end]) in _MARKS:
                end += 1  # the marks of the last letter belong to it
            if cuts_a_character(text, start) or cuts_a_character(text, end):
                pass  # half of a flag or of 👨‍👩‍👧 is no match of a whole one
            elif not found or found[-1][1] <= start:  # "s" twice inside one "ß": once
                found.append((start, end))
            at = self.folded.find(needle, at + len(needle))
        return found

    def find_to_tag(self, query: str) -> TagMatches:
        """The matches of ``query`` as tagging by hand would keep them: white space
        trimmed off their edges, blank ones dropped, and those whose edges fall
        inside a longer word left out (counted): "Kyiv" tags "Kyiv" and "Kyiv's",
        not the start of "Kyivstar"."""
        text, ranges, left_out = self.text, [], 0
        for start, end in self.find_all(query):
            start, end = trim_spaces(text, start, end)
            if start >= end:
                continue
            if inside_word(text, start) or inside_word(text, end):
                left_out += 1
            else:
                ranges.append((start, end))
        return TagMatches(ranges, left_out)
