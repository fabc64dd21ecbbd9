"""File > Import of files whose labels the database lacks: the window asks what each
becomes, then imports again through the same worker; Cancel imports nothing."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from label_map_files import write_news
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from annotator.store import open_store
from ui.dialogs import LabelMapRequest
from ui.label_map_dialog import LabelMapDialog

TABLES = ("documents", "spans", "relations", "events")
STRIKE = "Kyiv Independent reported the strike on Tuesday.\n"


def rows(db_path):
    with closing(sqlite3.connect(db_path)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def write_sources(path):
    """Label Studio JSON: one SRC region."""
    task = {"id": 7, "data": {"text": STRIKE, "title": "Strike report"}, "annotations": [
        {"completed_by": 1, "result": [
            {"id": "regionsrc01", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 16, "text": "Kyiv Independent", "labels": ["SRC"]}},
        ]},
    ]}  # fmt: skip
    path.write_text(json.dumps([task]), encoding="utf-8")
    return path


def write_places(path):
    """Native JSONL: one LOCATION span, a label no alias covers."""
    span = {"start": 0, "end": 5, "label": "LOCATION", "annotator": "bob"}
    record = {"text": "Odesa port reopened.\n", "offset_unit": "codepoint", "spans": [span]}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def stored(db_path):
    """Every document's first two words, with its spans and relations as plain values."""
    with open_store(db_path) as check:
        found = {}
        for summary in check.documents():
            doc = check.document(summary.id)
            spans = check.spans(doc.id)
            by_id = {s.id: s.text for s in spans}
            found[" ".join(doc.text.split(" ")[:2])] = (
                [(s.start, s.end, s.label, s.text) for s in spans],
                [(r.type, by_id[r.from_span], by_id[r.to_span]) for r in check.relations(doc.id)],
            )
        return found


@pytest.fixture
def window(store, make_window):
    doc = store.add_document("Kharkiv rail resumed.\n", title="Kharkiv rail")
    return make_window(store, analyst="alice", document_id=doc.id)


def wait_done(qtbot, window):
    qtbot.waitUntil(lambda: not window.transfer.busy, timeout=15000)


def test_unknown_labels_are_mapped_in_the_window(window, tmp_path, dialogs, qtbot, db_path):
    news = write_news(tmp_path / "news.jsonl")
    dialogs.paths.append([news])
    dialogs.mappings.append({"PER": "ACTOR", "ORG": "ACTOR", "said_by": "ATTRIBUTED_TO"})
    window.action_map["import_files"].trigger()
    wait_done(qtbot, window)
    assert [a for a in dialogs.asked if a[0] == "map_labels"] == [(
        "map_labels",
        "news.jsonl uses labels and relation types this database does not have:"
        " choose what each becomes",
        "labels: ORG=ACTOR, PER=ACTOR; relation types: said_by=ATTRIBUTED_TO",
    )]  # fmt: skip
    (request,) = dialogs.label_requests
    assert request.files == ("news.jsonl",)
    assert request.labels == {"ORG": "ACTOR", "PER": "ACTOR"}  # CLAIM is the schema's own
    assert request.relation_types == {"said_by": "ATTRIBUTED_TO"}
    assert dialogs.errors == []
    assert stored(db_path) == {
        "Kharkiv rail": ([], []),
        "Zelensky said": (
            [(0, 8, "ACTOR", "Zelensky"), (14, 48, "CLAIM", "the Kyiv bridge will reopen in May"),
             (50, 59, "ACTOR", "Ukrenergo")],
            [("ATTRIBUTED_TO", "the Kyiv bridge will reopen in May", "Zelensky")],
        ),
        "NATO met": ([(0, 4, "ACTOR", "NATO")], []),
    }  # fmt: skip
    assert window.statusBar().currentMessage() == "Imported 2 documents and 4 spans"
    assert window.document_model.rowCount() == 3


def test_cancelling_the_mapping_imports_nothing(window, tmp_path, dialogs, qtbot, db_path):
    news = write_news(tmp_path / "news.jsonl")
    before = rows(db_path)
    dialogs.paths.append([news])  # no scripted mapping: the dialog is cancelled
    window.action_map["import_files"].trigger()
    wait_done(qtbot, window)
    assert [kind for kind, _, _ in dialogs.asked] == ["open_file_names", "map_labels"]
    assert rows(db_path) == before == {"documents": 1, "spans": 0, "relations": 0, "events": 1}
    assert window.document_model.rowCount() == 1
    assert window.statusBar().currentMessage() == "Labels not mapped: nothing was imported"


