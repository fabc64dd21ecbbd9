"""Finding a query in one article (``ArticleSearch``): case, accents and how an
accent is written do not matter; matches never cut a letter from its marks.
Offsets counted by hand in code points."""

from __future__ import annotations

import pytest

from annotator.text_search import ArticleSearch

# "Straße" [0, 6), "STRASSE" [7, 14), "Łukasz" [15, 21), "🇺🇦" [22, 24),
# "Kyiv" [25, 29), "a+b" [30, 33), "(x)" [34, 37), "नमस्ते" [38, 44): न म स ् त े
TEXT = "Straße STRASSE Łukasz 🇺🇦 Kyiv a+b (x) नमस्ते"


def test_the_text_is_counted_by_hand() -> None:
    assert [TEXT[0:6], TEXT[7:14], TEXT[15:21], TEXT[22:24], TEXT[25:29]] == [
        "Straße", "STRASSE", "Łukasz", "🇺🇦", "Kyiv"
    ]
    assert [TEXT[30:33], TEXT[34:37], TEXT[38:44]] == ["a+b", "(x)", "नमस्ते"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("strasse", [(0, 6), (7, 14)]),  # ß is "ss"
        ("STRAßE", [(0, 6), (7, 14)]),
        ("lukasz", [(15, 21)]),  # Ł has no decomposition: folded by the FOLD table
        ("🇺🇦", [(22, 24)]),
        ("KYIV", [(25, 29)]),
        ("a+b", [(30, 33)]),  # characters that mean something to regular expressions
        ("(x)", [(34, 37)]),
        ("नमस", [(38, 42)]),  # the virama (a combining mark) after स belongs to it
        ("नमस्ते", [(38, 44)]),
        ("नमस्त", [(38, 44)]),  # the vowel sign after त belongs to it
        ("", []),
        ("Odesa", []),
    ],
)
def test_matches(query: str, expected: list[tuple[int, int]]) -> None:
    assert ArticleSearch(TEXT).find_all(query) == expected


def test_marks_written_apart_stay_with_their_letter() -> None:
    text = "Zoe\u0308 and Zoë, Jose\u0301"  # Zoë [0, 4) and [9, 12); José [14, 19)
    search = ArticleSearch(text)
    assert search.find_all("zoe") == [(0, 4), (9, 12)]
    assert search.find_all("zoë") == [(0, 4), (9, 12)]
    assert search.find_all("jose") == [(14, 19)]
    assert search.find_all("e") == [(2, 4), (11, 12), (17, 19)]


def test_matches_do_not_overlap() -> None:
    assert ArticleSearch("aaaa").find_all("aa") == [(0, 2), (2, 4)]


def test_a_long_query_with_many_foldings_stays_quick_and_finds_its_match() -> None:
    # Each "ss" might be a "ß": the expression must not double with each of them,
    # nor recurse once per letter (a pasted paragraph is thousands of letters).
    # The first sentence (27 code points) folds to the 30 of the others, so the
    # 599-letter query matches from 0: 27 + 18 x 30 + 29 = 596 code points.
    sentence = "Die grosse Strasse ist gross. "
    text = "Die große Straße ist groß. " + sentence * 20
    query = (sentence * 20).strip()  # 60 times "ss"
    assert ArticleSearch(text).find_all(query) == [(0, 596)]
    assert ArticleSearch(text).find_all("die grosse strasse ist gross") == [
        (0, 25), (27, 55)
    ] + [(27 + 30 * n, 55 + 30 * n) for n in range(1, 20)]


def test_ligatures_and_double_letters_fold_wherever_they_stand() -> None:
    # "The oﬀer was efﬁcient. An oﬃcial said the staﬀ were ofﬁcial.": ﬀ, ﬁ and ﬃ
    # are one code point each (offsets counted by hand).
    text = "The oﬀer was efﬁcient. An oﬃcial said the staﬀ were ofﬁcial."
    assert [text[4:8], text[13:21], text[26:32], text[42:46], text[52:59]] == [
        "oﬀer", "efﬁcient", "oﬃcial", "staﬀ", "ofﬁcial"
    ]
    search = ArticleSearch(text)
    assert search.find_all("efficient") == search.find_all("efﬁcient") == [(13, 21)]
    assert search.find_all("official") == [(26, 32), (52, 59)]
    assert search.find_all("offer") == [(4, 8)] and search.find_all("staff") == [(42, 46)]
    assert ArticleSearch("Die Masßtäbe gelten.").find_all("massstabe") == [(4, 12)]
