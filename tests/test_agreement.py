"""Agreement: F1 per label and overall, Cohen's kappa and Krippendorff's alpha over tokens.

Every number is worked out by hand below (the arithmetic is in the comments); kappa
and alpha are also checked against independent computations written differently:
kappa by enumerating every (A token, B token) pair, alpha from pairable values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from annotator import NotFoundError, Span, open_store
from annotator.agreement import (
    agreement,
    cohen_kappa,
    confusion,
    corpus_agreement,
    document_agreement,
    krippendorff_alpha,
    token_labels,
    tokens,
)

# Tokens by hand: Mayor 0..5, Olena 6..11, Koval 12..17, said 18..22, on 23..25, 3 26..27,
# May 28..31, that 32..36, the 37..40, bridge 41..47, will 48..52, reopen 53..59, . 59..60.
TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
# Second 0..6, article 7..14, : 14..15, nothing 16..23, happened 24..32, in 33..35,
# Velmora 36..43, on 44..46, Tuesday 47..54, . 54..55.
TEXT2 = "Second article: nothing happened in Velmora on Tuesday."
LABELS = ("CLAIM", "ACTOR", "DATE", "CITATION")  # the default schema, in its order


def span(span_id: str, label: str, start: int, end: int, annotator: str = "x") -> Span:
    return Span(span_id, 1, annotator, label, start, end, "")


# The layers of tests/test_review.py: one pair of each category.
A = [
    span("a1", "ACTOR", 6, 17, "alice"),  # Olena Koval      match with b1
    span("a2", "DATE", 26, 31, "alice"),  # 3 May            label_mismatch with b2
    span("a3", "CLAIM", 37, 59, "alice"),  # the ... reopen  boundary_mismatch with b3
    span("a4", "ACTOR", 0, 5, "alice"),  # Mayor            overlap_mismatch with b4
    span("a5", "CLAIM", 18, 22, "alice"),  # said            only_a
]
B = [
    span("b1", "ACTOR", 6, 17, "bob"),
    span("b2", "CLAIM", 26, 31, "bob"),
    span("b3", "CLAIM", 41, 60, "bob"),  # bridge will reopen.
    span("b4", "CITATION", 0, 11, "bob"),  # Mayor Olena
    span("b5", "DATE", 32, 36, "bob"),  # that              only_b
]
A2 = [span("a6", "DATE", 47, 54, "alice")]  # Tuesday
B2 = [span("b6", "DATE", 47, 54, "bob")]  # Tuesday: a match

# Token labels by hand (the shortest covering span; "Olena" in B is covered by b1 ACTOR
# [6, 17) and b4 CITATION [0, 11), both 11 long: the earlier start, b4, wins):
#        Mayor    Olena     Koval  said   on   3      May    that  the    bridge will   reopen  .
TOKENS_A = ["ACTOR", "ACTOR", "ACTOR", "CLAIM", "O", "DATE", "DATE", "O", "CLAIM", "CLAIM",
            "CLAIM", "CLAIM", "O"]  # fmt: skip
TOKENS_B = ["CITATION", "CITATION", "ACTOR", "O", "O", "CLAIM", "CLAIM", "DATE", "O", "CLAIM",
            "CLAIM", "CLAIM", "CLAIM"]  # fmt: skip
# TEXT2: ten tokens, all O except Tuesday, DATE in both layers.
TOKENS2_A = ["O"] * 8 + ["DATE", "O"]
TOKENS2_B = ["O"] * 8 + ["DATE", "O"]


# -- independent computations, written differently from the program --------------------


def kappa_by_enumeration(xs: Sequence[str], ys: Sequence[str]) -> float | None:
    """pe = chance that a random token of A and a random token of B have the same label."""
    n = len(xs)
    po = sum(1 for i in range(n) if xs[i] == ys[i]) / n
    pe = sum(1 for x in xs for y in ys if x == y) / (n * n)
    return None if pe == 1 else (po - pe) / (1 - pe)


def alpha_by_pairable_values(xs: Sequence[str], ys: Sequence[str]) -> float | None:
    """alpha = 1 - Do / De with Do over the pairs inside each unit, De over all value pairs."""
    values = list(xs) + list(ys)
    n = len(values)
    # Each unit (token) has two ordered pairs of its values, (x, y) and (y, x).
    d_observed = sum(2 for x, y in zip(xs, ys, strict=True) if x != y) / n
    d_expected = sum(1 for i in range(n) for j in range(n) if i != j and values[i] != values[j]) / (
        n * (n - 1)
    )
    return None if d_expected == 0 else 1 - d_observed / d_expected


# -- tokens ------------------------------------------------------------------------------


def test_tokens_are_words_and_single_other_characters() -> None:
    assert tokens(TEXT) == [(0, 5), (6, 11), (12, 17), (18, 22), (23, 25), (26, 27), (28, 31),
                            (32, 36), (37, 40), (41, 47), (48, 52), (53, 59), (59, 60)]  # fmt: skip
    # Code points: the flag is two regional indicators, each its own token.
    assert tokens("Kyiv 🇺🇦 said 3,5") == [(0, 4), (5, 6), (6, 7), (8, 12), (13, 14), (14, 15),
                                            (15, 16)]  # fmt: skip


def test_token_labels_by_hand() -> None:
    assert token_labels(TEXT, A) == TOKENS_A
    assert token_labels(TEXT, B) == TOKENS_B
    assert token_labels(TEXT2, A2) == TOKENS2_A


def test_a_token_takes_the_shortest_covering_span() -> None:
    # CLAIM [0, 31) covers Mayor..May; DATE [26, 31) is shorter and covers 3 and May;
    # ACTOR [0, 8) covers Mayor only ("Olena" 6..11 is not covered entirely).
    spans = [span("c", "CLAIM", 0, 31), span("d", "DATE", 26, 31), span("p", "ACTOR", 0, 8)]
    assert token_labels(TEXT, spans) == ["ACTOR", "CLAIM", "CLAIM", "CLAIM", "CLAIM", "DATE",
                                         "DATE"] + ["O"] * 6  # fmt: skip


def test_equal_spans_tie_on_the_label_name() -> None:
    spans = [span("z", "DATE", 0, 5), span("y", "ACTOR", 0, 5)]  # same start and length
    assert token_labels(TEXT, spans)[0] == "ACTOR"  # "ACTOR" < "DATE"


# -- F1 ------------------------------------------------------------------------------------


def test_f1_per_label_and_overall_on_one_document() -> None:
    result = document_agreement(TEXT, A, B, LABELS)
    # CLAIM: A has a3, a5 (2), B has b2, b3 (2); no exact match; a3+b3 overlap -> 2*1/4.
    # ACTOR: A has a1, a4 (2), B has b1 (1); a1+b1 exact -> 2*1/3 both ways.
    # DATE: a2 / b5, no pair of the same label -> 0.  CITATION: 0 in A, b4 in B -> 0/1 = 0.
    assert result["labels"] == {
        "CLAIM": {"a": 2, "b": 2, "exact_f1": 0.0, "overlap_f1": 0.5},
        "ACTOR": {
            "a": 2,
            "b": 1,
            "exact_f1": pytest.approx(2 / 3),
            "overlap_f1": pytest.approx(2 / 3),
        },
        "DATE": {"a": 1, "b": 1, "exact_f1": 0.0, "overlap_f1": 0.0},
        "CITATION": {"a": 0, "b": 1, "exact_f1": 0.0, "overlap_f1": 0.0},
    }
    # Overall: 1 exact match, 2 with the overlap; |A| + |B| = 10 -> 2/10 and 4/10.
    assert result["overall"]["exact_f1"] == pytest.approx(0.2)
    assert result["overall"]["overlap_f1"] == pytest.approx(0.4)


def test_labels_outside_the_list_follow_it_sorted() -> None:
    result = document_agreement(TEXT, A, B, ["DATE"])
    assert list(result["labels"]) == ["DATE", "ACTOR", "CITATION", "CLAIM"]


def test_a_label_nobody_used_is_undefined() -> None:
    result = document_agreement(TEXT2, A2, B2, LABELS)
    assert result["labels"]["CLAIM"] == {"a": 0, "b": 0, "exact_f1": None, "overlap_f1": None}
    assert result["labels"]["DATE"] == {"a": 1, "b": 1, "exact_f1": 1.0, "overlap_f1": 1.0}


# -- kappa and alpha -----------------------------------------------------------------------


def test_kappa_and_alpha_on_one_document_by_hand() -> None:
    # 13 tokens, 5 agree (Koval, on, bridge, will, reopen): po = 5/13.
    # Marginals A: ACTOR 3, CLAIM 5, DATE 2, O 3, CITATION 0.
    # Marginals B: ACTOR 1, CLAIM 6, DATE 1, O 3, CITATION 2.
    # pe = (3*1 + 5*6 + 2*1 + 3*3 + 0*2) / 13^2 = 44/169.
    # kappa = (65/169 - 44/169) / (125/169) = 21/125 = 0.168.
    kappa = 21 / 125
    # alpha: n = 26 values; n_c = ACTOR 4, CLAIM 11, DATE 3, O 6, CITATION 2.
    # Off-diagonal coincidences: 2 per disagreeing token, 8 tokens -> 16.
    # sum_{c != k} n_c n_k = 26^2 - (16 + 121 + 9 + 36 + 4) = 676 - 186 = 490.
    # alpha = 1 - 25 * 16 / 490 = 90/490 = 9/49 = 0.18367...
    alpha = 9 / 49
    table = confusion(TEXT, A, B)
    assert cohen_kappa(table) == pytest.approx(kappa)
    assert krippendorff_alpha(table) == pytest.approx(alpha)
    assert kappa_by_enumeration(TOKENS_A, TOKENS_B) == pytest.approx(kappa)
    assert alpha_by_pairable_values(TOKENS_A, TOKENS_B) == pytest.approx(alpha)
    overall = document_agreement(TEXT, A, B, LABELS)["overall"]
    assert overall["cohen_kappa"] == pytest.approx(kappa)
    assert overall["krippendorff_alpha"] == pytest.approx(alpha)


def test_a_corpus_pools_tokens_and_spans() -> None:
    result = corpus_agreement([(TEXT, A, B), (TEXT2, A2, B2)], LABELS)
    # DATE now: a2, a6 / b5, b6 -> 1 exact of 4 -> 2/4.  Overall: 2 exact, 3 with overlap,
    # |A| + |B| = 12 -> 4/12 and 6/12.
    assert result["labels"]["DATE"] == {"a": 2, "b": 2, "exact_f1": 0.5, "overlap_f1": 0.5}
    assert result["overall"]["exact_f1"] == pytest.approx(4 / 12)
    assert result["overall"]["overlap_f1"] == pytest.approx(0.5)
    # 23 tokens, 5 + 10 agree: po = 15/23.  Marginals A: ACTOR 3, CLAIM 5, DATE 3, O 12;
    # B: ACTOR 1, CLAIM 6, DATE 2, O 12, CITATION 2.
    # pe = (3 + 30 + 6 + 144) / 529 = 183/529; kappa = (345 - 183) / (529 - 183) = 162/346.
    kappa = 162 / 346
    # alpha: n = 46; n_c = ACTOR 4, CLAIM 11, DATE 5, O 24, CITATION 2; squares sum to
    # 16 + 121 + 25 + 576 + 4 = 742; 46^2 - 742 = 1374; alpha = 1 - 45 * 16 / 1374 = 654/1374.
    alpha = 654 / 1374
    assert result["overall"]["cohen_kappa"] == pytest.approx(kappa)
    assert result["overall"]["krippendorff_alpha"] == pytest.approx(alpha)
    pooled_a, pooled_b = TOKENS_A + TOKENS2_A, TOKENS_B + TOKENS2_B
    assert kappa_by_enumeration(pooled_a, pooled_b) == pytest.approx(kappa)
    assert alpha_by_pairable_values(pooled_a, pooled_b) == pytest.approx(alpha)


def test_perfect_agreement_is_one() -> None:
    result = document_agreement(TEXT, A, A, LABELS)["overall"]
    assert result == {"exact_f1": 1.0, "overlap_f1": 1.0, "cohen_kappa": 1.0,
                      "krippendorff_alpha": 1.0}  # fmt: skip


def test_opposite_labels_everywhere() -> None:
    # Two tokens (Mayor, Olena), A says ACTOR for both, B says DATE for both.
    # kappa: po = 0, pe = 2*0/4 = 0 -> 0.  alpha: n = 4, n_ACTOR = n_DATE = 2,
    # off-diagonal coincidences 4, sum n_c n_k = 2*2*2 = 8 -> 1 - 3 * 4 / 8 = -0.5.
    text = "Mayor Olena"
    table = confusion(text, [span("a", "ACTOR", 0, 11)], [span("b", "DATE", 0, 11)])
    assert cohen_kappa(table) == 0.0
    assert krippendorff_alpha(table) == -0.5
    assert kappa_by_enumeration(["ACTOR"] * 2, ["DATE"] * 2) == 0.0
    assert alpha_by_pairable_values(["ACTOR"] * 2, ["DATE"] * 2) == -0.5


def test_no_variation_is_undefined() -> None:
    # No spans at all: every token is O in both layers, pe = 1 and no pair of values differs.
    overall = document_agreement(TEXT, [], [], LABELS)["overall"]
    assert overall == {"exact_f1": None, "overlap_f1": None, "cohen_kappa": None,
                       "krippendorff_alpha": None}  # fmt: skip
    # One and the same label on every token is no variation either.
    everything = [span("c", "CLAIM", 0, 60)]
    overall = document_agreement(TEXT, everything, everything, LABELS)["overall"]
    assert (overall["exact_f1"], overall["cohen_kappa"], overall["krippendorff_alpha"]) == (
        1.0, None, None,
    )  # fmt: skip
    assert kappa_by_enumeration(["CLAIM"] * 13, ["CLAIM"] * 13) is None
    assert alpha_by_pairable_values(["CLAIM"] * 13, ["CLAIM"] * 13) is None


def test_an_empty_corpus_is_undefined() -> None:
    result = corpus_agreement([], LABELS)
    assert result["labels"]["CLAIM"] == {"a": 0, "b": 0, "exact_f1": None, "overlap_f1": None}
    assert set(result["overall"].values()) == {None}
    assert cohen_kappa({}) is None
    assert krippendorff_alpha({}) is None


# -- from a store --------------------------------------------------------------------------


def as_dicts(spans: list[Span]) -> list[dict[str, object]]:
    return [{"id": s.id, "label": s.label, "start": s.start, "end": s.end,
             "annotator": s.annotator} for s in spans]  # fmt: skip


@pytest.fixture
def team_db(tmp_path: Path) -> Path:
    """Document 1: both layers; 2: both; 3: only carol; 4: no spans at all."""
    path = tmp_path / "team.db"
    with open_store(path) as store:
        one = store.add_document(TEXT, title="Bridge", uid="doc-1")
        two = store.add_document(TEXT2, title="Nothing", uid="doc-2")
        three = store.add_document("Carol's own article, about 4 June.", uid="doc-3")
        store.add_document("Nobody has read this one yet.", uid="doc-4")
        store.add_spans(one.id, as_dicts(A + B))
        store.add_spans(two.id, as_dicts(A2 + B2))
        store.add_spans(three.id, [{"label": "DATE", "start": 27, "end": 33, "annotator": "carol"}])
    return path


def test_agreement_over_the_corpus_of_a_store(team_db: Path) -> None:
    with open_store(team_db) as store:
        result = agreement(store, "alice", "bob")
    # Documents 1 and 2 have spans of alice or bob; 3 (carol's) and 4 (none) are not counted,
    # so their tokens do not join kappa and alpha.  Values from the corpus test, rounded:
    # 4/12 = 0.33333 -> 0.3333; 162/346 = 0.468208 -> 0.4682; 654/1374 = 0.475983 -> 0.476.
    assert result == {
        "a": "alice",
        "b": "bob",
        "documents": 2,
        "labels": {
            "CLAIM": {"a": 2, "b": 2, "exact_f1": 0.0, "overlap_f1": 0.5},
            "ACTOR": {"a": 2, "b": 1, "exact_f1": 0.6667, "overlap_f1": 0.6667},
            "DATE": {"a": 2, "b": 2, "exact_f1": 0.5, "overlap_f1": 0.5},
            "CITATION": {"a": 0, "b": 1, "exact_f1": 0.0, "overlap_f1": 0.0},
        },
        "overall": {
            "exact_f1": 0.3333,
            "overlap_f1": 0.5,
            "cohen_kappa": 0.4682,
            "krippendorff_alpha": 0.476,
        },  # fmt: skip
    }
    assert list(result) == ["a", "b", "documents", "labels", "overall"]


def test_agreement_on_one_document(team_db: Path) -> None:
    with open_store(team_db) as store:
        result = agreement(store, "alice", "bob", document_id=1)
        elsewhere = agreement(store, "alice", "bob", document_id=3)
    # From the one-document tests: 2/3 -> 0.6667, 21/125 = 0.168, 9/49 = 0.183673 -> 0.1837.
    assert result["documents"] == 1
    assert result["labels"]["DATE"] == {"a": 1, "b": 1, "exact_f1": 0.0, "overlap_f1": 0.0}
    assert result["overall"] == {"exact_f1": 0.2, "overlap_f1": 0.4, "cohen_kappa": 0.168,
                                 "krippendorff_alpha": 0.1837}  # fmt: skip
    # Carol's document: neither alice nor bob has spans there.
    assert elsewhere["documents"] == 0
    assert set(elsewhere["overall"].values()) == {None}
    assert elsewhere["labels"]["DATE"] == {"a": 0, "b": 0, "exact_f1": None, "overlap_f1": None}


def test_an_analyst_without_spans_is_an_error_naming_the_others(team_db: Path) -> None:
    with open_store(team_db) as store:
        with pytest.raises(NotFoundError) as info:
            agreement(store, "alice", "dave")
        assert (
            str(info.value)
            == "analyst 'dave' has no spans: the analysts with spans are alice, bob, carol"
        )
        with pytest.raises(NotFoundError) as info:
            agreement(store, "erin", "dave")
        assert str(info.value).startswith("analysts 'erin' and 'dave' have no spans:")
        with pytest.raises(NotFoundError, match="there is no document 9"):
            agreement(store, "alice", "bob", document_id=9)


def test_an_empty_database_says_so(tmp_path: Path) -> None:
    with open_store(tmp_path / "empty.db") as store:
        with pytest.raises(NotFoundError) as info:
            agreement(store, "alice", "bob")
    assert str(info.value) == (
        "analysts 'alice' and 'bob' have no spans: there are no spans in this database yet"
    )
