"""Word snapping: a sloppy selection grows to whole words (Unicode rules, via Qt).

Positions are UTF-16 units of the document.  Each edge is moved within its own
block only, with ``QTextBoundaryFinder`` (UAX #29 word boundaries), so
"Zelen|sky" becomes "Zelensky" and "Kyiv's" stays one word.  Scripts written
without spaces (Chinese, Japanese, Thai, ...) have no word a reader would
expect to grow to, so an edge next to such a character stays where it is
(``annotator.word_edges`` holds that list, and the rules "Tag all" keeps).
"""

from __future__ import annotations

from PySide6.QtCore import QTextBoundaryFinder
from PySide6.QtGui import QTextDocument

from annotator.word_edges import is_space, written_without_spaces


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
    while start < end and is_space(_char(document, start)):
        start += 1
    while end > start and is_space(_char(document, end - 1)):
        end -= 1
    return start, end


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
