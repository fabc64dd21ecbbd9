"""The benchmark article: ~1 MB of news-like prose with emoji and astral characters.

Shared by the benchmarks that open, review or edit "the 1 MB article".
"""

from __future__ import annotations

import random

WORDS = (
    "the minister said on Monday that talks in Kyiv would resume after the summit while "
    "officials in Brussels declined to comment on reports that the agreement was close "
    "according to a statement issued by the alliance delegates from fourteen cities agreed "
    "to create a shared fund worth billion euros spokesperson analysts warned"
).split()
SPRINKLES = ["🇺🇦", "👨🏻‍🚒", "𝔘", "🌍", "Zoë", "李明", "e\u0301te"]


def make_article(seed: int = 3, words: int = 170_000) -> str:
    rng = random.Random(seed)
    paragraphs, current = [], []
    for i in range(words):
        current.append(rng.choice(SPRINKLES) if i % 97 == 0 else rng.choice(WORDS))
        if len(current) >= rng.randint(60, 140):
            paragraphs.append(" ".join(current) + ".")
            current = []
    paragraphs.append(" ".join(current) + ".")
    return "\n\n".join(paragraphs) + "\n"


def word_ranges(text: str) -> list[tuple[int, int]]:
    out, start = [], None
    for i, ch in enumerate(text):
        if ch.isalpha():
            start = i if start is None else start
        elif start is not None:
            out.append((start, i))
            start = None
    return out
