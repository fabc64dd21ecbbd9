"""Re-anchoring spans on a new version of an article: pure functions, offsets by hand.

Offsets are code points.  Emoji and astral letters come before the spans:
🇺🇦 is 2 code points (two regional indicators), 👨🏻‍🚒 is 4 (man, skin tone, ZWJ,
fire engine), 𝔘 is 1 (one astral letter: 2 UTF-16 units, which must not count).
"""

from __future__ import annotations

import pytest

from annotator.anchoring import (
    EXACT,
    FUZZY,
    FUZZY_THRESHOLD,
    ORPHAN,
    Placement,
    reanchor,
)
from annotator.textdiff import TextMap

# -- the old version: three paragraphs -------------------------------------------------
# A: 🇺🇦 0-1, " " 2, Kyiv 3..7, ", 3 " 7..11, May 11..14, ". " 14..16, The 16..19,
#    mayor 20..25, said 26..30, the 31..34, goverment 35..44, would 45..50,
#    reopen 51..57, the 58..61, bridge 62..68, "." 68, "\n\n" 69..71: 71 code points.
A = "🇺🇦 Kyiv, 3 May. The mayor said the goverment would reopen the bridge.\n\n"
# B starts at 71.  Local offsets: 👨🏻‍🚒 0..4, " " 4, Firefighters 5..17, from 18..22,
#    𝔘zhhorod 23..31, worked 32..38, all 39..42, night 43..48, ". " 48..50,
#    "Officials in Lviv praised them. " 50..82 (Lviv 63..67), Families 82..90,
#    in 91..93, Kyiv 94..98, queued 99..105, for 106..109, bread 110..115, ". " 115..117,
#    The 117..120, fire 121..125, was out by dawn 126..141, ".\n\n" 141..144: 144.
B = (
    "👨🏻‍🚒 Firefighters from 𝔘zhhorod worked all night. Officials in Lviv praised them."
    " Families in Kyiv queued for bread. The fire was out by dawn.\n\n"
)
# C starts at 71 + 144 = 215.  Local: Residents 0..9, of 10..12, Kyiv 13..17,
#    "queued for water" 18..34, ". " 34..36, "The mayor thanked them." 36..59, "\n": 60.
C = "Residents of Kyiv queued for water. The mayor thanked them.\n"
OLD = A + B + C  # 275 code points

# -- the new version ------------------------------------------------------------------
# A': " (Reuters)" (10) inserted after "May", the typo fixed ("government", one
#     letter longer): 82 code points.  Then paragraph C moved up (now ending in a
#     blank line: 61), then B without the sentence "Officials in Lviv praised them. "
#     (32 code points) and ending in one newline: 144 - 32 - 1 = 111.
A2 = "🇺🇦 Kyiv, 3 May (Reuters). The mayor said the government would reopen the bridge.\n\n"
C2 = "Residents of Kyiv queued for water. The mayor thanked them.\n\n"
B2 = (
    "👨🏻‍🚒 Firefighters from 𝔘zhhorod worked all night."
    " Families in Kyiv queued for bread. The fire was out by dawn.\n"
)
NEW = A2 + C2 + B2  # C2 starts at 82, B2 at 82 + 61 = 143

# (old start, old end) -> expected placement, each worked out from the offsets above.
EXPECTED = {
    # Before every change: stays where it was.
    (3, 7): Placement(EXACT, 3, 7),  # Kyiv
    # Words inserted before: +10 for " (Reuters)".
    (20, 25): Placement(EXACT, 30, 35),  # mayor
    # +10, and +1 for the fixed typo before it.
    (62, 68): Placement(EXACT, 73, 79),  # bridge
    # The typo fixed inside the quote: fuzzy.  "goverment" (9) against "government"
    # (10): 9 letters match, ratio 2 * 9 / 19 = 0.947.
    (35, 44): Placement(FUZZY, 45, 55, 0.947),  # goverment -> government
    # "the goverment would reopen the bridge" (37) -> 41..79 (38): 2 * 37 / 75 = 0.987.
    (31, 68): Placement(FUZZY, 41, 79, 0.987),
    # Paragraph B moved down to 143 (behind C2), the emoji and 𝔘 inside it.
    (71 + 5, 71 + 17): Placement(EXACT, 143 + 5, 143 + 17),  # Firefighters
    (71 + 23, 71 + 31): Placement(EXACT, 143 + 23, 143 + 31),  # 𝔘zhhorod
    # The removed sentence: its spans are orphans with their old offsets.
    (71 + 63, 71 + 67): Placement(ORPHAN, 134, 138, 0.0),  # Lviv
    (71 + 50, 71 + 81): Placement(ORPHAN, 121, 152, 0.0),  # "Officials in Lviv praised them."
    # After the removed sentence: 32 code points earlier within B2.
    (71 + 94, 71 + 98): Placement(EXACT, 143 + 62, 143 + 66),  # Kyiv (of "Families in Kyiv")
    (71 + 121, 71 + 125): Placement(EXACT, 143 + 89, 143 + 93),  # fire
    # Paragraph C moved up to 82.  Its "Kyiv" is one of three "Kyiv"s of NEW; the
    # one of "Families in Kyiv" (205) is nearer its mapped position (the end of
    # NEW) but only the context of C2's (95) matches.
    (215 + 13, 215 + 17): Placement(EXACT, 82 + 13, 82 + 17),  # Kyiv (of "Residents of Kyiv")
    (215 + 18, 215 + 34): Placement(EXACT, 82 + 18, 82 + 34),  # queued for water
    (215 + 36, 215 + 59): Placement(EXACT, 82 + 36, 82 + 59),  # The mayor thanked them.
}


