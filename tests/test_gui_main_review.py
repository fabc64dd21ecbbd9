"""The review window as the main window opens it: Review ▸ Review two analysts… (Ctrl+R).

Offsets in code points; Qt counts UTF-16 units, and the flag 🇺🇦 (two astral
regional indicators) is 2 code points but 4 units, so Qt positions are the
code point plus 2.  🇺🇦 0..2, Mayor 3..8, Olena 9..14, Koval 15..20, said
21..25, on 26..28, 3 29..30, May 31..34.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from annotator.store import Store, open_store
from ui.review_link import find_review
from ui.shortcut_sheet import REVIEW_TITLE, markdown, review_bindings

TEXT = "🇺🇦 Mayor Olena Koval said on 3 May that the bridge will reopen."
# alice and bob agree on "Olena Koval"; "3 May" is alice's DATE but bob's CLAIM.
LAYERS = {"alice": [("ACTOR", 9, 20), ("DATE", 29, 34)],
          "bob": [("ACTOR", 9, 20), ("CLAIM", 29, 34)]}  # fmt: skip
ROWS = [("match", "ACTOR", "Olena Koval", "ACTOR", "Olena Koval"),
        ("label mismatch", "DATE", "3 May", "CLAIM", "3 May")]  # fmt: skip


@pytest.fixture
def doc_id(store: Store) -> int:
    doc = store.add_document(TEXT, title="Bridge")
    for who, layer in LAYERS.items():
        store.add_spans(doc.id, [{"label": label, "start": s, "end": e, "annotator": who}
                                 for label, s, e in layer])  # fmt: skip
    return doc.id


def table(review: Any) -> list[tuple[str, ...]]:
    m = review.model
    return [tuple(m.data(m.index(r, c)) for c in range(5)) for r in range(m.rowCount())]


def shown(window: Any) -> list[tuple[int, int, str, str]]:
    """The main window's span table, as (start, end, label, analyst)."""
    model = window.span_model
    return sorted((s.start, s.end, s.label, s.annotator)
                  for s in (model.span_at(r) for r in range(model.rowCount())))  # fmt: skip


def painted(window: Any) -> set[tuple[int, int, str]]:
    """The article's span index: (UTF-16 start, end, analyst) of what is painted."""
    return {(e.start, e.end, e.span.annotator) for e in window.editor.index.entries()}


def open_with_ctrl_r(qtbot: Any, window: Any) -> Any:
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    review = find_review(window)
    assert review is not None
    qtbot.waitExposed(review)
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)  # its keys are window shortcuts
    review.table.setFocus()
    return review


