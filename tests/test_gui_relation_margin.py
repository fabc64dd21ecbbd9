"""Every relation in view, drawn in the article's margin (issue 9): lanes, the caret's, cost.

Each paragraph here is one short line (the window is wide, nothing wraps), so
a span's line is its block and the scroll bar counts lines: at scroll value
``v`` line ``k`` is drawn at ``y(0) + (k - v) * line_height``.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor

from ui.relation_lanes import assign_lanes
from ui.relation_margin import BRACKET, MAX_LANES

COLOURS = {"ACTOR": "#56B4E9", "DATE": "#009E73", "CITATION": "#CC79A7"}


def test_lanes_worked_out_by_hand():
    # R1 0-24, R2 24-48, R3 0-72, R4 48-72, R5 a bar at 72 (67-77).  Shortest first:
    # R5 -> 0; R1 -> 0 (ends 43 px above R5); R2 touches R1 at 24 -> 1; R4 touches
    # R5 and R2 -> 2; R3 overlaps every lane -> 3, or none with three lanes.
    extents = [(0, 24), (24, 48), (0, 72), (48, 72), (67, 77)]
    assert assign_lanes(extents, 7) == [0, 1, 3, 2, 0]
    assert assign_lanes(extents, 3) == [0, 1, None, 2, 0]
    assert assign_lanes([(0, 10), (13, 20)], 7) == [0, 0]  # 3 px apart: one lane
    assert assign_lanes([(0, 10), (12, 22)], 7) == [0, 1]  # 2 px: too close to share
    assert assign_lanes([], 7) == []


SMALL = ("Olena Koval spoke.\n"              # line 0: ACTOR 0-11
         "The bridge reopened on Tuesday.\n"  # line 1: CLAIM 19-38, DATE 42-49
         "Police said on Monday it was closed.\n"  # line 2: CLAIM 73-86
         "[citation: Daily Ledger]")  # line 3: CITATION 88-112  # fmt: skip


@pytest.fixture
def small(store, make_window):
    doc = store.add_document(SMALL, title="Lines").id
    ids = {}
    for start, end, label in [(0, 11, "ACTOR"), (19, 38, "CLAIM"), (42, 49, "DATE"),
                              (73, 86, "CLAIM"), (88, 112, "CITATION")]:  # fmt: skip
        ids[SMALL[start:end]] = store.add_span(doc, start, end, label, annotator="alice").id
    rels = {}
    for name, claim, other, kind in [
        ("a", "The bridge reopened", "Olena Koval", "ATTRIBUTED_TO"),  # lines 1 -> 0
        ("b", "The bridge reopened", "Tuesday", "DATED"),  # within line 1
        ("c", "it was closed", "[citation: Daily Ledger]", "SOURCED_FROM"),  # lines 2 -> 3
        ("d", "it was closed", "Olena Koval", "ATTRIBUTED_TO"),  # lines 2 -> 0
    ]:
        rels[name] = store.add_relation(doc, ids[claim], ids[other], kind, annotator="alice").id
    window = make_window(store, analyst="alice", document_id=doc)
    window.resize(1300, 700)
    window.splitter.setSizes([200, 900, 200])
    return window, ids, rels


def line_y(view, pos):
    cursor = QTextCursor(view.document())
    cursor.setPosition(pos)
    return view.cursorRect(cursor).center().y()


def drawn(margin):
    return {s.relation_id: s for s in margin.segments()}


def test_four_relations_get_the_lanes_worked_out_by_hand(small, analyst_at):
    # Shortest first: b (a bar on line 1) -> lane 0; a (lines 0-1) meets b's bar -> 1;
    # c (lines 2-3) is clear of b -> 0; d (lines 0-2) crosses b and a -> 2.
    window, ids, rels = small
    analyst_at(window).caret(60)  # line 2, before the claim: in no span
    view, margin = window.view, window.relation_margin
    y = [line_y(view, pos) for pos in (0, 19, 73, 88)]
    segments = drawn(margin)
    assert {name: segments[rid].lane for name, rid in rels.items()} == {
        "a": 1,
        "b": 0,
        "c": 0,
        "d": 2,
    }
    assert {name: (segments[rid].y_from, segments[rid].y_to) for name, rid in rels.items()} == {
        "a": (y[1], y[0]),
        "b": (y[1], y[1]),
        "c": (y[2], y[3]),
        "d": (y[2], y[0]),
    }
    assert [segments[rels[n]].x for n in "bad"] == [margin.lane_x(n) for n in (0, 1, 2)]
    assert margin.lane_x(0) - margin.lane_x(1) == 5 and margin.lane_x(0) < margin.text_x()
    assert {n: segments[rels[n]].colour for n in "abcd"} == {
        "a": COLOURS["ACTOR"],
        "b": COLOURS["DATE"],
        "c": COLOURS["CITATION"],
        "d": COLOURS["ACTOR"],
    }
    assert not any(s.focus for s in margin.segments())


def test_the_caret_spans_relations_are_bold_in_the_same_lanes(small, analyst_at):
    window, ids, rels = small
    margin = window.relation_margin
    alice = analyst_at(window)
    alice.caret(60)
    before = {s.relation_id: s.lane for s in margin.segments()}
    alice.caret(80)  # in "it was closed": c and d are its relations
    assert {s.relation_id for s in margin.segments() if s.focus} == {rels["c"], rels["d"]}
    assert {s.relation_id: s.lane for s in margin.segments()} == before  # nothing jumps
    alice.caret(5)  # in Olena Koval: the partner of two claims
    assert {s.relation_id for s in margin.segments() if s.focus} == {rels["a"], rels["d"]}
    alice.press(Qt.Key.Key_R)  # Olena Koval starts no link: nothing changes
    alice.caret(25)
    alice.press(Qt.Key.Key_R)  # linking from "The bridge reopened": candidates underlined
    assert not any(s.focus for s in margin.segments())
    assert len(margin.segments()) == 4  # the others stay drawn


def test_show_all_relations_off_draws_only_the_carets_and_is_remembered(
    small, analyst_at, make_window, store
):
    window, ids, rels = small
    margin, action = window.relation_margin, window.action_map["all_relations"]
    assert action.isChecked() and margin.show_all
    analyst_at(window).caret(80)
    action.trigger()  # View ▸ Show all relations, off
    assert not action.isChecked()
    assert {s.relation_id for s in margin.segments()} == {rels["c"], rels["d"]}
    assert [s.lane for s in sorted(margin.segments(), key=lambda s: s.lane)] == [0, 1]
    analyst_at(window).caret(60)
    assert margin.segments() == []
    window.close()
    again = make_window(store, analyst="alice")
    assert not again.relation_margin.show_all
    assert not again.action_map["all_relations"].isChecked()


def test_the_margin_joins_the_span_at_the_caret_to_its_partners(small, analyst_at):
    """Only the caret's: a line from its line to each partner's, ticks towards the text."""
    window, ids, rels = small
    window.relation_margin.set_show_all(False)
    assert not window.action_map["all_relations"].isChecked()  # the menu follows
    analyst_at(window).caret(80)
    view = window.view
    segments = sorted(window.relation_margin.segments(), key=lambda s: s.lane)
    assert [(s.y_from, s.y_to) for s in segments] == [
        (line_y(view, 73), line_y(view, 88)),
        (line_y(view, 73), line_y(view, 0)),
    ]
    assert [s.colour for s in segments] == [COLOURS["CITATION"], COLOURS["ACTOR"]]
    assert segments[0].x > segments[1].x  # side by side, never on top of each other
    assert all(s.x < s.text_x and s.focus for s in segments)


# -- fifty claims ------------------------------------------------------------------

PAIRS = 25  # lines 0-24: two claims each; lines 25-59: notes, with far actors on 40 and 55
FAR = {40: (3, 20), 55: (10,)}  # far actor's line: lines whose second claim is linked to it


def fifty_claims_text():
    lines = [f"Actor {i} said claim {2 * i} on day {i}, then claim {2 * i + 1}."
             for i in range(PAIRS)]  # fmt: skip
    lines += ["Far actor spoke." if k in FAR else f"Note {k}." for k in range(PAIRS, 60)]
    return "\n".join(lines)


@pytest.fixture
def fifty(store, make_window):
    """50 claims: each claim 2i -> its line's actor and day; 2i+1 -> line i-1's actor,
    line i+2's day, and for a few a far actor (lines 40, 55)."""
    text = fifty_claims_text()
    doc = store.add_document(text, title="Fifty").id
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def span(line, quote, label):
        at = text.index(quote, starts[line])
        return store.add_span(doc, at, at + len(quote), label, annotator="alice").id

    actor = {i: span(i, f"Actor {i}", "ACTOR") for i in range(PAIRS)}
    actor.update({k: span(k, "Far actor", "ACTOR") for k in FAR})
    day = {i: span(i, f"day {i}", "DATE") for i in range(PAIRS)}
    links = []  # (claim line, other line, claim id, other id, type)
    for i in range(PAIRS):
        first, second = span(i, f"claim {2 * i}", "CLAIM"), span(i, f"claim {2 * i + 1}", "CLAIM")
        links += [(i, i, first, actor[i], "ATTRIBUTED_TO"), (i, i, first, day[i], "DATED"),
                  (i, max(i - 1, 0), second, actor[max(i - 1, 0)], "ATTRIBUTED_TO")]  # fmt: skip
        if i + 2 < PAIRS:
            links.append((i, i + 2, second, day[i + 2], "DATED"))
        links += [(i, k, second, actor[k], "ATTRIBUTED_TO") for k, on in FAR.items() if i in on]
    lines = {}
    for claim_line, other_line, claim, other, kind in links:
        rel = store.add_relation(doc, claim, other, kind, annotator="alice")
        lines[rel.id] = (claim_line, other_line)
    window = make_window(store, analyst="alice", document_id=doc)
    window.resize(1300, 900)
    window.splitter.setSizes([200, 900, 200])
    return window, lines


