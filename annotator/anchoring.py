"""Re-anchoring spans when an article's text is replaced by a new version.

Pure functions over the old text, the new text and span offsets (code points,
end-exclusive); no SQL, no Qt.  ``reanchor(old, new, spans)`` gives one
``Placement`` per ``(start, end)``, trying in order:

1. **exact**: the old start mapped through a diff of the two texts (the old
   position itself when nothing before it changed), if it lies in text the diff
   kept and the quote is still there.
2. **exact, searched** (a moved paragraph): the quote found verbatim elsewhere.
   Occurrences rank by context, the code points equal just before and after the
   quote (up to 32 each side), then by nearness to the mapped position.  Accepted
   when quote + matching context reach ``MIN_EVIDENCE`` (32) code points: a long
   quote stands alone, a short one ("Kyiv") needs its neighbours.
3. **fuzzy** (a typo fixed in the quote): near the mapped position, and where the
   old 32-code-point prefix or suffix occurs again, the stretch of the new text
   that best aligns with the quote, its edges on word boundaries where the span's
   were, and on whole characters (an accent or a skin tone stays with its
   letter or emoji).  Score: the ``difflib`` ratio of the stretch to the quote; unless the diff
   ties the stretch to the span's own place (an edge, or the character beyond one,
   unchanged from the span's), the ratio of the quote with 32 code points of context
   on each side counts too (the lower wins).  Accepted at ``FUZZY_THRESHOLD`` (0.8):
   "goverment" -> "government" (0.95) passes, "resigned" -> "stayed" does not, nor
   "Kyvi" -> "Kyiv" (0.75: a one-letter change in a word of four letters or fewer).
4. **orphan**: the span keeps its old offsets and quote.

Steps 2 and 3 never land on text the diff kept from outside the span: that text
is the unchanged image of other words (a removed sentence's "Prices" does not
take over the next sentence's "Prices").

The diff is ``annotator.textdiff.TextMap``: sentence chunks, then word tokens,
about 0.1 s for 1 MB with 100 edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from os.path import commonprefix

from .display_text import extends, whole_characters
from .textdiff import TextMap

CONTEXT = 32  # code points of prefix and of suffix compared around a quote
MIN_EVIDENCE = 32  # quote + matching context, in code points, for a searched match
FUZZY_THRESHOLD = 0.8  # lowest accepted score of a fuzzy placement

EXACT, FUZZY, ORPHAN = "exact", "fuzzy", "orphan"


@dataclass(frozen=True)
class Placement:
    """Where one span lands: ``kind`` exact, fuzzy or orphan (then the old offsets)."""

    kind: str
    start: int
    end: int
    score: float = 1.0


def reanchor(old: str, new: str, spans: Sequence[tuple[int, int]]) -> list[Placement]:
    """One ``Placement`` per ``(start, end)`` of ``old``, in the same order."""
    mapping = TextMap(old, new)
    done: dict[tuple[int, int], Placement] = {}  # two analysts' identical spans: once
    out = []
    for start, end in spans:
        key = (start, end)
        if key not in done:
            done[key] = anchor_span(old, new, mapping, start, end)
        out.append(done[key])
    return out


def anchor_span(old: str, new: str, mapping: TextMap, start: int, end: int) -> Placement:
    """Steps 1-4 of the module docstring for one span ``old[start:end]``."""
    quote = old[start:end]
    mapped, exact = mapping.map(start)
    length = len(quote)
    if (exact and new[mapped : mapped + length] == quote
            and _whole(new, mapped, length, old, start, end)):  # fmt: skip
        return Placement(EXACT, mapped, mapped + length)
    found = _search(old, new, mapping, start, end, mapped)
    if found is not None:
        return Placement(EXACT, found, found + len(quote))
    fuzzy = _fuzzy(old, new, mapping, start, end, mapped)
    if fuzzy is not None:
        return fuzzy
    return Placement(ORPHAN, start, end, 0.0)


def _whole(new: str, at: int, length: int, old: str, start: int, end: int) -> bool:
    """Whether ``new[at:at + length]`` ends where a character ends, and starts and
    ends where words do, unless the old span did not either: "Jose" is not all
    of "José" written with a combining accent, nor 👍 all of 👍🏽, nor "budget
    overrun" all of "budget overruns".  (Its start is the quote's own first
    character.)"""
    after = new[at + length : at + length + 1]
    if after and after != old[end : end + 1] and extends(after):
        return False
    return not ((_mid_word(new, at) and not _mid_word(old, start))
                or (_mid_word(new, at + length) and not _mid_word(old, end)))  # fmt: skip


def _context(old: str, start: int, end: int, new: str, at: int) -> int:
    """Code points equal on both sides of the quote (up to CONTEXT each side)."""
    before = commonprefix(
        [old[max(0, start - CONTEXT) : start][::-1], new[max(0, at - CONTEXT) : at][::-1]]
    )
    after = commonprefix(
        [old[end : end + CONTEXT], new[at + end - start : at + end - start + CONTEXT]]
    )
    return len(before) + len(after)


def _occurrences(text: str, needle: str, shift: int) -> set[int]:
    found, i = set(), text.find(needle)
    while i != -1:
        found.add(i + shift)
        i = text.find(needle, i + 1)
    return found


def _search(old: str, new: str, mapping: TextMap, start: int, end: int, mapped: int) -> int | None:
    """Step 2: the best-placed verbatim occurrence with enough evidence, or None."""
    length = end - start
    need = max(0, MIN_EVIDENCE - length)
    if need == 0:
        candidates = _occurrences(new, old[start:end], 0)
    else:
        # Context p + q >= need means p or q >= half of it: only occurrences that
        # carry that much of the old prefix or suffix can qualify.
        half = -(-need // 2)
        candidates = set()
        if half <= min(CONTEXT, start):
            candidates |= _occurrences(new, old[start - half : end], half)
        if half <= min(CONTEXT, len(old) - end):
            candidates |= _occurrences(new, old[start : end + half], 0)
    best: tuple[int, int, int] | None = None
    for at in candidates:
        score = _context(old, start, end, new, at)
        if (length + score >= MIN_EVIDENCE and not mapping.claimed(at, at + length, start, end)
                and _whole(new, at, length, old, start, end)):  # fmt: skip
            key = (-score, abs(at - mapped), at)
            best = key if best is None or key < best else best
    return None if best is None else best[2]


def _fuzzy(
    old: str, new: str, mapping: TextMap, start: int, end: int, mapped: int
) -> Placement | None:
    """Step 3: the best window near the mapped position or the old context."""
    quote, length = old[start:end], end - start
    anchors = {mapped}
    prefix, suffix = old[max(0, start - CONTEXT) : start], old[end : end + CONTEXT]
    for context, shift in ((prefix, len(prefix)), (suffix, -length)):
        if len(context) >= CONTEXT // 2:  # the old neighbours, found again: 3 nearest
            found = _occurrences(new, context, shift)
            anchors.update(sorted(found, key=lambda p: abs(p - mapped))[:3])
    best: Placement | None = None
    for anchor in sorted(anchors, key=lambda p: abs(p - mapped)):
        candidates = {edges for window in _windows(new, quote, anchor)
                      for edges in _snapped(old, start, end, new, *window)}  # fmt: skip
        for s, e in candidates:
            s, e = whole_characters(new, s, e)  # never a letter without its accent
            if mapping.claimed(s, e, start, end):
                continue
            score = _ratio(new[s:e], quote)
            if not mapping.anchored(s, e, start, end):  # then the context must agree too
                score = min(
                    score, _ratio(_around(new, s, e, new[s:e]), _around(old, start, end, quote))
                )
            if score >= FUZZY_THRESHOLD and (best is None or score > best.score):
                best = Placement(FUZZY, s, e, round(score, 3))
    return best


def _mid_word(text: str, pos: int) -> bool:
    return 0 < pos < len(text) and text[pos - 1].isalnum() and text[pos].isalnum()


def _snapped(old: str, start: int, end: int, new: str, s: int, e: int) -> set[tuple[int, int]]:
    """The window with each edge moved (back or forth) to a word boundary where
    the old span's edge was one: similarity alone would rather cut a word short."""
    edges = []
    for pos, was_mid in ((s, _mid_word(old, start)), (e, _mid_word(old, end))):
        if was_mid or not _mid_word(new, pos):
            edges.append({pos})
            continue
        back, forth = pos, pos
        while _mid_word(new, back):
            back -= 1
        while _mid_word(new, forth):
            forth += 1
        edges.append({back, forth})
    return {(a, b) for a in edges[0] for b in edges[1] if a < b}


