"""Tagging from the keyboard, checked in the store in code points.

The article starts with two astral characters (🇺🇦 is two code points and four
UTF-16 units, 𝔘 one code point and two units), so every Qt position after them
differs from Python's.  Expected offsets below are counted by hand:

    code points   🇺🇦=0-1 ' '=2 Kyiv=3-6 ' '=7 𝔘=8 ' '=9 Zelensky=10-17 ' '=18
                  said=19-22 on=24-25 Monday=27-32 ... Kyiv=52-55 ... \\n=70 \\n=71
                  李=72 明=73 说=74 了=75 话=76 。=77 ' '=78 Kyiv's=79-84
    UTF-16        the same +2 from ' '(2) on, +3 from ' '(9) on: Zelensky=13-20,
                  Monday=30-35, 李=75 明=76 说=77
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

TEXT = (
    "🇺🇦 Kyiv 𝔘 Zelensky said on Monday that the talks in Kyiv would resume.\n"
    "\n"
    "李明说了话。 Kyiv's mayor spoke.\n"
)
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def doc_id(store):
    return store.add_document(TEXT, title="Kyiv talks").id


@pytest.fixture
def alice(store, doc_id, make_window, analyst_at):
    return analyst_at(make_window(store, analyst="alice", document_id=doc_id))


def stored(store, doc_id, annotator="alice"):
    return [(s.start, s.end, s.label, s.text) for s in store.spans(doc_id, annotator=annotator)]


def test_text_is_as_long_in_qt_as_in_utf16(alice):
    assert len(TEXT) == 99
    assert alice.view.document().characterCount() - 1 == 99 + 3


def test_label_key_after_emoji_stores_code_points(alice, store, doc_id):
    alice.select(13, 21)  # "Zelensky" in UTF-16
    alice.press(Qt.Key.Key_2)
    assert stored(store, doc_id) == [(10, 18, "ACTOR", "Zelensky")]
    assert TEXT[10:18] == "Zelensky"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((14, 19), None, (10, 18, "Zelensky")),  # "elens": grows to the word
        ((16, 24), None, (10, 23, "Zelensky said")),  # "ensky sa": both ends grow
        ((4, 10), None, (3, 7, "Kyiv")),  # " Kyiv ": the spaces are trimmed
    ],
)
def test_partial_selection_snaps_to_words(alice, store, doc_id, start, end, expected):
    alice.select(*start)
    alice.press(Qt.Key.Key_1)
    assert stored(store, doc_id) == [(expected[0], expected[1], "CLAIM", expected[2])]


def test_alt_keeps_the_exact_selection(alice, store, doc_id):
    alice.select(14, 19)
    alice.press(Qt.Key.Key_2, ALT)
    assert stored(store, doc_id) == [(11, 16, "ACTOR", "elens")]


def test_alt_leaves_the_spaces_at_the_ends_of_the_selection_out(alice, store, doc_id):
    alice.select(12, 22)  # " Zelensky " (UTF-16), as a mouse selects it
    alice.press(Qt.Key.Key_2, ALT)
    assert stored(store, doc_id) == [(10, 18, "ACTOR", "Zelensky")]


def test_a_label_key_with_shift_still_held_tags(alice, store, doc_id):
    """Shift+arrows, then 2 before Shift is let go."""
    alice.select(13, 21)  # "Zelensky", code points 10-18
    alice.press(Qt.Key.Key_2, Qt.KeyboardModifier.ShiftModifier)
    assert stored(store, doc_id) == [(10, 18, "ACTOR", "Zelensky")]


def test_shift_and_a_digit_still_type_in_the_search_box(alice, store, doc_id, qtbot):
    box = alice.window.search_box
    alice.select(13, 21)
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_At, Qt.KeyboardModifier.ShiftModifier)  # "@" on US keys
    qtbot.keyClick(box, Qt.Key.Key_2, Qt.KeyboardModifier.ShiftModifier)  # "2" on AZERTY
    assert box.text() == "@2" and stored(store, doc_id) == []


def test_alt_on_spaces_alone_tags_nothing(alice, store, doc_id):
    alice.select(12, 13)  # the space after 𝔘 (UTF-16 10-11)
    alice.press(Qt.Key.Key_2, ALT)
    assert stored(store, doc_id) == []
    assert alice.window.statusBar().currentMessage() == (
        "Nothing to tag: the selection is only spaces"
    )


def test_cjk_selection_is_not_extended(alice, store, doc_id):
    alice.select(76, 78)  # 明说 inside 李明说了话
    alice.press(Qt.Key.Key_2)
    assert stored(store, doc_id) == [(73, 75, "ACTOR", "明说")]


def test_label_key_inside_a_span_creates_a_nested_span(alice, store, doc_id):
    alice.select(13, 36)  # "Zelensky said on Monday"
    alice.press(Qt.Key.Key_1)
    alice.select(30, 36)  # "Monday", inside the CLAIM
    alice.press(Qt.Key.Key_3)
    assert stored(store, doc_id) == [
        (10, 33, "CLAIM", "Zelensky said on Monday"),
        (27, 33, "DATE", "Monday"),
    ]


def test_label_key_with_caret_in_own_span_relabels_it(alice, store, doc_id):
    alice.select(13, 21)
    alice.press(Qt.Key.Key_2)
    alice.press(Qt.Key.Key_1)  # caret left at the span's end: relabel, no second span
    assert stored(store, doc_id) == [(10, 18, "CLAIM", "Zelensky")]
    alice.caret(15)  # clicked inside it later
    alice.press(Qt.Key.Key_4)
    assert stored(store, doc_id) == [(10, 18, "CITATION", "Zelensky")]


def test_a_relabel_says_which_attribute_values_it_dropped(store, doc_id, make_window,
                                                          analyst_at):  # fmt: skip
    span = store.add_span(doc_id, 10, 18, "ACTOR", annotator="alice",
                          attributes={"kind": "organisation"})  # fmt: skip
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.caret(15)  # inside "Zelensky"
    alice.press(Qt.Key.Key_4)
    assert (store.span(span.id).label, store.span(span.id).attributes) == ("CITATION", {})
    assert alice.window.statusBar().currentMessage() == (
        "Relabelled CITATION: kind dropped, as CITATION does not allow the value"
        " (Ctrl+Z brings it back)"
    )


def test_relabel_hits_the_innermost_span(alice, store, doc_id):
    alice.select(13, 36)
    alice.press(Qt.Key.Key_1)
    alice.select(30, 36)
    alice.press(Qt.Key.Key_3)
    alice.caret(32)  # inside "Monday" inside the CLAIM
    alice.press(Qt.Key.Key_2)
    assert [label for *_, label, _ in stored(store, doc_id)] == ["CLAIM", "ACTOR"]


def test_delete_removes_innermost_then_the_next(alice, store, doc_id):
    alice.select(13, 36)
    alice.press(Qt.Key.Key_1)
    alice.select(30, 36)
    alice.press(Qt.Key.Key_3)
    alice.caret(32)
    alice.press(Qt.Key.Key_Delete)
    assert stored(store, doc_id) == [(10, 33, "CLAIM", "Zelensky said on Monday")]
    alice.press(Qt.Key.Key_Delete)
    assert stored(store, doc_id) == []


def test_other_analysts_spans_are_read_only(store, doc_id, make_window, analyst_at):
    store.add_span(doc_id, 10, 18, "ACTOR", annotator="bob")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.caret(15)
    alice.press(Qt.Key.Key_Delete)
    alice.press(Qt.Key.Key_1)
    assert stored(store, doc_id, "bob") == [(10, 18, "ACTOR", "Zelensky")]
    assert stored(store, doc_id) == []
    assert "bob's" in alice.window.statusBar().currentMessage()


def test_tab_and_shift_tab_select_spans_in_order(store, doc_id, make_window, analyst_at):
    for start, end, label in [(27, 33, "DATE"), (3, 7, "ACTOR"), (10, 18, "ACTOR")]:
        store.add_span(doc_id, start, end, label, annotator="alice")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.caret(0)
    alice.press(Qt.Key.Key_Tab)
    assert alice.selection() == (5, 9)  # Kyiv
    alice.press(Qt.Key.Key_Tab)
    assert alice.selection() == (13, 21)  # Zelensky
    alice.press(Qt.Key.Key_Tab)
    assert alice.selection() == (30, 36)  # Monday
    alice.press(Qt.Key.Key_Tab)
    assert alice.selection() == (5, 9)  # wraps around
    alice.press(Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert alice.selection() == (30, 36)
    table = alice.window.span_table
    assert table.model().span_at(table.currentIndex().row()).text == "Monday"


def test_tab_then_label_key_relabels_the_chosen_span(store, doc_id, make_window, analyst_at):
    store.add_span(doc_id, 27, 33, "ACTOR", annotator="alice")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.caret(0)
    alice.press(Qt.Key.Key_Tab)
    alice.press(Qt.Key.Key_3)
    assert stored(store, doc_id) == [(27, 33, "DATE", "Monday")]


def test_palette_click_tags_and_counts(alice, store, doc_id):
    alice.select(14, 19)
    alice.window.palette_bar.button("ACTOR").click()
    assert stored(store, doc_id) == [(10, 18, "ACTOR", "Zelensky")]
    assert alice.window.palette_bar.count_text("ACTOR") == "2  ACTOR  1"
    assert alice.window.palette_bar.count_text("CLAIM") == "1  CLAIM  0"


def test_status_bar_shows_saved_state_and_code_point_caret(alice):
    alice.select(13, 21)
    alice.press(Qt.Key.Key_2)
    saved = alice.window.saved_label.text()
    assert saved.startswith("Saved ") and saved.endswith(" · 1 span")
    assert alice.window.position_label.text().startswith("Offset 18 of 99")


def test_table_row_click_selects_the_span(store, doc_id, make_window, analyst_at):
    store.add_span(doc_id, 52, 56, "ACTOR", annotator="alice")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.window.span_table.selectRow(0)
    assert alice.selection() == (55, 59)  # the second Kyiv, in UTF-16
    assert alice.view.textCursor().selectedText() == "Kyiv"


def test_a_key_that_works_clears_the_hint_left_by_the_key_before(alice, store, doc_id):
    alice.caret(13)
    alice.press(Qt.Key.Key_1)  # nothing selected, caret in no span: a hint
    status = alice.window.statusBar()
    assert status.currentMessage().startswith("Select text first")
    alice.select(13, 21)  # "Zelensky" in UTF-16
    alice.press(Qt.Key.Key_2)
    assert stored(store, doc_id) == [(10, 18, "ACTOR", "Zelensky")]
    assert status.currentMessage() == ""


def test_alt_never_cuts_a_character_in_two(store, make_window, analyst_at):
    # "👨🏻‍🚒 the cafe" + U+0301: the firefighter is code points [0, 4) (UTF-16 [0, 7));
    # "cafe" + U+0301 is [9, 14) (UTF-16 [12, 17)).
    text = "👨🏻‍🚒 the cafe\u0301 opened."
    assert (text[0:4], text[9:14]) == ("👨🏻‍🚒", "cafe\u0301")
    doc_id = store.add_document(text).id
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.select(0, 4)  # 👨🏻 only: the man and his skin tone, not the rest
    alice.press(Qt.Key.Key_2, ALT)
    alice.select(12, 16)  # "cafe" without its accent
    alice.press(Qt.Key.Key_1, ALT)
    assert stored(store, doc_id) == [(0, 4, "ACTOR", "👨🏻‍🚒"), (9, 14, "CLAIM", "cafe\u0301")]


def test_the_word_selected_again_after_tagging_gets_a_second_label(alice, store, doc_id):
    # Tagging leaves the caret at the span's end; selecting the same word again
    # (a double-click: the caret stays there, the anchor moves) is a new
    # selection, which a label key tags, as it would the other way round.
    alice.select(13, 21)
    alice.press(Qt.Key.Key_2)
    alice.select(13, 21)
    alice.press(Qt.Key.Key_3)
    assert sorted(stored(store, doc_id)) == [(10, 18, "ACTOR", "Zelensky"),
                                             (10, 18, "DATE", "Zelensky")]  # fmt: skip


def test_a_tabbed_span_stays_chosen_only_until_the_caret_moves(store, doc_id, make_window,
                                                              analyst_at):  # fmt: skip
    store.add_span(doc_id, 27, 33, "ACTOR", annotator="alice")  # "Monday", UTF-16 30-36
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    alice.caret(0)
    alice.press(Qt.Key.Key_Tab)
    assert alice.selection() == (30, 36)
    alice.caret(31)
    alice.select(30, 36)  # back over the same text: a selection like any other
    alice.press(Qt.Key.Key_3)
    assert sorted(stored(store, doc_id)) == [(27, 33, "ACTOR", "Monday"),
                                             (27, 33, "DATE", "Monday")]  # fmt: skip


def test_a_relabel_never_makes_one_span_twice(store, doc_id, make_window, analyst_at):
    # Whichever of the two spans at the caret the key picks, the analyst must not
    # end up with two DATEs (or two ACTORs) on "Monday" and the other label lost.
    store.add_span(doc_id, 27, 33, "ACTOR", annotator="alice")
    store.add_span(doc_id, 27, 33, "DATE", annotator="alice")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc_id))
    for key in (Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_2):
        alice.caret(32)
        alice.press(key)
        assert sorted(stored(store, doc_id)) == [(27, 33, "ACTOR", "Monday"),
                                             (27, 33, "DATE", "Monday")]  # fmt: skip