def check_drawing(margin, lines, top_line, step):
    """Every relation with a line in view or across it is drawn where worked out; lanes sound.

    ``top_line`` is the first line in view, ``step`` the line height: line k is drawn
    ``(k - top_line) * step`` below the top line's middle; -1 when above, height + 1 below.
    """
    height = margin.height()
    y_top = line_y(margin.linker.view, line_start(top_line))

    def y(line):
        return min(max(y_top + (line - top_line) * step, -1), height + 1)

    expected = {rid: (y(a), y(b)) for rid, (a, b) in lines.items()
                if not max(y(a), y(b)) < 0 and not min(y(a), y(b)) > height}  # fmt: skip
    segments = drawn(margin)
    assert {rid: (s.y_from, s.y_to) for rid, s in segments.items()} == expected
    extents = {rid: (s.y_from - BRACKET, s.y_from + BRACKET) if s.y_from == s.y_to
               else tuple(sorted((s.y_from, s.y_to))) for rid, s in segments.items()}  # fmt: skip
    placed = [(rid, s.lane) for rid, s in segments.items() if s.lane is not None]
    for n, (one, lane) in enumerate(placed):
        for other, other_lane in placed[n + 1 :]:
            if lane == other_lane:
                (t1, b1), (t2, b2) = extents[one], extents[other]
                assert b1 + 2 < t2 or b2 + 2 < t1, f"{one} and {other} share lane {lane}"
    assert all(0 <= lane < MAX_LANES for _, lane in placed)
    assert margin.lane_x(MAX_LANES) > 0  # the outer lane, for stubs, still in the margin
    assert all(0 < s.x < s.text_x < margin.width() + 3 for s in segments.values())
    return segments


