"""The review window with relations: two analysts disagree on a relation, the reviewer
decides it with the span keys, and the gold layer holds exactly the chosen relation.

Text (ASCII, so Qt positions are code points; counted by hand): Mayor 0..5,
Olena Koval 6..17, 3 May 26..31, "the bridge will reopen" 37..59.  Alice and Bob
tag the four alike (four span matches, rows 0..3).  The schema adds DISPUTED_BY
(CLAIM -> ACTOR) to the default one.  Relations: both link the claim to 3 May
DATED (a relation match, row 4); Alice says the claim is ATTRIBUTED_TO Koval,
Bob that Koval DISPUTED_BY it (a type mismatch, row 5); Bob alone links the
claim to the Mayor ATTRIBUTED_TO, a different actor (only B, row 6).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from review_helpers import shown_review

from annotator import Store, open_store
from annotator.resources import schema_file
from ui.review_dialogs import ScriptedReviewDialogs
from ui.review_models import COMMENT, DECISION, GOLD
from ui.review_view import ReviewWindow

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
CLAIM = "the bridge will reopen"
SPANS = [("ACTOR", 0, 5), ("ACTOR", 6, 17), ("DATE", 26, 31), ("CLAIM", 37, 59)]
ROWS = [  # the first five columns, by hand
    ("match", "ACTOR", "Mayor", "ACTOR", "Mayor"),
    ("match", "ACTOR", "Olena Koval", "ACTOR", "Olena Koval"),
    ("match", "DATE", "3 May", "DATE", "3 May"),
    ("match", "CLAIM", CLAIM, "CLAIM", CLAIM),
    ("relation match", "DATED", f"“{CLAIM}” → “3 May”", "DATED", f"“{CLAIM}” → “3 May”"),
    ("relation type mismatch", "ATTRIBUTED_TO", f"“{CLAIM}” → “Olena Koval”", "DISPUTED_BY",
     f"“{CLAIM}” → “Olena Koval”"),
    ("relation only B", "", "", "ATTRIBUTED_TO", f"“{CLAIM}” → “Mayor”"),
]  # fmt: skip
MATCH_ROW, MISMATCH_ROW, ONLY_B_ROW = 4, 5, 6


@pytest.fixture
def store(db_path: Path) -> Any:
    body = json.loads(schema_file("default.json").read_text(encoding="utf-8"))
    body["relations"].append({"type": "DISPUTED_BY", "from": "CLAIM", "to": "ACTOR",
                              "description": "The actor disputes the claim."})  # fmt: skip
    with open_store(db_path, schema=body) as opened:
        yield opened


@pytest.fixture
def doc_id(store: Store) -> int:
    doc = store.add_document(TEXT, title="Bridge")
    ids = {}
    for who in ("alice", "bob"):
        for label, s, e in SPANS:
            ids[who, label, s] = store.add_span(doc.id, s, e, label, annotator=who).id
    for who, to, kind in [("alice", ("DATE", 26), "DATED"), ("bob", ("DATE", 26), "DATED"),
                          ("alice", ("ACTOR", 6), "ATTRIBUTED_TO"),
                          ("bob", ("ACTOR", 6), "DISPUTED_BY"),
                          ("bob", ("ACTOR", 0), "ATTRIBUTED_TO")]:  # fmt: skip
        store.add_relation(doc.id, ids[who, "CLAIM", 37], ids[(who, *to)], kind, annotator=who)
    return doc.id


@pytest.fixture
def review_dialogs(tmp_path: Path) -> ScriptedReviewDialogs:
    return ScriptedReviewDialogs(texts=["ask the desk"], files=[tmp_path / "numbers.csv"])


@pytest.fixture
def window(qtbot: Any, store: Store, doc_id: int, review_dialogs: Any) -> ReviewWindow:
    return shown_review(qtbot, store, doc_id, review_dialogs, "lead")


def table(w: ReviewWindow) -> list[tuple[str, ...]]:
    m = w.model
    return [tuple(m.data(m.index(r, c)) for c in range(5)) for r in range(m.rowCount())]


def column(w: ReviewWindow, col: int) -> list[str]:
    return [w.model.data(w.model.index(r, col)) for r in range(w.model.rowCount())]


def choose_row(qtbot: Any, w: ReviewWindow, row: int) -> None:
    w.table.setCurrentIndex(w.model.index(row, 0))
    qtbot.waitUntil(lambda: w.table.currentIndex().row() == row)


def press(qtbot: Any, w: ReviewWindow, key: Any, modifiers: Any = None) -> None:
    qtbot.keyClick(w.table, key, modifiers or Qt.KeyboardModifier.NoModifier)


def gold_relations(store: Store, doc_id: int) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(type, from text, to text, attributes) of the gold layer's relations, sorted."""
    spans = {s.id: s for s in store.spans(doc_id, annotator="gold")}
    return sorted((r.type, spans[r.from_span].text, spans[r.to_span].text, r.attributes)
                  for r in store.relations(doc_id) if r.annotator == "gold")  # fmt: skip


