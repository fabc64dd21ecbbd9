"""What is being typed when the window closes, or opens another database, is kept.

A note typed in the span table, or an attribute typed in the form, is stored
when its widget loses the focus.  Closing the window used to close the
database first: the note then failed ("Cannot operate on a closed database")
and was lost.  The window owns its database here, as ``annotator gui`` does.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QLineEdit

from annotator import open_store
from ui.main_window import MainWindow

TEXT = "Mayor Ana Ruiz said on Monday that the talks resume."  # Ana Ruiz = 6-14


def stored(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def owned_window(db: Path, qtbot: Any, dialogs: Any) -> tuple[MainWindow, str]:
    with open_store(db) as store:
        doc = store.add_document(TEXT, title="Talks").id
        span = store.add_span(doc, 6, 14, "ACTOR", annotator="alice").id
    window = MainWindow(open_store(db), analyst="alice", dialogs=dialogs)
    window.owns_store = True  # as the application's own window: it closes the Store
    qtbot.addWidget(window)
    window.open_document(doc)
    window.show()
    qtbot.waitExposed(window)
    return window, span


def type_a_note(window: MainWindow, qtbot: Any, text: str) -> None:
    table = window.span_table
    index = table.model().index(0, 3)  # the Note column of the only span
    table.setCurrentIndex(index)
    table.edit(index)
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.setText(text)  # typed; neither Enter nor a click elsewhere yet


def test_a_note_being_typed_is_stored_when_the_window_closes(
    tmp_path: Path, qtbot: Any, dialogs: Any
) -> None:
    db = tmp_path / "notes.db"
    window, span = owned_window(db, qtbot, dialogs)
    type_a_note(window, qtbot, "seen at the press conference")
    window.close()
    assert stored(db, f"SELECT note FROM spans WHERE id = '{span}'") == [
        ("seen at the press conference",)
    ]
    assert dialogs.errors == []


def test_a_note_being_typed_is_stored_before_another_database_opens(
    tmp_path: Path, qtbot: Any, dialogs: Any
) -> None:
    db, other = tmp_path / "first.db", tmp_path / "second.db"
    window, span = owned_window(db, qtbot, dialogs)
    type_a_note(window, qtbot, "check the transcript")
    assert window.files.open_path(other)
    assert window.store.path == other
    assert stored(db, f"SELECT note FROM spans WHERE id = '{span}'") == [
        ("check the transcript",)
    ]
    assert dialogs.errors == []


def test_an_attribute_being_typed_is_stored_when_the_window_closes(
    tmp_path: Path, qtbot: Any, dialogs: Any
) -> None:
    db = tmp_path / "dates.db"
    window, _actor = owned_window(db, qtbot, dialogs)
    date = window.store.add_span(1, 23, 29, "DATE", annotator="alice").id  # "Monday"
    window.editor.reload()
    window.view.place_caret(25)  # inside "Monday": the form shows the DATE's fields
    field = window.attributes_form.fields["normalized"]
    assert isinstance(field, QLineEdit)
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    field.setText("2026-11-30")
    window.close()
    assert stored(db, f"SELECT attributes FROM spans WHERE id = '{date}'") == [
        ('{"normalized": "2026-11-30"}',)
    ]
