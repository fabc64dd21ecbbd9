"""Benchmark of the document list (not a test).  Run: .venv/bin/python bench/documents.py

Builds a temporary database of 1,000 articles (2-4 KB each, about 20 spans
each from two analysts, a third of them marked done) and prints medians of
several runs against the target of issue 4, opening the database shows the
list in under 0.5 s:

  (a) Store.documents(): the one query behind the list
  (b) MainWindow(store) to the document list shown and painted (target < 0.5 s)
  (c) File > Open of that database from a window on a small one, to the list
      painted (target < 0.5 s)
  (d) typing in the document filter: one keystroke re-filters 1,000 rows

Settings (zoom, last document, ...) live in a temporary file, never the user's.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # under xvfb-run: a real window

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEvent, QObject, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.model import DocumentRecord  # noqa: E402
from annotator.store import Store, open_store  # noqa: E402
from ui.dialogs import ScriptedDialogs  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

DOCUMENTS = 1000
RUNS = 7
TARGET = 0.5
LABELS = ("CLAIM", "ACTOR", "DATE", "CITATION")
WORDS = ("the minister said on Monday that talks in Kyiv would resume after the summit while "
         "officials in Brussels declined to comment on reports that the agreement was close "
         "according to a statement issued by the alliance").split()  # fmt: skip


def fill(store: Store) -> None:
    rng = random.Random(4)
    records = []
    for n in range(DOCUMENTS):
        words = [rng.choice(WORDS) for _ in range(rng.randint(350, 700))]
        text = f"Article {n}: {' '.join(words[:6])}\n\n" + " ".join(words) + ".\n"
        spans, pos = [], 0
        for k in range(20):
            start = text.find(" ", pos + rng.randint(20, 80)) + 1
            end = text.find(" ", start + 3)
            if start <= 0 or end < 0:
                break
            spans.append({"start": start, "end": end, "label": LABELS[k % 4],
                          "annotator": "alice" if k % 3 else "bob"})  # fmt: skip
            pos = end
        records.append(DocumentRecord(text=text, title=text.split("\n", 1)[0], spans=spans,
                                      source=f"wire-{n}.txt"))  # fmt: skip
    store.import_records(records)
    for doc in store.documents()[::3]:
        store.set_done(doc.id, "alice", True)


class PaintWatch(QObject):
    """Notes the first paint of a widget (the list's viewport)."""

    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def wait_painted(app: QApplication, watch: PaintWatch) -> None:
    # processEvents returns after the paint event was handled, list drawn.
    deadline = time.perf_counter() + 10
    while not watch.painted and time.perf_counter() < deadline:
        app.processEvents()


def new_settings(folder: Path, n: int) -> QSettings:
    return QSettings(str(folder / f"settings-{n}.ini"), QSettings.Format.IniFormat)


def open_window(app: QApplication, store: Store, folder: Path, n: int) -> float:
    started = time.perf_counter()
    window = MainWindow(store, analyst="alice", dialogs=ScriptedDialogs(),
                        settings=new_settings(folder, n))  # fmt: skip
    watch = PaintWatch()
    window.document_list.viewport().installEventFilter(watch)
    window.show()
    wait_painted(app, watch)
    elapsed = time.perf_counter() - started
    assert window.document_model.rowCount() == DOCUMENTS
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed


def switch_database(app: QApplication, small: Path, big: Path, folder: Path, n: int) -> float:
    store = open_store(small)
    window = MainWindow(store, analyst="alice", dialogs=ScriptedDialogs(),
                        settings=new_settings(folder, 100 + n))  # fmt: skip
    window.show()
    app.processEvents()
    started = time.perf_counter()
    window.files.open_path(big)
    watch = PaintWatch()
    window.document_list.viewport().installEventFilter(watch)
    wait_painted(app, watch)
    elapsed = time.perf_counter() - started
    assert window.document_model.rowCount() == DOCUMENTS
    window.close()  # closes the Store it opened
    window.deleteLater()
    app.processEvents()
    return elapsed


def filter_keystroke(app: QApplication, store: Store, folder: Path) -> float:
    window = MainWindow(store, analyst="alice", dialogs=ScriptedDialogs(),
                        settings=new_settings(folder, 200))  # fmt: skip
    window.show()
    app.processEvents()
    times = []
    for text in ("a", "ar", "art", "arti", "artic", "article 9", ""):
        started = time.perf_counter()
        window.document_panel.filter_box.setText(text)
        app.processEvents()
        times.append(time.perf_counter() - started)
    window.close()
    window.deleteLater()
    app.processEvents()
    return statistics.median(times)


def report(name: str, value: float, target: float | None = None) -> None:
    line = f"{name:<58} {value * 1000:7.1f} ms"
    if target is not None:
        verdict = "ok" if value <= target else "MISSED"
        line += f"  target {target * 1000:5.0f} ms  ratio {value / target:4.2f}  {verdict}"
    print(line)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big, small = folder / "big.db", folder / "small.db"
        built = time.perf_counter()
        with open_store(big) as store:
            fill(store)
            spans = store.span_count()
        with open_store(small) as store:
            store.add_document("A short article.\n", title="Small")
        print(f"database: {DOCUMENTS:,} documents, {spans:,} spans, "
              f"{big.stat().st_size / 1e6:.1f} MB (built in {time.perf_counter() - built:.1f} s)")
        print(f"medians of {RUNS} runs\n")
        with open_store(big) as store:
            queries = []
            for _ in range(RUNS):
                started = time.perf_counter()
                store.documents(annotator="alice")
                queries.append(time.perf_counter() - started)
            report("(a) Store.documents()", statistics.median(queries))
            windows = [open_window(app, store, folder, n) for n in range(RUNS)]
            report("(b) MainWindow(store) to the list shown and painted",
                   statistics.median(windows), TARGET)  # fmt: skip
            print(f"    first run (cold): {windows[0] * 1000:.1f} ms, slowest "
                  f"{max(windows) * 1000:.1f} ms")  # fmt: skip
            switches = [switch_database(app, small, big, folder, n) for n in range(RUNS)]
            report("(c) File > Open of that database to the list painted",
                   statistics.median(switches), TARGET)  # fmt: skip
            report("(d) one keystroke in the document filter", filter_keystroke(app, store, folder))


if __name__ == "__main__":
    main()
