"""Search the open article: jump between matches, tag one, or tag them all.

Matches are found in Python's text as the corpus search finds words (case,
accents and how an accent is written do not matter; ``ArticleSearch``), so
their offsets are code points straight away, never cutting a letter from its
accent; only the selection shown in the view is converted to UTF-16.  "Tag
all" keeps the rules of tagging by hand (``ArticleSearch.find_to_tag``: no
edge spaces, no blank span, no match inside a longer word), asks the dialog
service first, writes every match with one
``store.add_spans`` (one undo step) and, when there are many, does so in a
worker thread; a second one waits until the first has finished.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from annotator.display_text import with_count
from annotator.text_search import ArticleSearch, TagMatches

from .dialogs import DialogService
from .editor import Editor

BACKGROUND_AT = 500  # matches: from here on "Tag all" runs in a worker thread


class SearchBox(QLineEdit):
    """The ``searchBox``: Enter finds the next match, Shift+Enter the previous one."""

    next_requested = Signal()
    previous_requested = Signal()
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setPlaceholderText("Search (Ctrl+F)")
        self.setClearButtonEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.previous_requested.emit()
            else:
                self.next_requested.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class Search(QObject):
    """Finds ``query`` in the editor's document; selects matches and tags them."""

    message = Signal(str)
    matched = Signal()  # a match is selected in the article

    def __init__(
        self, editor: Editor, dialogs: DialogService, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.dialogs = dialogs
        self.query = ""
        self.background_at = BACKGROUND_AT
        self._cache: tuple[int, str, list[tuple[int, int]]] | None = None
        self._article: ArticleSearch | None = None  # the open article, read for searching
        editor.opened.connect(lambda *_: setattr(self, "_cache", None))

    def set_query(self, query: str) -> None:
        self.query = query

    def matches(self) -> list[tuple[int, int]]:
        """Every match in the open document as code point ``(start, end)``."""
        doc = self.editor.document
        if doc is None or not self.query:
            return []
        if self._cache is None or self._cache[:2] != (doc.id, self.query):
            self._cache = (doc.id, self.query, self._search(doc.text).find_all(self.query))
        return self._cache[2]

    def find(self, *, backwards: bool = False) -> bool:
        """Select the next (previous) match after (before) the selection; wraps around."""
        found = self.matches()
        offsets = self.editor.offsets
        if not found or offsets is None:
            self.message.emit(f"No match for “{self.query}”" if self.query else "Type a search")
            return False
        start16, end16 = self.editor.view.selection()
        start = offsets.to_codepoint(start16, snap="down")
        end = offsets.to_codepoint(end16, snap="up")
        starts = [s for s, _ in found]
        if backwards:
            i = (bisect_left(starts, start) - 1) % len(found)
        else:
            # From the end of a selected match, else from the caret itself.
            i = bisect_right(starts, start) if (start, end) in found else bisect_left(starts, end)
            i %= len(found)
        s, e = found[i]
        self.editor.view.select_range(offsets.to_utf16(s), offsets.to_utf16(e))
        self.matched.emit()
        self.message.emit(f"Match {i + 1} of {len(found)} for “{self.query}”")
        return True

    def tag_all(self, label: str) -> None:
        """Tag every match not yet tagged ``label`` by the analyst, after confirming.

        By the rules of tagging by hand (``ArticleSearch.find_to_tag``): no span
        ends on a space, a blank query tags nothing, and a match inside a longer
        word ("Kyiv" in "Kyivstar") is left out, and counted in the messages."""
        editor = self.editor
        if editor.document is None or editor.index is None or editor.offsets is None:
            return
        if not self.query:
            self.message.emit("Type what to find first, then Tag all")
            return
        if not self.query.strip():
            self.message.emit("Nothing to tag: the search is only spaces")
            return
        if editor.busy():  # a Tag all still storing: its matches are not tagged yet
            return
        editor.show_own_layer()  # its spans count below: hidden, they were tagged twice
        offsets, index = editor.offsets, editor.index
        assert offsets is not None and index is not None
        found = self._to_tag()
        todo = [
            (s, e)
            for s, e in found.ranges
            if not any(
                x.span.label == label and x.span.annotator == editor.analyst
                for x in index.same_range(offsets.to_utf16(s), offsets.to_utf16(e))
            )
        ]
        left_out = found.in_longer_words
        aside = with_count("{n} left out as part of a longer word", left_out) if left_out else ""
        if not todo:
            why = f" ({aside})" if left_out else ""
            self.message.emit(f"Nothing to tag: no untagged match of “{self.query}”{why}")
            return
        n = len(todo)
        more = with_count("{n} more {is|are} left out: part of a longer word.\n", left_out)
        question = (f"Tag {n:,} match{'es' if n != 1 else ''} of “{self.query}” as {label}?\n"
                    f"{more if left_out else ''}Ctrl+Z undoes them all at once.")  # fmt: skip
        if not self.dialogs.confirm("Tag all", question):
            self.message.emit("Tag all cancelled")
            return
        editor.add_many(todo, label, background=n >= self.background_at, aside=aside)

    def _to_tag(self) -> TagMatches:
        doc = self.editor.document
        assert doc is not None
        return self._search(doc.text).find_to_tag(self.query)

    def _search(self, text: str) -> ArticleSearch:
        """The open article, read for searching (once per text)."""
        if self._article is None or self._article.text is not text:
            self._article = ArticleSearch(text)
        return self._article
