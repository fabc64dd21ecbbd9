"""Benchmark of the review window (not a test).  Run: .venv/bin/python bench/review.py

Builds a ~1 MB article (about 170k words, emoji and astral letters sprinkled
in) with two layers of 10,000 spans each in a temporary database: half of B
identical to A, the rest relabelled, shifted, both, or on one side only.
Then prints medians of several runs against the targets of issue 5:

  (a) show_document on an open review window, to the first painted review:
      both panes painted with the disagreements marked and the diff table
      filled (target < 1 s); also when the agreement numbers are shown, and
      the same with a new window built and shown first (cold)
  (b) an accept key press on a disagreement (A, accept left; B on an only-B
      row), until stored and repainted (target median < 16 ms)
  (c) "Accept all matches" (5,000 pairs, one transaction, off the GUI thread)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # under xvfb-run: a real window
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from articles import describe, make_article, report, word_ranges  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.review import category_counts, compare  # noqa: E402
from annotator.store import Store, open_store  # noqa: E402
from ui.review_dialogs import ScriptedReviewDialogs  # noqa: E402
from ui.review_view import ReviewWindow  # noqa: E402

RUNS = 5
KEY_PRESSES = 40
LABELS = ("CLAIM", "ACTOR", "DATE", "CITATION")
def fill(store: Store, text: str, spans: int = 10_000) -> int:
    """Layers ``alice`` (A) and ``bob`` (B), ``spans`` each."""
    doc = store.add_document(text, title="Benchmark article")
    rng = random.Random(5)
    words = word_ranges(text)
    # Every third word at most, so a shifted span never reaches its neighbour's.
    slots = rng.sample(range(0, len(words) - 4, 3), spans + spans // 8)
    picks, spare = sorted(slots[:spans]), sorted(slots[spans:])
    a_rows: list[dict[str, Any]] = []
    b_rows: list[dict[str, Any]] = []
    for n, i in enumerate(picks):
        start, end = words[i][0], words[i + (1 if n % 7 == 0 else 0)][1]
        label = LABELS[n % 4]
        a_rows.append({"start": start, "end": end, "label": label, "annotator": "alice"})
        kind = n % 8
        if kind < 4:  # half identical: a match
            b = (start, end, label)
        elif kind == 4:  # relabelled: a label mismatch
            b = (start, end, LABELS[(n + 1) % 4])
        elif kind == 5:  # one more word: a boundary mismatch
            b = (start, words[i + 2][1], label)
        elif kind == 6:  # shifted and relabelled: an overlap mismatch
            b = (start, words[i + 2][1], LABELS[(n + 2) % 4])
        else:  # only in A; B has a span of its own elsewhere instead
            j = spare[len(b_rows) % len(spare)]
            b = (words[j][0], words[j][1], label)
        b_rows.append({"start": b[0], "end": b[1], "label": b[2], "annotator": "bob"})
    for rows in (a_rows, b_rows):
        for k in range(0, len(rows), 2000):
            store.add_spans(doc.id, rows[k : k + 2000])
    return doc.id


def wait_until(app: QApplication, done: Callable[[], object], limit: float = 60.0) -> float:
    """Run the event loop until ``done()``; idle, it sleeps as a real one does (a busy
    loop here would starve the window's worker threads of the GIL)."""
    deadline = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out waiting for the review")
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    return time.perf_counter()


def open_review(app: QApplication, window: ReviewWindow, doc_id: int) -> tuple[float, float]:
    """(to the first painted review, to the numbers shown) from show_document.

    Times are taken in the slots, when the paint or the numbers happen, not when
    the event loop hands control back.
    """
    compared: list[float] = []
    painted: dict[str, float] = {}
    measured: list[float] = []
    c = window.controller

    def paint(side: str) -> None:
        if compared and side not in painted:
            painted[side] = time.perf_counter()

    slots = [
        (c.compared, lambda: compared.append(time.perf_counter())),
        (c.measured, lambda: measured.append(time.perf_counter())),
        (window.left.painted, lambda: paint("left")),
        (window.right.painted, lambda: paint("right")),
    ]
    for signal, slot in slots:
        signal.connect(slot)
    start = time.perf_counter()
    window.show_document(doc_id, "alice", "bob")
    wait_until(app, lambda: len(painted) == 2 and bool(measured))
    for signal, slot in slots:
        signal.disconnect(slot)
    assert window.model.rowCount() > 0
    return max(painted.values()) - start, measured[0] - start


def accept_presses(app: QApplication, window: ReviewWindow, store: Store,
                   doc_id: int) -> list[float]:  # fmt: skip
    window.filter_box.setCurrentIndex(window.filter_box.findData("disagreements"))
    window.activateWindow()  # shortcuts act in the active window only
    wait_until(app, window.isActiveWindow)
    window.table.setFocus()
    window.table.setCurrentIndex(window.model.index(0, 0))
    # The analyst reads a moment first: the panes finish painting in the background.
    wait_until(app, lambda: not any(h.catching_up for h in window.controller.highlighters))
    for _ in range(20):
        app.processEvents()
    times = []
    for _ in range(KEY_PRESSES):
        flag: list[float] = []

        def slot(flag: list[float] = flag) -> None:
            if not flag:
                flag.append(time.perf_counter())

        row = window.controller.current_row()
        assert row is not None and window.controller.session is not None
        pair = window.controller.session.pairs[row]
        key = Qt.Key.Key_A if pair.a is not None else Qt.Key.Key_B  # accept the side it has
        window.left.painted.connect(slot)
        t0 = time.perf_counter()
        QTest.keyClick(window.table, key)
        wait_until(app, flag.__len__)  # painted: the slot stored its time
        times.append(flag[0] - t0)
        window.left.painted.disconnect(slot)
    decided = len(store.decisions(doc_id))
    assert decided == KEY_PRESSES, f"expected {KEY_PRESSES} decisions stored, found {decided}"
    return times


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    text = make_article()
    print(f"{describe(text)}, platform {app.platformName()}")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with open_store(db) as store:
            doc_id = fill(store, text)
            a, b = store.spans(doc_id, annotator="alice"), store.spans(doc_id, annotator="bob")
            counts = category_counts(compare(a, b))
            print(
                f"layers: {len(a):,} spans of alice (A), {len(b):,} of bob (B); pairs: "
                + ", ".join(f"{n:,} {c}" for c, n in counts.items())
                + "\n"
            )
            firsts, numbers = [], []
            window = ReviewWindow(store, "lead", dialogs=ScriptedReviewDialogs())
            other = store.add_document("Another article.\n", title="other")
            store.add_span(other.id, 0, 7, "CLAIM", annotator="alice")
            store.add_span(other.id, 0, 7, "CLAIM", annotator="bob")
            window.show_document(other.id)
            window.show()
            for _ in range(10):
                app.processEvents()
            for _ in range(RUNS):
                window.show_document(other.id)
                for _ in range(5):
                    app.processEvents()
                first, measured = open_review(app, window, doc_id)
                firsts.append(first)
                print(f"    run: first painted review {first * 1000:.0f} ms,"
                      f" numbers {measured * 1000:.0f} ms")  # fmt: skip
                numbers.append(measured)
            report("(a) show_document to the first painted review",
                   statistics.median(firsts), 1.0, unit="ms")  # fmt: skip
            print(f"    agreement numbers shown after: {statistics.median(numbers) * 1000:.0f} ms")
            colds = []
            for _ in range(3):
                t0 = time.perf_counter()
                fresh = ReviewWindow(store, "lead", dialogs=ScriptedReviewDialogs())
                fresh.show()
                built = time.perf_counter() - t0
                colds.append(built + open_review(app, fresh, doc_id)[0])
                fresh.close()
                fresh.deleteLater()
                app.processEvents()
            print(f"    cold (a new review window built and shown too): "
                  f"{statistics.median(colds) * 1000:.0f} ms")  # fmt: skip
            presses = accept_presses(app, window, store, doc_id)
            report(f"(b) accept key press, stored + repainted (median of {len(presses)})",
                   statistics.median(presses), 0.016, unit="ms")  # fmt: skip
            print(f"    slowest accept key press: {max(presses) * 1000:.1f} ms")
            flag: list[float] = []
            window.controller.busy.connect(lambda text: flag.append(time.perf_counter())
                                           if not text else None)  # fmt: skip
            t0 = time.perf_counter()
            window.controller.accept_all_matches()
            wait_until(app, flag.__len__)  # the job is done: ``busy`` stored its time
            print(
                f"(c) accept all {counts['match']:,} matches (off the GUI thread): "
                f"{(flag[0] - t0) * 1000:.0f} ms; gold now "
                f"{len(store.spans(doc_id, annotator='gold')):,} spans"
            )
            window.close()


if __name__ == "__main__":
    main()
