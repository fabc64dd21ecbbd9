"""Decisions the review must not trust blindly: one made before its pair changed, and
an edit (E) whose selection lies elsewhere in the article.

Offsets are code points, worked out by hand; the review panes count UTF-16 units.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from review_helpers import shown_review

from annotator.adjudication import ACCEPT_A, ACCEPT_BOTH, REJECT, ReviewSession
from annotator.store import Store
from annotator.store.base import now
from ui.review_dialogs import ScriptedReviewDialogs
from ui.review_models import CATEGORY, DECISION, UNDECIDED

# "Mayor " 0..6, "Zoë " 6..10, "Ångström " 10..19, "said " 19..24, "on " 24..27,
# "3 March 2024" 27..39 ("3 March" 27..34).
DATED = "Mayor Zoë Ångström said on 3 March 2024 that the bridge reopened."
STALE = "decided on an earlier version — review again"


def cell(w: Any, row: int, column: int) -> str:
    return w.model.data(w.model.index(row, column))


def gold(store: Store, doc_id: int) -> list[tuple[int, int, str]]:
    return sorted((s.start, s.end, s.text) for s in store.spans(doc_id, annotator="gold"))


def test_a_verdict_on_an_earlier_version_of_the_pair_asks_for_review_again(qtbot, store):
    doc = store.add_document(DATED, title="Stale").id
    alice = store.add_span(doc, 27, 39, "DATE", annotator="alice").id
    store.add_span(doc, 27, 39, "DATE", annotator="bob")
    w = shown_review(qtbot, store, doc, ScriptedReviewDialogs(), "lead")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    w.table.setCurrentIndex(w.model.index(0, 0))
    qtbot.keyClick(w.table, Qt.Key.Key_T)
    assert cell(w, 0, DECISION) == "accepted both"
    assert gold(store, doc) == [(27, 39, "3 March 2024")]

    store.update_span(alice, end=34, by="alice")  # as in alice's own window
    w.controller.reload()
    qtbot.waitUntil(lambda: cell(w, 0, CATEGORY) == "boundary mismatch")
    assert cell(w, 0, DECISION) == STALE
    assert w.gold_state.text().endswith("0 of 1 decided")
    w.model.set_filter(UNDECIDED)
    assert w.model.rowCount() == 1
    assert gold(store, doc) == [(27, 39, "3 March 2024")]  # kept until decided again

    w.table.setCurrentIndex(w.model.index(0, 0))
    qtbot.keyClick(w.table, Qt.Key.Key_T)  # both spans of the pair as it is now
    assert gold(store, doc) == [(27, 34, "3 March"), (27, 39, "3 March 2024")]
    assert cell(w, 0, DECISION) == "accepted both"
    assert w.gold_state.text().endswith("1 of 1 decided")


def test_the_same_verdict_given_again_is_stored_for_the_new_version(store):
    doc = store.add_document(DATED, title="Stale").id
    alice = store.add_span(doc, 27, 39, "DATE", annotator="alice").id
    store.add_span(doc, 27, 34, "CLAIM", annotator="bob")
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    session.decide(0, REJECT)
    made = next(iter(session.decisions.values())).created_at
    while now() <= made:  # the change must come later than the decision (ms stamps)
        pass
    store.update_span(alice, start=24, by="alice")  # "on 3 March 2024": still paired
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    assert (session.has_verdict(0), session.decided_earlier(0)) == (False, True)
    assert session.progress() == (0, 1, 0)
    session.decide(0, REJECT)  # the same verdict, on this version
    assert (session.has_verdict(0), session.decided_earlier(0)) == (True, False)
    assert session.progress() == (1, 1, 0)


# "Mayor " 0..6, "Zoë" 6..9, " said " 9..15, "李明说了话" 15..20, " and " 20..25,
# "tolls rose 😀" 25..37 code points, 25..38 in UTF-16 (😀 is two units).
EDITED = "Mayor Zoë said 李明说了话 and tolls rose 😀 sharply."


def test_edit_refuses_a_selection_that_does_not_overlap_the_chosen_row(qtbot, store):
    doc = store.add_document(EDITED, title="Edit").id
    store.add_span(doc, 6, 9, "ACTOR", annotator="alice")
    store.add_span(doc, 6, 9, "ACTOR", annotator="bob")
    store.add_span(doc, 15, 20, "ACTOR", annotator="alice")  # row 1: only A
    dialogs = ScriptedReviewDialogs(picks=["ACTOR"])
    w = shown_review(qtbot, store, doc, dialogs, "lead")
    qtbot.waitUntil(lambda: w.model.rowCount() == 2)
    w.table.setCurrentIndex(w.model.index(1, 0))
    w.right.setFocus()
    qtbot.waitUntil(lambda: w.last_pane is w.right)
    w.right.select_range(25, 38)  # "tolls rose 😀": nowhere near "李明说了话"
    qtbot.keyClick(w.right, Qt.Key.Key_E)
    assert gold(store, doc) == []
    assert not [a for a in dialogs.asked if a[0] == "choose"]
    assert w.statusBar().currentMessage().startswith(
        "Nothing edited: the selection “tolls rose 😀” does not overlap this row’s “李明说了话”"
    )
    assert cell(w, 1, DECISION) == ""

    w.right.select_range(15, 24)  # "李明说了话 and": overlaps the row's span
    qtbot.keyClick(w.right, Qt.Key.Key_E)
    assert gold(store, doc) == [(15, 24, "李明说了话 and")]
    assert cell(w, 1, DECISION) == "edited"


def test_spans_stamped_by_a_later_clock_do_not_make_a_verdict_stale(store):
    # Imported (or merged) from a machine whose clock is years ahead: made and last
    # changed "in 2030", never edited here.  A verdict on them is a verdict.
    doc = store.add_document(DATED, title="Clock").id
    later = "2030-01-01T00:00:00.000Z"
    store.add_spans(doc, [
        {"start": 27, "end": 39, "label": "DATE", "annotator": "alice",
         "created_at": later, "updated_at": later},
        {"start": 27, "end": 34, "label": "DATE", "annotator": "bob",
         "created_at": later, "updated_at": later},
    ])  # fmt: skip
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    session.decide(0, REJECT)
    assert (session.has_verdict(0), session.decided_earlier(0)) == (True, False)
    assert session.progress() == (1, 1, 0)


def test_the_count_of_decided_pairs_follows_one_decision_without_recounting(
    store, monkeypatch
):
    # Twenty exact matches; after the first count, a decision looks at its own row
    # (before and after), not at all twenty.
    import annotator.adjudication as adjudication

    text = " ".join(f"w{n:02d}" for n in range(20))  # each "wNN" is 3 code points, 4 apart
    doc = store.add_document(text).id
    for who in ("alice", "bob"):
        store.add_spans(doc, [{"start": 4 * n, "end": 4 * n + 3, "label": "ACTOR",
                               "annotator": who} for n in range(20)])  # fmt: skip
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    looked: list[int] = []
    real = adjudication.decided_earlier
    monkeypatch.setattr(adjudication, "decided_earlier",
                        lambda *a, **k: looked.append(1) or real(*a, **k))  # fmt: skip
    assert session.accept_all_matches() == 20
    assert session.progress() == (20, 20, 20)  # counted whole once, after the reload
    looked.clear()
    session.decide(4, REJECT)
    assert session.progress() == (20, 20, 19)
    session.decide(4, ACCEPT_BOTH)
    assert session.progress() == (20, 20, 20)
    assert len(looked) <= 2  # row 4 after each of its decisions; nothing else


def test_the_panes_mark_a_pair_as_the_table_does_when_its_gold_went(store):
    from ui.review_panes import DISAGREES, marks_of

    doc = store.add_document(DATED, title="Gold gone").id
    a = store.add_span(doc, 27, 39, "DATE", annotator="alice").id
    b = store.add_span(doc, 27, 39, "CLAIM", annotator="bob").id  # a label mismatch
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    session.decide(0, ACCEPT_A)
    (made,) = store.spans(doc, annotator="gold")
    store.delete_span(made.id, by="lead")  # the accepted gold is gone (another window)
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    assert session.decided_earlier(0) and not session.has_verdict(0)
    assert marks_of(session.pairs, session) == {a: DISAGREES, b: DISAGREES}


def test_a_layer_picked_on_both_sides_makes_the_sides_swap(qtbot, store):
    # A layer compared with itself would agree with itself on everything, and
    # "Accept all matches" would copy it into gold as agreed.
    doc = store.add_document(DATED, title="Swap").id
    store.add_span(doc, 6, 18, "ACTOR", annotator="alice")
    store.add_span(doc, 27, 39, "DATE", annotator="bob")
    w = shown_review(qtbot, store, doc, ScriptedReviewDialogs(), "lead")
    qtbot.waitUntil(lambda: w.controller.session is not None)
    assert (w.layer_a_box.currentData(), w.layer_b_box.currentData()) == ("alice", "bob")
    w.layer_a_box.setFocus()
    qtbot.keyClick(w.layer_a_box, Qt.Key.Key_Down)  # bob, in the A box
    qtbot.waitUntil(lambda: w.controller.session.a == "bob")
    assert (w.layer_a_box.currentData(), w.layer_b_box.currentData()) == ("bob", "alice")
    assert w.controller.session.b == "alice"
    assert "bob vs alice" in w.windowTitle()
    w.controller.accept_all_matches()  # nothing matches: nothing copied
    assert gold(store, doc) == []


def test_a_verdict_whose_span_was_deleted_stays_with_its_pair_and_its_gold_follows(
    qtbot, store
):
    doc = store.add_document(DATED, title="Deleted").id
    alice = store.add_span(doc, 24, 39, "DATE", annotator="alice")  # "on 3 March 2024"
    store.add_span(doc, 27, 39, "DATE", annotator="bob")  # "3 March 2024"
    w = shown_review(qtbot, store, doc, ScriptedReviewDialogs(), "lead")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    w.table.setCurrentIndex(w.model.index(0, 0))
    qtbot.keyClick(w.table, Qt.Key.Key_B)
    assert gold(store, doc) == [(27, 39, "3 March 2024")]

    store.delete_span(alice.id, by="alice")  # as in alice's own window
    w.controller.reload()
    qtbot.waitUntil(lambda: cell(w, 0, CATEGORY) == "only B")
    assert cell(w, 0, DECISION) == "accepted B"  # B's span, as accepted, is still there
    assert w.gold_state.text().endswith("1 of 1 decided")

    w.table.setCurrentIndex(w.model.index(0, 0))
    qtbot.keyClick(w.table, Qt.Key.Key_X)
    assert gold(store, doc) == []  # the verdict's gold went with it
    rows = store.conn.execute("SELECT a_span, decision FROM review_decisions").fetchall()
    assert [tuple(r) for r in rows] == [(None, "reject")]
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold(store, doc) == [(27, 39, "3 March 2024")]
    rows = store.conn.execute("SELECT a_span, decision FROM review_decisions").fetchall()
    assert [tuple(r) for r in rows] == [(alice.id, "accept_b")]


def test_a_verdict_for_a_deleted_span_asks_for_review_again(store):
    # Accepted A, then A's span deleted: the verdict is on an earlier version.
    doc = store.add_document(DATED, title="Deleted").id
    alice = store.add_span(doc, 24, 39, "DATE", annotator="alice")
    store.add_span(doc, 27, 39, "DATE", annotator="bob")
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    session.decide(0, ACCEPT_A)
    store.delete_span(alice.id, by="alice")
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    assert (session.has_verdict(0), session.decided_earlier(0)) == (False, True)
    assert [s.text for s in session.gold_at(0)] == ["on 3 March 2024"]
    session.decide(0, ACCEPT_BOTH)  # B's span alone now: it replaces A's copy
    assert gold(store, doc) == [(27, 39, "3 March 2024")]
    assert session.progress() == (1, 1, 1)


def test_edit_leaves_out_the_spaces_at_the_ends_and_refuses_only_spaces(qtbot, store):
    doc = store.add_document(DATED, title="Edit").id
    store.add_span(doc, 0, 18, "ACTOR", annotator="alice")  # "Mayor Zoë Ångström"
    store.add_span(doc, 6, 9, "ACTOR", annotator="bob")  # "Zoë"
    dialogs = ScriptedReviewDialogs(picks=["ACTOR"])
    w = shown_review(qtbot, store, doc, dialogs, "lead")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    w.table.setCurrentIndex(w.model.index(0, 0))
    w.left.setFocus()
    qtbot.waitUntil(lambda: w.last_pane is w.left)
    w.left.select_range(5, 6)  # the space after "Mayor"
    qtbot.keyClick(w.left, Qt.Key.Key_E)
    assert gold(store, doc) == []
    assert w.statusBar().currentMessage().startswith("The selection holds only white space")
    w.left.select_range(5, 19)  # " Zoë Ångström "
    qtbot.keyClick(w.left, Qt.Key.Key_E)
    assert gold(store, doc) == [(6, 18, "Zoë Ångström")]
    assert w.statusBar().currentMessage() == "Edit: ACTOR “Zoë Ångström”"  # the gold as edited


def test_undoing_a_comment_says_it_was_a_comment(qtbot, store):
    doc = store.add_document(DATED, title="Comment").id
    store.add_span(doc, 24, 39, "DATE", annotator="alice")
    store.add_span(doc, 27, 39, "DATE", annotator="bob")
    w = shown_review(qtbot, store, doc, ScriptedReviewDialogs(texts=["check"]), "lead")
    qtbot.waitUntil(lambda: w.model.rowCount() == 1)
    w.table.setCurrentIndex(w.model.index(0, 0))
    qtbot.keyClick(w.table, Qt.Key.Key_C)
    qtbot.keyClick(w.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert w.statusBar().currentMessage() == "Undo: review comment"


def test_accept_all_matches_decides_a_widowed_verdict_in_place(store):
    # Both accepted, then alice redraws her span (delete + a new one): the new
    # match takes the old verdict's place, its gold made once, no stale copy left.
    doc = store.add_document(DATED, title="Redrawn").id
    alice = store.add_span(doc, 24, 39, "DATE", annotator="alice")  # "on 3 March 2024"
    store.add_span(doc, 27, 39, "DATE", annotator="bob")
    store.add_span(doc, 0, 5, "ACTOR", annotator="alice")  # a second match: the bulk path
    store.add_span(doc, 0, 5, "ACTOR", annotator="bob")
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    session.decide(session.pairs.index(next(p for p in session.pairs if p.a.id == alice.id)),
                   ACCEPT_BOTH)  # fmt: skip
    assert gold(store, doc) == [(24, 39, "on 3 March 2024"), (27, 39, "3 March 2024")]
    store.delete_span(alice.id, by="alice")
    again = store.add_span(doc, 27, 39, "DATE", annotator="alice")
    session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
    assert session.accept_all_matches() == 2
    assert gold(store, doc) == [(0, 5, "Mayor"), (27, 39, "3 March 2024")]
    rows = store.conn.execute("SELECT a_span FROM review_decisions ORDER BY a_span").fetchall()
    assert sorted(r[0] for r in rows) == sorted([again.id, session.pairs[0].a.id])
