"""Word snapping: a sloppy selection grows to whole words (Unicode rules, via Qt).

Positions are UTF-16 units of the document.  Each edge is moved within its own
block only, with ``QTextBoundaryFinder`` (UAX #29 word boundaries), so
"Zelen|sky" becomes "Zelensky" and "Kyiv's" stays one word.  Scripts written
without spaces (Chinese, Japanese, Thai, ...) have no word a reader would
expect to grow to, so an edge next to such a character stays where it is.
"""

from __future__ import annotations

from PySide6.QtCore import QTextBoundaryFinder
from PySide6.QtGui import QTextDocument

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
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _NO_SPACE_RANGES)


def snap_to_words(document: QTextDocument, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` trimmed of outer white space and grown to word edges.

    Returns an empty range (start == end) when the selection is only white space.
    """
    start, end = _trim(document, start, end)
    if start >= end:
        return start, start
    return _grow(document, start, backwards=True), _grow(document, end, backwards=False)


def _char(document: QTextDocument, pos: int) -> str:
    ch = document.characterAt(pos)
    # characterAt gives one UTF-16 unit: half a surrogate pair is not white space
    # and not CJK, which is what the callers need.
    return ch if isinstance(ch, str) and ch else "\0"


def _trim(document: QTextDocument, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_space(_char(document, start)):
        start += 1
    while end > start and _is_space(_char(document, end - 1)):
        end -= 1
    return start, end


def _is_space(ch: str) -> bool:
    return ch.isspace() or ch in "\u2029\u2028"


def _grow(document: QTextDocument, pos: int, *, backwards: bool) -> int:
    block = document.findBlock(pos if backwards else max(pos - 1, 0))
    origin = block.position()
    text = block.text()
    local = pos - origin
    inside = _char(document, pos if backwards else pos - 1)
    # block.length() counts UTF-16 units plus the block separator.
    if written_without_spaces(inside) or not 0 < local < block.length() - 1:
        return pos
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, text)
    finder.setPosition(local)
    if finder.isAtBoundary():
        return pos
    moved = finder.toPreviousBoundary() if backwards else finder.toNextBoundary()
    return pos if moved < 0 else origin + moved
