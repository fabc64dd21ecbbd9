"""A screenshot of the window on the annotated sample, for the README.

    xvfb-run -a .venv/bin/python -m ui.screenshot ui/screenshot.png [--db PATH]

Opens the window at 1400x850 on the bundled sample (analyst ``sample``, a
CLAIM with a DATE inside it selected), waits for it to paint and saves
``window.grab()`` as PNG.  Without --db it works in a temporary database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from annotator.sample_article import SAMPLE_ANNOTATOR, SAMPLE_UID, add_sample
from annotator.store import open_store

from .app import NO_DISPLAY, no_display

SIZE = (1400, 850)
SELECTED_TEXT = "the fund would begin accepting applications on 14 March 2026"


def shoot(db_path: Path, out: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from .dialogs import ScriptedDialogs
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with open_store(db_path) as store:
        add_sample(store)
        doc = store.document_by_uid(SAMPLE_UID)
        assert doc is not None
        window = MainWindow(store, analyst=SAMPLE_ANNOTATOR, dialogs=ScriptedDialogs())
        window.open_document(doc.id)
        window.resize(*SIZE)
        window.show()
        QTest.qWaitForWindowExposed(window)
        chosen = next(s for s in store.spans(doc.id) if s.text == SELECTED_TEXT)
        window.editor.select_span(chosen.id)
        window.view.setFocus(Qt.FocusReason.OtherFocusReason)
        window.view.verticalScrollBar().setValue(0)
        QTest.qWait(400)  # let the caret, the table and the status bar settle
        if not window.grab().save(str(out), "PNG"):
            raise SystemExit(f"Error: could not write {out}")
        window.close()
    app.processEvents()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ui.screenshot", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--db", type=Path, default=None, help="database (default: a temporary one)")
    args = parser.parse_args(argv)
    if no_display():
        raise SystemExit(f"Error: {NO_DISPLAY}")
    if args.db is not None:
        shoot(args.db, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            shoot(Path(tmp) / "sample.db", args.out)
    print(f"Saved {args.out} ({SIZE[0]}x{SIZE[1]})")


if __name__ == "__main__":
    main()