def test_the_hand_counted_offsets_are_right() -> None:
    assert (len(A), len(B), len(C), len(A2), len(C2), len(B2)) == (71, 144, 60, 82, 61, 111)
    for (start, end), place in EXPECTED.items():
        if place.kind != ORPHAN:
            assert OLD[start:end].replace("goverment", "government") == NEW[place.start : place.end]


def test_every_span_lands_where_worked_out_by_hand() -> None:
    spans = list(EXPECTED)
    assert dict(zip(spans, reanchor(OLD, NEW, spans), strict=True)) == EXPECTED


def test_the_right_occurrence_of_a_repeated_quote_is_chosen() -> None:
    kyivs = [i for i in range(len(NEW)) if NEW.startswith("Kyiv", i)]
    assert kyivs == [3, 95, 205]  # A2's, C2's, B2's
    assert reanchor(OLD, NEW, [(228, 232)]) == [Placement(EXACT, 95, 99)]


def test_better_context_beats_nearness() -> None:
    # X moves from the start to the end; Y, nearest to X's mapped position (0), has
    # the same quote with a poorer context: " said " before and one space after.
    x = "Officials said the talks in Kyiv would resume on Monday.\n"  # 57
    y = "Reporters said the talks in Kyiv would resume soon.\n"  # 52
    z = "Nothing else changed.\n"  # 22
    old, new = x + y + z, y + z + x
    # "the talks in Kyiv would resume" is 15..45 in x; in new, x starts at 52 + 22 = 74.
    assert reanchor(old, new, [(15, 45)]) == [Placement(EXACT, 74 + 15, 74 + 45)]


def test_a_short_quote_of_a_removed_sentence_does_not_jump_to_its_twin() -> None:
    # "Kyiv" (5..9) is in the removed sentence; another "Kyiv" follows right after.
    old = "Talks Kyiv hosted ended. Crowds in Kyiv cheered the news.\n"
    new = "Crowds in Kyiv cheered the news.\n"
    assert reanchor(old, new, [(6, 10)]) == [Placement(ORPHAN, 6, 10, 0.0)]


def test_a_replaced_word_is_an_orphan_not_a_fuzzy_match() -> None:
    # "resigned" (13..21) became "stayed": the context is identical, the quote is not.
    old = "The minister resigned on Monday after the vote.\n"
    new = "The minister stayed on Monday after the vote.\n"
    assert reanchor(old, new, [(13, 21)]) == [Placement(ORPHAN, 13, 21, 0.0)]


def test_a_short_word_with_a_one_letter_fix_is_below_the_threshold() -> None:
    # "Kyvi" -> "Kyiv": 3 of 4 letters in order, ratio 2 * 3 / 8 = 0.75 < 0.8.
    old = "Talks in Kyvi resumed.\n"
    new = "Talks in Kyiv resumed.\n"
    assert FUZZY_THRESHOLD == 0.8
    assert reanchor(old, new, [(9, 13)]) == [Placement(ORPHAN, 9, 13, 0.0)]


def test_spans_at_both_ends_of_the_text_and_an_unchanged_text() -> None:
    old = "𝔘 opens. The middle changes here. 🇺🇦 closes"
    new = "𝔘 opens. The middle was rewritten. 🇺🇦 closes"
    # 𝔘 is 0..1; "🇺🇦 closes" is the last 9 code points: 34..43 old, 35..44 new.
    assert len(old) == 43 and len(new) == 44
    spans = [(0, 1), (34, 43)]
    assert reanchor(old, new, spans) == [Placement(EXACT, 0, 1), Placement(EXACT, 35, 44)]
    assert reanchor(old, old, spans) == [Placement(EXACT, 0, 1), Placement(EXACT, 34, 43)]


def test_the_diff_maps_positions_in_unchanged_text_exactly() -> None:
    old = "One two three. Four five six.\n"
    new = "One two and a half three. Four five six.\n"
    mapping = TextMap(old, new)
    # "three" 8..13 old; " and a half" (11) inserted before it: 19..24 new.
    assert mapping.map(8) == (19, True)
    assert mapping.map(0) == (0, True)
    assert mapping.map(len(old)) == (len(new), True)
    assert mapping.back(19) == 8
    assert mapping.back(10) is None  # inside the inserted words


