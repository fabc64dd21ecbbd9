"""A screenshot of the window for the README: several documents, two layers, the span table.

    xvfb-run -a .venv/bin/python -m ui.screenshot ui/screenshot.png [--db PATH] [--theme dark]
    xvfb-run -a .venv/bin/python -m ui.screenshot ui/screenshot-review.png --review

Works in a temporary database (or --db): the bundled sample annotated by
``sample``, a second analyst's spans on it (drawn faint and read-only), and a
few more articles in various states.  Opens the window at 1400x850 with its
own temporary settings, selects a CLAIM with a DATE inside it, waits for the
paint and saves ``window.grab()`` as PNG.  With ``--review`` it opens the
review of the sample as Ctrl+R does (``sample`` against ``maria``), accepts the
matches into gold, chooses the first disagreement, waits for the agreement
numbers and saves the review window instead.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.sample_article import SAMPLE_ANNOTATOR, SAMPLE_UID, add_sample
from annotator.store import Store, open_store

from .app import NO_DISPLAY, fusion_application, no_display

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


# For the review: the second analyst goes through the whole article too, and
# differs from the sample's spans here and there (by their order in the article).
SKIPPED = {9, 20, 25}  # only in the sample's layer
RELABELLED = {16: "CITATION", 21: "CLAIM"}  # label mismatches
SHORTENED = {8, 15, 26}  # boundary mismatches: the last word left out


def second_layer(store: Store, doc_id: int) -> list[dict[str, object]]:
    """The second analyst's version of the sample's spans (not already in SECOND_SPANS)."""
    doc = store.document(doc_id)
    mine = {(s.start, s.end) for s in store.spans(doc_id, annotator=SECOND)}
    rows = []
    for n, span in enumerate(store.spans(doc_id, annotator=SAMPLE_ANNOTATOR)):
        if n in SKIPPED or any(a < span.end and span.start < b for a, b in mine):
            continue
        end = doc.text.rindex(" ", span.start, span.end) if n in SHORTENED else span.end
        rows.append({"start": span.start, "end": end, "label": RELABELLED.get(n, span.label),
                     "annotator": SECOND})  # fmt: skip
    return rows


def second_relations(store: Store, doc_id: int) -> None:
    """The second analyst links most of what the sample links, between their own spans
    at the same places; every third link is left out (the review's "only A")."""
    theirs = {(s.start, s.end, s.label): s.id for s in store.spans(doc_id, annotator=SECOND)}
    sample = store.spans(doc_id, annotator=SAMPLE_ANNOTATOR)
    mine = {s.id: (s.start, s.end, s.label) for s in sample}
    # In the article's order: the same links are left out at every run (ids are random).
    placed = sorted(store.relations(doc_id), key=lambda r: (str(mine.get(r.from_span)),
                                                            str(mine.get(r.to_span)), r.type))
    for n, rel in enumerate(placed):
        source, target = (theirs.get(mine[end]) if end in mine else None
                          for end in (rel.from_span, rel.to_span))  # fmt: skip
        if rel.annotator == SAMPLE_ANNOTATOR and source and target and n % 3:
            store.add_relation(doc_id, source, target, rel.type, annotator=SECOND)


def populate(store: Store, *, review: bool = False) -> int:
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
        if review:
            store.add_spans(doc.id, second_layer(store, doc.id))
            second_relations(store, doc.id)
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


def shoot(db_path: Path, out: Path, theme: str = "light", *, review: bool = False) -> None:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    from .dialogs import ScriptedDialogs
    from .main_window import MainWindow

    app = fusion_application()
    with open_store(db_path) as store, tempfile.TemporaryDirectory() as tmp:
        doc_id = populate(store, review=review)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, analyst=SAMPLE_ANNOTATOR, dialogs=ScriptedDialogs(),
                            settings=settings)  # fmt: skip
        window.appearance.set_theme(theme)
        window.open_document(doc_id)
        window.resize(*SIZE)
        window.splitter.setSizes([290, 660])  # room for the documents' titles
        window.show()
        QTest.qWaitForWindowExposed(window)
        window.resizeDocks([window.span_dock], [450], Qt.Orientation.Horizontal)
        chosen = next(s for s in store.spans(doc_id, annotator=SAMPLE_ANNOTATOR)
                      if s.text == SELECTED_TEXT)  # fmt: skip
        window.editor.select_span(chosen.id)
        window.view.setFocus(Qt.FocusReason.OtherFocusReason)
        window.view.verticalScrollBar().setValue(0)
        QTest.qWait(400)  # let the caret, the table and the status bar settle
        shown = _review(window, doc_id) if review else window
        if not shown.grab().save(str(out), "PNG"):
            raise SystemExit(f"Error: could not write {out}")
        window.close()
    app.processEvents()


def _review(window: Any, doc_id: int) -> Any:
    """The review window on the sample, a few decisions made, its numbers measured."""
    from PySide6.QtTest import QTest

    review = window.show_review(doc_id)
    review.show_document(doc_id, SAMPLE_ANNOTATOR, SECOND)
    QTest.qWaitForWindowExposed(review)
    controller = review.controller
    controller.accept_all_matches()
    controller.next_disagreement()
    for _ in range(100):  # the agreement is measured by a job after the first paint
        if controller.result is not None and not controller.jobs.busy:
            break
        QTest.qWait(50)
    QTest.qWait(400)
    return review


def one_picture_main(
    module: str,
    doc: str | None,
    shoot: Callable[[Path, Path], None],
    size: tuple[int, int],
    argv: list[str] | None,
) -> None:
    """The command line of a script that takes one picture from a temporary database."""
    summary = (doc or "").split("\n")[0]
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=summary)
    parser.add_argument("out", type=Path, help="PNG file to write")
    args = parser.parse_args(argv)
    if no_display():
        raise SystemExit(f"Error: {NO_DISPLAY}")
    with tempfile.TemporaryDirectory() as tmp:
        shoot(Path(tmp) / "screenshot.db", args.out)
    print(f"Saved {args.out} ({size[0]}x{size[1]})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ui.screenshot", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("out", type=Path, help="PNG file to write")
    parser.add_argument("--db", type=Path, default=None, help="database (default: a temporary one)")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--review", action="store_true", help="the review window instead")
    args = parser.parse_args(argv)
    if no_display():
        raise SystemExit(f"Error: {NO_DISPLAY}")
    if args.db is not None:
        shoot(args.db, args.out, args.theme, review=args.review)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            shoot(Path(tmp) / "sample.db", args.out, args.theme, review=args.review)
    print(f"Saved {args.out}")


if __name__ == "__main__":
    main()
