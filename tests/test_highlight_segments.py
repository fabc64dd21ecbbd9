"""The highlighters' cutting of a paragraph into painted pieces.

``span_index.split_at_edges`` (behind the main view's ``_segments`` and the
review panes' ``segments``) sweeps over the span edges once.  Here it is held
to the plain definition, written out in the test: a piece runs between two neighbouring
edges, and carries every span that covers it whole, outer spans (longer, then
earlier, then by id) first.  Hypothesis draws the spans, nested and
overlapping, some reaching past the paragraph on either side.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.model import Span
from ui.highlighter import _segments
from ui.span_index import Entry

ORIGIN = 100  # the paragraph starts at 100 in the document, and is LENGTH long
LENGTH = 40


def entry(n: int, start: int, end: int, label: str, who: str) -> Entry:
    span = Span(id=f"s{n:03d}", document_id=1, start=start, end=end, label=label, text="",
                annotator=who, note=None, attributes={}, origin="manual",
                created_at="", updated_at="")  # fmt: skip
    return Entry(span, start, end)


def by_definition(entries: list[Entry]) -> list[tuple[int, int, tuple[tuple[str, bool], ...]]]:
    inside = [(max(e.start - ORIGIN, 0), min(e.end - ORIGIN, LENGTH), e) for e in entries]
    inside = [c for c in inside if c[0] < c[1]]
    edges = sorted({0, LENGTH} | {c[0] for c in inside} | {c[1] for c in inside})
    outer_first = sorted(inside, key=lambda c: (-(c[2].end - c[2].start), c[2].start,
                                                c[2].span.id))  # fmt: skip
    pieces = []
    for a, b in zip(edges, edges[1:]):  # noqa: B905 (one shorter on purpose)
        layers = tuple((e.span.label, e.span.annotator == "alice")
                       for s, t, e in outer_first if s <= a and b <= t)  # fmt: skip
        if layers:
            pieces.append((a, b, layers))
    return pieces


spans = st.lists(
    st.tuples(st.integers(ORIGIN - 10, ORIGIN + LENGTH + 5), st.integers(1, 30),
              st.sampled_from(["CLAIM", "ACTOR", "DATE"]), st.sampled_from(["alice", "bob"])),
    max_size=25,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(spans)
def test_pieces_are_those_of_the_definition(drawn: list[tuple[int, int, str, str]]) -> None:
    entries = [entry(n, start, start + size, label, who)
               for n, (start, size, label, who) in enumerate(drawn)]  # fmt: skip
    got = _segments(entries, ORIGIN, LENGTH, lambda who: who == "alice")
    assert got == by_definition(entries)


def test_a_nest_counted_by_hand() -> None:
    # CLAIM 100-130 holds ACTOR 105-110 and DATE 120-130; bob's ACTOR 125-145
    # runs past the paragraph's end (140).
    entries = [entry(1, 100, 130, "CLAIM", "alice"), entry(2, 105, 110, "ACTOR", "alice"),
               entry(3, 120, 130, "DATE", "alice"), entry(4, 125, 145, "ACTOR", "bob")]  # fmt: skip
    claim, actor, date, bobs = ("CLAIM", True), ("ACTOR", True), ("DATE", True), ("ACTOR", False)
    assert _segments(entries, ORIGIN, LENGTH, lambda who: who == "alice") == [
        (0, 5, (claim,)), (5, 10, (claim, actor)), (10, 20, (claim,)),
        (20, 25, (claim, date)), (25, 30, (claim, bobs, date)), (30, 40, (bobs,)),
    ]  # fmt: skip


def test_the_review_panes_cut_the_same_way_with_their_marks() -> None:
    # The review's panes mark spans by id (here: s002 disagrees, mark 1).
    from ui.review_panes import segments

    entries = [entry(1, 100, 130, "CLAIM", "alice"), entry(2, 105, 110, "ACTOR", "alice")]
    marks = {"s002": 1}
    assert segments(entries, ORIGIN, LENGTH, lambda span_id: marks.get(span_id, 0)) == [
        (0, 5, (("CLAIM", 0),)), (5, 10, (("CLAIM", 0), ("ACTOR", 1))), (10, 30, (("CLAIM", 0),)),
    ]  # fmt: skip
