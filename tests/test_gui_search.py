"""Search, Enter to jump, a label key to tag; "Tag all" as one undo step.

"kyiv" matches three times (case-insensitive), counted by hand in code points:
[3, 7) after 🇺🇦, [52, 56) and [79, 83) in "Kyiv's"; in UTF-16 the first two are
[5, 9) and [55, 59).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ui.dialogs import ScriptedDialogs

TEXT = (
    "🇺🇦 Kyiv 𝔘 Zelensky said on Monday that the talks in Kyiv would resume.\n"
    "\n"
    "李明说了话。 Kyiv's mayor spoke.\n"
)
KYIV = [(3, 7), (52, 56), (79, 83)]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def doc_id(store):
    return store.add_document(TEXT, title="Kyiv talks").id


@pytest.fixture
def alice(store, doc_id, make_window, analyst_at):
    return analyst_at(make_window(store, analyst="alice", document_id=doc_id))


def spans(store, doc_id):
    return [(s.start, s.end, s.label) for s in store.spans(doc_id, annotator="alice")]


def search_for(alice, text):
    alice.press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    box = alice.window.search_box
    assert box.hasFocus()
    box.setText(text)
    return box


def test_ctrl_f_enter_and_a_label_key_tag_the_match(alice, store, doc_id):
    box = search_for(alice, "kyiv")
    alice.press(Qt.Key.Key_Return, widget=box)
    assert alice.selection() == (5, 9)
    assert alice.view.hasFocus()  # so the next key is a label key
    alice.press(Qt.Key.Key_2)
    assert spans(store, doc_id) == [(3, 7, "ACTOR")]


def test_enter_and_shift_enter_walk_the_matches(alice):
    box = search_for(alice, "KYIV")
    alice.press(Qt.Key.Key_Return, widget=box)
    assert alice.selection() == (5, 9)
    alice.press(Qt.Key.Key_Return)  # in the article now: still the next match
    assert alice.selection() == (55, 59)
    alice.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert alice.selection() == (5, 9)
    alice.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # wraps to the last
    assert alice.view.textCursor().selectedText() == "Kyiv"
    assert alice.selection() == (82, 86)
    assert "Match 3 of 3" in alice.window.statusBar().currentMessage()


def test_no_match_says_so(alice):
    box = search_for(alice, "Odesa")
    alice.press(Qt.Key.Key_Return, widget=box)
    assert alice.window.statusBar().currentMessage() == "No match for “Odesa”"


def test_tag_all_confirms_the_count_and_undoes_in_one_step(alice, store, doc_id, dialogs):
    search_for(alice, "kyiv")
    alice.press(Qt.Key.Key_2, CTRL_SHIFT)
    assert dialogs.asked[-1][0] == "confirm"
    assert "Tag 3 matches of “kyiv” as ACTOR?" in dialogs.asked[-1][2]
    assert spans(store, doc_id) == [(s, e, "ACTOR") for s, e in KYIV]
    assert alice.window.span_model.rowCount() == 3
    alice.view.setFocus()
    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert spans(store, doc_id) == []
    assert alice.window.span_model.rowCount() == 0
    alice.press(Qt.Key.Key_Z, CTRL_SHIFT)
    assert spans(store, doc_id) == [(s, e, "ACTOR") for s, e in KYIV]


def test_tag_all_button_menu_and_no_duplicates(alice, store, doc_id, dialogs):
    store.add_span(doc_id, 52, 56, "ACTOR", annotator="alice")
    alice.window.open_document(doc_id)
    search_for(alice, "kyiv")
    alice.window.action_map["tag_all_ACTOR"].trigger()  # what the "Tag all" menu entry does
    assert "Tag 2 matches" in dialogs.asked[-1][2]
    assert spans(store, doc_id) == [(s, e, "ACTOR") for s, e in KYIV]


def test_tag_all_cancelled_changes_nothing(store, doc_id, make_window, analyst_at, qtbot):
    from ui.main_window import MainWindow

    answers = ScriptedDialogs([False])
    window = MainWindow(store, analyst="alice", dialogs=answers)
    qtbot.addWidget(window)
    window.open_document(doc_id)
    window.search_box.setText("kyiv")
    window.search.tag_all("DATE")
    assert answers.asked and spans(store, doc_id) == []


def test_large_tag_all_runs_in_a_worker_thread(alice, store, doc_id, qtbot):
    alice.window.search.background_at = 1  # treat any tag all as large
    search_for(alice, "kyiv")
    editor = alice.window.editor
    with qtbot.waitSignal(editor.counts_changed, timeout=5000):
        alice.press(Qt.Key.Key_3, CTRL_SHIFT)
        assert editor.jobs.busy
    qtbot.waitUntil(lambda: not editor.jobs.busy)
    assert spans(store, doc_id) == [(s, e, "DATE") for s, e in KYIV]
    assert alice.window.span_model.rowCount() == 3
    alice.view.setFocus()
    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert spans(store, doc_id) == []


def test_ctrl_f_takes_a_short_selection_as_query(alice):
    alice.select(13, 21)
    alice.press(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert alice.window.search_box.text() == "Zelensky"


def test_tag_all_again_while_the_first_is_storing_adds_nothing_twice(alice, store, doc_id, qtbot):
    alice.window.search.background_at = 1  # every Tag all in a worker thread
    search_for(alice, "kyiv")
    editor = alice.window.editor
    alice.press(Qt.Key.Key_2, CTRL_SHIFT)
    assert editor.jobs.busy
    alice.press(Qt.Key.Key_2, CTRL_SHIFT)  # impatient: the first has not finished
    assert alice.window.statusBar().currentMessage().startswith("Still ")
    qtbot.waitUntil(lambda: not editor.jobs.busy)
    assert spans(store, doc_id) == [(s, e, "ACTOR") for s, e in KYIV]


# Accents written both ways: "Zoë" as o + U+0308 (decomposed) at [0, 4), "café"
# with é as one code point at [9, 13), "Cafe" + U+0301 at [15, 20), "ZOE" at [25, 28).
ACCENTS = "Zoe\u0308 met café, Cafe\u0301 and ZOE."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("café", [(9, 13), (15, 20)]),  # typed with é as one code point
        ("cafe\u0301", [(9, 13), (15, 20)]),  # typed decomposed
        ("cafe", [(9, 13), (15, 20)]),  # without the accent
        ("zoe", [(0, 4), (25, 28)]),  # the accent of Zoë stays with its letter
    ],
)
def test_search_and_tag_all_ignore_how_accents_are_written(
    query, expected, store, make_window, analyst_at
):
    assert (ACCENTS[0:4], ACCENTS[9:13], ACCENTS[15:20]) == ("Zoe\u0308", "café", "Cafe\u0301")
    doc_id = store.add_document(ACCENTS, title="Accents").id
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    search_for(alice, query)
    alice.press(Qt.Key.Key_2, CTRL_SHIFT)
    assert [(s.start, s.end, s.text) for s in store.spans(doc_id)] == [
        (s, e, ACCENTS[s:e]) for s, e in expected
    ]


# Tag all keeps tagging by hand's rules.  Counted by hand: "Kyiv" [0, 4), then
# "Kyiv" inside "Kyivstar" [10, 14) and "Kyivan" [24, 28), "in Kyiv" [61, 68).
WORDS = "Kyiv said Kyivstar, the Kyivan operator, was back. Officials in Kyiv agreed."


@pytest.fixture
def words(store, make_window, analyst_at):
    doc_id = store.add_document(WORDS, title="Kyivstar").id
    return analyst_at(make_window(store, analyst="alice", document_id=doc_id)), doc_id


@pytest.mark.parametrize("background", [False, True])
def test_tag_all_leaves_out_matches_inside_longer_words(words, store, dialogs, qtbot, background):
    alice, doc_id = words
    alice.window.search.background_at = 1 if background else 10_000
    search_for(alice, "Kyiv")
    alice.press(Qt.Key.Key_2, CTRL_SHIFT)
    assert dialogs.asked[-1][2] == (
        "Tag 2 matches of “Kyiv” as ACTOR?\n"
        "2 more are left out: part of a longer word.\n"
        "Ctrl+Z undoes them all at once."
    )
    qtbot.waitUntil(lambda: not alice.window.editor.jobs.busy)
    assert spans(store, doc_id) == [(0, 4, "ACTOR"), (64, 68, "ACTOR")]
    assert alice.window.statusBar().currentMessage() == (
        "Tagged 2 matches as ACTOR; 2 left out as part of a longer word"
    )
    alice.view.setFocus()
    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not alice.window.editor.jobs.busy)
    assert spans(store, doc_id) == []


def test_tag_all_trims_the_spaces_of_the_query(words, store):
    alice, doc_id = words
    search_for(alice, "in Kyiv ")
    alice.press(Qt.Key.Key_3, CTRL_SHIFT)
    assert [(s.start, s.end, s.text) for s in store.spans(doc_id)] == [(61, 68, "in Kyiv")]


@pytest.mark.parametrize("query", [" ", "  \t"])
def test_tag_all_of_only_spaces_is_refused(words, store, dialogs, query):
    alice, doc_id = words
    search_for(alice, query)
    alice.press(Qt.Key.Key_2, CTRL_SHIFT)
    assert alice.window.statusBar().currentMessage() == "Nothing to tag: the search is only spaces"
    assert dialogs.asked == [] and store.spans(doc_id) == []


def test_tag_all_says_when_every_match_is_inside_a_longer_word(words, store, dialogs):
    alice, doc_id = words
    search_for(alice, "kyivs")
    alice.press(Qt.Key.Key_2, CTRL_SHIFT)
    assert alice.window.statusBar().currentMessage() == (
        "Nothing to tag: no untagged match of “kyivs” (1 left out as part of a longer word)"
    )
    assert dialogs.asked == [] and store.spans(doc_id) == []
