"""Comparing two annotation layers of one document: one-to-one pairs, each with a category.

Pairing runs in three rounds, each one-to-one over the spans the earlier rounds left:

1. exact pairs: same start, end and label;
2. same-label overlapping pairs, largest overlap first;
3. overlapping pairs of other labels, largest overlap first.

Ties (equal overlap) go to the earlier span: the candidate whose A span has the
smaller ``(start, end)`` wins, then the one whose B span has the smaller
``(start, end)``; spans that are still equal are ordered by label, then by id, so
the result never depends on input order.  Within round 1, equal A spans and equal
B spans are paired in that same order.

Categories: ``match`` (same start, end, label), ``label_mismatch`` (same start and
end, other label; found in round 3), ``boundary_mismatch`` (same label,
overlapping, other boundaries), ``overlap_mismatch`` (overlapping, other label and
other boundaries), ``only_a`` and ``only_b`` for spans left without a partner.

Overlapping candidates are found with one sweep over both layers sorted by start,
keeping the spans that cover the current position in a heap by end: the work is
``O((n + m) log(n + m) + k log k)`` for ``k`` overlapping pairs, never all pairs.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Span

MATCH = "match"
LABEL_MISMATCH = "label_mismatch"
BOUNDARY_MISMATCH = "boundary_mismatch"
OVERLAP_MISMATCH = "overlap_mismatch"
ONLY_A = "only_a"
ONLY_B = "only_b"
CATEGORIES = (MATCH, LABEL_MISMATCH, BOUNDARY_MISMATCH, OVERLAP_MISMATCH, ONLY_A, ONLY_B)


@dataclass(frozen=True)
class Pair:
    """A span of layer A and its partner in layer B; one side is None for a lone span."""

    category: str
    a: Span | None
    b: Span | None

    @property
    def start(self) -> int:
        return min(s.start for s in (self.a, self.b) if s is not None)

    @property
    def end(self) -> int:
        return max(s.end for s in (self.a, self.b) if s is not None)

    @property
    def agrees(self) -> bool:
        return self.category == MATCH


Key = tuple[int, int, str, str]  # (start, end, label, id): the order of "earlier"


def _key(span: Span) -> Key:
    return (span.start, span.end, span.label, str(span.id))


def _category(a: Key, b: Key) -> str:
    same_bounds = a[0] == b[0] and a[1] == b[1]
    if a[2] == b[2]:
        return MATCH if same_bounds else BOUNDARY_MISMATCH
    return LABEL_MISMATCH if same_bounds else OVERLAP_MISMATCH


def _overlapping(
    ka: Sequence[Key], kb: Sequence[Key], free_a: list[int], free_b: list[int]
) -> list[tuple[int, int, int]]:
    """``(overlap, i, j)`` for every overlapping pair of the free spans ``ka[i]``, ``kb[j]``.

    One sweep by start; each layer keeps the spans that cover the sweep position
    (a dict of them, and a heap of their ends to drop them once passed).
    """
    events = [(ka[i][0], 0, i) for i in free_a] + [(kb[j][0], 1, j) for j in free_b]
    events.sort()
    keys = (ka, kb)
    active: tuple[dict[int, int], dict[int, int]] = ({}, {})  # index -> end
    ends: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    found: list[tuple[int, int, int]] = []
    for start, side, index in events:
        end = keys[side][index][1]
        other = 1 - side
        heap, covering = ends[other], active[other]
        while heap and heap[0][0] <= start:
            del covering[heapq.heappop(heap)[1]]
        # Every span left in ``covering`` started at or before ``start`` and ends after it.
        for k, other_end in covering.items():
            overlap = min(end, other_end) - start
            found.append((overlap, index, k) if side == 0 else (overlap, k, index))
        if end > start:
            active[side][index] = end
            heapq.heappush(ends[side], (end, index))
    return found


def compare(a: Sequence[Span], b: Sequence[Span]) -> list[Pair]:
    """Pair layer A with layer B one-to-one; every span appears in exactly one ``Pair``.

    Any objects with ``id``, ``label``, ``start`` and ``end`` will do as spans.
    The result is sorted by position: the smallest start of the pair's spans, then
    the largest end, then the A span's order, then the B span's (lone spans last).
    """
    sa = sorted(((_key(s), s) for s in a), key=lambda ks: ks[0])
    sb = sorted(((_key(s), s) for s in b), key=lambda ks: ks[0])
    ka = [k for k, _ in sa]
    kb = [k for k, _ in sb]
    partner_a: list[int | None] = [None] * len(ka)
    partner_b: list[int | None] = [None] * len(kb)

    # Round 1: exact pairs, the i-th equal A span with the i-th equal B span.
    waiting: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for j in range(len(kb) - 1, -1, -1):  # reversed, so pop() yields the earliest first
        waiting[kb[j][:3]].append(j)
    for i, key in enumerate(ka):
        candidates = waiting.get(key[:3])
        if candidates:
            j = candidates.pop()
            partner_a[i], partner_b[j] = j, i

    # Rounds 2 and 3: largest overlap first; the indices follow the (start, end,
    # label, id) order, so sorting by them gives ties to the earlier A, then B span.
    free_a = [i for i, p in enumerate(partner_a) if p is None]
    free_b = [j for j, p in enumerate(partner_b) if p is None]
    found = _overlapping(ka, kb, free_a, free_b)
    same = [c for c in found if ka[c[1]][2] == kb[c[2]][2]]
    other = [c for c in found if ka[c[1]][2] != kb[c[2]][2]]
    for round_candidates in (same, other):
        round_candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        for _, i, j in round_candidates:
            if partner_a[i] is None and partner_b[j] is None:
                partner_a[i], partner_b[j] = j, i

    keyed: list[tuple[tuple[int, int, int, int], Pair]] = []
    n, m = len(ka), len(kb)
    for i, (key, span) in enumerate(sa):
        found_j = partner_a[i]
        if found_j is None:
            keyed.append(((key[0], key[1], i, m), Pair(ONLY_A, span, None)))
        else:
            other_key, partner = sb[found_j]
            lo, hi = min(key[0], other_key[0]), max(key[1], other_key[1])
            keyed.append(((lo, hi, i, found_j), Pair(_category(key, other_key), span, partner)))
    for j, (key, span) in enumerate(sb):
        if partner_b[j] is None:
            keyed.append(((key[0], key[1], n, j), Pair(ONLY_B, None, span)))
    keyed.sort(key=lambda kp: kp[0])
    return [pair for _, pair in keyed]


def category_counts(pairs: Sequence[Pair]) -> dict[str, int]:
    """How many pairs fall in each category, every category present (for charts)."""
    counts = Counter(p.category for p in pairs)
    return {c: counts.get(c, 0) for c in CATEGORIES}
