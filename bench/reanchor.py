"""Re-anchoring speed (not a test).  Run: .venv/bin/python bench/reanchor.py

Builds the benchmark article of bench/window.py's kind (~1 MB, ~170k words,
emoji and astral letters sprinkled in, paragraphs) with 10,000 spans (every
fifth covers three words), and a new version of it with 100 scattered edits:
words inserted, words deleted, and typos fixed (the old text has "Kyvi", the new
one "Kyiv").  Then it times ``Store.replace_text`` on a database file: the
whole transaction (the revision, the diff, re-anchoring every span, the span
updates and the history event), committed.  Target: under 2 s.

Prints the median of the runs, its ratio to the target, the pure re-anchoring
time (``annotator.anchoring.reanchor``, no SQL) and how many spans moved
exactly, moved fuzzily and were orphaned.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles import SPRINKLES, WORDS  # noqa: E402

from annotator import open_store  # noqa: E402
from annotator.anchoring import reanchor  # noqa: E402

TARGET_S = 2.0
LABELS = ("CLAIM", "ACTOR", "DATE", "CITATION")


def paragraphs(rng: random.Random, words: int) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for i in range(words):
        out[-1].append(rng.choice(SPRINKLES) if i % 97 == 0 else rng.choice(WORDS))
        if len(out[-1]) >= rng.randint(60, 140):
            out.append([])
    return [p for p in out if p]


def typo(word: str, rng: random.Random) -> str:
    """A misspelling: two inner letters swapped, or one dropped."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def versions(seed: int = 3, words: int = 170_000, edits: int = 100) -> tuple[str, str]:
    """(old, new): the new text has ``edits`` scattered changes to the old."""
    rng = random.Random(seed)
    paras = paragraphs(rng, words)
    places = [(p, w) for p, para in enumerate(paras) for w in range(len(para))]
    chosen = dict.fromkeys(sorted(rng.sample(range(len(places)), edits)))
    old_paras, new_paras = [], []
    index = 0
    for para in paras:
        old_words, new_words = [], []
        for word in para:
            kind = ("insert", "delete", "typo")[index % 3] if index in chosen else None
            if index in chosen:
                chosen[index] = kind
            if kind == "insert":
                new_words += [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
            if kind == "typo":
                old_words.append(typo(word, rng))
            else:
                old_words.append(word)
            if kind != "delete":
                new_words.append(word)
            index += 1
        old_paras.append(" ".join(old_words) + ".")
        new_paras.append(" ".join(new_words) + ".")
    return "\n\n".join(old_paras) + "\n", "\n\n".join(new_paras) + "\n"


def span_rows(text: str, count: int = 10_000, seed: int = 5) -> list[dict[str, Any]]:
    words, start = [], None
    for i, ch in enumerate(text):
        if ch.isalpha():
            start = i if start is None else start
        elif start is not None:
            words.append((start, i))
            start = None
    picks = sorted(random.Random(seed).sample(range(len(words) - 3), count))
    return [
        {"start": words[i][0], "end": words[i + (2 if n % 5 == 0 else 0)][1],
         "label": LABELS[n % 4], "annotator": "bench"}
        for n, i in enumerate(picks)
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    old, new = versions()
    rows = span_rows(old)
    print(f"article: {len(old):,} code points, {len(old.encode()):,} bytes UTF-8, "
          f"{len(old.split()):,} words; {len(rows):,} spans; 100 edits")  # fmt: skip
    started = time.perf_counter()
    reanchor(old, new, [(r["start"], r["end"]) for r in rows])
    pure = time.perf_counter() - started
    times, report = [], None
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            with open_store(Path(tmp) / f"bench{run}.db") as store:
                doc = store.add_document(old, title="Benchmark article")
                for i in range(0, len(rows), 1000):
                    store.add_spans(doc.id, rows[i : i + 1000])
                started = time.perf_counter()
                report = store.replace_text(doc.id, new, by="bench")
                times.append(time.perf_counter() - started)
                assert not store.check(), store.check()[:3]
    assert report is not None
    median = statistics.median(times)
    moved = sum(1 for s in report.exact if s.moved)
    print(f"replace_text: median {median:.3f} s of {args.runs} runs "
          f"({', '.join(f'{t:.3f}' for t in times)})")  # fmt: skip
    print(f"ratio to the 2 s target: {median / TARGET_S:.2f} "
          f"({'met' if median < TARGET_S else 'MISSED'})")  # fmt: skip
    print(f"of which re-anchoring alone (no SQL): {pure:.3f} s")
    print(f"exactly: {len(report.exact):,} ({moved:,} moved), fuzzily: {len(report.fuzzy):,}, "
          f"orphaned: {len(report.orphaned):,}")  # fmt: skip


if __name__ == "__main__":
    main()
