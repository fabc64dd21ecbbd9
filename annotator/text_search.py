"""Finding a query in one article as the corpus search does: case, accents and
the way an accent is written (one code point, or a letter and a combining
mark) do not matter, and a match never cuts a letter from its marks.

``ArticleSearch`` looks at the article's distinct characters once and folds
each (``search.fold``).  A query becomes a regular expression over the
article itself: each of its folded letters is the class of the article's
characters that fold to it, followed by any marks that fold to nothing; a
character that folds to several letters ("ß" to "ss") is one more choice.
So matches come straight out as code point offsets in the article, and the
search runs at the speed of ``re`` (folding the text itself, one character at
a time, took ten times as long on a 1 MB article).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from .store.search import fold

_MARKS = frozenset({"Mn", "Mc", "Me"})  # combining, spacing and enclosing marks


class ArticleSearch:
    """Searches one article; make one per text (it reads the text's characters once)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._one: dict[str, list[str]] = defaultdict(list)  # folded letter -> characters
        self._many: list[tuple[str, str]] = []  # (character, its folding of 2+ letters)
        ignored = []  # characters that fold to nothing: combining marks
        for ch in set(text):
            folded = fold(ch)
            if len(folded) == 1:
                self._one[folded].append(ch)
            elif folded:
                self._many.append((ch, folded))
            else:
                ignored.append(ch)
        self._marks = f"[{''.join(map(re.escape, sorted(ignored)))}]*" if ignored else ""

    def find_all(self, query: str) -> list[tuple[int, int]]:
        """Every match of ``query`` as ``(start, end)`` code points, in order, not
        overlapping; each ends after the marks of its last letter."""
        needle = fold(query)
        if not needle:
            return []
        pattern = re.compile(self._pattern(needle))
        text, found = self.text, []
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end:
                continue
            while end < len(text) and unicodedata.category(text[end]) in _MARKS:
                end += 1  # a spacing mark (kept by folding) belongs to its letter too
            found.append((start, end))
        return found

    def _pattern(self, needle: str) -> str:
        """The expression for ``needle``, letter by letter (a loop: a pasted
        paragraph is thousands of letters).  Where the letters ahead are what a
        character folds to ("ss" for "ß"), that character is one more choice for
        them all: taken from left to right, so the expression grows with the
        query, never doubling ("sß" is then not found for "sss", "ßs" is)."""
        parts, at = [], 0
        while at < len(needle):
            wider = [(ch, folded) for ch, folded in self._many if needle.startswith(folded, at)]
            if not wider:
                parts.append(self._rest(needle, at, at + 1))
                at += 1
                continue
            size = max(len(folded) for _, folded in wider)
            choices = [self._rest(needle, at, at + size)] + [
                re.escape(ch) + self._marks + self._rest(needle, at + len(folded), at + size)
                for ch, folded in wider
            ]
            parts.append(f"(?:{'|'.join(choices)})")
            at += size
        return "".join(parts)

    def _rest(self, needle: str, start: int, end: int) -> str:
        """``needle[start:end]`` letter by letter: each the class of the article's
        characters that fold to it, followed by any marks."""
        return "".join(
            f"[{''.join(map(re.escape, sorted(self._one.get(c, []) or [c])))}]{self._marks}"
            for c in needle[start:end]
        )
