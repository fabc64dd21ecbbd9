"""The spans of one open document in Qt's units (UTF-16), for painting and navigation.

Qt-free on purpose: it is fed code point spans from the store and an
``OffsetMap``, and answers in UTF-16 positions and block numbers, so the
highlighter finds a block's spans with one dictionary look-up and the caret's
spans with one bisect.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import pairwise, repeat
from typing import NamedTuple, TypeVar

from annotator.model import Span
from annotator.offsets import OffsetMap

T = TypeVar("T")

# Characters after which QTextDocument.setPlainText starts a new block ("\r\n"
# never reaches Qt: see display_text).
BLOCK_SEPARATORS = frozenset("\n\r\u2029\ufdd0\ufdd1")


class Entry(NamedTuple):
    """A span with its UTF-16 range ``[start, end)``.

    A named tuple, not a dataclass: an open document builds 10,000 of them
    before its first paint, and tuples are the cheapest to make.
    """

    span: Span
    start: int
    end: int

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.span.id)


# A paragraph longer than this is shown as several blocks (see display_text).
LONG_PARAGRAPH = 4000
PIECE = 2000
_SEPARATORS = re.compile("([" + "".join(sorted(BLOCK_SEPARATORS)) + "])")


def split_at_edges(
    entries: Iterable[Entry], origin: int, length: int, layer: Callable[[Entry], T]
) -> list[tuple[int, int, tuple[T, ...]]]:
    """Cut the block at ``origin`` (``length`` units) at every edge of its spans:
    ``(start, end, layers)`` per piece that some span covers, positions within
    the block, one ``layer(entry)`` per covering span, outer first (longer,
    then earlier, the id keeping the order stable).

    One sweep over the edges, keeping the spans open at each: a block with
    thousands of spans stays fast.
    """
    clipped = []
    for e in entries:
        start, end = max(e.start - origin, 0), min(e.end - origin, length)
        if start < end:
            clipped.append((start, end, e))
    clipped.sort(key=lambda c: (-(c[2].end - c[2].start), c[2].start, c[2].span.id))
    opens: dict[int, list[int]] = {}  # edge -> ranks (places in ``clipped``) opening there
    closes: dict[int, list[int]] = {}
    for rank, (start, end, _e) in enumerate(clipped):
        opens.setdefault(start, []).append(rank)
        closes.setdefault(end, []).append(rank)
    layers = [layer(e) for _s, _t, e in clipped]
    out = []
    open_ranks: list[int] = []  # sorted: outer first
    for a, b in pairwise(sorted({0, length, *opens, *closes})):
        for rank in closes.get(a, ()):
            open_ranks.remove(rank)
        for rank in opens.get(a, ()):
            insort(open_ranks, rank)
        if open_ranks:
            out.append((a, b, tuple(layers[r] for r in open_ranks)))
    return out


@lru_cache(maxsize=4)  # the view and the span index of one article (two in a review) ask alike
def display_text(text: str) -> str:
    """``text`` as handed to Qt: same length in UTF-16, one block per paragraph.

    Qt folds "\\r\\n" into ONE block separator, which would shift every offset
    after it; a space in place of the "\\r" keeps the lengths equal.

    Qt lays out and repaints a block as a whole: an article without line breaks
    would be one block, and every key press would lay out all of it again (about
    0.3 s for 300 KB).  So a paragraph longer than ``LONG_PARAGRAPH`` characters
    is shown as blocks of about ``PIECE``: the space after a sentence (else any
    space) near each cut becomes U+2029, one UTF-16 unit like the space, so no
    offset moves.  The stored text is not touched; copying from the view gives
    the stored text back (``DocumentView``).
    """
    if "\r" in text:
        text = text.replace("\r\n", " \n")
    if len(text) <= LONG_PARAGRAPH:
        return text
    parts = _SEPARATORS.split(text)  # paragraphs and, between them, their separators
    if max(map(len, parts[::2])) <= LONG_PARAGRAPH:
        return text
    parts[::2] = [_cut(p) if len(p) > LONG_PARAGRAPH else p for p in parts[::2]]
    return "".join(parts)


def _cut(paragraph: str) -> str:
    pieces, start = [], 0
    while len(paragraph) - start > LONG_PARAGRAPH:
        low, high = start + PIECE // 2, start + PIECE
        cut = paragraph.rfind(". ", low, high + 1)
        cut = cut + 1 if cut != -1 else paragraph.rfind(" ", low, high + 1)
        if cut == -1:
            cut = paragraph.find(" ", high)  # a very long word: the next space
        if cut == -1:
            break  # no space left (a script written without spaces): one block
        pieces.append(paragraph[start:cut])
        start = cut + 1
    pieces.append(paragraph[start:])
    return "\u2029".join(pieces)


def block_starts(text: str, offsets: OffsetMap) -> list[int]:
    """UTF-16 positions where Qt's blocks start for ``display_text(text)``."""
    shown = display_text(text)  # as many code points as ``text``: ``offsets`` fits it
    # str.find per separator beats a Python loop over a megabyte of characters.
    cps: list[int] = []
    for sep in BLOCK_SEPARATORS:
        i = shown.find(sep)
        while i != -1:
            cps.append(i + 1)
            i = shown.find(sep, i + 1)
    cps.sort()
    return [0] + [offsets.to_utf16(cp) for cp in cps]


