"""The Qt models, the span index and the painting of spans."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from annotator.offsets import OffsetMap
from annotator.sample_article import add_sample
from ui.span_index import SpanIndex, display_text

TEXT = "🇺🇦 Kyiv 𝔘 Zelensky said on Monday.\n\nSecond paragraph about Kyiv.\n"
# By hand: Zelensky [10, 18) and Monday [27, 33) in code points; the blank
# line is block 1 at code point 35 (UTF-16 38), the second paragraph block 2
# at 36 (UTF-16 39), its Kyiv [59, 63) (UTF-16 [62, 66), 23 into the block).


@pytest.fixture
def sample_window(store, make_window):
    doc = add_sample(store)[0]
    store.add_span(doc.id, 0, 7, "ACTOR", annotator="bob", note="Coastal")
    return make_window(store, analyst="sample", document_id=doc.id)


def test_span_table_model_passes_the_model_tester(sample_window, qtmodeltester):
    model = sample_window.span_model
    assert model.rowCount() == 33
    qtmodeltester.check(model)
    for column in range(4):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            sample_window.span_table.sortByColumn(column, order)
            qtmodeltester.check(model)


def test_span_table_columns_and_sorting(sample_window):
    model, table = sample_window.span_model, sample_window.span_table
    first = [model.data(model.index(0, c)) for c in range(4)]
    assert first == ["ACTOR", "Coastal", "bob", "Coastal"]  # document order at first
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ForegroundRole) == QColor("#8a8a8a")
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    labels = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert labels == sorted(labels)
    table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(model.rowCount() - 1, 2)) == "bob"


def test_note_is_edited_in_the_table_and_stored(sample_window, store):
    model = sample_window.span_model
    row = next(r for r in range(model.rowCount()) if model.span_at(r).annotator == "sample")
    span_id = model.span_at(row).id
    assert model.setData(model.index(row, 3), "check the figure")
    assert store.span(span_id).note == "check the figure"
    bob_row = next(r for r in range(model.rowCount()) if model.span_at(r).annotator == "bob")
    assert not model.flags(model.index(bob_row, 3)) & Qt.ItemFlag.ItemIsEditable


def test_document_list_model(sample_window, store, qtmodeltester):
    from ui.document_list import COUNTS, STATE

    store.add_document("Another article.\n", title="Another")
    sample_window.documents.refresh()
    model = sample_window.document_model
    qtmodeltester.check(model)
    qtmodeltester.check(sample_window.document_panel.proxy)
    first = model.index(0, 0)
    assert model.data(first) == "Coastal cities pledge joint flood fund at Velmora summit"
    assert [(label, n) for label, n, _ in model.data(first, COUNTS)] == [
        ("CLAIM", 10), ("ACTOR", 10), ("DATE", 8), ("CITATION", 4),
    ]  # fmt: skip
    assert model.data(first, STATE) == "in_progress"
    tooltip = model.data(first, Qt.ItemDataRole.ToolTipRole)
    assert "sample: CLAIM 10, ACTOR 10, DATE 8, CITATION 4 (in progress)" in tooltip
    assert "Other analysts: bob 1" in tooltip and "2,382 characters" in tooltip
    assert model.data(model.index(1, 0), STATE) == "not_started"


def test_palette_counts_the_analysts_spans(sample_window):
    palette = sample_window.palette_bar
    assert [palette.count_text(n) for n in ("CLAIM", "ACTOR", "DATE", "CITATION")] == [
        "1  CLAIM  10", "2  ACTOR  10", "3  DATE  8", "4  CITATION  4",
    ]  # fmt: skip


def test_span_index_blocks_and_caret():
    offsets = OffsetMap(TEXT)
    index = SpanIndex(TEXT, offsets)
    assert index.block_starts == [0, 38, 39, 68]
    blocks = index.add(_span("a", 10, 18))
    assert list(blocks) == [0]
    assert list(index.add(_span("b", 27, 40))) == [0, 1, 2]  # crosses the blank line
    assert [e.span.id for e in index.at(15)] == ["a"]
    assert (index.entry("a").start, index.entry("a").end) == (13, 21)
    assert list(index.remove("b")) == [0, 1, 2] and index.in_block(2) == []


def test_display_text_keeps_utf16_length():
    assert display_text("a\r\nb\rc") == "a \nb\rc"


def test_highlighter_paints_overlaps_without_touching_the_document(store, make_window):
    doc = store.add_document(TEXT, title="t")
    store.add_span(doc.id, 10, 33, "CLAIM", annotator="alice")
    store.add_span(doc.id, 27, 33, "DATE", annotator="alice")
    store.add_span(doc.id, 59, 63, "ACTOR", annotator="bob")
    window = make_window(store, analyst="alice", document_id=doc.id)
    block = window.view.document().firstBlock()
    formats = block.layout().formats()  # kept alive: each .format belongs to its range
    ranges = {(r.start, r.length): r.format for r in formats}
    claim_only, nested = ranges[(13, 17)], ranges[(30, 6)]  # UTF-16: Zelensky.. / Monday
    assert claim_only.background().color() != nested.background().color()
    assert nested.underlineStyle() != claim_only.underlineStyle()  # the inner span shows
    second = window.view.document().findBlockByNumber(2)
    (bob,) = second_formats = second.layout().formats()
    assert (bob.start, bob.length) == (23, 4) and second_formats  # bob's Kyiv, in its block
    assert bob.format.background().color().lightness() > claim_only.background().color().lightness()
    # Formats live in the layout only: the text and its own formats are untouched.
    assert window.view.toPlainText() == TEXT
    cursor = window.view.textCursor()
    cursor.setPosition(15)
    assert cursor.charFormat().background().style() == Qt.BrushStyle.NoBrush


def test_one_new_span_repaints_only_its_block(store, make_window, analyst_at, monkeypatch):
    doc = store.add_document(TEXT, title="t")
    alice = analyst_at(make_window(store, analyst="alice", document_id=doc.id))
    highlighter = alice.window.editor.highlighter
    repainted = []
    monkeypatch.setattr(highlighter, "rehighlight", lambda: pytest.fail("repainted everything"))
    monkeypatch.setattr(
        highlighter, "rehighlightBlock", lambda b: repainted.append(b.blockNumber())
    )
    alice.select(62, 66)  # Kyiv in the second paragraph
    alice.press(Qt.Key.Key_2)
    assert repainted == [2]


def _span(span_id, start, end, label="ACTOR", annotator="alice"):
    from annotator.model import Span

    return Span(span_id, 1, annotator, label, start, end, TEXT[start:end])


def test_a_long_article_paints_first_screens_then_the_rest(store, make_window, qtbot):
    paragraph = "Talks in Kyiv resumed on Monday, officials said.\n"  # 49 long, Kyiv at 9-13
    text = paragraph * 2000  # 98,000 characters, far beyond the first screens
    doc = store.add_document(text, title="long")
    store.add_spans(
        doc.id,
        [{"start": 49 * n + 9, "end": 49 * n + 13, "label": "ACTOR", "annotator": "alice"}
         for n in range(2000)],
    )  # fmt: skip
    window = make_window(store, analyst="alice")
    highlighter = window.editor.highlighter
    window.open_document(doc.id)
    last = window.view.document().lastBlock().previous()  # the final paragraph
    first = window.view.document().firstBlock()
    assert [(r.start, r.length) for r in first.layout().formats()] == [(9, 4)]
    assert highlighter.catching_up and not last.layout().formats()
    window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum())
    assert [(r.start, r.length) for r in last.layout().formats()] == [(9, 4)]  # at once
    middle = window.view.document().findBlockByNumber(1000)
    qtbot.waitUntil(lambda: not highlighter.catching_up)
    assert [(r.start, r.length) for r in middle.layout().formats()] == [(9, 4)]
    assert len(window.editor.index) == 2000


def test_painting_the_rest_waits_while_the_analyst_tags(store, make_window, qtbot, analyst_at):
    # A key press in the first screen never queues behind a slice of background
    # painting: the slices pause, then finish the article.
    paragraph = "Talks in Kyiv resumed on Monday, officials said.\n"  # "Monday" at 25-31
    doc = store.add_document(paragraph * 2000, title="long")
    store.add_spans(doc.id, [{"start": 49 * n + 9, "end": 49 * n + 13, "label": "ACTOR",
                              "annotator": "alice"} for n in range(2000)])  # fmt: skip
    window = make_window(store, analyst="alice", document_id=doc.id)
    highlighter = window.editor.highlighter
    assert highlighter.catching_up
    alice = analyst_at(window)
    alice.select(25, 31)
    alice.press(Qt.Key.Key_3)  # DATE "Monday" in the first paragraph
    assert highlighter._paused.isActive() and not highlighter._timer.isActive()  # noqa: SLF001
    assert [(r.start, r.length) for r in window.view.document().firstBlock().layout().formats()
            ] == [(9, 4), (25, 6)]  # fmt: skip
    qtbot.waitUntil(lambda: not highlighter.catching_up, timeout=10_000)
    last = window.view.document().lastBlock().previous()
    assert [(r.start, r.length) for r in last.layout().formats()] == [(9, 4)]


# Accented names as the tester met them; offsets by hand: Zoë Ångström [0, 12),
# Łukasz Wróbel [14, 27), Núñez [29, 34), Wednesday evening [36, 53), Ålesund [55, 62).
NAMES = "Zoë Ångström, Łukasz Wróbel, Núñez, Wednesday evening, Ålesund."
NAME_RANGES = [(0, 12), (14, 27), (29, 34), (36, 53), (55, 62)]


@pytest.fixture
def names_window(store, make_window):
    doc = store.add_document(NAMES, title="Names")
    assert [NAMES[s:e] for s, e in NAME_RANGES] == [
        "Zoë Ångström", "Łukasz Wróbel", "Núñez", "Wednesday evening", "Ålesund"
    ]
    for start, end in NAME_RANGES:
        store.add_span(doc.id, start, end, "ACTOR", annotator="alice")
    store.add_span(doc.id, 36, 45, "DATE", annotator="alice", note="Środa, not Thursday")
    return make_window(store, analyst="alice", document_id=doc.id)


def _texts(model):
    return [model.span_at(r).text for r in range(model.rowCount())]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("angstrom", ["Zoë Ångström"]),
        ("NUNEZ", ["Núñez"]),
        ("wrobel", ["Łukasz Wróbel"]),
        ("lukasz", ["Łukasz Wróbel"]),
        ("Ångström", ["Zoë Ångström"]),
        ("zoe", ["Zoë Ångström"]),
        ("sroda", ["Wednesday"]),  # in the note
    ],
)
def test_span_table_filter_ignores_case_and_accents_as_search_does(names_window, typed, expected):
    names_window.span_panel.text_box.setText(typed)
    assert _texts(names_window.span_model) == expected


def test_span_table_sorts_the_text_column_by_its_folded_letters(names_window, qtmodeltester):
    model, table = names_window.span_model, names_window.span_table
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert _texts(model) == [
        "Ålesund", "Łukasz Wróbel", "Núñez", "Wednesday", "Wednesday evening", "Zoë Ångström"
    ]
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert _texts(model)[0] == "Zoë Ångström" and _texts(model)[-1] == "Ålesund"
    qtmodeltester.check(model)
