"""Text as people see it: whole characters and terminal columns.

Offsets stay code points everywhere (Python's ``text[start:end]``).  This module
is only for showing text: cutting a long quote short without splitting what a
reader sees as one character (🇺🇦 is two code points, 👨🏻‍🚒 four, e + U+0301
two), and padding terminal columns so rows with CJK or emoji line up.

``clusters`` follows the parts of Unicode's grapheme cluster rules (UAX #29)
that news text meets: a base with its combining marks, variation selectors
and skin tones; emoji joined by U+200D; flags as pairs of regional
indicators, and subdivision flags' tag characters; CR LF.  Terminal widths
follow East Asian Width: wide and fullwidth characters (CJK, and emoji, which
Unicode marks wide) take two columns.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
_ZWJ = "\u200d"
_EMOJI_STYLE = "\ufe0f"


def _regional(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def extends(char: str) -> bool:
    """True for a code point that belongs to the character before it."""
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")  # accents, variation selectors
        or char == _ZWJ
        or "\U0001f3fb" <= char <= "\U0001f3ff"  # skin tones
        or "\U000e0020" <= char <= "\U000e007f"  # tags of subdivision flags
    )


def clusters(text: str) -> list[str]:
    """``text`` cut into the characters a reader sees; joined, they are ``text``."""
    out: list[str] = []
    joined = False  # the previous code point was U+200D: this one joins it
    for char in text:
        if out and (
            joined
            or extends(char)
            or (char == "\n" and out[-1] == "\r")
            or (_regional(char) and len(out[-1]) == 1 and _regional(out[-1]))
        ):
            out[-1] += char
        else:
            out.append(char)
        joined = char == _ZWJ
    return out


def whole_characters(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened so that it cuts no character a reader sees (a
    letter from its accent, half of 👨🏻‍🚒 or of a flag): the offsets a selection
    made character by character should have, whatever the mouse did."""
    return _edge(text, start, down=True), _edge(text, end, down=False)


def _edge(text: str, at: int, *, down: bool) -> int:
    if at <= 0 or at >= len(text):
        return at
    # Cut from the last space before: the clusters there start where they should
    # (a run of flags pairs its regional indicators from the run's start).
    lo = max(text.rfind(" ", max(0, at - 256), at), text.rfind("\n", max(0, at - 256), at)) + 1
    lo = lo or max(0, at - 256)
    pos = lo
    for cluster in clusters(text[lo : at + 64]):
        if pos >= at:
            return pos
        if pos + len(cluster) > at:  # ``at`` falls inside this character
            return pos if down else pos + len(cluster)
        pos += len(cluster)
    return at


def _cells(cluster: str) -> int:
    first = cluster[0]
    if unicodedata.category(first) in ("Cc", "Cf") and not _regional(first):
        return 0
    if _regional(first):
        return 2 if len(cluster) > 1 else 1
    if unicodedata.east_asian_width(first) in ("W", "F") or _EMOJI_STYLE in cluster:
        return 2
    return 1


def cells(text: str) -> int:
    """How many terminal columns ``text`` takes."""
    return sum(map(_cells, clusters(text)))


def shorten(text: str, limit: int, *, in_cells: bool = False) -> str:
    """``text`` if it fits in ``limit`` characters (terminal columns when
    ``in_cells``), else as many whole characters as fit with "…" after them."""
    parts = clusters(text)
    sizes = list(map(_cells, parts)) if in_cells else [1] * len(parts)
    if sum(sizes) <= limit:
        return text
    kept, used = [], 0
    for part, size in zip(parts, sizes, strict=True):
        if used + size > limit - 1:
            break
        kept.append(part)
        used += size
    return "".join(kept).rstrip() + ELLIPSIS  # "talks…", not "talks …"


# Control characters (C0, DEL, C1): a terminal would obey them (ESC starts a colour
# change or a cursor move), a table would break at a newline or a tab.
_CONTROLS = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0)], " ")


def one_line(text: str, limit: int, *, in_cells: bool = False) -> str:
    """``text`` on one line: every run of white space and control characters as one
    space, shortened to ``limit`` characters (or terminal columns)."""
    return shorten(" ".join(text.translate(_CONTROLS).split()), limit, in_cells=in_cells)


def counted(count: int, word: str) -> str:
    """"1 document", "2 documents", "1,000 spans": a count with its noun (plural in -s)."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


_CHOICE = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")


def with_count(template: str, count: int) -> str:
    """``template`` with ``{n}`` as the count and each ``{one|many}`` as the word
    that agrees with it: ``with_count("{n} record{|s} name{s|} no analyst", 1)``
    is "1 record names no analyst"."""
    chosen = _CHOICE.sub(lambda m: m[1] if count == 1 else m[2], template)
    return chosen.replace("{n}", f"{count:,}")


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` filled with spaces to ``width`` terminal columns (on the left if ``right``)."""
    fill = " " * max(0, width - cells(text))
    return fill + text if right else text + fill


def offset(value: object) -> str:
    """An offset from a file as a message shows it: an integer of more than 20
    digits (a hostile file's 4,000) as its first and last digits and its length,
    anything else as its repr cut to 40 characters, so the message stays one
    readable line."""
    if type(value) is not int:
        return shorten(repr(value), 40)
    digits = str(value)
    size = len(digits.lstrip("-"))
    return digits if size <= 20 else f"{digits[:-size + 6]}…{digits[-4:]} ({size:,} digits)"