def test_a_folder_is_asked_once_for_every_file(window, tmp_path, dialogs, qtbot, db_path,
                                               monkeypatch):  # fmt: skip
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-kyiv.txt").write_text("Kyiv talks resumed on Monday.\n", encoding="utf-8")
    write_news(folder / "news.jsonl")
    write_places(folder / "places.jsonl")
    write_sources(folder / "sources.json")
    before = rows(db_path)
    at_the_question = []
    ask = dialogs.map_labels

    def map_labels(request):
        at_the_question.append(rows(db_path))  # the first pass wrote nothing
        return ask(request)

    monkeypatch.setattr(dialogs, "map_labels", map_labels)
    dialogs.mappings.append({"PER": "ACTOR", "ORG": "ACTOR", "said_by": "ATTRIBUTED_TO",
                             "LOCATION": None, "SRC": "CITATION"})  # fmt: skip
    dialogs.paths.append(folder)
    window.action_map["import_folder"].trigger()
    wait_done(qtbot, window)
    assert at_the_question == [before]
    assert [a for a in dialogs.asked if a[0] == "map_labels"] == [(
        "map_labels",
        "news.jsonl, places.jsonl and sources.json use labels and relation types this database"
        " does not have: choose what each becomes",
        "labels: LOCATION=?, ORG=ACTOR, PER=ACTOR, SRC=CITATION;"
        " relation types: said_by=ATTRIBUTED_TO",
    )]  # fmt: skip
    assert stored(db_path) == {
        "Kharkiv rail": ([], []),
        "Kyiv talks": ([], []),
        "Zelensky said": (
            [(0, 8, "ACTOR", "Zelensky"), (14, 48, "CLAIM", "the Kyiv bridge will reopen in May"),
             (50, 59, "ACTOR", "Ukrenergo")],
            [("ATTRIBUTED_TO", "the Kyiv bridge will reopen in May", "Zelensky")],
        ),
        "NATO met": ([(0, 4, "ACTOR", "NATO")], []),
        "Odesa port": ([], []),  # LOCATION skipped: the text comes in, its span does not
        "Kyiv Independent": ([(0, 16, "CITATION", "Kyiv Independent")], []),
    }  # fmt: skip
    assert dialogs.errors == []
    assert dialogs.messages == [
        "Imported 5 documents and 5 spans.\n\n"
        "Note: news.jsonl: 2 records name no analyst: their spans are credited to 'imported'\n"
        "Note: places.jsonl: left out, as mapped: 1 span labelled LOCATION"
    ]


def test_the_dialog_preselects_guesses_and_waits_for_every_choice(store, qtbot):
    request = LabelMapRequest(("news.jsonl",), {"PER": "ACTOR", "LOCATION": None},
                              {"said_by": "ATTRIBUTED_TO"}, store.schema)  # fmt: skip
    dialog = LabelMapDialog(request)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Map imported labels"
    assert dialog.findChild(QLabel, "labelMapHeadline").text() == (
        "news.jsonl uses labels and relation types this database does not have:"
        " choose what each becomes."
    )
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    (per, per_box, _), (location, location_box, _), (said_by, said_box, _) = dialog.rows
    assert (per, location, said_by) == ("PER", "LOCATION", "said_by")
    assert per_box.currentText() == "ACTOR   (key 2)"
    assert location_box.currentText() == "Choose a label…"
    assert said_box.currentText() == "ATTRIBUTED_TO   (CLAIM → ACTOR)"
    assert not ok.isEnabled()  # LOCATION has no choice yet
    location_box.setCurrentIndex(location_box.count() - 1)
    assert location_box.currentText() == "Skip spans with this label"
    assert ok.isEnabled()
    per_box.setCurrentIndex(3)  # Choose a label…, CLAIM, ACTOR, DATE
    assert dialog.label_map() == {"PER": "DATE", "LOCATION": None, "said_by": "ATTRIBUTED_TO"}
