"""A screenshot of the window for the README: several documents, two layers, the span table.

    xvfb-run -a .venv/bin/python -m ui.screenshot ui/screenshot.png [--db PATH] [--theme dark]

Works in a temporary database (or --db): the bundled sample annotated by
``sample``, a second analyst's spans on it (drawn faint and read-only), and a
few more articles in various states.  Opens the window at 1400x850 with its
own temporary settings, selects a CLAIM with a DATE inside it, waits for the
paint and saves ``window.grab()`` as PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from annotator.sample_article import SAMPLE_ANNOTATOR, SAMPLE_UID, add_sample
from annotator.store import Store, open_store

from .app import NO_DISPLAY, no_display

SIZE = (1400, 850)
SELECTED_TEXT = "the fund would begin accepting applications on 14 March 2026"
SECOND = "maria"
SECOND_SPANS = (  # (quote, label): where the second analyst saw things differently
    ("VELMORA", "ACTOR"), ("the fund would begin accepting applications", "CLAIM"),
    ("14 March 2026", "DATE"), ("Harbour Hall conference centre", "ACTOR"),
    ("Zoë Ångström", "ACTOR"),
)  # fmt: skip
MORE = (  # (title, text, spans of `sample`, done by)
    ("Port of Odesa reopens grain corridor",
     "Port of Odesa reopens grain corridor\n\nOfficials said on Friday that the corridor would "
     "reopen next week, according to the ministry.\n", (("Officials", "ACTOR"),
     ("Friday", "DATE"), ("the corridor would reopen next week", "CLAIM")), ("sample",)),
    ("Regional election turnout hits record",
     "Regional election turnout hits record\n\nThe commission reported a turnout of 71 per "
     "cent on Sunday [citation: Daily Ledger].\n", (("The commission", "ACTOR"),
     ("Sunday", "DATE"), ("[citation: Daily Ledger]", "CITATION")), (SECOND,)),
    ("Drought plan debated in parliament",
     "Drought plan debated in parliament\n\nMinisters argued on Tuesday that reservoirs "
     "were at their lowest in a decade.\n", (("Ministers", "ACTOR"),), ()),
    ("Rail strike called off after talks",
     "Rail strike called off after talks\n\nUnion leaders said the strike planned for "
     "Monday was cancelled.\n", (), ()),
)  # fmt: skip


def populate(store: Store) -> int:
    """The screenshot's documents and layers; returns the sample's document id."""
    add_sample(store)
    doc = store.document_by_uid(SAMPLE_UID)
    assert doc is not None
    if not store.spans(doc.id, annotator=SECOND):
        store.add_spans(doc.id, [
            {"start": doc.text.index(quote), "end": doc.text.index(quote) + len(quote),
             "label": label, "annotator": SECOND}
            for quote, label in SECOND_SPANS
        ])  # fmt: skip
    known = {d.title for d in store.documents()}
    for title, text, spans, done_by in MORE:
        if title in known:
            continue
        added = store.add_document(text, title=title, source="newswire")
        rows = [{"start": text.index(q), "end": text.index(q) + len(q), "label": label,
                 "annotator": SAMPLE_ANNOTATOR} for q, label in spans]  # fmt: skip
        if rows:
            store.add_spans(added.id, rows)
        for analyst in done_by:
            store.set_done(added.id, analyst, True)
    return doc.id


def shoot(db_path: Path, out: Path, theme: str = "light") -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from .dialogs import ScriptedDialogs
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    with open_store(db_path) as store, tempfile.TemporaryDirectory() as tmp:
        doc_id = populate(store)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, analyst=SAMPLE_ANNOTATOR, dialogs=ScriptedDialogs(),
                            settings=settings)  # fmt: skip
        window.appearance.set_theme(theme)
        window.open_document(doc_id)
        window.resize(*SIZE)
        window.splitter.setSizes([290, 660, 450])  # room for the documents' titles
        window.show()
        QTest.qWaitForWindowExposed(window)
        chosen = next(s for s in store.spans(doc_id, annotator=SAMPLE_ANNOTATOR)
                      if s.text == SELECTED_TEXT)  # fmt: skip
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
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    args = parser.parse_args(argv)
    if no_display():
        raise SystemExit(f"Error: {NO_DISPLAY}")
    if args.db is not None:
        shoot(args.db, args.out, args.theme)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            shoot(Path(tmp) / "sample.db", args.out, args.theme)
    print(f"Saved {args.out} ({SIZE[0]}x{SIZE[1]})")


if __name__ == "__main__":
    main()
