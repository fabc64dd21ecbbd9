"""The window as ``annotator gui`` starts it (``app.open_window``, what ``run()`` shows):
live refresh polling, a rolling backup after the first paint, both kept across
File > Open.

"Another process" is another connection to the same file: SQLite's
``PRAGMA data_version`` changes for this window's connection all the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDockWidget

from annotator.store import Store, open_store
from ui.app import open_window
from ui.backups import backups_of
from ui.window_services import WindowServices

TEXT = "Mayor Ana Ruiz said on Monday that the bridge in Kyiv reopens next week."
# Mayor 0..5, Ana 6..9, Ruiz 10..14, said 15..19, Monday 23..29, Kyiv 49..53
NEW_TEXT = "Mayor Ana Ruiz said on Monday that the bridge reopens next week."


def table(review: Any) -> list[tuple[str, ...]]:
    m = review.model
    return [tuple(m.data(m.index(r, c)) for c in range(5)) for r in range(m.rowCount())]


def shown(window: Any) -> list[tuple[int, int, str, str]]:
    model = window.span_model
    return sorted((s.start, s.end, s.label, s.annotator)
                  for s in (model.span_at(r) for r in range(model.rowCount())))  # fmt: skip


def started(qtbot: Any, store: Store, doc_id: int, dialogs: Any) -> Any:
    window = open_window(store, analyst="alice", document_id=doc_id, dialogs=dialogs,
                         interval_ms=20)  # fmt: skip
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def backed_up(qtbot: Any, services: WindowServices, n: int) -> Path:
    """The n-th backup (1-based) of the window's life, once made."""
    qtbot.waitUntil(lambda: len(services.backups) >= n
                    and services.backups[n - 1].thread is not None, timeout=10_000)  # fmt: skip
    services.wait(timeout=60)
    thread = services.backups[n - 1].thread
    assert thread is not None
    assert thread.error is None, thread.error
    assert thread.made is not None
    return thread.made


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(TEXT, title="One").id


def test_the_started_window_backs_up_and_refreshes_across_file_open(
    qtbot, store, db_path, doc_id, dialogs, tmp_path: Path
) -> None:
    window = started(qtbot, store, doc_id, dialogs)
    services = window.findChild(WindowServices)
    assert services is not None and services.live.timer.interval() == 20
    made = backed_up(qtbot, services, 1)
    assert backups_of(db_path) == [made] and made.parent == db_path.parent / "backups"

    with open_store(db_path) as other:
        other.add_span(doc_id, 49, 53, "ACTOR", annotator="bob")
    qtbot.waitUntil(lambda: shown(window) == [(49, 53, "ACTOR", "bob")], timeout=10_000)

    other_db = tmp_path / "second" / "other.db"
    other_db.parent.mkdir()
    with open_store(other_db) as other:
        other_doc = other.add_document(TEXT, title="Other").id
    dialogs.paths.append(other_db)
    window.action_map["open_database"].trigger()  # File > Open
    assert window.store.path == other_db
    window.open_document(other_doc)
    second = backed_up(qtbot, services, 2)
    # The old orphans dock went with the old database (the corpus search dock stays).
    qtbot.waitUntil(lambda: [d.objectName() for d in window.findChildren(QDockWidget)
                             if d.objectName() == "orphansDock"] == ["orphansDock"])  # fmt: skip
    assert backups_of(other_db) == [second] and backups_of(db_path) == [made]

    with open_store(other_db) as other:  # the refresh watches the new database
        other.add_span(other_doc, 23, 29, "DATE", annotator="bob")
    qtbot.waitUntil(lambda: shown(window) == [(23, 29, "DATE", "bob")], timeout=10_000)


def test_another_process_s_changes_reach_the_review_and_the_orphans(
    qtbot, store, db_path, doc_id, dialogs
) -> None:
    store.add_span(doc_id, 49, 53, "ACTOR", annotator="alice")  # "Kyiv"
    store.add_span(doc_id, 6, 14, "ACTOR", annotator="alice")
    store.add_span(doc_id, 6, 14, "ACTOR", annotator="bob")
    window = started(qtbot, store, doc_id, dialogs)
    review = window.show_review()
    rows = [("match", "Ana Ruiz", "Ana Ruiz"), ("only A", "Kyiv", "")]
    assert [(r[0], r[2], r[4]) for r in table(review)] == rows

    with open_store(db_path) as other:  # bob tags "Monday": a new row of the review
        other.add_span(doc_id, 23, 29, "DATE", annotator="bob")
    rows.insert(1, ("only B", "", "Monday"))
    qtbot.waitUntil(lambda: [(r[0], r[2], r[4]) for r in table(review)] == rows, timeout=10_000)
    assert (23, 29, "DATE", "bob") in shown(window)

    dock, panel = window.orphans_dock, window.orphans_panel
    assert not dock.isVisible()
    with open_store(db_path) as other:  # bob drops "in Kyiv" from the text
        other.replace_text(doc_id, NEW_TEXT, by="bob")
    qtbot.waitUntil(lambda: window.view.toPlainText() == NEW_TEXT, timeout=10_000)
    assert panel.orphan_list.count() == 1 and dock.isVisible()
    assert shown(window) == [(6, 14, "ACTOR", "alice"), (6, 14, "ACTOR", "bob"),
                             (23, 29, "DATE", "bob")]  # fmt: skip

    with open_store(db_path) as other:  # and places alice's orphan on "bridge" (39..45)
        [orphan] = other.orphans(doc_id)
        other.place_orphan(orphan.span.id, 39, 45, by="bob")
    qtbot.waitUntil(lambda: panel.orphan_list.count() == 0, timeout=10_000)
    assert not dock.isVisible()  # the text is the same: only reload_from_store refreshes it
    assert (39, 45, "ACTOR", "alice") in shown(window)
    window.findChild(WindowServices).wait(timeout=60)
