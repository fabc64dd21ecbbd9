"""Texts with every hard case for offsets, and their spans, laid out by hand.

Shared by the format tests: emoji (flag, ZWJ sequence with skin tone), an
astral letter, CRLF, a precomposed and a combining accent, and CJK.
"""

from __future__ import annotations

from typing import Any

PROBE = "🇺🇦 Kyiv 𝔘 Zelensky said on 24 February 2022 that the talks were productive (Reuters)."
PROBE_SPANS = [
    (10, 18, "ACTOR", "Zelensky"),
    (27, 43, "DATE", "24 February 2022"),
    (49, 74, "CLAIM", "the talks were productive"),
    (75, 84, "CITATION", "(Reuters)"),
]
# Laid out by hand (code points): 🇺🇦 0-1, " Kyiv" 2-6, ":" 7, " " 8, 👨🏻‍🚒 9-12, " " 13,
# "Olena Koval" 14-24, " said " 25-30, "the" 31-33, " " 34, 𝔘 35, "-bridge" 36-42,
# " reopens" 43-50, "." 51, CRLF 52-53, "Café" 54-57, " (" 58-59, "cafe" + U+0301 60-64,
# ")" 65, " " 66, "owner" 67-71, " " 72, "李明" 73-74, " agreed" 75-81, "." 82 -> 83.
HARD = (
    "\U0001f1fa\U0001f1e6 Kyiv: \U0001f468\U0001f3fb\u200d\U0001f692 Olena Koval said the "
    "\U0001d518-bridge reopens.\r\nCaf\u00e9 (cafe\u0301) owner 李明 agreed."
)
HARD_SPANS = [
    (0, 7, "ACTOR", "\U0001f1fa\U0001f1e6 Kyiv"),
    (9, 13, "ACTOR", "\U0001f468\U0001f3fb\u200d\U0001f692"),
    (14, 25, "ACTOR", "Olena Koval"),
    (31, 51, "CLAIM", "the \U0001d518-bridge reopens"),
    (60, 65, "ACTOR", "cafe\u0301"),
    (67, 82, "CLAIM", "owner 李明 agreed"),
    (73, 75, "ACTOR", "李明"),
]


def u16(text: str, cp: int) -> int:
    """UTF-16 offset of code point offset ``cp``, by Python's encoder."""
    return len(text[:cp].encode("utf-16-le")) // 2


def spans_of(record: Any) -> list[tuple[int, int, str, str]]:
    return [
        (s["start"], s["end"], s["label"], record.text[s["start"] : s["end"]]) for s in record.spans
    ]
