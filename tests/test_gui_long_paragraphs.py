"""An article without line breaks: shown as blocks of about 2,000 characters.

Qt lays out a block whole on every repaint, so one block of 300 KB made each
key press take half a second.  ``display_text`` shows the space after a
sentence near each 2,000th character as a paragraph break (U+2029, one UTF-16
unit like the space), so no offset moves; tagging, painting and copying must
all still see the stored text.

The article: "Sentence 0000 of the report says little. " (42 characters) over
and over, 250 times: 10,500 characters in one paragraph, with 🇺🇦 at the start
(two code points, four UTF-16 units) so that code points and UTF-16 differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.offsets import OffsetMap
from ui.span_index import LONG_PARAGRAPH, PIECE, block_starts, display_text

FLAG = "\U0001f1fa\U0001f1e6"
SENTENCE = "Sentence {:04d} of the report says little. "  # 42 characters
TEXT = FLAG + " " + "".join(SENTENCE.format(n) for n in range(250)).rstrip() + "\n"


@pytest.fixture
def window_on(store, make_window):  # type: ignore[no-untyped-def]
    """A window of analyst alice on a new document, with CLAIM spans (code points)."""

    def make(text: str, spans: Sequence[tuple[int, int]] = ()) -> tuple[Any, Any, int]:
        doc = store.add_document(text, title="Report").id
        for start, end in spans:
            store.add_span(doc, start, end, "CLAIM", annotator="alice")
        return make_window(store, analyst="alice", document_id=doc), store, doc

    return make


def test_a_long_paragraph_is_cut_at_sentence_ends_only() -> None:
    shown = display_text(TEXT)
    assert len(shown) == len(TEXT)
    changed = [i for i, (a, b) in enumerate(zip(TEXT, shown, strict=True)) if a != b]
    assert changed and all(TEXT[i] == " " and shown[i] == "\u2029" for i in changed)
    assert all(TEXT[i - 1] == "." for i in changed)  # after a sentence
    blocks = shown.rstrip("\n").split("\u2029")
    assert all(PIECE // 2 <= len(b) <= PIECE for b in blocks[:-1])
    assert len(blocks[-1]) <= LONG_PARAGRAPH


def test_short_paragraphs_and_text_without_spaces_are_left_alone() -> None:
    paragraphs = "\n\n".join(SENTENCE.format(n) * 40 for n in range(10))  # 1,680 each
    assert display_text(paragraphs) == paragraphs
    chinese = "李明说了话。" * 1500  # 9,000 characters, no space to cut at
    assert display_text(chinese) == chinese


def test_block_starts_are_qts(window_on) -> None:
    window, _store, _doc = window_on(TEXT)
    document = window.view.document()
    qt_starts = []
    block = document.begin()
    while block.isValid():
        qt_starts.append(block.position())
        block = block.next()
    assert block_starts(TEXT, OffsetMap(TEXT)) == qt_starts
    assert len(qt_starts) > 5  # the paragraph was cut


def test_tagging_across_a_cut_stores_the_stored_text(window_on, analyst_at) -> None:
    window, store, doc = window_on(TEXT)
    cut = display_text(TEXT).index("\u2029")  # a code point index; +2 in UTF-16 (the flag)
    # The sentence before the cut and the word after it: "says little. Sentence".
    start, end = cut - len("says little."), cut + 1 + len("Sentence")
    alice = analyst_at(window)
    alice.select(start + 2, end + 2)
    alice.press(Qt.Key.Key_1)
    (span,) = store.spans(doc)
    assert (span.start, span.end, span.text) == (start, end, "says little. Sentence")
    assert TEXT[start:end] == span.text


def test_copy_gives_the_stored_text(window_on, analyst_at) -> None:
    window, _store, _doc = window_on(TEXT)
    cut = display_text(TEXT).index("\u2029")
    alice = analyst_at(window)
    alice.select(0, cut + 2 + 9)  # from the flag to past the cut
    clipboard = QApplication.clipboard()
    clipboard.clear()
    alice.press(Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier, widget=window.view)
    assert clipboard.text() == TEXT[: cut + 9]  # the space, where the view breaks the line
    clipboard.clear()
    (copy,) = [a for a in window.view.context_menu(QPoint(5, 5)).actions()
               if a.objectName() == "edit-copy"]  # fmt: skip
    copy.trigger()
    assert clipboard.text() == TEXT[: cut + 9]


def test_a_drag_and_the_x11_selection_carry_the_stored_text_too(window_on, analyst_at) -> None:
    # Qt asks the view for the mime data of a drag and of X11's selection
    # (middle-click paste): it must hold the space, not the view's break.
    window, _store, _doc = window_on(TEXT)
    cut = display_text(TEXT).index("\u2029")
    analyst_at(window).select(4, cut + 2 + 9)  # after the flag (4 UTF-16 units), past the cut
    data = window.view.createMimeDataFromSelection()
    assert data.text() == TEXT[2 : cut + 9]
    assert "\n" not in data.text() and "\u2029" not in data.text()
    assert data.formats() == ["text/plain"]


def test_spans_after_the_cuts_are_painted_where_they_are(window_on, qtbot) -> None:
    last = TEXT.rindex("Sentence 0249")
    window, _store, _doc = window_on(TEXT, spans=[(last, last + len("Sentence 0249"))])
    highlighter = window.editor.highlighter
    qtbot.waitUntil(lambda: not highlighter.catching_up, timeout=10_000)
    position = last + 2  # UTF-16
    block = window.view.document().findBlock(position)
    painted = [(r.start + block.position(), r.length) for r in block.layout().formats()]
    assert painted == [(position, len("Sentence 0249"))]
    cursor = window.view.textCursor()
    cursor.setPosition(position)
    cursor.setPosition(position + 13, QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "Sentence 0249"
