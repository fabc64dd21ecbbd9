"""The live refresh (ui/live_refresh.py) never takes what the analyst is doing away.

Another connection commits (a second ``Store`` on the same file, as a second
window or a script would); the window's refresh reloads the open document's
spans.  An attribute being typed in the form stays as typed, with the focus,
and is stored when committed; the span table keeps its current row and
selection, by span id; a change to the span being edited is shown, and said.

The text, worked out by hand: twenty words ``a00``..``a19`` of three letters and
a space (``aNN`` at ``4*NN``..``4*NN+3``), then ``Friday`` at 80..86, then four
words ``b00``..``b03`` at ``87+4*N``..``90+4*N``.  Every word is one of alice's
spans, so in document order ``Friday`` (a DATE) is row 20 of the span table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QLineEdit

from annotator.store import Store, open_store
from ui.live_refresh import LiveRefresh, install_live_refresh

TEXT = "".join(f"a{i:02d} " for i in range(20)) + "Friday " + "".join(
    f"b{i:02d} " for i in range(4)
)
FRIDAY = (80, 86)
HOUR_MS = 3_600_000  # the timer never fires: each test calls check() when it means to


def test_the_text_is_as_worked_out() -> None:
    assert TEXT[0:3] == "a00" and TEXT[76:79] == "a19" and TEXT[80:86] == "Friday"
    assert TEXT[87:90] == "b00" and TEXT[99:102] == "b03" and len(TEXT) == 103


@pytest.fixture
def ids(store: Store) -> dict[str, Any]:
    doc = store.add_document(TEXT, title="Words").id
    other = store.add_document("Ana Ruiz met the mayor of Kyiv on Monday.", title="Other").id
    made: dict[str, Any] = {"doc": doc, "other": other}
    for i in range(20):
        made[f"a{i:02d}"] = store.add_span(doc, 4 * i, 4 * i + 3, "ACTOR", annotator="alice").id
    made["Friday"] = store.add_span(doc, *FRIDAY, "DATE", annotator="alice").id
    for i in range(4):
        made[f"b{i:02d}"] = store.add_span(doc, 87 + 4 * i, 90 + 4 * i, "ACTOR",
                                           annotator="alice").id  # fmt: skip
    return made


@pytest.fixture
def window(store: Store, ids: dict[str, Any], make_window: Any) -> Any:
    made = make_window(store, analyst="alice", document_id=ids["doc"])
    install_live_refresh(made, interval_ms=HOUR_MS)  # it looks when the test says
    return made


def elsewhere(db: Path, change: Any) -> None:
    """A second Store on the same file commits ``change(store)`` and closes."""
    with open_store(db) as other:
        change(other)


def refresh(window: Any) -> Any:
    """The live refresh looks now (as its timer or the window's activation would)."""
    live = window.findChild(LiveRefresh)
    assert live.check(), "the outside commit was not seen"
    return live


def tab_to_friday(window: Any, analyst_at: Any) -> Any:
    """Caret after ``a19``, Tab: ``Friday`` is chosen (row 20); then a click on the form's
    ``normalized`` field, where the keys go."""
    alice = analyst_at(window)
    alice.caret(79)
    alice.press(Qt.Key.Key_Tab, widget=window.view)
    assert window.view.selection() == FRIDAY
    assert window.span_table.currentIndex().row() == 20
    field = window.attributes_form.fields["normalized"]
    assert isinstance(field, QLineEdit)
    QTest.mouseClick(field, Qt.MouseButton.LeftButton)
    assert field.hasFocus()
    return field


def chosen_rows(window: Any) -> tuple[int, list[int]]:
    table = window.span_table
    return table.currentIndex().row(), [i.row() for i in table.selectionModel().selectedRows()]


def test_typing_survives_a_commit_to_another_document_and_is_stored(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any,
) -> None:  # fmt: skip
    field = tab_to_friday(window, analyst_at)
    QTest.keyClicks(field, "2026-03-")
    elsewhere(db_path, lambda s: s.add_span(ids["other"], 0, 8, "ACTOR", annotator="bob"))

    refresh(window)

    assert field is window.attributes_form.fields["normalized"]  # the same widget
    assert field.text() == "2026-03-" and field.hasFocus()
    assert chosen_rows(window) == (20, [20])
    assert store.span(ids["Friday"]).attributes == {}  # nothing stored before Enter
    QTest.keyClicks(field, "17")
    QTest.keyClick(field, Qt.Key.Key_Return)
    with open_store(db_path) as fresh:  # what the file holds, through another connection
        assert fresh.span(ids["Friday"]).attributes == {"normalized": "2026-03-17"}
    assert field.text() == "2026-03-17"


def test_the_table_keeps_its_row_by_span_id_when_spans_come_before_it(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any,
) -> None:  # fmt: skip
    tab_to_friday(window, analyst_at)
    # bob tags "a03" and "a07" in this document: two rows before Friday's.
    elsewhere(db_path, lambda s: [s.add_span(ids["doc"], start, start + 3, "ACTOR",
                                             annotator="bob") for start in (12, 28)])  # fmt: skip
    refresh(window)
    model = window.span_model
    assert model.rowCount() == 27
    assert chosen_rows(window) == (22, [22])
    assert model.span_at(22).id == ids["Friday"]
    assert window.view.selection() == FRIDAY  # the article's choice is left alone too


def test_a_row_chosen_in_the_table_survives_a_refresh(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any
) -> None:
    table = window.span_table
    table.setFocus()
    table.selectionModel().setCurrentIndex(
        window.span_model.index(5, 1),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    assert window.view.selection() == (20, 23)  # a05, chosen through the table
    elsewhere(db_path, lambda s: s.add_span(ids["other"], 0, 8, "ACTOR", annotator="bob"))
    refresh(window)
    assert chosen_rows(window) == (5, [5]) and table.currentIndex().column() == 1
    assert window.span_model.span_at(5).id == ids["a05"]


def test_this_span_s_value_changed_elsewhere_keeps_the_typing_and_says_so(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any,
) -> None:  # fmt: skip
    field = tab_to_friday(window, analyst_at)
    QTest.keyClicks(field, "2026-04-")
    elsewhere(db_path, lambda s: s.update_span(ids["Friday"], attributes={
        "normalized": "2026-03-17"}, by="alice"))  # alice, in a second window  # fmt: skip
    refresh(window)

    assert field.text() == "2026-04-" and field.hasFocus()
    assert window.attributes_form.span.attributes == {"normalized": "2026-03-17"}
    assert window.statusBar().currentMessage() == (
        "DATE “Friday”: normalized was set to 2026-03-17 elsewhere; Enter stores"
        " 2026-04- over it, Esc shows it")
    QTest.keyClick(field, Qt.Key.Key_Escape)  # abandoned: the stored value is shown
    assert field.text() == "2026-03-17"
    assert window.view.hasFocus()  # back to the article, as Esc does in the other boxes
    assert store.span(ids["Friday"]).attributes == {"normalized": "2026-03-17"}


def test_another_attribute_changed_elsewhere_shows_and_is_kept_on_commit(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any,
) -> None:  # fmt: skip
    # "b00" becomes a CITATION: a url (typed) and a kind (a choice).
    citation = store.update_span(ids["b00"], label="CITATION", by="alice")
    window.editor.reload()
    alice = analyst_at(window)
    alice.caret(88)  # inside "b00"
    form = window.attributes_form
    assert form.span is not None and form.span.id == citation.id
    url = form.fields["url"]
    assert isinstance(url, QLineEdit)
    QTest.mouseClick(url, Qt.MouseButton.LeftButton)
    QTest.keyClicks(url, "https://ledger.example/b")
    elsewhere(db_path, lambda s: s.update_span(citation.id, attributes={"kind": "outlet"},
                                               by="alice"))  # fmt: skip
    refresh(window)

    kind = form.fields["kind"]
    assert isinstance(kind, QComboBox) and kind.currentText() == "outlet"  # shown
    assert url.text() == "https://ledger.example/b" and url.hasFocus()  # kept
    QTest.keyClick(url, Qt.Key.Key_Return)
    assert store.span(citation.id).attributes == {"kind": "outlet",
                                                  "url": "https://ledger.example/b"}


def test_this_span_deleted_elsewhere_drops_the_typing_and_says_so(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any, dialogs: Any,
) -> None:  # fmt: skip
    field = tab_to_friday(window, analyst_at)
    QTest.keyClicks(field, "2026-03-")
    elsewhere(db_path, lambda s: s.delete_span(ids["Friday"], by="alice"))
    refresh(window)

    form = window.attributes_form
    assert form.span is None and form.fields == {}
    assert form.title.text() == "Attributes: choose a span"
    assert window.statusBar().currentMessage() == (
        "DATE “Friday” was deleted elsewhere: normalized 2026-03- was not stored")
    assert window.span_model.rowCount() == 24 and chosen_rows(window)[1] == []
    assert dialogs.errors == []
    assert window.focusWidget() is window.view  # the keys go on to the article


def test_this_span_relabelled_elsewhere_drops_the_typing_and_says_so(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any, dialogs: Any,
) -> None:  # fmt: skip
    field = tab_to_friday(window, analyst_at)
    QTest.keyClicks(field, "2026-03-")
    elsewhere(db_path, lambda s: s.update_span(ids["Friday"], label="CLAIM", by="alice"))
    refresh(window)

    form = window.attributes_form
    assert list(form.fields) == ["stance", "checkworthy"]  # CLAIM's attributes now
    assert window.statusBar().currentMessage() == (
        "DATE “Friday” became a CLAIM elsewhere: normalized 2026-03- was not stored")
    assert store.span(ids["Friday"]).attributes == {}
    assert chosen_rows(window) == (20, [20])  # the same span, the same row
    assert dialogs.errors == []


def test_typing_survives_a_new_text_of_the_open_document(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any,
) -> None:  # fmt: skip
    field = tab_to_friday(window, analyst_at)
    QTest.keyClicks(field, "2026-03-")
    # "Update: " (8 characters) before the text: the article is reopened, Friday at 88..94.
    elsewhere(db_path, lambda s: s.replace_text(ids["doc"], "Update: " + TEXT, by="bob"))
    refresh(window)

    assert window.view.toPlainText()[88:94] == "Friday"
    assert field is window.attributes_form.fields["normalized"]
    assert field.text() == "2026-03-" and field.hasFocus()
    QTest.keyClicks(field, "20")
    QTest.keyClick(field, Qt.Key.Key_Return)
    friday = store.span(ids["Friday"])
    assert (friday.start, friday.end, friday.attributes) == (88, 94, {"normalized": "2026-03-20"})


def test_ctrl_j_stores_what_was_typed_before_it_opens_the_next_document(
    qtbot: Any, store: Store, db_path: Path, ids: dict[str, Any], window: Any,
    analyst_at: Any,
) -> None:  # fmt: skip
    field = tab_to_friday(window, analyst_at)
    QTest.keyClicks(field, "2024-05-03")
    QTest.keyClick(field, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.document.id == ids["other"]
    with open_store(db_path) as fresh:
        assert fresh.span(ids["Friday"]).attributes == {"normalized": "2024-05-03"}
