"""Small steps in the window (not a test).  Run: .venv/bin/python bench/window_steps.py

Two ~1 MB articles, each in a temporary database and a window, and the key
handling time (the key press until its handler returns, which includes the
synchronous repaint bookkeeping) of small steps, median of several presses:

  (s) the suggestions article of bench/suggest.py (~8,000 machine suggestions):
      Enter accepts one, Delete rejects one, Ctrl+Z undoes one of those
  (u) bench/window.py's article with 10,000 spans of the analyst: a label key
      tags a word, Ctrl+Z undoes one tag

Target for each: under 16 ms (one frame).  ``--profile`` prints a cProfile of
the last press of each kind.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import suggest as suggest_bench  # noqa: E402
from articles import make_article, word_ranges  # noqa: E402
from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from window import ANALYST, fill  # noqa: E402

from annotator.offsets import OffsetMap  # noqa: E402
from annotator.store import Store, open_store  # noqa: E402
from annotator.suggest.apply import pending, suggest_document  # noqa: E402
from ui.dialogs import ScriptedDialogs  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

PRESSES = 7
TARGET_MS = 16.0
Key = Qt.Key
Mod = Qt.KeyboardModifier


def settle(ms: int = 60) -> None:
    """Let timers and paints run (a QEventLoop: QTest.qWait would skew later timings)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def open_window(store: Store, doc_id: int) -> MainWindow:
    window = MainWindow(store, analyst=ANALYST, dialogs=ScriptedDialogs())
    window.resize(1400, 850)
    window.open_document(doc_id)
    window.show()
    window.activateWindow()
    window.view.setFocus()
    settle(300)
    return window


def select(window: MainWindow, offsets: OffsetMap, start: int, end: int) -> None:
    cursor = window.view.textCursor()
    cursor.setPosition(offsets.to_utf16(start))
    cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    settle(20)


def press(window: MainWindow, key: Key, mods: Mod, profile: cProfile.Profile | None) -> float:
    if profile is not None:
        profile.enable()
    start = time.perf_counter()
    QTest.keyClick(window.view, key, mods)
    took = (time.perf_counter() - start) * 1000
    if profile is not None:
        profile.disable()
    settle()
    return took


def line(name: str, times: list[float]) -> None:
    median = statistics.median(times)
    mark = "ok" if median < TARGET_MS else "SLOW"
    print(f"{name:<34} median {median:6.1f} ms  max {max(times):6.1f} ms  "
          f"({len(times)} presses, {mark})")  # fmt: skip


def measured(name: str, step: Callable[[cProfile.Profile | None], float], profiling: bool) -> None:
    times = [step(None) for _ in range(PRESSES - 1)]
    profile = cProfile.Profile() if profiling else None
    times.append(step(profile))
    line(name, times)
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(18)


def suggestions(tmp: Path, profiling: bool) -> None:
    text = suggest_bench.make_article()
    with open_store(tmp / "suggest.db") as store:
        doc_id = store.add_document(text, title="Suggestions").id
        made = suggest_document(store, doc_id)
        print(f"(s) {len(text):,} characters, {len(made):,} suggestions")
        window = open_window(store, doc_id)
        offsets = OffsetMap(text)
        rng = random.Random(11)

        def decide(key: Key) -> Callable[[cProfile.Profile | None], float]:
            def step(profile: cProfile.Profile | None) -> float:
                span = rng.choice(pending(store, doc_id, analyst=ANALYST))
                select(window, offsets, span.start + 1, span.start + 1)
                return press(window, key, Mod.NoModifier, profile)

            return step

        def undo(profile: cProfile.Profile | None) -> float:
            decide(Key.Key_Return)(None)
            return press(window, Key.Key_Z, Mod.ControlModifier, profile)

        measured("(s) Enter accepts one suggestion", decide(Key.Key_Return), profiling)
        measured("(s) Delete rejects one suggestion", decide(Key.Key_Delete), profiling)
        measured("(s) Ctrl+Z of an accept", undo, profiling)
        window.close()


def spans(tmp: Path, profiling: bool) -> None:
    text = make_article()
    with open_store(tmp / "spans.db") as store:
        doc_id = fill(store, text)
        print(f"(u) {len(text):,} characters, {len(store.spans(doc_id)):,} spans")
        window = open_window(store, doc_id)
        offsets = OffsetMap(text)
        tagged = {(s.start, s.end) for s in store.spans(doc_id)}
        words = iter([w for w in word_ranges(text[:200_000]) if w not in tagged][::7])

        def tag(profile: cProfile.Profile | None) -> float:
            start, end = next(words)
            select(window, offsets, start, end)
            return press(window, Key.Key_1, Mod.NoModifier, profile)

        def undo(profile: cProfile.Profile | None) -> float:
            tag(None)
            return press(window, Key.Key_Z, Mod.ControlModifier, profile)

        measured("(u) label key tags a word", tag, profiling)
        measured("(u) Ctrl+Z of one tag", undo, profiling)
        window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile the last presses")
    parser.add_argument("--only", choices=("s", "u"), help="one of the two articles")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    print(f"platform {app.platformName()}, target median < {TARGET_MS:.0f} ms per key")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "cfg"))
        if args.only in (None, "s"):
            suggestions(tmp, args.profile)
        if args.only in (None, "u"):
            spans(tmp, args.profile)


if __name__ == "__main__":
    main()