def test_ctrl_r_reviews_the_open_document_and_gold_shows_in_the_main_window(
    qtbot, store, doc_id, make_window
) -> None:
    window = make_window(store, analyst="lead", document_id=doc_id)
    assert shown(window) == [(9, 20, "ACTOR", "alice"), (9, 20, "ACTOR", "bob"),
                             (29, 34, "CLAIM", "bob"), (29, 34, "DATE", "alice")]  # fmt: skip
    review = open_with_ctrl_r(qtbot, window)
    assert review.isWindow() and review.parent() is window
    assert (review.layer_a_box.currentData(), review.layer_b_box.currentData()) == ("alice", "bob")
    assert table(review) == ROWS
    assert review.windowTitle() == "Review — Bridge — alice vs bob — reviewing as lead"
    reloads: list[object] = []
    window.editor.spans_reset.connect(reloads.append)  # one per reload of the open document

    review.table.setCurrentIndex(review.model.index(1, 0))  # "3 May": DATE vs CLAIM
    qtbot.keyClick(review.table, Qt.Key.Key_A)  # accept left: alice's DATE becomes gold
    assert [(s.label, s.start, s.end) for s in store.spans(doc_id, annotator="gold")] == [
        ("DATE", 29, 34)
    ]
    assert len(reloads) == 1
    assert (29, 34, "DATE", "gold") in shown(window)
    assert (29 + 2, 34 + 2, "gold") in painted(window)  # after the flag: +2 in UTF-16
    assert "gold" in [window.layers_panel.model.name_at(r)
                      for r in range(window.layers_panel.model.rowCount())]  # fmt: skip

    # Ctrl+R again raises the same window; its undo updates only the gold span it removes.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert open_with_ctrl_r(qtbot, window) is review
    qtbot.keyClick(review.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.spans(doc_id, annotator="gold") == []
    assert len(reloads) == 1  # no reload of every span for a step of one
    assert (29, 34, "DATE", "gold") not in shown(window) and len(shown(window)) == 4
    assert review.gold_state.text() == "Gold “gold”: 0 spans · 0 of 2 decided"


def test_show_review_takes_another_document_and_leaves_the_open_one_alone(
    qtbot, store, doc_id, make_window
) -> None:
    other = store.add_document("Kyiv agreed on Monday.", title="Other").id
    window = make_window(store, analyst="lead", document_id=other)
    review = window.show_review(doc_id)  # the review of a document not open here
    assert review.document_box.currentData() == doc_id and table(review) == ROWS
    reloads: list[object] = []
    window.editor.spans_reset.connect(reloads.append)
    review.controller.select_row(1)
    review.controller.accept_right()  # bob's CLAIM into gold
    assert [s.label for s in store.spans(doc_id, annotator="gold")] == ["CLAIM"]
    assert reloads == [] and window.editor.document.id == other


def test_switching_databases_closes_the_review_of_the_old_one(
    qtbot, store, doc_id, make_window, tmp_path: Path
) -> None:
    window = make_window(store, analyst="lead", document_id=doc_id)
    review = window.show_review()
    assert review.isVisible()
    other_db = tmp_path / "other.db"
    with open_store(other_db) as other:
        other_doc = other.add_document(TEXT, title="Copy").id
        other.add_spans(other_doc, [{"label": "ACTOR", "start": 9, "end": 20, "annotator": who}
                                    for who in ("carol", "dan")])  # fmt: skip
    window.set_store(open_store(other_db))
    assert not review.isVisible() and find_review(window) is None
    fresh = window.show_review()
    assert fresh is not review and fresh.store is window.store
    assert table(fresh) == [("match", "ACTOR", "Olena Koval", "ACTOR", "Olena Koval")]


def test_the_shortcut_sheet_has_the_review_keys(qtbot, store, make_window) -> None:
    window = make_window(store)
    assert window.action_map["review"].shortcuts()[0].toString() == "Ctrl+R"
    text = markdown(window.bindings())
    assert "| `Ctrl+R` | Review two analysts | Review | anywhere |" in text
    review_part = text.split(f"### {REVIEW_TITLE}\n", 1)[1]
    assert "| `A`, `Ctrl+1` | Accept left (A's span) |" in review_part
    assert "| `X`, `Del` | Reject the pair |" in review_part
    window.show_shortcuts()
    sheet = window.sheet.review_table
    assert sheet.rowCount() == len(review_bindings()) == 14
    assert (sheet.item(7, 0).text(), sheet.item(7, 1).text()) == ("N, F8", "Next disagreement")


def test_an_orphan_is_not_a_row_of_the_review(qtbot, store, doc_id, make_window) -> None:
    # "3 May" is gone from the new text: alice's DATE and bob's CLAIM there are orphans.
    store.replace_text(doc_id, TEXT.replace("3 May", "Monday"), by="lead")
    assert len(store.orphans(doc_id)) == 2
    window = make_window(store, analyst="lead", document_id=doc_id)
    review = window.show_review()
    assert table(review) == [ROWS[0]]


def test_ctrl_z_in_the_main_window_can_undo_the_reviewer_s_decision(
    qtbot, store, doc_id, make_window
) -> None:
    # One history per analyst: "lead" reviews, so lead's latest change is the decision.
    window = make_window(store, analyst="lead", document_id=doc_id)
    review = window.show_review()
    review.controller.select_row(1)
    review.controller.accept_left()
    assert review.gold_state.text() == "Gold “gold”: 1 span · 1 of 2 decided"
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.statusBar().currentMessage() == "Undo: review decision: accept A DATE “3 May”"
    assert store.spans(doc_id, annotator="gold") == []
    assert (29, 34, "DATE", "gold") not in shown(window)
    assert review.gold_state.text() == "Gold “gold”: 0 spans · 0 of 2 decided"
    assert review.model.data(review.model.index(1, 5)) in ("", None)  # no decision shown


def test_both_windows_name_and_step_one_history(qtbot, store, doc_id, make_window) -> None:
    # lead tags in the main window, then decides in the review: Undo in the main
    # window names the decision, and each undo or redo, from either window, is
    # the next step of the one history.
    window = make_window(store, analyst="lead", document_id=doc_id)
    window.editor.history.record("Tag ACTOR “Mayor”")  # as the editor does after a tag
    store.add_span(doc_id, 3, 8, "ACTOR", annotator="lead")
    review = window.show_review()
    review.controller.select_row(1)
    review.controller.accept_left()  # alice's DATE "3 May" into gold
    stack = window.editor.history.stack
    assert review.controller.history is window.editor.history
    assert stack.undoText() == "Accept A DATE “3 May”"
    window.editor.history.undo()  # from the main window: the decision goes
    assert store.spans(doc_id, annotator="gold") == []
    assert stack.undoText() == "Tag ACTOR “Mayor”" and stack.redoText() == "Accept A DATE “3 May”"
    review.controller.undo()  # from the review: the tag goes next
    assert store.spans(doc_id, annotator="lead") == []
    review.controller.redo()
    window.editor.history.redo()
    assert [s.label for s in store.spans(doc_id, annotator="lead")] == ["ACTOR"]
    assert [s.label for s in store.spans(doc_id, annotator="gold")] == ["DATE"]
    assert review.gold_state.text() == "Gold “gold”: 1 span · 1 of 2 decided"


def test_the_review_follows_an_analyst_switched_in_the_main_window(
    qtbot, store, doc_id, make_window, analyst_at
) -> None:
    # The review was opened by "lead"; the main window then switches to "carol",
    # who tags "Mayor" (3..8, Qt 5..10) and decides a pair.  The decision is
    # carol's, the title says so, and Ctrl+Z in the review takes back the
    # decision (carol's latest step), not her tag.
    window = make_window(store, analyst="lead", document_id=doc_id)
    review = window.show_review()
    window.set_analyst("carol")
    assert review.windowTitle() == "Review — Bridge — alice vs bob — reviewing as carol"
    carol = analyst_at(window)
    carol.select(5, 10)
    carol.press(Qt.Key.Key_2, widget=window.view)  # ACTOR
    assert [(s.start, s.end, s.label) for s in store.spans(doc_id, annotator="carol")] == [
        (3, 8, "ACTOR")
    ]
    review.controller.select_row(1)
    review.controller.accept_left()  # alice's DATE "3 May" into gold
    assert [d.by for d in store.decisions(doc_id)] == ["carol"]
    review.controller.undo()
    assert store.spans(doc_id, annotator="gold") == [] and store.decisions(doc_id) == []
    assert [(s.start, s.end, s.label) for s in store.spans(doc_id, annotator="carol")] == [
        (3, 8, "ACTOR")
    ]


def test_undoing_a_rejection_says_it_was_one(qtbot, store, doc_id, make_window) -> None:
    window = make_window(store, analyst="lead", document_id=doc_id)
    review = window.show_review()
    review.controller.select_row(1)  # alice's DATE "3 May" against bob's CLAIM
    review.controller.reject()
    window.editor.history.undo()
    assert window.statusBar().currentMessage() == "Undo: review decision: reject"
    assert store.decisions(doc_id) == []


def open_review(qtbot: Any, window: Any, doc_id: int) -> Any:
    review = window.show_review(doc_id)
    qtbot.waitExposed(review)
    return review


def test_the_review_compares_again_after_the_main_window_changes_a_layer(
    qtbot, store, doc_id, make_window, analyst_at
) -> None:
    window = make_window(store, analyst="alice", document_id=doc_id)
    review = open_review(qtbot, window, doc_id)
    assert table(review) == ROWS
    alice = analyst_at(window)
    alice.caret(29 + 2 + 1)  # inside alice's DATE "3 May" (code points 29..34, Qt +2)
    alice.press(Qt.Key.Key_Delete, widget=window.view)
    qtbot.waitUntil(lambda: [row[0] for row in table(review)] == ["match", "only B"])
    assert table(review)[1] == ("only B", "", "", "CLAIM", "3 May")


def test_the_review_shows_the_new_text_after_a_replacement(
    qtbot, store, doc_id, make_window, dialogs, tmp_path
) -> None:
    # A first sentence of 22 code points: "3 May" moves from [29, 34) to [51, 56).
    new_text = "Correction: 李明 added. " + TEXT
    assert new_text[51:56] == "3 May"
    window = make_window(store, analyst="lead", document_id=doc_id)
    review = open_review(qtbot, window, doc_id)
    source = tmp_path / "new.txt"
    source.write_text(new_text, encoding="utf-8")
    dialogs.paths.append(source)
    with qtbot.waitSignal(window.orphans_panel.text_replaced, timeout=10000):
        window.action_map["replace_text"].trigger()
    qtbot.waitUntil(lambda: review.left.toPlainText() == new_text)
    review.controller.select_row(1)
    review.left.select_range(51 + 2, 56 + 2)  # "3 May" in the new text, Qt units (flag +2)
    dialogs.picks.append("DATE")
    review.last_pane = review.left  # as a click in the left pane makes it
    review.controller.edit()
    assert [s.text for s in store.spans(doc_id, annotator="gold")] == ["3 May"]


def test_the_review_shows_another_document_when_its_own_is_deleted(
    qtbot, store, doc_id, make_window, analyst_at
) -> None:
    window = make_window(store, analyst="lead", document_id=doc_id)
    review = open_review(qtbot, window, doc_id)
    window.document_list.setFocus()
    analyst_at(window).press(Qt.Key.Key_Delete, widget=window.document_list)
    qtbot.waitUntil(lambda: review.controller.reviewed_document is None)
    assert table(review) == []
    assert review.windowTitle() == "Review — no document — reviewing as lead"
    assert "“Bridge”, was deleted in the main window" in review.statusBar().currentMessage()
    window.view.setFocus()
    analyst_at(window).press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier,
                             widget=window.view)  # fmt: skip
    qtbot.waitUntil(lambda: review.controller.reviewed_document == doc_id)
    assert review.document_box.currentData() == doc_id
    qtbot.waitUntil(lambda: table(review) == ROWS)
    assert review.windowTitle() == "Review — Bridge — alice vs bob — reviewing as lead"


def test_undo_in_the_review_waits_while_the_main_window_links(
    qtbot, store, doc_id, make_window, analyst_at
) -> None:
    window = make_window(store, analyst="bob", document_id=doc_id)
    bob = analyst_at(window)
    bob.caret(29 + 2 + 1)  # inside bob's CLAIM "3 May"
    bob.press(Qt.Key.Key_R, widget=window.view)  # linking starts
    assert window.relations.linking
    review = open_review(qtbot, window, doc_id)
    before = [s.id for s in store.spans(doc_id)]
    review.controller.undo()
    assert [s.id for s in store.spans(doc_id)] == before
    assert review.statusBar().currentMessage() == "Finish the link with Enter or Esc first"


def test_a_refusal_names_the_decision_as_the_keys_do(qtbot, store, doc_id, make_window) -> None:
    window = make_window(store, analyst="lead", document_id=doc_id)
    store.add_span(doc_id, 3, 8, "ACTOR", annotator="bob")  # "Mayor": a row of B only
    review = open_review(qtbot, window, doc_id)
    row = next(i for i, r in enumerate(table(review)) if r[0] == "only B")
    review.controller.select_row(row)
    review.controller.accept_left()
    assert window.dialogs.asked[-1][1] == "Cannot accept A"
