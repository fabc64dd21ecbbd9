"""Comparing two layers: one-to-one pairing in three rounds, categories, ties.

Every expectation is worked out by hand from the offsets written below.
"""

from __future__ import annotations

import random
from pathlib import Path

from annotator import Span, open_store
from annotator.review import CATEGORIES, Pair, category_counts, compare

# Offsets by hand: "Mayor"=0..5, "Olena"=6..11, "Koval"=12..17, "said"=18..22,
# "on"=23..25, "3"=26..27, "May"=28..31, "that"=32..36, "the"=37..40,
# "bridge"=41..47, "will"=48..52, "reopen"=53..59, "."=59..60.
TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."


def span(span_id: str, label: str, start: int, end: int, annotator: str = "x") -> Span:
    return Span(span_id, 1, annotator, label, start, end, TEXT[start:end])


# Layer A (alice) and layer B (bob): every category occurs once.
A = [
    span("a1", "ACTOR", 6, 17, "alice"),  # "Olena Koval"
    span("a2", "DATE", 26, 31, "alice"),  # "3 May"
    span("a3", "CLAIM", 37, 59, "alice"),  # "the bridge will reopen"
    span("a4", "ACTOR", 0, 5, "alice"),  # "Mayor"
    span("a5", "CLAIM", 18, 22, "alice"),  # "said"
]
B = [
    span("b1", "ACTOR", 6, 17, "bob"),  # = a1: match (round 1)
    span("b2", "CLAIM", 26, 31, "bob"),  # a2's bounds, other label: label_mismatch (round 3)
    span("b3", "CLAIM", 41, 60, "bob"),  # "bridge will reopen.": overlaps a3 by 18 (round 2)
    span("b4", "CITATION", 0, 11, "bob"),  # "Mayor Olena": a4 by 5, a1 by 5 (a1 taken in round 1)
    span("b5", "DATE", 32, 36, "bob"),  # "that": overlaps nothing of A
]
BY_ID = {s.id: s for s in A + B}


def ids(pairs: list[Pair]) -> list[tuple[str, str | None, str | None]]:
    return [(p.category, p.a.id if p.a else None, p.b.id if p.b else None) for p in pairs]


def test_the_quotes_are_where_the_comments_say() -> None:
    assert [s.text for s in A] == [
        "Olena Koval",
        "3 May",
        "the bridge will reopen",
        "Mayor",
        "said",
    ]
    assert [s.text for s in B] == ["Olena Koval", "3 May", "bridge will reopen.", "Mayor Olena",
                                   "that"]  # fmt: skip


def test_every_category_once_sorted_by_position() -> None:
    # Sorted by (smallest start, largest end) of each pair:
    # a4+b4 (0, 11), a1+b1 (6, 17), a5 (18, 22), a2+b2 (26, 31), b5 (32, 36), a3+b3 (37, 60).
    assert ids(compare(A, B)) == [
        ("overlap_mismatch", "a4", "b4"),
        ("match", "a1", "b1"),
        ("only_a", "a5", None),
        ("label_mismatch", "a2", "b2"),
        ("only_b", None, "b5"),
        ("boundary_mismatch", "a3", "b3"),
    ]


def test_input_order_does_not_matter() -> None:
    assert compare(list(reversed(A)), B[::-1]) == compare(A, B)


def test_pairs_carry_the_spans_themselves() -> None:
    pairs = compare(A, B)
    assert pairs[0] == Pair("overlap_mismatch", BY_ID["a4"], BY_ID["b4"])
    assert (pairs[0].start, pairs[0].end) == (0, 11)
    assert pairs[1].agrees and not pairs[0].agrees


def test_swapping_the_layers_swaps_only_a_and_only_b() -> None:
    swapped = {"only_a": "only_b", "only_b": "only_a"}
    assert [(swapped.get(c, c), b, a) for c, a, b in ids(compare(B, A))] == ids(compare(A, B))


def test_category_counts() -> None:
    assert category_counts(compare(A, B)) == dict.fromkeys(CATEGORIES, 1)
    assert category_counts([]) == dict.fromkeys(CATEGORIES, 0)


def test_empty_layers() -> None:
    assert compare([], []) == []
    assert ids(compare(A[:1], [])) == [("only_a", "a1", None)]
    assert ids(compare([], B[:1])) == [("only_b", None, "b1")]


# -- rounds and ties -----------------------------------------------------------------


def test_larger_overlap_wins_over_an_earlier_span() -> None:
    # b [6, 20) overlaps a1 [0, 10) by 4 and a2 [5, 20) by 14: a2 wins though a1 is earlier.
    a = [span("a1", "CLAIM", 0, 10), span("a2", "CLAIM", 5, 20)]
    b = [span("b", "CLAIM", 6, 20)]
    assert ids(compare(a, b)) == [("only_a", "a1", None), ("boundary_mismatch", "a2", "b")]


def test_equal_overlap_goes_to_the_earlier_a_span() -> None:
    # b [2, 12) overlaps a1 [0, 10) by 8 and a2 [4, 14) by 8: a1 has the smaller (start, end).
    a = [span("a2", "CLAIM", 4, 14), span("a1", "CLAIM", 0, 10)]
    b = [span("b", "CLAIM", 2, 12)]
    assert ids(compare(a, b)) == [("boundary_mismatch", "a1", "b"), ("only_a", "a2", None)]


def test_equal_overlap_goes_to_the_earlier_b_span() -> None:
    # a [0, 10) overlaps b1 [0, 8) by 8 and b2 [2, 10) by 8: b1's (0, 8) < b2's (2, 10).
    a = [span("a", "CLAIM", 0, 10)]
    b = [span("b2", "CLAIM", 2, 10), span("b1", "CLAIM", 0, 8)]
    assert ids(compare(a, b)) == [("boundary_mismatch", "a", "b1"), ("only_b", None, "b2")]


