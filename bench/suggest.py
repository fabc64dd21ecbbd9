"""Suggester speed (not a test).  Run: .venv/bin/python bench/suggest.py

Builds a ~1 MB news-style article (~170k words, emoji and astral letters
sprinkled in, paragraphs) with dates in varied forms, citation markers,
attributions and speakers sprinkled through it, then times
``annotator.suggest.run_all`` (dates, citations, actors; plug-ins off, so the
figure is the core's) with a reference date.  Target: under 3 s.

Prints the median of the runs, its ratio to the target, each suggester's own
time and how many suggestions of each label were found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles import SPRINKLES, WORDS  # noqa: E402  (the same words as the 1 MB article)

from annotator.suggest import actors, citations, dates, run_all  # noqa: E402

TARGET_S = 3.0
REFERENCE = dt.date(2025, 3, 7)
INSERTS = [
    "3 March 2025",
    "on 9-10 June",
    "in May 2011",
    "by 2030",
    "last Tuesday",
    "next Monday",
    "from 1 April 2025 to 31 March 2026",
    "March 14, 2024",
    "[citation: Daily Ledger]",
    "[citation: Nordic Wire Service]",
    "according to the Coastal Cities Alliance",
    "Harbour Monitor reported",
    "citing customs data",
    "said in a statement to Coastal Radio",
    "Marta Olsberg said",
    "said Henrik Vaal",
    "in Germany",
    "the European Union",
]


def make_article(seed: int = 3, words: int = 170_000) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(words):
        roll = rng.random()
        if roll < 0.01:
            out.append(rng.choice(INSERTS))
        elif roll < 0.012:
            out.append(rng.choice(SPRINKLES))
        else:
            out.append(rng.choice(WORDS))
        if i % 120 == 119:
            out.append(".\n\n")
    return " ".join(out).replace(" .\n\n ", ".\n\n")


def timed(fn, *args, **kwargs) -> tuple[float, Any]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = make_article()
    print(f"article: {len(text.encode('utf-8')) / 1e6:.2f} MB, {len(text.split()):,} words")
    run_all("warm up: 3 March 2025 [citation: X]", reference_date=REFERENCE, plugins=False)
    times: list[float] = []
    found: list[Any] = []
    for _ in range(args.runs):
        seconds, found = timed(run_all, text, reference_date=REFERENCE, plugins=False)
        times.append(seconds)
    median = statistics.median(times)
    for name, fn in (("dates", dates.suggest), ("citations", citations.suggest),
                     ("actors", actors.suggest)):  # fmt: skip
        seconds, _ = timed(fn, text, reference_date=REFERENCE)
        print(f"  {name:<10} {seconds:6.3f} s")
    counts = Counter(s.label for s in found)  # type: ignore[attr-defined]
    print("  found:", ", ".join(f"{label} {n:,}" for label, n in sorted(counts.items())))
    print(f"run_all: {median:.3f} s median of {args.runs} (target {TARGET_S:.0f} s, "
          f"ratio {median / TARGET_S:.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
