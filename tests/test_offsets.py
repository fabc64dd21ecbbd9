"""Code point <-> UTF-16 offsets, checked against Python's own UTF-16 encoder.

The independent reference: the UTF-16 offset of code point ``cp`` is the
number of UTF-16 code units that encode ``text[:cp]``, i.e.
``len(text[:cp].encode("utf-16-le")) // 2``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.offsets import OffsetMap, to_codepoint, to_utf16, utf16_length

FLAG_UA = "\U0001f1fa\U0001f1e6"  # 🇺🇦: two regional indicators, 4 UTF-16 units
FIREFIGHTER = "\U0001f468\U0001f3fb\u200d\U0001f692"  # 👨🏻‍🚒: 4 code points, 7 units
FRAKTUR_U = "\U0001d518"  # 𝔘: one code point, 2 units
E_ACUTE = "e\u0301"  # e + COMBINING ACUTE ACCENT: 2 code points, 2 units
CJK = "李明"  # BMP: one unit each
CJK_EXT_B = "\U0002000b"  # 𠀋: an astral CJK ideograph, 2 units
CRLF = "\r\n"


def reference_utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def boundaries(text: str) -> dict[int, int]:
    """UTF-16 offset -> code point offset, for every code point boundary."""
    return {reference_utf16(text, cp): cp for cp in range(len(text) + 1)}


def check_against_reference(text: str) -> None:
    m = OffsetMap(text)
    units = len(text.encode("utf-16-le")) // 2
    assert (m.length, m.utf16_length, utf16_length(text)) == (len(text), units, units)
    for cp in range(len(text) + 1):
        u16 = reference_utf16(text, cp)
        assert m.to_utf16(cp) == u16
        assert m.to_codepoint(u16) == cp
    on_boundary = boundaries(text)
    for u16 in range(units + 1):
        if u16 in on_boundary:
            for snap in ("error", "down", "up"):
                assert m.to_codepoint(u16, snap=snap) == on_boundary[u16]
        else:  # between the two halves of a surrogate pair
            with pytest.raises(ValueError, match="surrogate pair"):
                m.to_codepoint(u16)
            assert m.to_codepoint(u16, snap="down") == on_boundary[u16 - 1]
            assert m.to_codepoint(u16, snap="up") == on_boundary[u16 - 1] + 1


# a 🇺🇦 b 👨🏻‍🚒 c 𝔘 e◌́ 李 CR LF, laid out by hand:
#   code point: a0 🇺1 🇦2 b3 👨4 🏻5 ZWJ6 🚒7 c8 𝔘9 e10 ◌́11 李12 CR13 LF14 | end 15
#   UTF-16:     a0 🇺1-2 🇦3-4 b5 👨6-7 🏻8-9 ZWJ10 🚒11-12 c13 𝔘14-15 e16 ◌́17 李18 CR19 LF20 | 21
MIXED = "a" + FLAG_UA + "b" + FIREFIGHTER + "c" + FRAKTUR_U + E_ACUTE + "李" + CRLF
HAND_CP_TO_U16 = [0, 1, 3, 5, 6, 8, 10, 11, 13, 14, 16, 17, 18, 19, 20, 21]
HAND_INSIDE_PAIRS = [2, 4, 7, 9, 12, 15]


def test_hand_computed_table() -> None:
    m = OffsetMap(MIXED)
    assert (m.length, m.utf16_length) == (15, 21)
    assert [m.to_utf16(cp) for cp in range(16)] == HAND_CP_TO_U16
    assert [m.to_codepoint(u) for u in HAND_CP_TO_U16] == list(range(16))
    for u16 in HAND_INSIDE_PAIRS:
        with pytest.raises(ValueError):
            m.to_codepoint(u16)


def test_the_hand_table_agrees_with_the_encoder() -> None:
    assert [reference_utf16(MIXED, cp) for cp in range(16)] == HAND_CP_TO_U16


@pytest.mark.parametrize(
    ("piece", "code_points", "units"),
    [
        (FLAG_UA, 2, 4),
        (FIREFIGHTER, 4, 7),
        (FRAKTUR_U, 1, 2),
        (E_ACUTE, 2, 2),
        (CJK, 2, 2),
        (CJK_EXT_B, 1, 2),
        (CRLF, 2, 2),
    ],
)
def test_each_hard_character_in_context(piece: str, code_points: int, units: int) -> None:
    text = f"Kyiv {piece} said {piece}{piece}."
    assert len(piece) == code_points
    m = OffsetMap(text)
    # "Kyiv " is 5 units; the piece's end is 5 + units; the second copy starts
    # after " said " (6 more).
    assert m.to_utf16(5) == 5
    assert m.to_utf16(5 + code_points) == 5 + units
    assert m.to_utf16(5 + code_points + 6) == 5 + units + 6
    assert m.utf16_length == len(text) + 3 * (units - code_points)
    check_against_reference(text)


def test_a_span_converted_for_qt_selects_the_same_characters() -> None:
    # What the GUI does: code points from the store, UTF-16 units for Qt.
    text = f"{FLAG_UA} Kyiv: {FIREFIGHTER} Olena {FRAKTUR_U}Koval, cafe\u0301 李明\r\nend"
    start = text.index("Olena")
    end = text.index(",")
    m = OffsetMap(text)
    units = text.encode("utf-16-le")
    u_start, u_end = m.to_utf16(start), m.to_utf16(end)
    assert units[2 * u_start : 2 * u_end].decode("utf-16-le") == text[start:end]
    assert text[start:end] == f"Olena {FRAKTUR_U}Koval"


def test_empty_and_plain_text() -> None:
    assert OffsetMap("").to_utf16(0) == 0 and OffsetMap("").to_codepoint(0) == 0
    m = OffsetMap("plain ascii")
    assert [m.to_utf16(i) for i in range(12)] == list(range(12))


@pytest.mark.parametrize("cp", [-1, 16, 100])
def test_code_point_offsets_out_of_range(cp: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        OffsetMap(MIXED).to_utf16(cp)


@pytest.mark.parametrize("u16", [-1, 22])
def test_utf16_offsets_out_of_range(u16: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        OffsetMap(MIXED).to_codepoint(u16)


def test_snapping_inside_a_surrogate_pair() -> None:
    m = OffsetMap(MIXED)
    # 👨 (code point 4) takes units 6 and 7: offset 7 falls between its halves.
    assert m.to_codepoint(7, snap="down") == 4
    assert m.to_codepoint(7, snap="up") == 5
    # 𝔘 (code point 9) takes units 14 and 15: offset 15 falls between its halves.
    assert m.to_codepoint(15, snap="down") == 9
    assert m.to_codepoint(15, snap="up") == 10


def test_module_level_helpers() -> None:
    assert to_utf16(MIXED, 9) == 14
    assert to_codepoint(MIXED, 14) == 9
    assert utf16_length(MIXED) == 21
    with pytest.raises(ValueError):
        to_codepoint(MIXED, 12)  # inside 🚒


HARD = [FLAG_UA, FIREFIGHTER, FRAKTUR_U, E_ACUTE, CJK, CJK_EXT_B, CRLF, "\u200d", "\r"]


@given(
    st.lists(
        st.one_of(
            st.characters(codec="utf-8"),  # any code point but lone surrogates, astral too
            st.characters(min_codepoint=0x10000),  # astral only, to have many
            st.sampled_from(HARD),
        ),
        max_size=40,
    ).map("".join)
)
def test_any_text_agrees_with_the_encoder(text: str) -> None:
    check_against_reference(text)
