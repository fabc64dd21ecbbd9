"""The attributes form under the span table (issue 9): per schema, validated, undoable.

ASCII text (code points = UTF-16): Tuesday=26-33 "the bridge reopened"=39-58
"[citation: Daily Ledger]"=59-83 Police=85-91 (Bob's).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit

TEXT = ("Mayor Olena Koval said on Tuesday that the bridge reopened [citation: Daily Ledger]."
        " Police said on Monday it was closed.")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def ids(store):
    doc = store.add_document(TEXT).id
    made = {"doc": doc}
    for start, end, label, who in [(26, 33, "DATE", "alice"), (39, 58, "CLAIM", "alice"),
                                   (59, 83, "CITATION", "alice"), (85, 91, "ACTOR", "bob")]:
        made[label] = store.add_span(doc, start, end, label, annotator=who).id
    return made


@pytest.fixture
def alice(store, ids, make_window, analyst_at):
    return analyst_at(make_window(store, analyst="alice", document_id=ids["doc"]))


def field(window, name):
    found = window.attributes_form.fields.get(name)
    assert found is None or isinstance(found, (QComboBox, QCheckBox, QLineEdit))
    assert found is None or found.objectName() == f"attr_{name}"
    return found


def type_into(alice, edit, text):
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    QTest.keyClicks(edit, text)
    QTest.keyClick(edit, Qt.Key.Key_Return)


def test_the_form_shows_the_labels_attributes(alice, ids):
    form = alice.window.attributes_form
    alice.caret(45)
    assert list(form.fields) == ["stance", "checkworthy"]
    stance = field(alice.window, "stance")
    assert [stance.itemText(i) for i in range(stance.count())] == [
        "", "supports", "refutes", "neutral", "unclear"]
    assert field(alice.window, "checkworthy").checkState() == Qt.CheckState.PartiallyChecked
    alice.caret(70)
    assert list(form.fields) == ["url", "kind"]
    alice.caret(3)
    assert form.fields == {} and form.title.text() == "Attributes: choose a span"


def test_an_enum_and_a_boolean_are_stored_and_undone(alice, store, ids):
    alice.caret(45)
    field(alice.window, "stance").setCurrentText("refutes")
    assert store.span(ids["CLAIM"]).attributes == {"stance": "refutes"}
    field(alice.window, "checkworthy").setCheckState(Qt.CheckState.Checked)
    assert store.span(ids["CLAIM"]).attributes == {"stance": "refutes", "checkworthy": True}
    field(alice.window, "checkworthy").setCheckState(Qt.CheckState.Unchecked)
    assert store.span(ids["CLAIM"]).attributes == {"stance": "refutes", "checkworthy": False}
    assert alice.window.editor.history.stack.undoText() == (
        "Set checkworthy of CLAIM “the bridge reopened” to False")
    alice.view.setFocus()
    alice.press(Qt.Key.Key_Z, CTRL, widget=alice.view)
    alice.press(Qt.Key.Key_Z, CTRL, widget=alice.view)
    assert store.span(ids["CLAIM"]).attributes == {"stance": "refutes"}
    alice.caret(45)
    assert field(alice.window, "checkworthy").checkState() == Qt.CheckState.PartiallyChecked
    field(alice.window, "stance").setCurrentText("")  # the empty entry unsets
    assert store.span(ids["CLAIM"]).attributes == {}


def test_a_bad_date_is_refused_with_the_cores_message(alice, store, ids, dialogs):
    alice.caret(30)
    edit = field(alice.window, "normalized")
    type_into(alice, edit, "3 May 2026")
    message = ("DATE attribute 'normalized' cannot be '3 May 2026': use an ISO-8601 date YYYY,"
               " YYYY-MM or YYYY-MM-DD, or two of those joined by '/'")
    assert dialogs.errors == [message]
    assert alice.window.attributes_form.error.text() == message
    assert store.span(ids["DATE"]).attributes == {}
    assert field(alice.window, "normalized").text() == ""  # back to what is stored
    type_into(alice, field(alice.window, "normalized"), "2026-03-17")
    assert store.span(ids["DATE"]).attributes == {"normalized": "2026-03-17"}
    assert alice.window.attributes_form.error.text() == ""


def test_a_bad_url_is_refused_and_a_good_one_kept(alice, store, ids, dialogs):
    alice.caret(70)
    type_into(alice, field(alice.window, "url"), "ledger.example")
    assert dialogs.errors == ["CITATION attribute 'url' cannot be 'ledger.example': use an"
                              " http:// or https:// URL with a host"]
    assert store.span(ids["CITATION"]).attributes == {}
    type_into(alice, field(alice.window, "url"), "https://ledger.example/a")
    field(alice.window, "kind").setCurrentText("outlet")
    assert store.span(ids["CITATION"]).attributes == {
        "url": "https://ledger.example/a", "kind": "outlet"}


def test_another_analysts_span_is_read_only(alice, store, ids):
    alice.caret(88)  # Bob's ACTOR
    kind = field(alice.window, "kind")
    assert kind is not None and not kind.isEnabled()


def test_ctrl_and_a_number_choose_an_enumerated_value(alice, store, ids):
    alice.caret(45)  # CLAIM: stance is supports, refutes, neutral, unclear
    alice.press(Qt.Key.Key_2, CTRL, widget=alice.view)
    assert store.span(ids["CLAIM"]).attributes == {"stance": "refutes"}
    assert field(alice.window, "stance").currentText() == "refutes"
    alice.press(Qt.Key.Key_5, CTRL, widget=alice.view)
    assert alice.window.statusBar().currentMessage() == (
        "CLAIM stance has 4 values: Ctrl+1 to Ctrl+4")
    assert store.span(ids["CLAIM"]).attributes == {"stance": "refutes"}
    alice.caret(70)  # CITATION: kind is outlet, agency, official, document, other
    alice.press(Qt.Key.Key_5, CTRL, widget=alice.view)
    assert store.span(ids["CITATION"]).attributes == {"kind": "other"}
    alice.press(Qt.Key.Key_Z, CTRL, widget=alice.view)
    assert store.span(ids["CITATION"]).attributes == {}
    alice.caret(88)  # Bob's ACTOR: read-only
    alice.press(Qt.Key.Key_1, CTRL, widget=alice.view)
    assert store.span(ids["ACTOR"]).attributes == {}
    assert "read-only" in alice.window.statusBar().currentMessage()


def test_enter_in_a_field_hands_the_keys_back_to_the_article(alice, store, ids, qtbot):
    """After Enter the next keys are the article's: "2" tags the selection, it does
    not go on typing into the url (stored over it on leaving)."""
    alice.caret(70)
    url = field(alice.window, "url")
    type_into(alice, url, "https://ledger.example/a")
    qtbot.waitUntil(lambda: alice.view.hasFocus())
    alice.select(85, 91)  # "Police"
    alice.press(Qt.Key.Key_2, widget=alice.view)  # ACTOR
    assert store.span(ids["CITATION"]).attributes == {"url": "https://ledger.example/a"}
    assert [(s.start, s.end, s.label) for s in store.spans(ids["doc"], annotator="alice")
            if s.start == 85] == [(85, 91, "ACTOR")]  # fmt: skip


def test_a_refused_value_keeps_the_keys_in_its_field(alice, store, ids, dialogs, qtbot):
    alice.caret(70)
    url = field(alice.window, "url")
    type_into(alice, url, "ledger.example")
    qtbot.wait(20)  # the hand-back waits for the event loop
    assert url.hasFocus() and store.span(ids["CITATION"]).attributes == {}


def test_a_value_picked_from_a_list_hands_the_keys_back(alice, store, ids, qtbot):
    """N after picking a stance opens the note, it does not pick "neutral" in the box."""
    alice.caret(45)
    stance = field(alice.window, "stance")
    stance.setFocus()
    stance.setCurrentIndex(stance.findText("supports"))
    stance.activated.emit(stance.currentIndex())  # what a pick by mouse or keyboard sends
    assert alice.view.hasFocus()
    assert store.span(ids["CLAIM"]).attributes == {"stance": "supports"}


def test_the_status_bar_names_the_span_the_keys_act_on(alice, store, ids):
    """Bob's ACTOR [39, 49) under alice's CLAIM [39, 58): alice's keys act on her
    claim, and the status bar names it, with the other one counted."""
    store.add_span(ids["doc"], 39, 49, "ACTOR", annotator="bob")
    alice.window.editor.reload()
    alice.caret(45)
    assert alice.window.position_label.text() == (
        f"Offset 45 of {len(TEXT)} · in CLAIM (alice) (+1 more)"
    )
    assert alice.window.attributes_form.span.id == ids["CLAIM"]


def test_after_switching_analyst_the_previous_analysts_span_is_read_only(alice, store, ids):
    alice.caret(45)  # alice's CLAIM
    stance = field(alice.window, "stance")
    assert stance.isEnabled()
    alice.window.set_analyst("bob")
    assert alice.window.editor.analyst == "bob"
    stance = field(alice.window, "stance")
    assert not stance.isEnabled()
    stance.setCurrentText("refutes")  # as a pick would, were it enabled
    assert store.span(ids["CLAIM"]).attributes == {}