@pytest.mark.parametrize("text", ["no sentence end", "a.b!c?d\n\n\ne 李明。下", "..\n  x.", "x\n"])
def test_the_diff_keeps_every_piece_of_an_unchanged_text(text: str) -> None:
    # "Prefix. " (8 code points) before the old text: every old position moves by 8.
    mapping = TextMap(text, "Prefix. " + text)
    assert [mapping.map(pos) for pos in range(len(text) + 1)] == [
        (pos + 8, True) for pos in range(len(text) + 1)
    ]


@pytest.mark.parametrize(
    ("old", "new", "start", "end"),
    [
        ("Zelensky spoke.", "Zelensky, president, spoke.", 0, 8),
        ("Klitschko said the bridge reopens.", "Klitschko, the mayor, said the bridge reopens.",
         0, 9),
        ("First line about Kyiv.\nSecond line.", "First line about Kyiv today.\r\nSecond line.",
         17, 21),
        ("The mayor of Kyiv said so.", "The mayor of Kyiv, Vitali Klitschko, said so.", 13, 17),
        # CJK writes no spaces: "大阪市长" stays at 8-12 of the old text, 12-16 of the new.
        ("东京市长说了话。大阪市长表示反对。",
         "据报道，东京市长说了话。大阪市长表示强烈反对。", 8, 12),
    ],
    ids=["start", "start-long", "line-end", "comma", "cjk"],
)  # fmt: skip
def test_a_word_followed_by_new_punctuation_stays_exactly_where_it_was(
    old: str, new: str, start: int, end: int
) -> None:
    """Words added right after a span (a comma, an apposition) leave the span's
    own word in place: exact, not fuzzy nor an orphan."""
    shift = new.index(old[start:end]) - start  # the quote's first place in the new text
    (placed,) = reanchor(old, new, [(start, end)])
    assert placed == Placement(EXACT, start + shift, end + shift)


def test_a_placement_never_cuts_an_accent_or_a_skin_tone_off() -> None:
    """The new text writes the accents as combining marks and gives 👍 a skin
    tone: "Jose" there is no longer a whole word, so not exact; the fuzzy match
    takes the whole "José" (ratio 2 * 4 / 9 = 0.889).  👍🏽 against 👍 is 2 * 1 / 3 =
    0.667, under the threshold: an orphan, not half an emoji."""
    old = "Jose Garcia said the council would meet again on Friday morning."
    new = "Jose\u0301 Garci\u0301a said the council would meet again on Friday morning."
    assert reanchor(old, new, [(0, 4)]) == [Placement(FUZZY, 0, 5, 0.889)]
    old = "The crowd showed 👍 to the mayor as he left the hall on Friday."
    new = old.replace("👍", "👍🏽")
    assert reanchor(old, new, [(17, 18)]) == [Placement(ORPHAN, 17, 18, 0.0)]


@pytest.mark.parametrize(
    ("old", "new", "span", "placed", "score"),
    [
        # A letter deleted at the span's end, a comma after it: 2 * 19 / 39.
        ("According to Reuters, the talks begin in March.",
         "According to Reuter, the talks begin in March.", (0, 20), (0, 19), 0.974),
        # Two letters deleted, a word after it: 2 * 13 / 28.
        ("Then the governments said no.", "Then the governmen said no.", (5, 20), (5, 18), 0.929),
        # A letter replaced at the end: 2 * 6 / 14.
        ("Reuters said so.", "Reutera said so.", (0, 7), (0, 7), 0.857),
    ],
    ids=["deleted-before-a-comma", "deleted-before-a-word", "replaced"],
)  # fmt: skip
def test_a_span_whose_last_letters_were_deleted_lands_on_what_is_left(
    old: str, new: str, span: tuple[int, int], placed: tuple[int, int], score: float
) -> None:
    assert reanchor(old, new, [span]) == [Placement(FUZZY, *placed, score)]


@pytest.mark.parametrize(
    ("old", "new", "span", "placed", "score"),
    [
        # "overrun" is no longer a word of its own: the fuzzy match takes "overruns".
        ("the budget overrun. x", "the budget overruns. x", (4, 18), (4, 19), 0.966),
        ("The minister spoke.", "The ministers spoke.", (0, 12), (0, 13), 0.96),
        ("the election was held", "the reelection was held", (4, 12), (4, 14), 0.889),
    ],
    ids=["end", "end-capital", "start"],
)  # fmt: skip
def test_an_exact_placement_never_ends_or_starts_inside_a_word(
    old: str, new: str, span: tuple[int, int], placed: tuple[int, int], score: float
) -> None:
    """2 * 14 / 29, 2 * 12 / 25 and 2 * 8 / 18: the quote against the whole new word."""
    assert reanchor(old, new, [span]) == [Placement(FUZZY, *placed, score)]
