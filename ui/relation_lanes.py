"""Lanes for the relation connectors in the article's margin (Qt-free, for relation_margin.py).

Each connector is a vertical extent in pixels, ``(top, bottom)``.  Extents
that overlap, or come within ``gap`` pixels of each other, never share a
lane: two connectors meeting at one line stay apart, so neither seems to run
on into the other.  Shortest first, each into the lowest lane free over its
whole extent: short links (most of them, within a line or two) sit next to
the text and long ones curve round them outside.  With every lane taken at
some extent, the connector gets no lane (``None``) and is drawn as stubs.
"""

from __future__ import annotations

from collections.abc import Sequence


def assign_lanes(
    extents: Sequence[tuple[int, int]], max_lanes: int, gap: int = 2
) -> list[int | None]:
    """The lane (0 nearest the text) of each extent, or ``None`` when all are taken."""
    order = sorted(range(len(extents)),
                   key=lambda i: (extents[i][1] - extents[i][0], extents[i][0], i))  # fmt: skip
    taken: list[list[tuple[int, int]]] = [[] for _ in range(max_lanes)]
    lanes: list[int | None] = [None] * len(extents)
    for i in order:
        top, bottom = extents[i]
        for lane, held in enumerate(taken):
            if all(bottom + gap < t or top > b + gap for t, b in held):
                held.append((top, bottom))
                lanes[i] = lane
                break
    return lanes
