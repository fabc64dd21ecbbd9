"""Search and overview on a corpus of 10,000 documents and 1,000,000 spans.

Run: .venv/bin/python bench/corpus.py [--docs N] [--spans-per-doc N] [--keep DIR]

Targets (issue 11): a search answers in under 100 ms; the overview numbers
(`Store.overview`, what the overview panel and `annotator stats --json` show)
in under 1 s.  Prints each figure and its ratio to the target.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator import open_store  # noqa: E402
from annotator.model import DocumentRecord  # noqa: E402

LABELS = ("CLAIM", "ACTOR", "DATE", "CITATION")
WORDS = (
    "the minister said on Tuesday that talks in Kyiv 🇺🇦 would resume after 𝔘 a long pause "
    "according to officials Zoë Ångström José Núñez 李明 reported flood damage of 310 million "
    "euros in 2024 while the alliance promised funding next spring Café crème harbour barrier"
).split()
QUERIES = ("zelensky", "cafe", "angstrom", "flood damage", '"long pause"', "李明", "harb*")


def build(path: Path, docs: int, per_doc: int) -> float:
    rng = random.Random(5)
    t0 = time.perf_counter()
    with open_store(path) as store:
        for chunk in range(0, docs, 500):
            records = []
            for d in range(chunk, min(docs, chunk + 500)):
                words = [rng.choice(WORDS) for _ in range(max(60, per_doc * 3))]
                if d % 97 == 0:
                    words[5] = "Zelensky"
                text = " ".join(words) + f" #{d}"
                starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == " "]
                spans = []
                for n in range(per_doc):
                    i = rng.randrange(len(starts) - 3)
                    spans.append({
                        "id": f"s{d}-{n}", "start": starts[i], "end": starts[i + 1] - 1,
                        "label": rng.choice(LABELS), "annotator": rng.choice(("alice", "bob")),
                        "note": "check the figure" if n % 50 == 0 else None,
                    })  # fmt: skip
                records.append(DocumentRecord(text=text, uid=f"doc-{d}", title=f"Article {d}",
                                              spans=spans))  # fmt: skip
            store.import_records(records)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--spans-per-doc", type=int, default=100)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="annotator-corpus-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "corpus.db"
    if not db.exists():
        built = build(db, args.docs, args.spans_per_doc)
        print(f"built {args.docs:,} documents x {args.spans_per_doc} spans in {built:.1f} s")
    with open_store(db) as store:
        print(f"{store.document_count():,} documents, {store.span_count():,} spans")
        worst = 0.0
        for query in QUERIES:
            for label in (None, "ACTOR"):
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    hits = store.search(query, label=label, limit=50)
                    times.append(time.perf_counter() - t0)
                median = statistics.median(times)
                worst = max(worst, median)
                print(f"search {query!r:16} label={label or '-':6} {len(hits):3} hits"
                      f" {median * 1000:7.1f} ms")  # fmt: skip
        print(f"slowest search: {worst * 1000:.1f} ms, ratio to 100 ms target {worst / 0.1:.2f}"
              f" {'OK' if worst < 0.1 else 'MISSED'}")  # fmt: skip
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            store.overview()
            times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        print(f"overview: {median:.2f} s, ratio to 1 s target {median:.2f}"
              f" {'OK' if median < 1 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