# -- the rows ------------------------------------------------------------------------------------


def test_relation_rows_follow_the_span_pairs(window, qtmodeltester):
    assert table(window) == ROWS
    qtmodeltester.check(window.model)
    box = window.filter_box
    for name, rows, label in [
        ("disagreements", [MISMATCH_ROW, ONLY_B_ROW], "Disagreements (2)"),
        ("relations", [MATCH_ROW, MISMATCH_ROW, ONLY_B_ROW], "Relations (3)"),
        ("relation_match", [MATCH_ROW], "relation match (1)"),
        ("relation_type_mismatch", [MISMATCH_ROW], "relation type mismatch (1)"),
        ("relation_only_a", [], "relation only A (0)"),
        ("relation_only_b", [ONLY_B_ROW], "relation only B (1)"),
        ("match", [0, 1, 2, 3], "match (4)"),
    ]:
        box.setCurrentIndex(box.findData(name))
        assert table(window) == [ROWS[r] for r in rows], name
        assert box.currentText() == label
        qtmodeltester.check(window.model)
    assert window.statistics.text().splitlines()[1] == (
        "Relations: 1 match · 1 type mismatch · 0 only A · 1 only B"
    )
    # The chart draws them too, in a section of their own.
    assert window.chart.relation_counts == {
        "match": 1, "type_mismatch": 1, "only_a": 0, "only_b": 1}  # fmt: skip
    tall = window.chart.sizeHint().height()
    window.chart.set_relations({})  # (as for a document without relations)
    assert window.chart.sizeHint().height() < tall
    window.chart.set_relations({"match": 1, "type_mismatch": 1, "only_a": 0, "only_b": 1})
    assert window.gold_state.text() == "Gold “gold”: 0 spans, 0 relations · 0 of 7 decided"
    box.setCurrentIndex(box.findData("all"))
    # Before its ends are in gold, a relation row says what it needs.
    assert column(window, GOLD)[MISMATCH_ROW:] == ["accept both ends first"] * 2


def test_selecting_a_relation_row_shows_its_ends_in_both_panes(window, qtbot):
    choose_row(qtbot, window, MISMATCH_ROW)  # claim 37..59 -> Koval 6..17, on both sides
    for pane in (window.left, window.right):
        assert pane.selection() == (37, 59)
        assert pane.marked_ends() == [(37, 59), (6, 17)]
    choose_row(qtbot, window, ONLY_B_ROW)  # Bob's claim -> Mayor; Alice has no such link
    assert window.right.selection() == (37, 59)
    assert window.right.marked_ends() == [(37, 59), (0, 5)]
    assert window.left.selection() == (37, 37) and window.left.marked_ends() == []
    choose_row(qtbot, window, 1)  # a span row: the frames go
    assert window.left.marked_ends() == window.right.marked_ends() == []
    assert window.left.selection() == (6, 17)


# -- deciding ------------------------------------------------------------------------------------


def test_the_reviewer_takes_bs_relation_into_gold(window, qtbot, store, doc_id, review_dialogs,
                                                  tmp_path):  # fmt: skip
    choose_row(qtbot, window, MISMATCH_ROW)
    press(qtbot, window, Qt.Key.Key_B)  # the ends are not in gold yet: refused, one line
    assert review_dialogs.errors == [
        f"the relation's ends CLAIM “{CLAIM}” and ACTOR “Olena Koval” are not in gold yet:"
        " accept both ends first"
    ]
    assert store.relation_decisions(doc_id) == [] and gold_relations(store, doc_id) == []

    window.accept_matches_button.click()  # four spans, and the DATED relation both drew
    assert gold_relations(store, doc_id) == [
        ("DATED", CLAIM, "3 May", {"source": "alice+bob"}),
    ]
    assert column(window, DECISION)[MATCH_ROW:] == ["accepted", "", ""]
    assert column(window, GOLD)[MISMATCH_ROW:] == ["", ""]  # the ends are in gold now
    assert window.statusBar().currentMessage() == "Accepted 4 matches and 1 relation into gold"

    choose_row(qtbot, window, MISMATCH_ROW)
    with qtbot.waitSignal(window.gold_changed) as changed:
        press(qtbot, window, Qt.Key.Key_B)  # Bob's: Koval disputes the claim
    assert changed.args == [doc_id]
    assert gold_relations(store, doc_id) == [
        ("DATED", CLAIM, "3 May", {"source": "alice+bob"}),
        ("DISPUTED_BY", CLAIM, "Olena Koval", {"source": "bob"}),
    ]
    assert column(window, DECISION)[MISMATCH_ROW] == "accepted B"
    assert column(window, GOLD)[MISMATCH_ROW] == f"DISPUTED_BY “{CLAIM}” → “Olena Koval”"
    assert window.table.currentIndex().row() == ONLY_B_ROW  # on to the next without a verdict
    press(qtbot, window, Qt.Key.Key_X)  # the Mayor link of Bob alone: rejected
    assert column(window, DECISION)[ONLY_B_ROW] == "rejected"
    assert column(window, GOLD)[ONLY_B_ROW] == "—"
    assert window.gold_state.text() == "Gold “gold”: 4 spans, 2 relations · 7 of 7 decided"
    assert [d.decision for d in store.relation_decisions(doc_id)] == [
        "accept_both", "accept_b", "reject"]  # fmt: skip

    # The native export of the gold layer carries the relation, between gold spans.
    out = tmp_path / "gold.jsonl"
    store.export_jsonl(out, annotator="gold")
    record = json.loads(out.read_text(encoding="utf-8"))
    texts = {s["id"]: s["text"] for s in record["spans"]}
    assert sorted((r["type"], texts[r["from"]], texts[r["to"]], r["annotator"], r["attributes"])
                  for r in record["relations"]) == [
        ("DATED", CLAIM, "3 May", "gold", {"source": "alice+bob"}),
        ("DISPUTED_BY", CLAIM, "Olena Koval", "gold", {"source": "bob"}),
    ]  # fmt: skip

    # Each decision is one undo step: the reject, then B's relation.
    undo = Qt.KeyboardModifier.ControlModifier
    press(qtbot, window, Qt.Key.Key_Z, undo)
    assert column(window, DECISION)[ONLY_B_ROW] == ""
    press(qtbot, window, Qt.Key.Key_Z, undo)
    assert gold_relations(store, doc_id) == [("DATED", CLAIM, "3 May", {"source": "alice+bob"})]
    assert column(window, DECISION)[MISMATCH_ROW] == ""
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
          | Qt.KeyboardModifier.ShiftModifier)  # redo  # fmt: skip
    assert column(window, DECISION)[MISMATCH_ROW] == "accepted B"
    assert gold_relations(store, doc_id)[1] == (
        "DISPUTED_BY", CLAIM, "Olena Koval", {"source": "bob"})  # fmt: skip


