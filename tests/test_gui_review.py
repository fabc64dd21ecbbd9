"""The review window: two layers side by side, adjudicated into gold.

On the document of review_doc.py, written by hand so that every category occurs
(Qt positions are the code point plus 2, after the flag); the numbers themselves
are checked in test_gui_review_numbers.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QTextCharFormat
from review_doc import ALICE, KAPPA, ROWS, TEXT, U16, add_bridge, scripted_dialogs
from review_helpers import shown_review

from annotator import Store
from ui.review_actions import REVIEW_KEYS, shortcut_sheet
from ui.review_dialogs import ReviewDialogs, ScriptedReviewDialogs
from ui.review_models import DECISION, FILTERS, GOLD
from ui.review_view import ReviewWindow, open_review


@pytest.fixture
def doc_id(store: Store) -> int:
    return add_bridge(store)


@pytest.fixture
def review_dialogs(tmp_path: Path) -> ScriptedReviewDialogs:
    return scripted_dialogs(tmp_path)


@pytest.fixture
def window(qtbot: Any, store: Store, doc_id: int, review_dialogs: Any) -> ReviewWindow:
    return shown_review(qtbot, store, doc_id, review_dialogs, "lead")


def table(w: ReviewWindow) -> list[tuple[str, ...]]:
    m = w.model
    return [tuple(m.data(m.index(r, c)) for c in range(5)) for r in range(m.rowCount())]


def column(w: ReviewWindow, col: int) -> list[str]:
    return [w.model.data(w.model.index(r, col)) for r in range(w.model.rowCount())]


def gold(store: Store, doc_id: int) -> list[tuple[Any, ...]]:
    return [(s.label, s.start, s.end, s.text, s.origin, s.attributes)
            for s in store.spans(doc_id, annotator="gold")]  # fmt: skip


def choose_row(qtbot: Any, w: ReviewWindow, row: int) -> None:
    w.table.setCurrentIndex(w.model.index(row, 0))
    qtbot.waitUntil(lambda: w.table.currentIndex().row() == row)


def press(qtbot: Any, w: ReviewWindow, key: Any, modifiers: Any = None) -> None:
    qtbot.keyClick(w.table, key, modifiers or Qt.KeyboardModifier.NoModifier)


def underline_at(pane: Any, pos: int) -> QTextCharFormat.UnderlineStyle:
    """The underline the review paints at Qt position ``pos`` of block 0."""
    block = pane.document().findBlockByNumber(0)
    for r in block.layout().formats():
        if r.start <= pos - block.position() < r.start + r.length:
            return r.format.underlineStyle()
    return QTextCharFormat.UnderlineStyle.NoUnderline


# -- opening, the table and its filter ---------------------------------------------------------


def test_opens_two_layers_with_a_row_per_pair(window, qtmodeltester):
    assert window.layer_a_box.currentData() == "alice"
    assert window.layer_b_box.currentData() == "bob"
    assert window.left.objectName() == "reviewLeft" and window.right.objectName() == "reviewRight"
    assert window.table.objectName() == "reviewDiffTable"
    assert table(window) == ROWS
    qtmodeltester.check(window.model)
    assert window.left.toPlainText() == window.right.toPlainText() == TEXT
    assert window.left.isReadOnly() and window.right.isReadOnly()
    assert window.gold_state.text() == "Gold “gold”: 0 spans · 0 of 7 decided"


@pytest.mark.parametrize(
    ("name", "rows"),
    [("all", [0, 1, 2, 3, 4, 5, 6]), ("disagreements", [0, 2, 3, 4, 5]), ("match", [1, 6]),
     ("label_mismatch", [3]), ("boundary_mismatch", [5]), ("overlap_mismatch", [0]),
     ("only_a", [2]), ("only_b", [4])],
)  # fmt: skip
def test_the_filter_shows_the_hand_counted_rows(window, qtmodeltester, name, rows):
    box = window.filter_box
    box.setCurrentIndex(box.findData(name))
    assert table(window) == [ROWS[r] for r in rows]
    qtmodeltester.check(window.model)
    counts = {"match": 2, "disagreements": 5, "only_a": 1, "only_b": 1}
    if name in counts:
        assert box.currentText().endswith(f"({counts[name]})")


def test_undecided_filter(window, qtbot):
    choose_row(qtbot, window, 3)
    press(qtbot, window, Qt.Key.Key_A)
    box = window.filter_box
    box.setCurrentIndex(box.findData("undecided"))
    assert [r[0] for r in table(window)] == [ROWS[r][0] for r in (0, 1, 2, 4, 5, 6)]
    assert set(FILTERS) >= {"all", "disagreements", "undecided"}


def test_disagreeing_spans_are_marked_until_decided(window, qtbot):
    wave = QTextCharFormat.UnderlineStyle.WaveUnderline
    dots = QTextCharFormat.UnderlineStyle.DotLine
    none = QTextCharFormat.UnderlineStyle.NoUnderline
    assert underline_at(window.left, 29 + U16) == wave  # 3 May: DATE vs CLAIM
    assert underline_at(window.right, 29 + U16) == wave
    assert underline_at(window.left, 9 + U16 + 7) == none  # Koval: a match, no mark
    choose_row(qtbot, window, 3)
    press(qtbot, window, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: underline_at(window.left, 29 + U16) == dots)
    assert underline_at(window.right, 29 + U16) == dots


# -- deciding ------------------------------------------------------------------------------


def test_accept_left_then_accept_all_matches_then_undo(window, qtbot, store, doc_id):
    choose_row(qtbot, window, 3)  # label mismatch: alice DATE, bob CLAIM on "3 May"
    with qtbot.waitSignal(window.gold_changed) as changed:
        press(qtbot, window, Qt.Key.Key_A)
    assert changed.args == [doc_id]
    assert gold(store, doc_id) == [("DATE", 29, 34, "3 May", "adjudicated", {"source": "alice"})]
    assert column(window, DECISION)[3] == "accepted A"
    assert column(window, GOLD)[3] == "DATE “3 May”"
    assert window.gold_state.text() == "Gold “gold”: 1 span · 1 of 7 decided"
    assert window.table.currentIndex().row() == 4  # on to the next row without a verdict

    window.accept_matches_button.click()
    assert gold(store, doc_id) == [
        ("ACTOR", 9, 20, "Olena Koval", "adjudicated", {"source": "alice+bob"}),
        ("DATE", 29, 34, "3 May", "adjudicated", {"source": "alice"}),
        ("ACTOR", 123, 127, "Kyiv", "adjudicated", {"source": "alice+bob"}),
    ]
    assert column(window, DECISION) == ["", "accepted both", "", "accepted A", "", "",
                                        "accepted both"]  # fmt: skip
    bulk = store.history(limit=1)[0]
    assert (bulk.action, bulk.annotator, len(bulk.after["review_decisions"])) == (
        "adjudicate",
        "lead",
        2,
    )  # one step for both matches
    assert window.gold_state.text() == "Gold “gold”: 3 spans · 3 of 7 decided"

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the matches
    assert [g[1:3] for g in gold(store, doc_id)] == [(29, 34)]
    assert column(window, DECISION)[1] == ""
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # accept left
    assert gold(store, doc_id) == []
    assert column(window, DECISION)[3] == ""
    assert window.gold_state.text() == "Gold “gold”: 0 spans · 0 of 7 decided"
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_Z, redo)
    assert [g[1:3] for g in gold(store, doc_id)] == [(29, 34)]
    assert column(window, DECISION)[3] == "accepted A"


@pytest.mark.parametrize(
    ("row", "key", "expected", "decision"),
    [
        (5, Qt.Key.Key_B, [("CLAIM", 44, 63, {"source": "bob"})], "accepted B"),
        (
            0,
            Qt.Key.Key_T,
            [("ACTOR", 3, 8, {"source": "alice"}), ("CITATION", 3, 14, {"source": "bob"})],
            "accepted both",
        ),  # fmt: skip
        (2, Qt.Key.Key_X, [], "rejected"),
        (4, Qt.Key.Key_Delete, [], "rejected"),
        (1, Qt.Key.Key_2, [("ACTOR", 9, 20, {"source": "alice+bob"})], "accepted B"),
    ],
)
def test_keys_for_each_verdict(window, qtbot, store, doc_id, row, key, expected, decision):
    choose_row(qtbot, window, row)
    modifiers = Qt.KeyboardModifier.ControlModifier if key == Qt.Key.Key_2 else None
    press(qtbot, window, key, modifiers)
    assert [(g[0], g[1], g[2], g[5]) for g in gold(store, doc_id)] == expected
    assert column(window, DECISION)[row] == decision
    assert store.decisions(doc_id)[0].by == "lead"


def test_a_key_refused_on_a_lone_span_says_why(window, qtbot, store, doc_id, review_dialogs):
    choose_row(qtbot, window, 4)  # only B: there is nothing to accept on the left
    press(qtbot, window, Qt.Key.Key_A)
    assert review_dialogs.errors == ["this pair has no span in layer A: accept B's or reject"]
    assert gold(store, doc_id) == [] and store.decisions(doc_id) == []


def test_comment_and_clear(window, qtbot, store, doc_id, review_dialogs):
    choose_row(qtbot, window, 0)
    press(qtbot, window, Qt.Key.Key_C)
    assert review_dialogs.asked[-1][:2] == ("text", "Comment")
    assert column(window, DECISION)[0] == "commented"
    assert column(window, 7)[0] == "check with the desk"
    decision = store.decisions(doc_id)[0]
    assert (decision.decision, decision.comment) == ("pending", "check with the desk")
    press(qtbot, window, Qt.Key.Key_X)
    choose_row(qtbot, window, 0)
    assert column(window, DECISION)[0] == "rejected"
    assert column(window, 7)[0] == "check with the desk"
    press(qtbot, window, Qt.Key.Key_Backspace)
    assert column(window, DECISION)[0] == "" and store.decisions(doc_id) == []


def test_edit_takes_the_boundaries_selected_in_a_pane(window, qtbot, store, doc_id):
    choose_row(qtbot, window, 0)  # Mayor vs Mayor Olena
    window.left.setFocus()
    qtbot.waitUntil(lambda: window.last_pane is window.left)
    window.left.select_range(3 + U16, 20 + U16)  # "Mayor Olena Koval"
    qtbot.keyClick(window.left, Qt.Key.Key_E)
    assert gold(store, doc_id) == [
        ("ACTOR", 3, 20, "Mayor Olena Koval", "adjudicated", {"source": "alice", "edited": True}),
    ]
    assert column(window, DECISION)[0] == "edited"


def test_edit_asks_the_label_through_the_windows_own_dialogs(qtbot, store, doc_id):
    # The review opened from the main window gets the window's dialog service.  Its
    # choose() took no current label, and E failed with a TypeError (not with the
    # review's own scripted dialogs, which took one).
    from ui.dialogs import ScriptedDialogs

    dialogs = ScriptedDialogs(picks=["ACTOR"])
    window = shown_review(qtbot, store, doc_id, dialogs, "lead")
    choose_row(qtbot, window, 0)
    window.left.setFocus()
    qtbot.waitUntil(lambda: window.last_pane is window.left)
    window.left.select_range(3 + U16, 20 + U16)  # "Mayor Olena Koval"
    qtbot.keyClick(window.left, Qt.Key.Key_E)
    assert [kind for kind, _title, _text in dialogs.asked] == ["choose"]
    assert gold(store, doc_id) == [
        ("ACTOR", 3, 20, "Mayor Olena Koval", "adjudicated", {"source": "alice", "edited": True}),
    ]


def test_next_disagreement(window, qtbot):
    choose_row(qtbot, window, 1)
    press(qtbot, window, Qt.Key.Key_N)
    assert window.table.currentIndex().row() == 2
    press(qtbot, window, Qt.Key.Key_F8)
    assert window.table.currentIndex().row() == 3
    press(qtbot, window, Qt.Key.Key_A)  # decided: N now skips row 3
    choose_row(qtbot, window, 2)
    press(qtbot, window, Qt.Key.Key_N)
    assert window.table.currentIndex().row() == 4
    press(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert window.table.currentIndex().row() == 2


# -- the panes ----------------------------------------------------------------------------------


def test_selecting_a_row_selects_and_scrolls_both_panes(window, qtbot):
    choose_row(qtbot, window, 5)  # a3 40..62 on the left, b3 44..63 on the right
    assert window.left.selection() == (40 + U16, 62 + U16)
    assert window.right.selection() == (44 + U16, 63 + U16)
    assert window.left.textCursor().selectedText() == "the bridge will reopen"
    assert window.right.textCursor().selectedText() == "bridge will reopen."
    top = window.left.verticalScrollBar().value()
    choose_row(qtbot, window, 6)  # Kyiv, sixty lines further down
    assert window.left.selection() == window.right.selection() == (123 + U16, 127 + U16)
    for pane in (window.left, window.right):
        assert pane.verticalScrollBar().value() > top
        assert pane.viewport().rect().contains(pane.cursorRect())
    assert window.left.firstVisibleBlock().blockNumber() == \
        window.right.firstVisibleBlock().blockNumber() > 0  # fmt: skip
    window.left.verticalScrollBar().setValue(0)  # scrolling one scrolls the other
    qtbot.waitUntil(lambda: window.right.firstVisibleBlock().blockNumber() == 0)


# -- large layers off the GUI thread -----------------------------------------------------------


def test_large_layers_are_compared_off_the_gui_thread(window, qtbot, store, doc_id):
    window.controller.background_spans = 0  # every review counts as large here
    window.controller.background_requests = 0
    with qtbot.waitSignal(window.controller.measured, timeout=10_000):
        window.show_document(doc_id)
        assert window.progress.isVisible()
        assert window.progress_label.text() == "Comparing 12 spans…"
        assert window.model.rowCount() == 0  # the pairs are still coming
    assert table(window) == ROWS
    assert not window.progress.isVisible()
    assert window.statistics.text().startswith(f"Cohen's κ {KAPPA}")
    with qtbot.waitSignal(window.controller.busy, timeout=10_000):
        window.accept_matches_button.click()  # two requests: above 0, so in a job too
    done = "Gold “gold”: 2 spans · 2 of 7 decided"
    qtbot.waitUntil(lambda: window.gold_state.text() == done)
    assert [g[1:3] for g in gold(store, doc_id)] == [(9, 20), (123, 127)]
    c = window.controller
    qtbot.waitUntil(lambda: not c.jobs.busy and not c.writers.busy)  # every thread has ended


# -- keys, dialogs and the main window ---------------------------------------------------------


def test_every_key_is_an_action_of_the_window(window):
    for name, _text, keys in REVIEW_KEYS:
        action = window.actions_by_name[name]
        assert action.shortcuts() == [QKeySequence(k) for k in keys]
    sheet = dict(shortcut_sheet())
    assert sheet["A / Ctrl+1"] == "Accept left (A's span)"
    assert sheet["N / F8"] == "Next disagreement"


def test_shared_scripted_dialogs_never_open_a_real_prompt(qtbot):
    from ui.dialogs import ScriptedDialogs

    service = ScriptedDialogs()
    wrapped = ReviewDialogs(service)
    assert wrapped.ask_text("Comment", "Why?") is None
    assert wrapped.save_file("Export", Path("x.csv"), "CSV files (*.csv)") is None
    assert [kind for kind, _, _ in service.asked] == ["text", "save"]


def test_open_review_from_the_main_window(make_window, store, doc_id, qtbot):
    main = make_window(store, analyst="lead", document_id=doc_id)
    review = open_review(main, store, main.analyst, doc_id)
    assert isinstance(review, ReviewWindow) and review.isWindow() and review.isVisible()
    assert review.analyst == "lead" and len(table(review)) == 7
    assert open_review(main, store, "chief", None) is review  # one review window per main one
    assert review.analyst == "chief"
    assert review.windowTitle() == "Review — Bridge — alice vs bob — reviewing as chief"


def test_reload_and_undo_of_the_reviewers_own_span(qtbot, store, doc_id, review_dialogs):
    # alice reviews her own layer against bob's; she tags "agreed" (128..134) elsewhere.
    w = shown_review(qtbot, store, doc_id, review_dialogs, "alice")
    store.add_span(doc_id, 128, 134, "CLAIM", annotator="alice")
    choose_row(qtbot, w, 5)
    qtbot.keyClick(w.table, Qt.Key.Key_F5)  # reload: the new span is a row, the choice stays
    assert [r[0] for r in table(w)] == [r[0] for r in ROWS] + ["only A"]
    assert w.table.currentIndex().row() == 5
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert table(w) == ROWS  # her tag undone, the review compared again


def test_a_gold_layer_named_like_a_layer_is_refused(window, qtbot, doc_id, review_dialogs):
    assert not window.controller.open(doc_id, "alice", "bob", "bob")
    assert review_dialogs.errors == ["the gold layer 'bob' cannot be layer A or B: rename it"]
    assert window.model.rowCount() == 0 and window.left.toPlainText() == ""
    window.gold_edit.setText("bob")  # typed: bob's layer is the gold now, one layer is left
    window.gold_edit.editingFinished.emit()
    assert [window.layer_a_box.itemData(i) for i in range(window.layer_a_box.count())] == ["alice"]
    assert window.model.rowCount() == 0 and window.right.toPlainText() == ""
    assert window.statusBar().currentMessage().startswith("Only one analyst has spans")
    window.gold_edit.setText("gold")
    window.gold_edit.editingFinished.emit()
    assert table(window) == ROWS


def test_enter_in_the_gold_name_hands_the_keys_to_the_decisions(window, qtbot, doc_id):
    """A after Enter accepts; it does not make the gold layer "gold2a"."""
    window.show()
    window.activateWindow()
    window.gold_edit.setFocus()
    window.gold_edit.selectAll()
    qtbot.keyClicks(window.gold_edit, "gold2")
    qtbot.keyClick(window.gold_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.session is not None
                    and window.controller.session.gold == "gold2")  # fmt: skip
    assert window.table.hasFocus() and window.gold_edit.text() == "gold2"


def test_a_gold_layer_that_holds_hand_made_spans_is_confirmed(
    window, qtbot, store, doc_id, review_dialogs
):
    store.add_span(doc_id, ALICE[0][1], ALICE[0][2], ALICE[0][0], annotator="carol")
    review_dialogs.answers = [False, True]
    window.gold_edit.setText("carol")  # carol's own work, not a gold layer
    window.gold_edit.editingFinished.emit()
    assert review_dialogs.asked[-1][:2] == ("confirm", "Gold layer")
    assert "carol's layer holds 1 span made by hand" in review_dialogs.asked[-1][2]
    assert window.gold_edit.text() == "gold" and window.controller.session.gold == "gold"
    window.gold_edit.setText("carol")
    window.gold_edit.editingFinished.emit()  # yes, on purpose
    qtbot.waitUntil(lambda: window.controller.session is not None
                    and window.controller.session.gold == "carol")  # fmt: skip


def test_edit_never_cuts_a_character_in_two(window, qtbot, store, doc_id):
    choose_row(qtbot, window, 0)  # Mayor vs Mayor Olena
    window.left.setFocus()
    qtbot.waitUntil(lambda: window.last_pane is window.left)
    window.left.select_range(2, 8 + U16)  # from between the flag's two halves to "Mayor"
    qtbot.keyClick(window.left, Qt.Key.Key_E)
    assert gold(store, doc_id) == [
        ("ACTOR", 0, 8, "🇺🇦 Mayor", "adjudicated", {"source": "alice", "edited": True}),
    ]