def line_start(line):
    return sum(len(text) + 1 for text in fifty_claims_text().split("\n")[:line])


def test_fifty_claims_in_view_every_relation_drawn_in_sound_lanes(fifty):
    window, lines = fifty
    view, margin = window.view, window.relation_margin
    view.verticalScrollBar().setValue(0)
    y0 = line_y(view, 0)
    step = line_y(view, line_start(1)) - y0
    assert step > 0 and line_y(view, line_start(20)) == y0 + 20 * step  # lines alike
    height = margin.height()
    assert y0 + (PAIRS - 1) * step < height < y0 + 59 * step  # all 50 claims in view, not all
    segments = check_drawing(margin, lines, 0, step)
    assert len(segments) == len(lines) == 25 * 3 + 23 + 3  # all drawn: the far ones run off
    assert sum(s.y_to == height + 1 for s in segments.values()) >= 1
    assert {s.lane for s in segments.values()} >= set(range(4))  # overlapping ones spread out
    view.verticalScrollBar().setValue(20)  # lines 20-...: most claims above the view
    assert view.firstVisibleBlock().blockNumber() == 20
    segments = check_drawing(margin, lines, 20, step)
    assert len(segments) < len(lines)
    assert sum(s.y_from == -1 for s in segments.values()) >= 1  # from above, across the view


def test_scrolling_and_painting_read_nothing_from_the_store(fifty, monkeypatch, analyst_at):
    window, lines = fifty
    margin, store = window.relation_margin, window.store
    margin.segments()

    def no_reads(*args, **kwargs):
        raise AssertionError("the margin read the store")

    monkeypatch.setattr(store, "relations", no_reads)
    monkeypatch.setattr(store, "spans", no_reads)
    for value in (5, 12, 30, 0):
        window.view.verticalScrollBar().setValue(value)
        margin.repaint()
        assert margin.segments()
    analyst_at(window).caret(15)  # in "claim 0"
    margin.repaint()
    assert any(s.focus for s in margin.segments())


def test_a_new_link_is_drawn_at_once(small, analyst_at, store):
    window, ids, rels = small
    alice = analyst_at(window)
    alice.caret(25)  # in "The bridge reopened"
    alice.press(Qt.Key.Key_R)
    while window.relations.candidate.span.text != "[citation: Daily Ledger]":
        alice.press(Qt.Key.Key_Tab)
    alice.press(Qt.Key.Key_Return)
    (new,) = [r for r in store.relations(window.editor.document.id) if r.id not in rels.values()]
    segment = drawn(window.relation_margin)[new.id]
    assert segment.focus and (segment.y_from, segment.y_to) == (
        line_y(window.view, 19),
        line_y(window.view, 88),
    )
    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert new.id not in drawn(window.relation_margin)


def test_the_setting_reads_back_from_the_ini_file(tmp_path):
    from ui.settings import Prefs

    prefs = Prefs(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert prefs.all_relations is True  # on until turned off
    prefs.all_relations = False
    prefs.sync()
    again = Prefs(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert again.all_relations is False
