"""File > Import and File > Export: off the GUI thread, with progress, cancel and errors.

Row counts before and after are read with plain sqlite3, so they are what is
on disk, not what a Store caches.
"""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from PySide6.QtWidgets import QPushButton

from annotator.store import open_store
from ui import staged_import
from ui.dialogs import ExportChoice
from ui.exporting import export_to
from ui.staged_import import Cancelled

TABLES = ("documents", "spans", "relations", "document_status", "events")


def rows(db_path):
    with sqlite3.connect(db_path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a-kyiv.txt").write_text("Kyiv talks resumed on Monday.\n", encoding="utf-8")
    (folder / "b-odesa.md").write_text("# Odesa port\n\nThe port reopened on Friday.\n",
                                       encoding="utf-8")  # fmt: skip
    (folder / "._b-odesa.md").write_bytes(b"\x00\x05\x16\x07Mac OS X")  # hidden: not read
    (folder / "c-lviv.html").write_text(
        "<html><head><title>Lviv museum</title></head><body><article><p>The museum in Lviv"
        " opened its doors again on Sunday, officials said.</p></article></body></html>",
        encoding="utf-8",
    )
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")  # not importable: left out
    return folder


@pytest.fixture
def window(store, make_window):
    doc = store.add_document("Kharkiv rail resumed.\n", title="Kharkiv rail")
    return make_window(store, analyst="alice", document_id=doc.id)


def wait_done(qtbot, window):
    qtbot.waitUntil(lambda: not window.transfer.busy, timeout=60_000)  # loaded CI machines


def test_import_a_folder_with_progress(window, folder, dialogs, qtbot, db_path, monkeypatch):
    steps = []
    original = window.transfer._step

    def step(n, name, label):
        steps.append((n, name))  # before: the dialog's setValue() may run the next step
        original(n, name, label)
        shown.append((window.transfer.progress.value(), window.transfer.progress.labelText()))

    shown = []
    monkeypatch.setattr(window.transfer, "_step", step)
    dialogs.paths.append(folder)
    window.action_map["import_folder"].trigger()
    assert window.transfer.progress.maximum() == 4  # three files, then saving
    wait_done(qtbot, window)
    assert steps == [(0, "a-kyiv.txt"), (1, "b-odesa.md"), (2, "c-lviv.html"), (3, "saving")]
    assert shown[-1] == (3, "Saving to the database…")  # whichever step returned last
    with open_store(db_path) as check:
        assert [d.source for d in check.documents()] == [
            None, "a-kyiv.txt", "b-odesa.md", "c-lviv.html"]  # fmt: skip
    model = window.document_model
    assert model.rowCount() == 4
    assert window.editor.document.source == "a-kyiv.txt"  # the first new one opens
    assert window.statusBar().currentMessage() == "Imported 3 documents and 0 spans"
    assert dialogs.messages == []  # nothing skipped: no dialog


def test_cancelled_import_leaves_the_database_as_before(window, folder, dialogs, qtbot,
                                                        db_path, monkeypatch):  # fmt: skip
    before = rows(db_path)
    reached = threading.Event()
    staged = []

    def stage_then_wait(staging, path):
        result = staged_import.Store.import_file(staging, path)
        staged.append(path.name)
        if len(staged) == 2:  # two files staged: the analyst cancels now
            reached.set()
            window.transfer.job.cancelled.wait(10)
        return result

    monkeypatch.setattr(staged_import, "stage_file", stage_then_wait)
    dialogs.paths.append(folder)
    window.action_map["import_folder"].trigger()
    qtbot.waitUntil(reached.is_set)
    window.transfer.progress.findChild(QPushButton).click()  # the dialog's Cancel button
    wait_done(qtbot, window)
    assert staged == ["a-kyiv.txt", "b-odesa.md"]
    assert rows(db_path) == before
    assert window.document_model.rowCount() == 1
    assert window.statusBar().currentMessage() == "Cancelled: nothing was imported"


def test_a_cancel_while_saving_rolls_the_import_back(window, folder, dialogs, qtbot, db_path,
                                                      monkeypatch):  # fmt: skip
    """Cancel pressed once "Saving to the database" has begun: the one transaction
    that writes the staged records is rolled back (it went on and committed)."""
    from annotator.store import Store

    before = rows(db_path)
    reached = threading.Event()
    real = Store.import_records

    def saving_then_wait(self, records, **options):
        progress = options.get("progress")
        if progress is not None:  # the write into the real database, not the staging

            def first_stored(n):
                if n == 1:
                    reached.set()
                    window.transfer.job.cancelled.wait(10)
                progress(n)

            options["progress"] = first_stored
        return real(self, records, **options)

    monkeypatch.setattr(Store, "import_records", saving_then_wait)
    dialogs.paths.append(folder)
    window.action_map["import_folder"].trigger()
    qtbot.waitUntil(reached.is_set)
    window.transfer.progress.findChild(QPushButton).click()
    wait_done(qtbot, window)
    assert rows(db_path) == before
    assert window.statusBar().currentMessage() == "Cancelled: nothing was imported"


def test_an_import_error_reaches_the_error_dialog(window, tmp_path, dialogs, qtbot, db_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text("A good article about Kyiv.\n", encoding="utf-8")
    (folder / "b.jsonl").write_text("this is not json\n", encoding="utf-8")
    before = rows(db_path)
    dialogs.paths.append(folder)
    window.action_map["import_folder"].trigger()
    wait_done(qtbot, window)
    assert dialogs.errors == [
        "b.jsonl line 1 is not valid JSON (Expecting value at column 1): fix or remove it"
        " (nothing was imported)"
    ]
    assert rows(db_path) == before


def test_import_of_annotation_files_brings_new_layers(window, tmp_path, dialogs, qtbot):
    source = tmp_path / "carol.db"
    with open_store(source) as other:
        doc = other.add_document("Zelensky spoke in Kyiv on Monday.\n", title="Speech")
        other.add_span(doc.id, 0, 8, "ACTOR", annotator="carol", note="president")
        other.export_jsonl(tmp_path / "carol.jsonl")
    dialogs.paths.append([tmp_path / "carol.jsonl"])
    window.action_map["import_files"].trigger()
    wait_done(qtbot, window)
    assert window.editor.document.title == "Speech"
    layers = window.layers_panel.model
    assert [layers.data(layers.index(r, 0)) for r in range(layers.rowCount())] == [
        "alice · 0 · yours", "carol · 1 · read-only"]  # fmt: skip
    assert [window.analyst_box.itemText(i) for i in range(window.analyst_box.count())] == [
        "alice", "carol"]  # fmt: skip


def test_import_twice_reports_what_was_skipped(window, folder, dialogs, qtbot, db_path):
    dialogs.paths.append([folder / "a-kyiv.txt"])
    window.action_map["import_files"].trigger()
    wait_done(qtbot, window)
    before = rows(db_path)
    dialogs.paths.append([folder / "a-kyiv.txt"])
    window.action_map["import_files"].trigger()
    wait_done(qtbot, window)
    assert rows(db_path) == before
    assert dialogs.messages == [
        "Imported 0 documents and 0 spans.\n\nSkipped a-kyiv.txt: already in the database"
        " as document 2"
    ]


def test_a_twin_within_one_import_is_named_by_its_file(window, tmp_path, dialogs, qtbot):
    """b.txt has a.txt's text: the report names a.txt, not the id a.txt had in the
    staging database (it named "document 1", another article of the real one)."""
    folder = tmp_path / "twins"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text("Lviv museum reopens.\n", encoding="utf-8")
    dialogs.paths.append([folder / "a.txt", folder / "b.txt"])
    window.action_map["import_files"].trigger()
    wait_done(qtbot, window)
    assert dialogs.messages == [
        "Imported 1 document and 0 spans.\n\nSkipped b.txt: this article is also in a.txt,"
        " earlier in this import: nothing to do"
    ]


def test_export_shows_what_the_format_cannot_carry(window, store, tmp_path, dialogs, qtbot):
    doc = window.editor.document
    store.add_span(doc.id, 0, 7, "ACTOR", annotator="alice", note="the city")
    store.add_span(doc.id, 8, 12, "ACTOR", annotator="bob")
    target = tmp_path / "out" / "alice.doccano.jsonl"
    dialogs.choices.append(ExportChoice("doccano", "alice"))
    dialogs.paths.append(target)
    window.action_map["export"].trigger()
    assert dialogs.asked[-2] == ("export_choice", "jsonl, doccano, prodigy, brat, labelstudio,"
                                 " conll, spacy, w3c", "alice, bob")  # fmt: skip
    wait_done(qtbot, window)
    assert dialogs.messages == [
        f"Exported 1 document, 1 span and 0 relations to {target}.\n\n"
        "Not carried by doccano:\n"
        "• notes of 1 span (doccano has no span notes)\n"
        "• ids, origins and time stamps of 1 span (doccano has none)"
    ]
    (line,) = target.read_text(encoding="utf-8").splitlines()
    assert [label[:3] for label in json.loads(line)["label"]] == [[0, 7, "ACTOR"]]
    assert sorted(p.name for p in target.parent.iterdir()) == ["alice.doccano.jsonl"]


def test_native_export_carries_everything(window, tmp_path, dialogs, qtbot):
    target = tmp_path / "all.jsonl"
    dialogs.choices.append(ExportChoice("jsonl", None))
    dialogs.paths.append(target)
    window.action_map["export"].trigger()
    wait_done(qtbot, window)
    assert dialogs.messages == [
        f"Exported 1 document, 0 spans and 0 relations to {target}.\n\njsonl carried everything."
    ]
    assert json.loads(target.read_text(encoding="utf-8"))["text"] == "Kharkiv rail resumed.\n"


def test_a_cancelled_export_writes_nothing(store, tmp_path):
    store.add_document("Kyiv talks resumed.\n", title="Kyiv")
    cancelled = threading.Event()
    cancelled.set()
    target = tmp_path / "out" / "all.jsonl"
    with pytest.raises(Cancelled):
        export_to(store.path, "jsonl", None, target, cancelled=cancelled)
    assert list(target.parent.iterdir()) == []  # neither the file nor its temporary folder


def test_export_to_the_open_database_is_refused(store):
    from annotator.errors import ExportError

    store.add_document("Kyiv talks resumed on Monday.\n", title="Kyiv")
    before = store.path.read_bytes()
    with pytest.raises(ExportError, match="is a database: an export never replaces one"):
        export_to(store.path, "jsonl", None, store.path, cancelled=threading.Event())
    assert store.path.read_bytes() == before
    assert len(store.documents()) == 1


def test_a_brat_export_into_a_folder_that_holds_files_asks_first(
    window, tmp_path, dialogs, qtbot
):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "old-article.txt").write_text("An earlier export.\n", encoding="utf-8")
    (folder / "old-article.ann").write_text("", encoding="utf-8")
    dialogs.choices.append(ExportChoice("brat", None))
    dialogs.paths.append(folder)
    dialogs.answers.append(False)  # cancel: nothing is written
    window.action_map["export"].trigger()
    assert dialogs.asked[-1] == ("confirm", "Export into a folder", (
        f"{folder} already holds 2 files. The export's files go beside them, replacing those"
        " with the same names; files of documents no longer exported stay.\n\nExport there"
        " anyway? (Cancel, then choose or make an empty folder, to have only this export.)"
    ))  # fmt: skip
    assert sorted(p.name for p in folder.iterdir()) == ["old-article.ann", "old-article.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    dialogs.choices.append(ExportChoice("brat", None))
    dialogs.paths.append(empty)
    asked = len(dialogs.asked)
    window.action_map["export"].trigger()
    wait_done(qtbot, window)
    assert not any(q[0] == "confirm" for q in dialogs.asked[asked:])  # an empty folder: no question
    assert len([p for p in empty.iterdir() if p.suffix == ".txt"]) == 1


def test_offsets_only_code_points_can_hold_are_read_so_without_asking(
    window, dialogs, qtbot, db_path, tmp_path
):
    """"🇺🇦 Kyiv said.": "Kyiv" is [3, 7) in code points.  doccano's usual UTF-16
    units would start it inside the flag (units 0-3), which no span can: so the
    offsets are code points, and the report says it."""
    text = "🇺🇦 Kyiv said."
    assert text[3:7] == "Kyiv" and len(text[:2].encode("utf-16-le")) // 2 == 4
    path = tmp_path / "cp.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[3, 7, "ACTOR"]]}) + "\n",
                    encoding="utf-8")  # fmt: skip
    window.transfer.import_paths([path])
    wait_done(qtbot, window)
    ((kind, title, report),) = dialogs.asked  # the report only: no question
    assert (kind, title) == ("inform", "Import")
    assert "Note: 1 record read with code point offsets" in report
    with open_store(db_path) as check:
        (doc,) = [d for d in check.documents() if d.title != "Kharkiv rail"]
        assert [(s.start, s.end, s.text) for s in check.spans(doc.id)] == [(3, 7, "Kyiv")]


@pytest.mark.parametrize(("pick", "stored"), [("code points", (5, 6, "b")),
                                             ("UTF-16 units, as read", (3, 4, "a")),
                                             (None, None)])  # fmt: skip
def test_offsets_that_fit_either_unit_are_asked_about_before_anything_is_written(
    window, dialogs, qtbot, db_path, tmp_path, pick, stored
):
    """"🇺🇦 a b c": [5, 6) is "b" in code points; in UTF-16 units (the flag is four)
    it is code points [3, 4), "a".  Both are whole words, so the reader can only
    guess, and the command line says "import again with --offsets": the window
    asks before it writes, and imports the file read the way chosen."""
    text = "🇺🇦 a b c"
    assert (text[5:6], text[3:4], len(text[:2].encode("utf-16-le")) // 2) == ("b", "a", 4)
    path = tmp_path / "either.jsonl"
    path.write_text(json.dumps({"text": text, "label": [[5, 6, "ACTOR"]]}) + "\n",
                    encoding="utf-8")  # fmt: skip
    before = rows(db_path)
    dialogs.picks.append(pick)
    window.transfer.import_paths([path])
    wait_done(qtbot, window)
    (kind, title, question), *_ = dialogs.asked
    assert (kind, title) == ("choose", "Import: which offsets?")
    assert question == (
        "either.jsonl: 1 record has characters above U+FFFF (emoji, 𝔘) and spans\nwithout a"
        " quote: its offsets were read as UTF-16 units.\n\nTheir spans fit the text either"
        " way. Nothing is imported yet: read the offsets as UTF-16 units, as read | code points"
    )
    if stored is None:
        assert rows(db_path) == before and dialogs.errors == []
        return
    with open_store(db_path) as check:
        (doc,) = [d for d in check.documents() if d.uid != before and "🇺🇦" in
                  check.document(d.id).text]  # fmt: skip
        assert [(s.start, s.end, s.text) for s in check.spans(doc.id)] == [stored]
    assert not any("look shifted" in message for message in dialogs.messages), dialogs.messages


def test_the_import_report_gives_no_command_line_advice(window, dialogs, qtbot, tmp_path):
    """Two files at once: the guessed unit is reported, not asked (it is one file's),
    and the notes say what the window can do, not which option to type."""
    either, plain = tmp_path / "either.jsonl", tmp_path / "plain.jsonl"
    either.write_text(json.dumps({"text": "🇺🇦 a b c", "label": [[5, 6, "ACTOR"]]}) + "\n",
                      encoding="utf-8")  # fmt: skip
    plain.write_text(json.dumps({"text": "Odesa port", "label": [[0, 5, "ACTOR"]]}) + "\n",
                     encoding="utf-8")  # fmt: skip
    window.transfer.import_paths([either, plain])
    wait_done(qtbot, window)
    (report,) = dialogs.messages
    assert report.startswith("Imported 2 documents and 2 spans.")
    assert "--" not in report
    assert report.split("\n\n")[1].splitlines() == [
        "Note: either.jsonl: 1 record names no analyst: its spans are credited to 'imported'",
        "Note: either.jsonl: 1 record has characters above U+FFFF (emoji, 𝔘) and spans without a"
        " quote: its offsets were read as utf16 units; if spans look shifted, import that file"
        " on its own to be asked how to read them",
        "Note: plain.jsonl: 1 record names no analyst: its spans are credited to 'imported'",
    ]


def test_with_several_files_each_is_read_in_its_own_unit(
    window, dialogs, qtbot, db_path, tmp_path
):
    """Only cp.jsonl is in code points: "Lviv" is [3, 7) there, and [5, 9) in
    UTF-16 units after the flag in u16.jsonl, which keeps doccano's usual unit."""
    text = "🇺🇦 Lviv said."
    cp, u16 = tmp_path / "cp.jsonl", tmp_path / "u16.jsonl"
    cp.write_text(json.dumps({"text": text, "label": [[3, 7, "ACTOR"]]}) + "\n",
                  encoding="utf-8")  # fmt: skip
    u16.write_text(json.dumps({"text": text + " Again.", "label": [[5, 9, "ACTOR"]]}) + "\n",
                   encoding="utf-8")  # fmt: skip
    window.transfer.import_paths([cp, u16])
    wait_done(qtbot, window)
    assert [kind for kind, *_ in dialogs.asked] == ["inform"]  # the report only
    with open_store(db_path) as check:
        docs = [d for d in check.documents() if d.title != "Kharkiv rail"]
        assert [[(s.start, s.end, s.text) for s in check.spans(d.id)] for d in docs] == [
            [(3, 7, "Lviv")], [(3, 7, "Lviv")]]  # fmt: skip


def test_a_killed_imports_staging_goes_with_the_next_import(tmp_path, db_path, monkeypatch):
    """The staging database of an import killed while saving (148 MB for 5,000
    records, measured) stays in the temporary folder: the next import removes it,
    and leaves nothing of its own."""
    import os
    import subprocess
    import sys
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    killed = tmp_path / "tmp" / f"{staged_import.STAGING_PREFIX}{finished.pid}.abcd1234"
    live = tmp_path / "tmp" / f"{staged_import.STAGING_PREFIX}{os.getppid()}.efgh5678"
    for folder in (killed, live):
        folder.mkdir()
        (folder / "staging.db").write_bytes(b"half")
    article = tmp_path / "a.txt"
    article.write_text("Kyiv bridge reopens.\n", encoding="utf-8")
    result = staged_import.import_staged(db_path, [article], added_by="alice",
                                         cancelled=threading.Event())  # fmt: skip
    assert len(result) == 1
    assert sorted(p.name for p in (tmp_path / "tmp").iterdir()) == [live.name]
