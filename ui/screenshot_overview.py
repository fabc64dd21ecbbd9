"""A screenshot of the overview window for the README: a small newsroom's morning.

    xvfb-run -a .venv/bin/python -m ui.screenshot_overview ui/screenshot-overview.png

Works in a temporary database: the bundled sample (annotated by ``sample``) and
a dozen short wire stories that two analysts, ``amara`` and ``jonas``, have
tagged in part and marked done in part.  Opens the overview at 1180x860 with
the window's own temporary settings, waits for the numbers, opens the top
actor's documents and saves the window as PNG.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from annotator.sample_article import add_sample
from annotator.store import Store, open_store

from .app import fusion_application
from .screenshot import one_picture_main

SIZE = (1180, 860)
STORIES = (  # (title, actor who speaks, date, claim, citation, second actor)
    ("Alliance doubles flood fund", "Zoë Ångström", "Monday", "the fund would double by 2027",
     "Daily Ledger", "Coastal Cities Alliance"),
    ("Strandzee counts the cost", "Łukasz Wróbel", "Tuesday", "repairs would take three years",
     "Nordic Wire Service", "Northern Estuary Institute"),
    ("Ports forum wants more", "José Núñez", "Wednesday", "the pledges were far too small",
     "Puerto Gazette", "Mediterranean Ports Forum"),
    ("Sea walls are not enough", "Tidewatch", "Thursday", "wetlands protect more homes",
     "Velmora Evening Post", "Zoë Ångström"),
    ("Pacific network joins talks", "李明", "Friday", "the network would send observers",
     "Daily Ledger", "Coastal Cities Alliance"),
    ("Insurers raise premiums", "Northern Estuary Institute", "Saturday",
     "losses had doubled in a decade", "Nordic Wire Service", "Łukasz Wróbel"),
    ("Smaller towns get more time", "Zoë Ångström", "Sunday", "towns may pay over five years",
     "Daily Ledger", "José Núñez"),
    ("Dock workers back the plan", "Mediterranean Ports Forum", "Monday",
     "the plan would protect 40,000 jobs", "Puerto Gazette", "José Núñez"),
    ("Velmora to host 2027 summit", "Coastal Cities Alliance", "Tuesday",
     "the next summit returns to Velmora", "Velmora Evening Post", "Zoë Ångström"),
    ("Estuary study questioned", "Łukasz Wróbel", "Wednesday", "the figures could not be checked",
     "Nordic Wire Service", "Northern Estuary Institute"),
    ("Observers praise the pledge", "李明", "Thursday", "Velmora raised more in two days",
     "Daily Ledger", "Tidewatch"),
    ("Budget hearing postponed", "Zoë Ångström", "Friday", "the hearing moves to June",
     "Daily Ledger", "Coastal Cities Alliance"),
)  # fmt: skip
# Who has tagged which stories (by number) and which they marked done.
TAGGED = {"amara": range(0, 10), "jonas": range(0, 6)}
DONE = {"amara": range(0, 7), "jonas": range(0, 3)}


def story(title: str, actor: str, date: str, claim: str, source: str, other: str) -> str:
    return (f"{title}\n\n{actor} said on {date} that {claim} [citation: {source}]. "
            f"The statement was welcomed by {other}, according to officials.\n")  # fmt: skip


def populate(store: Store) -> None:
    add_sample(store)
    for n, (title, actor, date, claim, source, other) in enumerate(STORIES):
        text = story(title, actor, date, claim, source, other)
        doc_id = store.add_document(text, title=title, source="newswire").id
        quotes = [(actor, "ACTOR"), (date, "DATE"), (claim, "CLAIM"),
                  (f"[citation: {source}]", "CITATION"), (other, "ACTOR")]  # fmt: skip
        for analyst, stories in TAGGED.items():
            if n not in stories:
                continue
            # jonas leaves out the second actor: the two layers differ a little.
            mine = quotes if analyst == "amara" else quotes[:4]
            store.add_spans(doc_id, [
                {"start": text.index(q), "end": text.index(q) + len(q), "label": label,
                 "annotator": analyst}
                for q, label in mine
            ])  # fmt: skip
        for analyst, stories in DONE.items():
            if n in stories:
                store.set_done(doc_id, analyst, True)


def shoot(db_path: Path, out: Path) -> None:
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtTest import QTest

    from .dialogs import ScriptedDialogs
    from .main_window import MainWindow
    from .overview_panel import show_overview

    app = fusion_application()
    with open_store(db_path) as store, tempfile.TemporaryDirectory() as tmp:
        populate(store)
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, analyst="amara", dialogs=ScriptedDialogs(), settings=settings)
        panel = show_overview(window)
        panel.resize(*SIZE)
        loop = QEventLoop()
        panel.loaded.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        if panel.job is not None:
            loop.exec()
        if panel.data is None:
            raise SystemExit("Error: the overview did not load in 30 s")
        panel.actor_tree.expand(panel.actor_model.index(0, 0))
        QTest.qWaitForWindowExposed(panel)
        QTest.qWait(300)  # let the layout settle
        if not panel.grab().save(str(out), "PNG"):
            raise SystemExit(f"Error: could not write {out}")
        panel.close()
        window.close()
    app.processEvents()


def main(argv: list[str] | None = None) -> None:
    one_picture_main("ui.screenshot_overview", __doc__, shoot, SIZE, argv)


if __name__ == "__main__":
    main()