def test_same_label_round_comes_before_a_larger_other_label_overlap() -> None:
    # a CLAIM [0, 10): b1 ACTOR [0, 10) overlaps by 10 (other label, round 3),
    # b2 CLAIM [5, 12) by 5 (same label, round 2): round 2 pairs a with b2 first.
    a = [span("a", "CLAIM", 0, 10)]
    b = [span("b1", "ACTOR", 0, 10), span("b2", "CLAIM", 5, 12)]
    assert ids(compare(a, b)) == [("only_b", None, "b1"), ("boundary_mismatch", "a", "b2")]


def test_exact_round_comes_first_and_equal_spans_pair_in_id_order() -> None:
    # Two identical A spans and one identical B span: the A span with the smaller id is paired;
    # the other one then overlaps nothing free.
    a = [span("a2", "DATE", 26, 31), span("a1", "DATE", 26, 31)]
    b = [span("b", "DATE", 26, 31)]
    assert ids(compare(a, b)) == [("match", "a1", "b"), ("only_a", "a2", None)]


def test_a_same_bounds_pair_loses_a_tie_to_an_earlier_span_as_documented() -> None:
    # Round 3, both overlaps 5: a [5, 10) with b1 [3, 10) and with b2 [5, 10) (same bounds).
    # Ties go to the earlier B span, b1 (3, 10) < (5, 10), so b2 stays alone.
    a = [span("a", "CLAIM", 5, 10)]
    b = [span("b2", "DATE", 5, 10), span("b1", "ACTOR", 3, 10)]
    assert ids(compare(a, b)) == [("overlap_mismatch", "a", "b1"), ("only_b", None, "b2")]


def test_touching_spans_do_not_overlap() -> None:
    a = [span("a", "CLAIM", 0, 5)]
    b = [span("b", "CLAIM", 5, 9)]
    assert ids(compare(a, b)) == [("only_a", "a", None), ("only_b", None, "b")]


def test_nested_spans_pair_by_largest_overlap() -> None:
    # a1 [0, 60) covers b1 [0, 17) (overlap 17) and b2 [37, 59) (overlap 22): round 2 pairs
    # a1+b2 first (22), then a2 [6, 17) takes b1 (11) as the only candidate left.
    a = [span("a1", "CLAIM", 0, 60), span("a2", "CLAIM", 6, 17)]
    b = [span("b1", "CLAIM", 0, 17), span("b2", "CLAIM", 37, 59)]
    assert ids(compare(a, b)) == [
        ("boundary_mismatch", "a2", "b1"),
        ("boundary_mismatch", "a1", "b2"),
    ]


def test_layers_read_from_a_real_store(tmp_path: Path) -> None:
    with open_store(tmp_path / "team.db") as store:
        doc = store.add_document(TEXT, title="Bridge")
        for layer in (A, B):
            store.add_spans(doc.id, [{**s.__dict__, "document_id": doc.id} for s in layer])
        pairs = compare(
            store.spans(doc.id, annotator="alice"), store.spans(doc.id, annotator="bob")
        )
    assert ids(pairs) == ids(compare(A, B))


# -- size ----------------------------------------------------------------------------------


def brute_force_candidates(a: list[Span], b: list[Span]) -> set[tuple[str, str]]:
    return {(x.id, y.id) for x in a for y in b if min(x.end, y.end) > max(x.start, y.start)}


def test_every_span_in_exactly_one_pair_on_random_layers() -> None:
    rng = random.Random(5)
    labels = ["CLAIM", "ACTOR", "DATE"]

    def layer(name: str) -> list[Span]:
        out = []
        for k in range(300):
            start = rng.randrange(0, 2000)
            out.append(span(f"{name}{k}", rng.choice(labels), start, start + rng.randint(1, 40)))
        return out

    a, b = layer("a"), layer("b")
    pairs = compare(a, b)
    assert sorted(p.a.id for p in pairs if p.a) == sorted(s.id for s in a)
    assert sorted(p.b.id for p in pairs if p.b) == sorted(s.id for s in b)
    overlapping = brute_force_candidates(a, b)
    for p in pairs:
        if p.a and p.b:
            assert (p.a.id, p.b.id) in overlapping or (p.a.start, p.a.end) == (p.b.start, p.b.end)
    # No lone A span overlaps a lone B span: the greedy rounds would have paired them.
    lone_a = [p.a for p in pairs if p.b is None and p.a]
    lone_b = [p.b for p in pairs if p.a is None and p.b]
    assert not brute_force_candidates(lone_a, lone_b)
    assert [(p.start, p.end) for p in pairs] == sorted((p.start, p.end) for p in pairs)


def test_two_layers_of_ten_thousand_spans_pair_in_one_sweep() -> None:
    # 10,000 short spans each over a million characters: an all-pairs loop would make
    # 10^8 comparisons; here every span of B is a shifted copy of one span of A.
    rng = random.Random(7)
    a = []
    for k in range(10_000):
        start = k * 100 + rng.randrange(0, 40)
        a.append(span(f"a{k}", "CLAIM", start, start + rng.randint(5, 50)))
    b = [span(f"b{k}", "CLAIM", s.start + 1, s.end + 1) for k, s in enumerate(a)]
    pairs = compare(a, b)
    # Spans of A sit in disjoint 100-character cells, shifted by 1 in B: each a_k overlaps
    # b_k only (its length is at least 5), so every pair is a boundary mismatch of a_k and b_k.
    assert len(pairs) == 10_000
    assert all(p.category == "boundary_mismatch" for p in pairs)
    assert all(p.a and p.b and p.a.id[1:] == p.b.id[1:] for p in pairs)
