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


def describe(text: str) -> str:
    """One line about the article: size, words, code points and UTF-16 units."""
    utf16 = len(text.encode("utf-16-le")) // 2
    return (f"article: {len(text.encode('utf-8')) / 1e6:.2f} MB, {len(text.split()):,} words,"
            f" {len(text):,} code points, {utf16:,} UTF-16 units")  # fmt: skip


def report(name: str, value: float, target: float, unit: str = "s") -> None:
    """Print a figure, its target and their ratio."""
    scale = 1000 if unit == "ms" else 1
    verdict = "ok" if value <= target else "OVER TARGET"
    print(f"{name:<60} {value * scale:7.1f} {unit:<2}  target {target * scale:6.1f} {unit:<2}"
          f"   ratio {value / target:4.2f}  {verdict}")  # fmt: skip
