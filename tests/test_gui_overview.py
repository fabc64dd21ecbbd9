"""The overview window: its numbers against hand counts and plain SQL, its exports.

Four documents; alice tags 1 and 2 and marks 1 done; bob tags 1 and 3 and marks
3 and 4 done (4 without a single span).  By hand:

    alice: done {1}     in progress {2}     not started {3, 4}
    bob:   done {3, 4}  in progress {1}     not started {2}

Actors by normalised text: "zoe angstrom" 3 times (alice in 1 and 2, bob in 1),
shown in its most frequent spelling "Zoë Ångström"; "jose nunez" twice (1, 3).
Citations: Daily Ledger twice (alice in 1 and 2), Puerto Gazette once (bob in 3).
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from ui import overview_panel
from ui.overview_panel import OverviewPanel, show_overview

TEXTS = (
    ("Summit", "Zoë Ångström met José Núñez in Velmora on Tuesday [citation: Daily Ledger].\n"),
    ("Friday", "zoe angstrom, the secretary-general, spoke on Friday [citation: Daily Ledger].\n"),
    ("Ports", "José Núñez said nothing [citation: Puerto Gazette].\n"),
    ("Rain", "An article about rain that nobody tagged.\n"),
)
SPANS = (  # (document number, quote, label, analyst)
    (1, "Zoë Ångström", "ACTOR", "alice"), (1, "José Núñez", "ACTOR", "alice"),
    (1, "Tuesday", "DATE", "alice"), (1, "[citation: Daily Ledger]", "CITATION", "alice"),
    (2, "zoe angstrom", "ACTOR", "alice"), (2, "[citation: Daily Ledger]", "CITATION", "alice"),
    (1, "Zoë Ångström", "ACTOR", "bob"),
    (1, "Zoë Ångström met José Núñez in Velmora", "CLAIM", "bob"),
    (3, "José Núñez", "ACTOR", "bob"), (3, "[citation: Puerto Gazette]", "CITATION", "bob"),
)  # fmt: skip
DONE = ((1, "alice"), (3, "bob"), (4, "bob"))


@pytest.fixture
def ids(store):
    ids = [store.add_document(text, title=title).id for title, text in TEXTS]
    for n, quote, label, analyst in SPANS:
        text = TEXTS[n - 1][1]
        at = text.index(quote)
        store.add_span(ids[n - 1], at, at + len(quote), label, annotator=analyst)
    for n, analyst in DONE:
        store.set_done(ids[n - 1], analyst)
    return ids


@pytest.fixture
def window(store, ids, make_window):
    return make_window(store, analyst="alice")


@pytest.fixture
def panel(qtbot, window) -> OverviewPanel:
    panel = show_overview(window)
    qtbot.addWidget(panel)
    assert panel.summary.text() == "Loading…"  # until the worker reports
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        pass
    assert panel.job is None
    return panel


def mentions(model):
    """[(text, mentions, documents, [child titles])] as the tree shows them."""
    rows = []
    for r in range(model.rowCount()):
        top = model.index(r, 0)
        children = [model.index(c, 0, top).data() for c in range(model.rowCount(top))]
        rows.append((top.data(), model.index(r, 1).data(), model.index(r, 2).data(), children))
    return rows


def test_progress_per_analyst_matches_hand_counts(panel, db_path):
    shown = [(b.name, [s.value for s in b.segments], b.label) for b in panel.progress_chart.bars]
    assert shown == [
        ("alice", [1, 1, 2], "1 done · 1 in progress · 2 not started"),
        ("bob", [2, 1, 1], "2 done · 1 in progress · 1 not started"),
    ]
    assert panel.progress_chart.scale == 4  # a full bar is every document
    with sqlite3.connect(db_path) as conn:  # done marks, independently
        done = dict(conn.execute(
            "SELECT annotator, count(*) FROM document_status WHERE done GROUP BY 1"))  # fmt: skip
    assert done == {"alice": 1, "bob": 2}
    assert panel.summary.text().startswith("4 documents · 10 spans · 2 analysts · as of ")


def test_spans_per_label_and_analyst_match_plain_sql(panel, db_path):
    shown = [(b.group, b.name, b.total, b.segments[0].colour) for b in panel.label_chart.bars]
    assert shown == [  # schema order: CLAIM, ACTOR, DATE, CITATION
        ("CLAIM  1", "bob", 1, "#E69F00"),
        ("ACTOR  5", "alice", 3, "#56B4E9"), ("ACTOR  5", "bob", 2, "#56B4E9"),
        ("DATE  1", "alice", 1, "#009E73"),
        ("CITATION  3", "alice", 2, "#CC79A7"), ("CITATION  3", "bob", 1, "#CC79A7"),
    ]  # fmt: skip
    with sqlite3.connect(db_path) as conn:
        counted = {(label, who): n for label, who, n in conn.execute(
            "SELECT label, annotator, count(*) FROM spans GROUP BY 1, 2")}  # fmt: skip
    assert {(b.group.split()[0], b.name): b.total for b in panel.label_chart.bars} == counted


def test_actors_and_citations_by_normalised_text_with_their_documents(panel, qtmodeltester):
    assert mentions(panel.actor_model) == [
        ("Zoë Ångström", "3", "2", ["Summit", "Friday"]),
        ("José Núñez", "2", "2", ["Summit", "Ports"]),
    ]
    assert mentions(panel.citation_model) == [
        ("[citation: Daily Ledger]", "2", "2", ["Summit", "Friday"]),
        ("[citation: Puerto Gazette]", "1", "1", ["Ports"]),
    ]
    qtmodeltester.check(panel.actor_model)


def test_a_document_under_a_mention_opens_in_the_window(qtbot, panel, window, ids):
    tree, model = panel.actor_tree, panel.actor_model
    ports = model.index(1, 0, model.index(1, 0))  # José Núñez > Ports
    tree.setFocus()
    tree.setCurrentIndex(ports)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert window.editor.document.id == ids[2]


def test_many_documents_are_counted_not_listed(qtbot, panel, monkeypatch):
    monkeypatch.setattr(overview_panel, "DOCS_SHOWN", 1)
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.refresh_button.click()
    assert mentions(panel.actor_model)[0] == (
        "Zoë Ångström",
        "3",
        "2",
        ["Summit", "… and 1 more: search for it"],
    )


def test_refresh_counts_again(qtbot, panel, store, ids):
    store.add_span(ids[3], 0, 2, "CLAIM", annotator="carol")
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        panel.refresh_button.click()
    assert [b.name for b in panel.progress_chart.bars] == ["alice", "bob", "carol"]
    assert [s.value for s in panel.progress_chart.bars[2].segments] == [0, 1, 3]


def test_csv_export_is_one_long_table(panel, dialogs, tmp_path):
    out = tmp_path / "overview.csv"
    dialogs.paths.append(out)
    panel.csv_button.click()
    assert dialogs.asked[-1][:2] == ("save_file_name", "Export the overview as CSV")
    assert out.read_text(encoding="utf-8").splitlines() == [
        "section,name,analyst,value",
        "corpus,documents,,4",
        "corpus,spans,,10",
        "progress,done,alice,1",
        "progress,in_progress,alice,1",
        "progress,not_started,alice,2",
        "progress,done,bob,2",
        "progress,in_progress,bob,1",
        "progress,not_started,bob,1",
        "spans,ACTOR,alice,3",
        "spans,ACTOR,bob,2",
        "spans,CITATION,alice,2",
        "spans,CITATION,bob,1",
        "spans,CLAIM,bob,1",
        "spans,DATE,alice,1",
        "actor mentions,Zoë Ångström,,3",
        "actor documents,Zoë Ångström,,2",
        "actor mentions,José Núñez,,2",
        "actor documents,José Núñez,,2",
        "citation mentions,[citation: Daily Ledger],,2",
        "citation documents,[citation: Daily Ledger],,2",
        "citation mentions,[citation: Puerto Gazette],,1",
        "citation documents,[citation: Puerto Gazette],,1",
    ]


def test_csv_export_to_a_place_that_cannot_be_written_says_so(panel, dialogs, tmp_path):
    blocker = tmp_path / "numbers"
    blocker.write_text("a file where a folder was expected")
    dialogs.paths.append(blocker / "overview.csv")
    panel.csv_button.click()
    assert dialogs.errors == [
        f"File exists: {blocker}: a file of that name is in the way: choose another place"
    ]
    assert blocker.read_text() == "a file where a folder was expected"
    assert list(tmp_path.rglob("*overview*")) == []


def test_png_export_writes_the_panel_as_an_image(panel, dialogs, tmp_path):
    out = tmp_path / "overview.png"
    dialogs.paths.append(out)
    panel.png_button.click()
    assert out.stat().st_size > 0
    image = QImage(str(out))
    assert not image.isNull() and image.size() == panel.content.size()


def test_cancelled_export_writes_nothing(panel, dialogs, tmp_path):
    panel.csv_button.click()  # no path scripted: the dialog was cancelled
    panel.png_button.click()
    assert [kind for kind, _, _ in dialogs.asked] == ["save_file_name", "save_file_name"]
    assert dialogs.errors == [] and list(tmp_path.glob("overview.*")) == []


def colours_in(widget) -> set[str]:
    image = widget.grab().toImage()
    assert not image.isNull() and image.width() >= widget.minimumSizeHint().width()
    return {image.pixelColor(x, y).name() for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)}  # fmt: skip


def test_the_charts_paint_their_bars(panel):
    assert {"#3b9c5a", "#e6a23c", "#cfd4db"} <= colours_in(panel.progress_chart)
    assert {"#e69f00", "#56b4e9", "#009e73", "#cc79a7"} <= colours_in(panel.label_chart)


def test_an_empty_database_says_so(qtbot, tmp_path, make_window):
    from annotator.store import open_store

    with open_store(tmp_path / "empty.db") as empty:
        window = make_window(empty)
        panel = show_overview(window)
        qtbot.addWidget(panel)
        with qtbot.waitSignal(panel.loaded, timeout=10000):
            pass
        assert panel.progress_chart.bars == [] and panel.label_chart.bars == []
        assert panel.actor_model.rowCount() == 0
        assert panel.summary.text().startswith("0 documents · 0 spans · 0 analysts")
        assert not panel.progress_chart.grab().isNull()


def test_showing_it_again_reuses_the_window_and_counts_again(qtbot, panel, window):
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        assert show_overview(window) is panel
        assert panel.summary.text() == "Loading…"
