"""Finding a query in one article (``ArticleSearch``): case, accents and how an
accent is written do not matter; matches never cut a letter from its marks.
Offsets counted by hand in code points."""

from __future__ import annotations

import pytest

from annotator.text_search import ArticleSearch, TagMatches

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


# "Tag all" keeps tagging by hand's rules.  Counted by hand: "Kyiv" [0, 4),
# "Kyivstar" [10, 18), "Kyivan" [24, 30), "Kyiv" [64, 68) after "in " [61, 64).
KYIV = "Kyiv said Kyivstar, the Kyivan operator, was back. Officials in Kyiv agreed."


def test_to_tag_leaves_out_matches_inside_longer_words_and_counts_them() -> None:
    assert [KYIV[0:4], KYIV[10:18], KYIV[24:30], KYIV[61:68]] == [
        "Kyiv", "Kyivstar", "Kyivan", "in Kyiv"
    ]
    search = ArticleSearch(KYIV)
    assert search.find_all("Kyiv") == [(0, 4), (10, 14), (24, 28), (64, 68)]
    assert search.find_to_tag("Kyiv") == TagMatches([(0, 4), (64, 68)], in_longer_words=2)
    assert search.find_to_tag("ivstar") == TagMatches([], in_longer_words=1)  # cuts its start
    assert search.find_to_tag("kyivstar") == TagMatches([(10, 18)], in_longer_words=0)


def test_to_tag_trims_spaces_at_the_edges_and_never_tags_blanks() -> None:
    search = ArticleSearch(KYIV)
    assert search.find_to_tag("in Kyiv ") == TagMatches([(61, 68)], in_longer_words=0)
    assert search.find_to_tag(" Kyiv") == TagMatches([(64, 68)], in_longer_words=2)
    assert len(search.find_all(" ")) == 11
    assert search.find_to_tag(" ") == TagMatches([], in_longer_words=0)
    assert search.find_to_tag("\u00a0\t") == TagMatches([], in_longer_words=0)
    assert search.find_to_tag("Kyiv s") == TagMatches([], in_longer_words=1)  # "s" of "said"


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("Kyiv's mayor", "kyiv", [(0, 4)]),  # an apostrophe is a word edge here
        ("Kyiv-based", "kyiv", [(0, 4)]),
        ("in 2024, not 20245", "2024", [(3, 7)]),  # digits make words too
        ("Zoe\u0308s Zoë", "zoe", [(6, 9)]),  # the mark after "e" is part of the word before "s"
        ("नमस्ते नमस", "नमस", [(7, 10)]),  # न म स ् त े: "नमस" ends inside the word
        ("我在北京工作", "北京", [(2, 4)]),  # no spaces in Chinese: every edge is a word edge
        ("Kyiv北京", "kyiv", [(0, 4)]),
        ("🇺🇦 🇺", "🇺", [(3, 4)]),  # never half a flag
        ("a\u200db a", "a", [(4, 5)]),  # joined by U+200D: one character
    ],
)
def test_to_tag_word_edges(text: str, query: str, expected: list[tuple[int, int]]) -> None:
    found = ArticleSearch(text).find_to_tag(query)
    assert found.ranges == expected
    assert found.in_longer_words == len(ArticleSearch(text).find_all(query)) - len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("か", [(3, 4)]), ("が", [(2, 3)]), ("カ", [(11, 12)]), ("하", [(8, 9)]), ("한", [(6, 7)])],
)
def test_kana_voicing_and_hangul_syllables_are_letters_of_their_own(
    query: str, expected: list[tuple[int, int]]
) -> None:
    # "が" is no accented "か", nor "한" a "하" with something added: each is found alone.
    text = "東京がか。 한 하 ガカ"
    assert [text[s:e] for s, e in expected] == [query]
    assert ArticleSearch(text).find_all(query) == expected


def test_a_match_never_cuts_a_character_a_reader_sees() -> None:
    # Two Ukrainian flags side by side hold the letters of an Australian one across
    # their middle; 👩 is inside the family 👨‍👩‍👧 (offsets counted by hand).
    text = "Flags 🇺🇦🇺🇦 and 🇦🇺 here. 👨\u200d👩\u200d👧 and 👩 alone."
    assert text[15:17] == "🇦🇺" and text[34:35] == "👩"
    search = ArticleSearch(text)
    assert search.find_all("🇦🇺") == [(15, 17)]
    assert search.find_all("🇺🇦") == [(6, 8), (8, 10)]
    assert search.find_all("👩") == [(34, 35)]