def test_a_to_accept_as_type_and_keys_that_do_not_fit_a_relation(window, qtbot, store, doc_id):
    window.accept_matches_button.click()
    choose_row(qtbot, window, MISMATCH_ROW)
    press(qtbot, window, Qt.Key.Key_A)
    assert gold_relations(store, doc_id) == [
        ("ATTRIBUTED_TO", CLAIM, "Olena Koval", {"source": "alice"}),
        ("DATED", CLAIM, "3 May", {"source": "alice+bob"}),
    ]
    choose_row(qtbot, window, MISMATCH_ROW)
    press(qtbot, window, Qt.Key.Key_E)  # no boundaries to edit: said in the status bar
    assert window.statusBar().currentMessage().startswith("A relation has no boundaries to edit")
    press(qtbot, window, Qt.Key.Key_C)  # a comment on the decided relation
    assert column(window, COMMENT)[MISMATCH_ROW] == "ask the desk"
    assert store.relation_decisions(doc_id)[-1].comment == "ask the desk"
    press(qtbot, window, Qt.Key.Key_Backspace)  # cleared: the relation leaves gold
    assert column(window, DECISION)[MISMATCH_ROW] == ""
    assert [r[0] for r in gold_relations(store, doc_id)] == ["DATED"]


def test_next_disagreement_reaches_relation_rows_and_reload_keeps_one(window, qtbot):
    choose_row(qtbot, window, 3)
    press(qtbot, window, Qt.Key.Key_N)  # row 4 is a relation match: skipped
    assert window.table.currentIndex().row() == MISMATCH_ROW
    press(qtbot, window, Qt.Key.Key_F5)
    assert table(window) == ROWS
    assert window.table.currentIndex().row() == MISMATCH_ROW


def test_accept_all_with_relations_off_the_gui_thread(window, qtbot, store, doc_id):
    window.controller.background_requests = 0  # every "accept all" runs in a job
    with qtbot.waitSignal(window.controller.busy, timeout=10_000):
        window.accept_matches_button.click()
    done = "Gold “gold”: 4 spans, 1 relation · 5 of 7 decided"
    qtbot.waitUntil(lambda: window.gold_state.text() == done)
    assert gold_relations(store, doc_id) == [("DATED", CLAIM, "3 May", {"source": "alice+bob"})]
    assert column(window, DECISION)[MATCH_ROW] == "accepted"
    c = window.controller
    qtbot.waitUntil(lambda: not c.jobs.busy and not c.writers.busy)


def test_csv_export_counts_the_relations(window, qtbot, tmp_path):
    qtbot.waitUntil(lambda: window.controller.result is not None)
    window.export_button.click()
    with open(tmp_path / "numbers.csv", newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    assert [r[3:] for r in lines if r[3] == "relation_category"] == [
        ["relation_category", "match", "relations", "1"],
        ["relation_category", "type_mismatch", "relations", "1"],
        ["relation_category", "only_a", "relations", "0"],
        ["relation_category", "only_b", "relations", "1"],
    ]
