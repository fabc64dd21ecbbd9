"""Showing text: whole characters when cut short, terminal columns when lined up.

Every expected value is counted by hand: 🇺🇦 is two regional indicators (one
flag, two columns), 👨🏻‍🚒 is man + skin tone + ZWJ + fire engine (one
character, two columns), e + U+0301 is one character in one column, and each
CJK character takes two columns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import lines, run

from annotator import open_store
from annotator.display_text import (
    cells,
    clusters,
    counted,
    one_line,
    pad,
    shorten,
    with_count,
)
from annotator.word_edges import exact_range

FIREFIGHTER = "\U0001f468\U0001f3fb\u200d\U0001f692"
FLAG = "\U0001f1fa\U0001f1e6"
E_ACUTE = "e\u0301"
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"


@pytest.mark.parametrize(
    ("text", "parts", "columns"),
    [
        ("Kyiv", ["K", "y", "i", "v"], 4),
        ("李明", ["李", "明"], 4),
        (f"caf{E_ACUTE}", ["c", "a", "f", E_ACUTE], 4),
        (f"a{FIREFIGHTER}b", ["a", FIREFIGHTER, "b"], 4),
        (FLAG * 2 + "\U0001f1fa", [FLAG, FLAG, "\U0001f1fa"], 5),  # a flag and a lone letter
        ("\u2764\ufe0f!", ["\u2764\ufe0f", "!"], 3),  # the heart drawn as emoji
        (SCOTLAND, [SCOTLAND], 2),
        ("a\r\nb", ["a", "\r\n", "b"], 2),
        ("", [], 0),
    ],
)
def test_characters_and_columns(text: str, parts: list[str], columns: int) -> None:
    assert clusters(text) == parts
    assert cells(text) == columns


def test_shortening_keeps_whole_characters() -> None:
    text = f"Kyiv {FIREFIGHTER} talks"  # 5 + 1 + 6 = 12 characters
    assert shorten(text, 12) == text
    assert shorten(text, 7) == f"Kyiv {FIREFIGHTER}…"
    assert shorten(text, 6) == "Kyiv…"  # no space left before the ellipsis
    assert shorten(FLAG * 3, 3) == FLAG * 3
    assert shorten(FLAG * 3, 2) == f"{FLAG}…"
    assert shorten(f"caf{E_ACUTE}", 4) == f"caf{E_ACUTE}"  # five code points, four characters
    assert shorten(f"caf{E_ACUTE}s!", 4) == "caf…"


def test_shortening_in_columns() -> None:
    assert shorten("李明李明", 8, in_cells=True) == "李明李明"
    assert shorten("李明李明", 5, in_cells=True) == "李明…"
    assert shorten("李明李明", 4, in_cells=True) == "李…"  # 李明 + … would take 5
    assert shorten(f"{FLAG} Kyiv", 4, in_cells=True) == f"{FLAG}…"


def test_every_cut_is_a_run_of_whole_characters() -> None:
    text = f"{FLAG}{E_ACUTE}{FIREFIGHTER} 李{SCOTLAND}x"
    parts = clusters(text)
    for limit in range(1, len(parts) + 1):
        short = shorten(text, limit)
        kept = short.removesuffix("…")
        assert "".join(parts[: len(clusters(kept))]) == kept
        assert len(clusters(short)) <= limit


def test_counted() -> None:
    assert [counted(n, "span") for n in (0, 1, 2, 12_345)] == [
        "0 spans", "1 span", "2 spans", "12,345 spans"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 record names no analyst: its spans are kept"),
        (2, "2 records name no analyst: their spans are kept"),
        (0, "0 records name no analyst: their spans are kept"),
        (12345, "12,345 records name no analyst: their spans are kept"),
    ],
)
def test_with_count_agrees_with_the_count(count: int, expected: str) -> None:
    template = "{n} record{|s} name{s|} no analyst: {its|their} spans are kept"
    assert with_count(template, count) == expected


def test_with_count_leaves_other_braces_alone() -> None:
    assert with_count("{n} {label or type|labels or types} in {a, b}", 1) == (
        "1 label or type in {a, b}"
    )


def test_one_line_and_pad() -> None:
    assert one_line("Olena  Koval\nsaid\t the", 40) == "Olena Koval said the"
    assert one_line("Olena Koval said", 6) == "Olena…"
    assert pad("李明", 6) == "李明  "
    assert pad("7", 3, right=True) == "  7"
    assert pad("too long", 3) == "too long"


def test_list_lines_up_titles_in_cjk_and_emoji(tmp_path: Path) -> None:
    db = tmp_path / "wide.db"
    with open_store(db) as store:
        first = store.add_document("李明 said the talks resume.", title="李明 said")
        store.add_document(f"Kyiv {FLAG} talks resume.", title=f"Kyiv {FLAG}")
        store.add_span(first.id, 0, 2, "ACTOR", annotator="alice")
    result = run("list", "--db", str(db))
    assert result.exit_code == 0, result.output
    # TITLE is 9 columns wide ("李明 said": 2 + 2 + 1 + 4; "Kyiv 🇺🇦": 4 + 1 + 2).
    assert lines(result.output) == [
        "ID  TITLE      CLAIM  ACTOR  DATE  CITATION  TOTAL",
        "1   李明 said      0      1     0         0      1",
        f"2   Kyiv {FLAG}        0      0     0         0      0",
    ]


def test_list_cuts_a_long_title_between_characters(tmp_path: Path) -> None:
    db = tmp_path / "long.db"
    title = "李" * 23 + FLAG + "x"  # 46 + 2 + 1 = 49 columns: over the 48 a title may take
    with open_store(db) as store:
        store.add_document("Text of the article.", title=title)
    result = run("list", "--db", str(db))
    # 23 characters of two columns and "…" (47 columns): the flag would not fit.
    assert lines(result.output)[1] == "1   " + "李" * 23 + "…      0      0     0         0      0"


def test_list_keeps_a_title_with_control_characters_on_its_row(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        store.add_document("Kyiv talks resumed.", title="Kyiv\ttalks\nresumed \x1b[31mred")
    result = run("list", "--db", str(db))
    assert result.exit_code == 0
    out = lines(result.stdout)
    assert len(out) == 2  # the heading and one row: no newline broke it
    assert "\x1b" not in result.stdout and "\t" not in result.stdout
    assert out[1].startswith("1   Kyiv talks resumed [31mred")


def test_an_exact_range_is_whole_characters_without_edge_spaces() -> None:
    text = "a  cafe\u0301 \t👨🏻‍🚒\n b"
    # By hand: "cafe\u0301" is 3-8, the firefighter 10-14.
    assert (text[3:8], text[10:14]) == ("cafe\u0301", "👨🏻‍🚒")
    assert exact_range(text, 1, 9) == (3, 8)  # "  café " less its spaces
    assert exact_range(text, 2, 7) == (3, 8)  # the accent comes along
    assert exact_range(text, 8, 12) == (10, 14)  # " \t" and half the firefighter
    assert exact_range(text, 8, 10) is None  # only spaces
    assert exact_range(text, 14, 16) is None  # "\n "
