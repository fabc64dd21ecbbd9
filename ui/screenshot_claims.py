"""A screenshot of the Claims panel for the README: who said what, when, on what source.

    xvfb-run -a .venv/bin/python -m ui.screenshot_claims ui/screenshot-claims.png

Works in a temporary database: the bundled sample with its reference layer
(``sample``: claims linked to their actors, dates and citations), to which it
gives the attributes an analyst would set: each claim's stance and whether it
is check-worthy, each date's ISO-8601 form.  Opens the window at 1400x960 with
its own temporary settings, opens the Claims panel below the article, clicks
the row of Wróbel's claim (so the article shows it and the margin draws its
links) and saves the window as PNG.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.sample_article import SAMPLE_ANNOTATOR, SAMPLE_UID, add_sample
from annotator.store import Store, open_store

from .app import fusion_application
from .docks import dock_of
from .screenshot import one_picture_main

SIZE = (1400, 960)
CLAIMS = {  # the start of a claim: (stance, check-worthy)
    "Delegates from fourteen": ("supports", True),
    "the fund would begin": ("neutral", False),
    "flood damage in his city": ("unclear", True),
    "regional flood losses": ("supports", True),
    "each member city": ("neutral", False),
    "southern cities would press": ("neutral", False),
    "Velmora raised more": ("unclear", True),
    "the post was shared": ("neutral", True),
    "sea walls alone": ("neutral", False),
    "member cities have until": ("supports", False),
}
DATES = {
    "Tuesday": "2025-11-18",
    "14 March 2026": "2026-03-14",
    "next spring": "2026-03/2026-05",
    "Wednesday evening": "2025-11-19",
    "30 June": "2026-06-30",
}  # "2024" says it all
CHOSEN = "flood damage in his city"  # the row clicked: a claim with actor, date and source
WIDTHS = (0, 400, 190, 230, 230, 80)  # px per column; the last (check-worthy) stretches


def populate(store: Store) -> int:
    """The sample, its claims and dates given their attributes; returns its document id."""
    add_sample(store)
    doc = store.document_by_uid(SAMPLE_UID)
    assert doc is not None
    for span in store.spans(doc.id, annotator=SAMPLE_ANNOTATOR):
        if span.label == "CLAIM":
            stance, checkworthy = next(v for k, v in CLAIMS.items() if span.text.startswith(k))
            attributes = {"stance": stance, "checkworthy": checkworthy}
        elif span.label == "DATE" and span.text in DATES:
            attributes = {"normalized": DATES[span.text]}
        else:
            continue
        store.update_span(span.id, attributes=attributes, by=SAMPLE_ANNOTATOR)
    return doc.id


def shoot(db_path: Path, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer
    from PySide6.QtTest import QTest

    from .claims_panel import show_claims
    from .dialogs import ScriptedDialogs
    from .main_window import MainWindow

    app = fusion_application()
    with open_store(db_path) as store, tempfile.TemporaryDirectory() as tmp:
        doc_id = populate(store)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, analyst=SAMPLE_ANNOTATOR, dialogs=ScriptedDialogs(),
                            settings=settings)  # fmt: skip
        window.open_document(doc_id)
        window.resize(*SIZE)
        window.show()
        QTest.qWaitForWindowExposed(window)
        panel = show_claims(window)
        while panel.reading:  # the rows are read on a worker thread
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        window.resizeDocks([dock_of(panel)], [430], Qt.Orientation.Vertical)
        window.splitter.setSizes([250, 700])
        window.resizeDocks([window.span_dock], [450], Qt.Orientation.Horizontal)
        for column, width in enumerate(WIDTHS):
            if width:
                panel.table.setColumnWidth(column, width)
        row = next(r for r, claim in enumerate(panel.shown_rows()) if claim.text.startswith(CHOSEN))
        panel.table.selectRow(row)
        panel.go_to(panel.proxy.index(row, 1))
        window.view.centerCursor()
        QTest.qWait(400)  # let the layout, the margin and the status bar settle
        if not window.grab().save(str(out), "PNG"):
            raise SystemExit(f"Error: could not write {out}")
        window.close()
    app.processEvents()


def main(argv: list[str] | None = None) -> None:
    one_picture_main("ui.screenshot_claims", __doc__, shoot, SIZE, argv)


if __name__ == "__main__":
    main()