class SpanIndex:
    """Sorted spans in UTF-16 units, bucketed by the blocks they touch.

    With ``eager_until`` only the spans starting before that UTF-16 position
    are indexed at once (enough to paint the first screens); the rest are
    indexed on the first question that needs them, normally right after the
    first paint.
    """

    def __init__(self, text: str, offsets: OffsetMap, spans: Iterable[Span] = (),
                 *, eager_until: int | None = None) -> None:  # fmt: skip
        self.offsets = offsets
        self.block_starts = block_starts(text, offsets)
        self._by_id: dict[str, Entry] = {}
        self._keys: list[tuple[int, int, str]] = []
        self._blocks: dict[int, list[Entry]] = {}
        spans = list(spans)
        self._rest: list[Span] = []
        self._eager_block = len(self.block_starts)
        if eager_until is not None and eager_until < offsets.utf16_length:
            if any(a.start > b.start for a, b in pairwise(spans)):
                spans.sort(key=lambda s: s.start)
            cut = bisect_left(spans, offsets.to_codepoint(eager_until, snap="down"),
                              key=lambda s: s.start)  # fmt: skip
            spans, self._rest = spans[:cut], spans[cut:]
            self._eager_block = self.block_of(eager_until)
        self._index_all(spans)

    def _index_all(self, spans: list[Span], touched: set[int] | None = None) -> None:
        """Index ``spans`` (none of them here yet); add the blocks they touch to ``touched``."""
        # One flat loop (no method calls per span): this runs before the first paint.
        to_utf16, starts, blocks = self.offsets.to_utf16, self.block_starts, self._blocks
        by_id, keys = self._by_id, self._keys
        for span in spans:
            start, end = to_utf16(span.start), to_utf16(span.end)
            entry = Entry(span, start, end)
            by_id[span.id] = entry
            keys.append((start, end, span.id))
            first = bisect_right(starts, start) - 1
            last = bisect_right(starts, end - 1, lo=first) - 1 if end - 1 > start else first
            if touched is not None:
                touched.add(first)
                if last != first:
                    touched.update(range(first + 1, last + 1))
            for block in range(first, last + 1):
                bucket = blocks.get(block)
                if bucket is None:
                    blocks[block] = [entry]
                else:
                    bucket.append(entry)
        keys.sort()

    def complete(self) -> None:
        """Index the spans left for later, if any."""
        if self._rest:
            rest, self._rest = self._rest, []
            self._index_all(rest)
            self._eager_block = len(self.block_starts)

    def __len__(self) -> int:
        self.complete()
        return len(self._by_id)

    def __contains__(self, span_id: object) -> bool:
        self.complete()
        return span_id in self._by_id

    def entry(self, span_id: str) -> Entry | None:
        self.complete()
        return self._by_id.get(span_id)

    def entries(self) -> list[Entry]:
        """Every entry in document order."""
        self.complete()
        return [self._by_id[k[2]] for k in self._keys]

    def block_of(self, pos: int) -> int:
        return bisect_right(self.block_starts, pos) - 1

    def blocks_of(self, entry: Entry) -> range:
        return range(self.block_of(entry.start), self.block_of(max(entry.start, entry.end - 1)) + 1)

    def in_block(self, block: int) -> list[Entry]:
        if block >= self._eager_block:
            self.complete()
        return self._blocks.get(block, [])

    def blocks_with_spans(self) -> list[int]:
        """Block numbers that have spans, in order."""
        self.complete()
        return sorted(self._blocks)

    # -- changes: each returns the blocks to repaint --------------------------------

    def add(self, span: Span) -> range:
        self.complete()
        return self.blocks_of(self._insert(span))

    def remove(self, span_id: str) -> range:
        self.complete()
        entry = self._by_id.pop(span_id, None)
        if entry is None:
            return range(0)
        del self._keys[bisect_left(self._keys, entry.key)]
        blocks = self.blocks_of(entry)
        for block in blocks:
            bucket = self._blocks[block]
            bucket.remove(entry)
            if not bucket:
                del self._blocks[block]
        return blocks

    def remove_many(self, span_ids: Iterable[str]) -> set[int]:
        """Remove these spans in one pass over the index (an undo of thousands);
        the blocks to repaint."""
        self.complete()
        gone = [e for e in map(self._by_id.pop, span_ids, repeat(None)) if e is not None]
        blocks: set[int] = set()
        if not gone:
            return blocks
        keys = {e.key for e in gone}
        self._keys = [k for k in self._keys if k not in keys]
        for entry in gone:
            blocks.update(self.blocks_of(entry))
        ids = {e.span.id for e in gone}
        for block in blocks:
            bucket = [e for e in self._blocks[block] if e.span.id not in ids]
            if bucket:
                self._blocks[block] = bucket
            else:
                del self._blocks[block]
        return blocks

    def add_many(self, spans: Iterable[Span]) -> set[int]:
        """Add spans not in the index yet, in one pass; the blocks to repaint."""
        self.complete()
        blocks: set[int] = set()
        self._index_all([s for s in spans if s.id not in self._by_id], blocks)
        return blocks

    def _insert(self, span: Span) -> Entry:
        if span.id in self._by_id:
            self.remove(span.id)
        entry = Entry(span, self.offsets.to_utf16(span.start), self.offsets.to_utf16(span.end))
        self._by_id[span.id] = entry
        insort(self._keys, entry.key)
        for block in self.blocks_of(entry):
            self._blocks.setdefault(block, []).append(entry)
        return entry

    # -- queries ---------------------------------------------------------------------

    def at(self, pos: int, *, annotator: str | None = None) -> list[Entry]:
        """Spans touching the caret at ``pos``, innermost (shortest) first.

        A span contains the caret when ``start <= pos <= end``, so the caret just
        after a span (where tagging leaves it) still reaches it; among spans of
        one length, those that really surround the caret come first.
        """
        block = self.block_of(pos)
        candidates = list(self.in_block(block))
        if block > 0 and pos == self.block_starts[block]:
            candidates += self.in_block(block - 1)
        found = {
            e.span.id: e
            for e in candidates
            if e.start <= pos <= e.end and (annotator is None or e.span.annotator == annotator)
        }
        return sorted(
            found.values(),
            key=lambda e: (e.end - e.start, not e.start < pos < e.end, -e.start, e.span.id),
        )

    def same_range(self, start: int, end: int) -> list[Entry]:
        """Entries covering exactly ``[start, end)``."""
        self.complete()
        i = bisect_left(self._keys, (start, end, ""))
        found = []
        while i < len(self._keys) and self._keys[i][:2] == (start, end):
            found.append(self._by_id[self._keys[i][2]])
            i += 1
        return found

    def first_from(self, pos: int, wanted: Callable[[Entry], bool]) -> Entry | None:
        """The first entry starting at or after ``pos`` that ``wanted`` accepts."""
        self.complete()
        keys = self._keys
        for i in range(bisect_left(keys, (pos,)), len(keys)):
            entry = self._by_id[keys[i][2]]
            if wanted(entry):
                return entry
        return None

    def next_after(self, key: tuple[int, int, str]) -> Entry | None:
        """The entry after ``key`` in document order, wrapping around."""
        self.complete()
        if not self._keys:
            return None
        i = bisect_right(self._keys, key)
        return self._by_id[self._keys[i % len(self._keys)][2]]

    def previous_before(self, key: tuple[int, int, str]) -> Entry | None:
        """The entry before ``key`` in document order, wrapping around."""
        self.complete()
        if not self._keys:
            return None
        i = bisect_left(self._keys, key) - 1
        return self._by_id[self._keys[i][2]]
