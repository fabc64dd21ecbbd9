"""Word edges as tagging by hand sees them, without Qt, for tagging many at once.

Tagging by hand trims white space off a selection, refuses a blank one and grows
each edge to a whole word (``ui/snapping.py``, Unicode's word rules through Qt).
"Tag all" cannot grow a match the same way: "Kyiv" grown inside "Kyivstar"
would tag a word nobody searched for.  So its matches are trimmed the same way,
and a match whose edge falls inside a word is left out.

An edge is inside a word when it cuts a character a reader sees (a letter from
its accent, half a flag: ``display_text.whole_characters``), or when it has a
letter or digit on both sides (a letter's marks count as that letter), unless
one of them is of a script written without spaces, where the snap too leaves an
edge where it is.  So "Kyiv" is a word in "Kyiv's" and "Kyiv-based", not in
"Kyivstar".
"""

from __future__ import annotations

import unicodedata

from .display_text import whole_characters

_MARKS = frozenset({"Mn", "Mc", "Me"})  # combining, spacing and enclosing marks

# Scripts written without spaces between words (code point ranges).
_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x31FF),  # Hiragana, Katakana, Bopomofo, Kanbun, ...
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF65, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B-H
)


def written_without_spaces(ch: str) -> bool:
    """True for a character of a script whose words no space separates (CJK, Thai...)."""
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _NO_SPACE_RANGES)


def is_space(ch: str) -> bool:
    """White space, as the snap trims it (the line and paragraph separators too)."""
    return ch.isspace() or ch in "\u2029\u2028"


def trim_spaces(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without white space at either edge; empty if it was all blank."""
    while start < end and is_space(text[start]):
        start += 1
    while end > start and is_space(text[end - 1]):
        end -= 1
    return start, end


def exact_range(text: str, start: int, end: int) -> tuple[int, int] | None:
    """An exact selection ``[start, end)`` as a span takes it: whole characters
    (``whole_characters``), without the white space at its ends (no span starts
    or ends on a space, tagged by hand or not); None when nothing else is left."""
    start, end = trim_spaces(text, *whole_characters(text, start, end))
    return whole_characters(text, start, end) if start < end else None


def _maybe_cut(before: str, after: str) -> bool:
    """A quick test: could ``after`` belong to the character ``before`` is part of?
    (A mark, a joiner, a skin tone, a flag's second half, LF after CR.)  Only then
    is the slower ``whole_characters`` asked."""
    if after.isascii():
        return before == "\u200d" or (before == "\r" and after == "\n")
    return (
        before == "\u200d"
        or after == "\u200d"
        or after >= "\U0001f1e6"  # regional indicators, skin tones, tags (and more emoji)
        or unicodedata.category(after) in _MARKS
    )


def cuts_a_character(text: str, at: int) -> bool:
    """True if code point offset ``at`` falls inside a character a reader sees (a
    letter and its accent, 👨🏻‍🚒, a flag); a quick test first, as most offsets do not."""
    return (0 < at < len(text) and _maybe_cut(text[at - 1], text[at])
            and whole_characters(text, at, at)[0] != at)  # fmt: skip


def inside_word(text: str, at: int) -> bool:
    """True if code point offset ``at`` cuts a word or a character a reader sees."""
    if not 0 < at < len(text):
        return False
    after = text[at]
    back = at - 1
    while back > 0 and unicodedata.category(text[back]) in _MARKS:
        back -= 1  # a letter's marks count as that letter
    before = text[back]
    if cuts_a_character(text, at):
        return True
    return (
        before.isalnum()
        and after.isalnum()
        and not written_without_spaces(before)
        and not written_without_spaces(after)
    )
