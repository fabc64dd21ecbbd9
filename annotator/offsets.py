"""Code point <-> UTF-16 offsets.

The store, the exports and Python count Unicode code points (``text[start:end]``);
Qt's ``QTextCursor.position()`` counts UTF-16 code units, where every character
above U+FFFF (emoji, 𝔘, many CJK extensions) takes two units.  ``OffsetMap``
indexes the astral characters of one text once, then converts any offset with one
bisect: O(log a) for a astral characters.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetMap:
    """Converts offsets of one text between code points and UTF-16 units."""

    __slots__ = ("_astral_cp", "_astral_u16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        # Code point positions of the astral characters, in order.
        self._astral_cp = [m.start() for m in _ASTRAL.finditer(text)]
        # The same characters' UTF-16 positions: each earlier astral adds one unit.
        self._astral_u16 = [cp + i for i, cp in enumerate(self._astral_cp)]
        self.length = len(text)
        self.utf16_length = self.length + len(self._astral_cp)

    def to_utf16(self, cp: int) -> int:
        """UTF-16 offset of code point offset ``cp`` (0 <= cp <= len(text))."""
        if not 0 <= cp <= self.length:
            raise ValueError(f"code point offset {cp} is outside 0..{self.length}")
        return cp + bisect_left(self._astral_cp, cp)

    def to_codepoint(self, u16: int, *, snap: str = "error") -> int:
        """Code point offset of UTF-16 offset ``u16``.

        An offset between the two halves of a surrogate pair has no code point
        position: ``snap="error"`` raises, ``"down"``/``"up"`` move it to the start
        or the end of that character.
        """
        if not 0 <= u16 <= self.utf16_length:
            raise ValueError(f"UTF-16 offset {u16} is outside 0..{self.utf16_length}")
        before = bisect_left(self._astral_u16, u16)
        if before and self._astral_u16[before - 1] + 1 == u16:
            if snap == "down":
                return self._astral_cp[before - 1]
            if snap == "up":
                return self._astral_cp[before - 1] + 1
            raise ValueError(f"UTF-16 offset {u16} splits a surrogate pair")
        return u16 - before


def utf16_length(text: str) -> int:
    """Number of UTF-16 code units in ``text``."""
    return len(text) + len(_ASTRAL.findall(text))


def to_utf16(text: str, cp: int) -> int:
    return OffsetMap(text).to_utf16(cp)


def to_codepoint(text: str, u16: int) -> int:
    return OffsetMap(text).to_codepoint(u16)
