"""Suggestions in the window: Suggest, then Enter / Delete / Shift+Enter, undo, outlines.

Offsets counted by hand in TEXT (code points, all ASCII so Qt's are the same):
"Officials met on " is 17 characters, so "14 March 2026" is [17, 30);
"[citation: Daily Ledger]" (24 characters) starts at 57, so [57, 81);
line 2 starts at 83 ("...Ledger].\\n" ends at 82); "They meet again on " is
19 characters, so "2 April 2026" is [102, 114); "[citation: Harbour Post]" is [134, 158).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from annotator.store import open_store
from annotator.suggest.apply import SUGGEST, pending
from ui.suggestions import install_suggestions

TEXT = (
    "Officials met on 14 March 2026 in Riga. The talks failed [citation: Daily Ledger].\n"
    "They meet again on 2 April 2026, the minister said [citation: Harbour Post].\n"
)
DATE1, CITE1, DATE2, CITE2 = (17, 30), (57, 81), (102, 114), (134, 158)


@pytest.fixture
def doc_id(store) -> int:
    assert TEXT[17:30] == "14 March 2026" and TEXT[57:81] == "[citation: Daily Ledger]"
    assert TEXT[102:114] == "2 April 2026" and TEXT[134:158] == "[citation: Harbour Post]"
    return store.add_document(TEXT, title="Talks").id


@pytest.fixture
def window(store, doc_id, make_window):
    w = make_window(store, analyst="alice", document_id=doc_id)
    install_suggestions(w)
    return w


@pytest.fixture
def suggested(qtbot, window, store, doc_id):
    """The window after Ctrl+Shift+G, with the caret back at 0."""
    qtbot.keyClick(
        window.view,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert {(s.start, s.end, s.label) for s in pending(store, doc_id, analyst="alice")} == {
        (*DATE1, "DATE"),
        (*CITE1, "CITATION"),
        (*DATE2, "DATE"),
        (*CITE2, "CITATION"),
    }
    return window


def caret(window, pos: int) -> None:
    window.view.setFocus()
    window.view.place_caret(pos)


def alice(store, doc_id):
    return sorted((s.start, s.end, s.label) for s in store.spans(doc_id, annotator="alice"))


def test_suggest_action_is_added_and_writes_the_suggest_layer(qtbot, window, store, doc_id):
    action = window.findChild(type(window.action_map["undo"]), "action_suggest")
    assert action is not None and action.shortcut().toString() == "Ctrl+Shift+G"
    action.trigger()
    layer = store.spans(doc_id, annotator=SUGGEST)
    assert len(layer) == 4
    assert store.spans(doc_id, annotator="alice") == []  # nothing behind the analyst's back
    # The view shows them (the index holds them) and the first one is selected.
    assert {e.span.annotator for e in window.editor.index.entries()} == {SUGGEST}
    assert window.view.selection() == DATE1
    assert "4 new suggestions: 2 CITATION, 2 DATE" in window.statusBar().currentMessage()


def test_enter_accepts_the_date_with_its_normalized_value(qtbot, suggested, store, doc_id):
    caret(suggested, 20)  # inside "14 March 2026"
    assert "date pattern: day, confidence 0.95" in suggested.statusBar().currentMessage()
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    mine = store.spans(doc_id, annotator="alice")
    assert [(s.start, s.end, s.label, s.text) for s in mine] == [(17, 30, "DATE", "14 March 2026")]
    assert mine[0].attributes == {"normalized": "2026-03-14"}
    assert (17, 30, "DATE") not in {
        (s.start, s.end, s.label) for s in pending(store, doc_id, analyst="alice")
    }
    # The next pending suggestion is selected: Enter again would accept it.
    assert suggested.view.selection() == CITE1
    assert suggested.editor.history.stack.undoText() == "Accept DATE “14 March 2026”"


def test_delete_rejects_and_suggest_again_does_not_propose_it(qtbot, suggested, store, doc_id):
    caret(suggested, 60)  # inside "[citation: Daily Ledger]"
    qtbot.keyClick(suggested.view, Qt.Key.Key_Delete)
    assert alice(store, doc_id) == []
    layer = {(s.start, s.end, s.label) for s in store.spans(doc_id, annotator=SUGGEST)}
    assert (*CITE1, "CITATION") not in layer
    suggested.findChild(type(suggested.action_map["undo"]), "action_suggest").trigger()
    layer = {(s.start, s.end, s.label) for s in store.spans(doc_id, annotator=SUGGEST)}
    assert (*CITE1, "CITATION") not in layer
    assert len(layer) == 3
    assert "No new suggestions" in suggested.statusBar().currentMessage()


def test_shift_enter_accepts_every_suggestion_of_the_label(qtbot, suggested, store, doc_id):
    caret(suggested, 110)  # inside "2 April 2026"
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert alice(store, doc_id) == [(*DATE1, "DATE"), (*DATE2, "DATE")]
    left = [(s.start, s.end) for s in pending(store, doc_id, analyst="alice")]
    assert left == [CITE1, CITE2]
    # One undo step takes both back.
    qtbot.keyClick(suggested.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert alice(store, doc_id) == []


def test_ctrl_z_undoes_an_accept_and_a_reject(qtbot, suggested, store, doc_id):
    caret(suggested, 17)  # at the start of the date
    qtbot.keyClick(suggested.view, Qt.Key.Key_Enter)
    assert alice(store, doc_id) == [(*DATE1, "DATE")]
    caret(suggested, 81)  # just after the citation marker: still in it, as for Delete
    qtbot.keyClick(suggested.view, Qt.Key.Key_Delete)
    assert (*CITE1, "CITATION") not in {
        (s.start, s.end, s.label) for s in store.spans(doc_id, annotator=SUGGEST)
    }
    qtbot.keyClick(suggested.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (*CITE1, "CITATION") in {
        (s.start, s.end, s.label) for s in pending(store, doc_id, analyst="alice")
    }
    qtbot.keyClick(suggested.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert alice(store, doc_id) == []
    assert len(pending(store, doc_id, analyst="alice")) == 4
    # The window followed: every suggestion is pending (and outlined) again.
    assert outlined(suggested) == [DATE1, CITE1, DATE2, CITE2]


def test_store_undo_also_undoes_an_accept(qtbot, suggested, store, doc_id):
    caret(suggested, 25)
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    assert alice(store, doc_id) == [(*DATE1, "DATE")]
    store.undo("alice")
    assert alice(store, doc_id) == []


def test_enter_outside_a_suggestion_is_find_next(qtbot, suggested, store, doc_id):
    suggested.search_box.setText("the")
    find_next = suggested.action_map["find_next"]
    fired = []
    find_next.triggered.connect(lambda *_: fired.append(True))
    caret(suggested, 40)  # in "The talks", outside every suggestion
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    assert fired == [True]
    start, end = suggested.view.selection()
    assert end - start == 3 and TEXT[start:end].lower() == "the"  # a match is selected
    assert alice(store, doc_id) == []
    # Delete outside a suggestion reaches "delete span" (nothing of alice's: a message).
    deleted = []
    suggested.action_map["delete_span"].triggered.connect(lambda *_: deleted.append(True))
    caret(suggested, 5)
    qtbot.keyClick(suggested.view, Qt.Key.Key_Delete)
    assert deleted == [True]
    assert len(store.spans(doc_id, annotator=SUGGEST)) == 4


def test_a_search_match_inside_a_suggestion_keeps_enter_for_find(qtbot, suggested, store, doc_id):
    suggested.search_box.setText("March")
    fired = []
    suggested.action_map["find_next"].triggered.connect(lambda *_: fired.append(True))
    suggested.view.setFocus()
    suggested.view.select_range(20, 25)  # "March", part of the date suggestion
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    assert fired == [True]
    assert alice(store, doc_id) == []


def suggestion_rects(window):
    return install_suggestions(window).outline_rects()


def outlined(window):
    """The (start, end) of the outlined suggestions (a wrapped one has a rect per line)."""
    return sorted({(e.start, e.end) for e, _ in suggestion_rects(window)})


def test_pending_suggestions_have_a_dashed_outline(qtbot, suggested, store, doc_id):
    rects = suggestion_rects(suggested)
    assert outlined(suggested) == [DATE1, CITE1, DATE2, CITE2]
    date_rect = next(r for e, r in rects if (e.start, e.end) == DATE1)
    cursor_x = suggested.view.cursorRect(_cursor_at(suggested.view, 17)).center().x()
    assert abs(date_rect.left() - cursor_x) <= 3
    image = suggested.view.viewport().grab().toImage()
    colour = QColor(suggested.label_colours["DATE"]).darker(120)
    top = int(date_rect.top())
    edge = [image.pixelColor(x, top) for x in range(int(date_rect.left()), int(date_rect.right()))]
    dashes = sum(1 for c in edge if c.name() == colour.name())
    assert 0 < dashes < len(edge)  # painted, with gaps: a dashed line
    caret(suggested, 20)
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    assert outlined(suggested) == [CITE1, DATE2, CITE2]


def _cursor_at(view, pos):
    cursor = view.textCursor()
    cursor.setPosition(pos)
    return cursor


def test_reinstalled_after_file_open(qtbot, suggested, tmp_path, doc_id):
    other = open_store(tmp_path / "other.db")
    other_doc = other.add_document(TEXT, title="Talks again").id
    suggested.set_store(other)
    suggested.open_document(other_doc)
    suggested.activateWindow()
    suggested.view.setFocus()
    action = suggested.findChild(type(suggested.action_map["undo"]), "action_suggest")
    assert action is not None
    action.trigger()
    caret(suggested, 20)
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    assert alice(other, other_doc) == [(*DATE1, "DATE")]


def test_enter_in_a_suggestion_does_not_also_find_next(qtbot, suggested, store, doc_id):
    suggested.search_box.setText("the")
    fired = []
    suggested.action_map["find_next"].triggered.connect(lambda *_: fired.append(True))
    caret(suggested, 20)
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    assert fired == []
    assert alice(store, doc_id) == [(*DATE1, "DATE")]


def test_delete_keeps_deleting_the_analysts_own_inner_span(qtbot, window, store, doc_id):
    # alice tagged "March" (20-25) herself before suggesting: Delete there removes hers.
    store.add_span(doc_id, 20, 25, "DATE", annotator="alice")
    window.editor.reload()
    window.findChild(type(window.action_map["undo"]), "action_suggest").trigger()
    caret(window, 22)
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert alice(store, doc_id) == []
    assert (*DATE1, "DATE") in {
        (s.start, s.end, s.label) for s in pending(store, doc_id, analyst="alice")
    }


def test_a_long_article_is_suggested_off_the_gui_thread(qtbot, store, make_window):
    filler = "word " * 41_000  # 205,000 characters without a date, marker or name
    long_id = store.add_document(filler + TEXT, title="Long").id
    window = make_window(store, analyst="alice", document_id=long_id)
    controller = install_suggestions(window)
    controller.suggest()
    assert window.editor.jobs.busy
    qtbot.waitUntil(lambda: not window.editor.jobs.busy, timeout=20_000)
    found = {(s.start - len(filler), s.end - len(filler), s.label)
             for s in pending(store, long_id, analyst="alice")}  # fmt: skip
    assert found == {(*DATE1, "DATE"), (*CITE1, "CITATION"), (*DATE2, "DATE"), (*CITE2, "CITATION")}
    assert window.view.selection() == (len(filler) + 17, len(filler) + 30)


def test_while_linking_suggesting_waits_and_enter_links(qtbot, window, store, doc_id):
    # alice's claim "The talks failed" [40, 56) and her actor "Officials" [0, 9).
    claim = store.add_span(doc_id, 40, 56, "CLAIM", annotator="alice")
    actor = store.add_span(doc_id, 0, 9, "ACTOR", annotator="alice")
    window.editor.reload()
    caret(window, 45)
    qtbot.keyClick(window.view, Qt.Key.Key_R)
    assert window.relations.linking
    qtbot.keyClick(window.view, Qt.Key.Key_G,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert store.spans(doc_id, annotator=SUGGEST) == []  # held, like every change
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert [(r.from_span, r.type, r.to_span) for r in store.relations(doc_id)] == [
        (claim.id, "ATTRIBUTED_TO", actor.id)]  # fmt: skip


def test_while_linking_enter_on_a_suggestion_links_instead(qtbot, suggested, store, doc_id):
    # alice's actor lies where a CITATION is suggested: while linking, Enter there
    # links her claim to it and accepts nothing.
    claim = store.add_span(doc_id, 40, 56, "CLAIM", annotator="alice")
    actor = store.add_span(doc_id, *CITE1, "ACTOR", annotator="alice")
    suggested.editor.reload()
    caret(suggested, 45)
    qtbot.keyClick(suggested.view, Qt.Key.Key_R)
    assert suggested.relations.candidate.span.id == actor.id
    qtbot.keyClick(suggested.view, Qt.Key.Key_Return)
    assert [(r.from_span, r.to_span) for r in store.relations(doc_id)] == [(claim.id, actor.id)]
    assert alice(store, doc_id) == sorted([(40, 56, "CLAIM"), (*CITE1, "ACTOR")])


def test_accepting_many_suggestions_repaints_once(qtbot, store, make_window):
    # 60 dates accepted with Shift+Enter: one repaint and one table reset, not 60
    # of each (1,541 took 6 s of a frozen window).
    text = "".join(f"They met on {n % 28 + 1} March 2026.\n" for n in range(60))
    doc = store.add_document(text).id
    window = make_window(store, analyst="alice", document_id=doc)
    install_suggestions(window)
    qtbot.keyClick(window.view, Qt.Key.Key_G,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(pending(store, doc, analyst="alice")) == 60
    added, resets, repaints = [], [], []
    window.editor.span_added.connect(added.append)
    window.editor.spans_reset.connect(resets.append)
    repaint = window.editor._repaint  # noqa: SLF001 (counted, then called as usual)
    window.editor._repaint = lambda blocks: (repaints.append(blocks), repaint(blocks))  # noqa: SLF001
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert len(store.spans(doc, annotator="alice")) == 60
    assert (len(added), len(resets), len(repaints)) == (0, 1, 1)


def test_enter_steps_through_find_matches_over_suggestions(qtbot, store, make_window):
    # "Germany" is suggested as an ACTOR; stepping through Find's matches of it with
    # Enter must go on to the next match, not accept the suggestion under each.
    text = "According to Reuters, Germany agreed. Later Germany and France disagreed.\n"
    doc = store.add_document(text).id
    window = make_window(store, analyst="alice", document_id=doc)
    install_suggestions(window)
    qtbot.keyClick(window.view, Qt.Key.Key_G,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert {(s.start, s.end) for s in pending(store, doc, analyst="alice")} >= {(22, 29), (44, 51)}
    window.search.set_query("germany")
    assert window.search.find()
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "Match 2 of 2 for “germany”"
    qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert window.statusBar().currentMessage() == "Match 1 of 2 for “germany”"
    assert store.spans(doc, annotator="alice") == []