def _around(text: str, start: int, end: int, middle: str) -> str:
    return text[max(0, start - CONTEXT) : start] + middle + text[end : end + CONTEXT]


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _windows(new: str, quote: str, anchor: int) -> list[tuple[int, int]]:
    """The stretch of ``new`` near ``anchor`` that best aligns with ``quote``, and
    the same without the quote's unmatched head and tail: what is missing may
    have been deleted ("Reuters" become "Reuter,"), not replaced."""
    pad = 16 + len(quote) // 4
    lo = max(0, anchor - pad)
    region = new[lo : min(len(new), anchor + len(quote) + pad)]
    blocks = [
        b
        for b in SequenceMatcher(None, region, quote, autojunk=False).get_matching_blocks()
        if b.size
    ]
    if not blocks:
        return []
    # Stray one- or two-letter matches far out would stretch the window: skip them.
    longest = max(b.size for b in blocks)
    kept = [b for b in blocks if b.size >= min(3, longest)]
    first, last = kept[0], kept[-1]
    found = []
    for s, e in (
        (_edge(region, first.a, quote[: first.b], leading=True),
         _edge(region, last.a + last.size, quote[last.b + last.size :], leading=False)),
        (first.a, last.a + last.size),
    ):  # fmt: skip
        while s < e and region[s].isspace() and not quote[0].isspace():
            s += 1
        while e > s and region[e - 1].isspace() and not quote[-1].isspace():
            e -= 1
        if s < e:
            found.append((lo + s, lo + e))
    return found


