"""Word edges for moving a span's start or end from the keyboard (Unicode rules, via Qt).

Positions are UTF-16 units of the document.  A *start* stop is where a word
begins, an *end* stop where one ends (``QTextBoundaryFinder`` word items:
letters and digits, so "Kyiv's" is one word and punctuation, spaces and emoji
are skipped over).  In scripts written without spaces every character edge
is a stop, as no finder knows the words there.  Blocks are searched one at a
time, so a key press costs one paragraph's worth of work.
"""

from __future__ import annotations

from PySide6.QtCore import QTextBoundaryFinder
from PySide6.QtGui import QTextBlock, QTextDocument

from annotator.word_edges import written_without_spaces

Reason = QTextBoundaryFinder.BoundaryReason


def _stops(document: QTextDocument, block: QTextBlock, edge: str) -> list[int]:
    """Document positions in ``block`` where a word starts (``edge="start"``) or ends."""
    text = block.text()
    origin = block.position()
    if not text:
        return []
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Word, text)
    wanted = Reason.StartOfItem if edge == "start" else Reason.EndOfItem
    found = []
    local = 0
    while local != -1:
        finder.setPosition(local)
        at = local if edge == "start" else local - 1  # the character inside the word
        if finder.boundaryReasons() & wanted or (at >= 0 and _no_spaces(document, origin + at)):
            found.append(origin + local)
        local = finder.toNextBoundary()
    return found


def _no_spaces(document: QTextDocument, pos: int) -> bool:
    ch = document.characterAt(pos)
    return isinstance(ch, str) and bool(ch) and written_without_spaces(ch)


def next_stop(document: QTextDocument, pos: int, edge: str) -> int | None:
    """The first word start (or end) after ``pos``, in this block or a later one."""
    block = document.findBlock(pos)
    while block.isValid():
        for stop in _stops(document, block, edge):
            if stop > pos:
                return stop
        block = block.next()
    return None


def previous_stop(document: QTextDocument, pos: int, edge: str) -> int | None:
    """The last word start (or end) before ``pos``, in this block or an earlier one."""
    block = document.findBlock(pos)
    while block.isValid():
        earlier = [stop for stop in _stops(document, block, edge) if stop < pos]
        if earlier:
            return earlier[-1]
        block = block.previous()
    return None