def _edge(region: str, at: int, unmatched: str, *, leading: bool) -> int:
    """Where the window starts (ends) given the quote's unmatched head (tail).

    Tries lengths near the unmatched part's own and keeps the most similar,
    the nearest to the same length on a tie (a one-letter fix keeps its size).
    """
    if not unmatched:
        return at
    n = len(unmatched)
    best: tuple[float, int, int] | None = None
    for size in range(max(0, n - 3), n + 4):
        edge = at - size if leading else at + size
        if not 0 <= edge <= len(region):
            continue
        piece = region[edge:at] if leading else region[at:edge]
        key = (-_ratio(piece, unmatched), abs(size - n), edge)
        best = key if best is None or key < best else best
    return at if best is None else best[2]


@dataclass(frozen=True)
class AnchoredSpan:
    """One span of a replaced text: where it was, and where (and how) it landed."""

    span_id: str
    label: str
    annotator: str
    old_start: int
    old_end: int
    old_quote: str
    kind: str  # exact, fuzzy or orphan
    start: int  # for an orphan: the old offsets, in the text of its revision
    end: int
    quote: str
    score: float

    @property
    def moved(self) -> bool:
        return (self.start, self.end) != (self.old_start, self.old_end)


@dataclass(frozen=True)
class AnchorReport:
    """What ``Store.replace_text`` did to every span of the document."""

    document_id: int
    revision_id: int  # the revision that keeps the old text
    old_length: int
    new_length: int
    spans: tuple[AnchoredSpan, ...]
    orphaned_relations: tuple[str, ...]  # relations with an orphaned end: kept, not exported
    placed_again: tuple[str, ...] = ()  # orphans of earlier texts placed in this one

    def of_kind(self, kind: str) -> list[AnchoredSpan]:
        return [s for s in self.spans if s.kind == kind]

    @property
    def exact(self) -> list[AnchoredSpan]:
        return self.of_kind(EXACT)

    @property
    def fuzzy(self) -> list[AnchoredSpan]:
        return self.of_kind(FUZZY)

    @property
    def orphaned(self) -> list[AnchoredSpan]:
        return self.of_kind(ORPHAN)
