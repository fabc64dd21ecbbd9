"""The "Orphans" panel: spans a text replacement could not place, and fuzzy
placements waiting for an analyst's confirmation.

Place an orphan: choose it in the list, select its text in the article, press
Enter (in the article or the list) or "Place at selection".  Delete (in the list)
or "Drop" deletes it.  Every change is one Store call, undoable with the Store's
history; ``stored(text)`` hands the window a label for its undo stack.  The view's
UTF-16 selection becomes code points here, through ``annotator.offsets``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError, sqlite_error_line
from annotator.offsets import OffsetMap
from annotator.store import Store
from annotator.word_edges import exact_range

from .commands import short_text
from .editor import read_only

ARTICLE_FILTER = "Articles (*.txt *.md *.html *.htm);;All files (*)"
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_ID = Qt.ItemDataRole.UserRole
_WHO = Qt.ItemDataRole.UserRole + 1  # the span's analyst


class OrphansPanel(QWidget):
    """Orphans and fuzzy placements of one document, for one analyst at a time.

    ``analyst`` is a name or a callable giving the current one (the window's).
    Signals: ``stored(text)`` after each committed change, ``spans_changed(id)``
    when the document's live spans changed, ``text_replaced(id)`` after a
    replacement (reopen the document), ``message(text)`` for the status bar,
    ``counts(orphans, fuzzy)`` after every refresh.
    """

    stored = Signal(str)
    spans_changed = Signal(int)
    text_replaced = Signal(int)
    message = Signal(str)
    counts = Signal(int, int)  # orphans, fuzzy placements: the window may raise the panel

    def __init__(self, store: Store, analyst: str | Callable[[], str], view: QPlainTextEdit,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("orphansPanel")
        self.store = store
        self._analyst = analyst
        self.view = view
        self.document_id: int | None = None
        self._offsets: tuple[str, OffsetMap, str] | None = None  # (text sha, map, text)
        # Enter in the article places only an orphan chosen since the last search match:
        # after a search, Enter means "find next", whatever the list still shows.
        self._armed_for: str | None = None
        # Asks before Enter in the article places an orphan on other words than its own
        # (the window's dialogs); None: no question.
        self.confirm: Callable[[str, str], bool] | None = None
        # Whether the analyst may change a layer (the editor's rule); None: every layer.
        self.can_edit: Callable[[str], bool] | None = None

        self.orphan_list = QListWidget(self)
        self.orphan_list.setObjectName("orphanList")
        self.place_button = QPushButton("Place at selection", self)
        self.place_button.setObjectName("placeOrphanButton")
        self.drop_button = QPushButton("Drop", self)
        self.drop_button.setObjectName("dropOrphanButton")
        self.fuzzy_list = QListWidget(self)
        self.fuzzy_list.setObjectName("fuzzyList")
        self.confirm_button = QPushButton("Confirm", self)
        self.confirm_button.setObjectName("confirmAnchorButton")
        self.status = QLabel(self)
        self.status.setObjectName("orphansMessage")
        self.status.setWordWrap(True)
        self._lay_out()

        self.place_button.clicked.connect(self.place_selected)
        self.drop_button.clicked.connect(self.drop_selected)
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.fuzzy_list.currentItemChanged.connect(lambda item, _: self._show_fuzzy(item))
        self.orphan_list.itemSelectionChanged.connect(self._arm)
        self.message.connect(self.status.setText)
        for widget in (self.view, self.orphan_list):
            widget.installEventFilter(self)

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        hint = QLabel("<b>Orphans</b>: select their text in the article, press Enter", self)
        hint.setWordWrap(True)  # two lines in a narrow dock, not a wider window
        layout.addWidget(hint)
        layout.addWidget(self.orphan_list, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.place_button)
        buttons.addWidget(self.drop_button)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("<b>Fuzzy placements to confirm</b>", self))
        layout.addWidget(self.fuzzy_list, 1)
        layout.addWidget(self.confirm_button)
        layout.addWidget(self.status)

    # -- what the window calls ----------------------------------------------------------

    @property
    def analyst(self) -> str:
        return self._analyst() if callable(self._analyst) else self._analyst

    def set_document(self, document_id: int | None) -> None:
        self.document_id = document_id
        self.refresh()

    def refresh(self) -> None:
        """Re-read both lists from the Store (after any change, undo or redo)."""
        self.orphan_list.clear()
        self.fuzzy_list.clear()
        if self.document_id is None:
            self.counts.emit(0, 0)
            return
        try:
            # Only a replaced text has orphans or fuzzy placements.  Asking first costs
            # a fraction of a millisecond; fuzzy_spans reads every span of the document
            # (about 0.1 s for 10,000), which would slow every open of a large one.
            replaced = bool(self.store.revisions(self.document_id))
            orphans = self.store.orphans(self.document_id) if replaced else []
            fuzzy = self.store.fuzzy_spans(self.document_id) if replaced else []
        except AnnotatorError:  # the document was deleted meanwhile
            self.document_id = None
            return
        for orphan in orphans:
            span = orphan.span
            item = QListWidgetItem(
                f"{span.label}  “{short_text(span.text, 60)}”  — {span.annotator}"
            )
            item.setData(_ID, span.id)
            item.setData(_WHO, span.annotator)
            item.setToolTip(f"{span.text}\n\nFrom revision {orphan.revision_id},"
                            f" [{span.start}, {span.end}) of that text")  # fmt: skip
            self.orphan_list.addItem(item)
        for span in fuzzy:
            score = span.attributes.get("anchoring_score", 0)
            item = QListWidgetItem(
                f"{span.label}  “{short_text(span.text, 60)}”  {score:.2f}  — {span.annotator}"
            )
            item.setData(_ID, span.id)
            item.setData(_WHO, span.annotator)
            self.fuzzy_list.addItem(item)
        self.place_button.setEnabled(bool(orphans))
        self.drop_button.setEnabled(bool(orphans))
        self.confirm_button.setEnabled(bool(fuzzy))
        self.counts.emit(len(orphans), len(fuzzy))

    def disarm(self) -> None:
        """A search selected a match: the next Enter in the article finds the next one."""
        self._armed_for = None

    def _arm(self) -> None:
        self._armed_for = self._chosen(self.orphan_list)

    def place_selected(self, *, ask: bool = False) -> bool:
        """Place the chosen orphan at the article's selection; True when stored.
        ``ask``: first ask when the selected words are not the orphan's quote."""
        span_id = self._chosen(self.orphan_list)
        if span_id is None or self.document_id is None:
            self.message.emit("Choose an orphan in the list first")
            return False
        if not self._may_change(self.orphan_list):
            return False
        selection = self._selection()
        if selection is None:
            return False
        start, end = selection
        if ask and self.confirm is not None and not self._quote_agrees(span_id, start, end):
            return False
        seen = getattr(self.view, "shown_sha256", None)  # the text the offsets came from
        span = self._call(
            lambda: self.store.place_orphan(span_id, start, end, by=self.analyst, seen=seen)
        )
        if span is None:
            return False
        # Collapsed, and the list disarmed: the next Enter is "find next" again.
        self._armed_for = None
        cursor = self.view.textCursor()
        cursor.clearSelection()
        self.view.setTextCursor(cursor)
        self._done(f"Place {span.label} “{short_text(span.text, 40)}”")
        return True

    def drop_selected(self) -> bool:
        """Delete the chosen orphan (undoable); True when stored."""
        span_id = self._chosen(self.orphan_list)
        if span_id is None:
            self.message.emit("Choose an orphan in the list first")
            return False
        if not self._may_change(self.orphan_list):
            return False
        item = self.orphan_list.currentItem()
        label = item.text().split("  ")[0] if item else ""
        if self._call(lambda: self.store.drop_orphan(span_id, by=self.analyst)) is None:
            return False
        self._done(f"Drop orphan {label}")
        return True

    def confirm_selected(self) -> bool:
        """Accept the chosen fuzzy placement (undoable); True when stored."""
        span_id = self._chosen(self.fuzzy_list)
        if span_id is None:
            self.message.emit("Choose a fuzzy placement in the list first")
            return False
        if not self._may_change(self.fuzzy_list):
            return False
        span = self._call(lambda: self.store.confirm_anchor(span_id, by=self.analyst))
        if span is None:
            return False
        self._done(f"Confirm {span.label} “{short_text(span.text, 40)}”")
        return True

    def ask_replace_text(self, dialogs: Any, jobs: Any) -> None:
        """File > Replace text…: pick the new version, replace it off the GUI thread."""
        if self.document_id is None:
            self.message.emit("Open a document first")
            return
        path = dialogs.open_file_name("Replace the article's text", ARTICLE_FILTER)
        if path is not None:
            self.replace_text(Path(path), jobs, dialogs)

    def replace_text(self, path: Path, jobs: Any, dialogs: Any = None) -> None:
        """Replace the open document's text with the article in ``path``.

        ``jobs`` is the window's ``JobRunner``: the work runs on its own
        connection in a thread (1 MB and 10,000 spans take about a second).
        """
        from annotator.cli_revisions import report_lines, short_report
        from annotator.textfile import read_article

        doc_id, by = self.document_id, self.analyst
        if doc_id is None:
            return

        def work(store: Store) -> Any:
            text = read_article(path, max_bytes=store.import_limit).text
            return store.replace_text(doc_id, text, by=by), store.document(doc_id).title

        def done(result: Any) -> None:
            report, title = result
            self.stored.emit(f"Replace text of “{short_text(title or 'untitled', 40)}”")
            self.text_replaced.emit(doc_id)
            self.refresh()
            lines = report_lines(report, title)
            self.message.emit(short_report(report))  # the status bar's line, then the whole
            self.status.setText(" · ".join(ln for ln in lines[1:] if not ln.startswith(" ")))
            if dialogs is not None:
                dialogs.inform("Text replaced", "\n".join(lines))

        def failed(error: str) -> None:
            self.message.emit(f"Cannot replace the text: {error}")
            if dialogs is not None:
                dialogs.error("Cannot replace the text", error)

        self.message.emit(f"Replacing the text with {path.name}…")
        jobs.start(self.store.path, work, done, failed, doing="replacing the text")

    # -- keys ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        assert isinstance(event, QKeyEvent)
        key, plain = event.key(), event.modifiers() == Qt.KeyboardModifier.NoModifier
        wanted = plain and (
            (key in _ENTER and self._armed(watched))
            or (key == Qt.Key.Key_Delete and watched is self.orphan_list)
        )
        if not wanted:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes here, not to "find next" or "delete span"
            return True
        if key == Qt.Key.Key_Delete:
            self.drop_selected()
        else:
            self.place_selected(ask=watched is not self.orphan_list)
        return True

    def _armed(self, watched: QObject) -> bool:
        """Enter places only with an orphan chosen (and, in the article, a selection
        made since it was chosen, by no search)."""
        chosen = self._chosen(self.orphan_list)
        if chosen is None or not self.isVisible():
            return False
        if watched is self.orphan_list:
            return True
        return chosen == self._armed_for and self.view.textCursor().hasSelection()

    def _quote_agrees(self, span_id: str, start: int, end: int) -> bool:
        """True when the selection holds the orphan's quote, or the analyst says so."""
        assert self.document_id is not None and self.confirm is not None
        quote = self._orphan_quote(span_id)
        chosen = self.store.document(self.document_id).text[start:end]
        if quote is None or chosen == quote:
            return True
        return self.confirm(
            "Place the orphan here?",
            f"The orphan is “{short_text(quote, 60)}”; the selection is"
            f" “{short_text(chosen, 60)}”.  Place it on the selection?",
        )

    def _orphan_quote(self, span_id: str) -> str | None:
        assert self.document_id is not None
        for orphan in self.store.orphans(self.document_id):
            if orphan.span.id == span_id:
                return orphan.span.text
        return None

    # -- helpers ------------------------------------------------------------------------

    def _chosen(self, widget: QListWidget) -> str | None:
        item = widget.currentItem()
        return item.data(_ID) if item is not None and item.isSelected() else None

    def _may_change(self, widget: QListWidget) -> bool:
        """Whether the chosen item's layer may be changed by the analyst (else why not)."""
        item = widget.currentItem()
        who = item.data(_WHO) if item is not None else None
        if self.can_edit is None or who is None or self.can_edit(who):
            return True
        self.message.emit(read_only(who))
        return False

    def _selection(self) -> tuple[int, int] | None:
        """The article's selection in code points, or None (and a message)."""
        assert self.document_id is not None
        cursor = self.view.textCursor()
        if not cursor.hasSelection():
            self.message.emit("Select the orphan's text in the article first")
            return None
        offsets, text = self._offset_map()
        if self.view.document().characterCount() - 1 != offsets.utf16_length:
            self.message.emit("The article shown is not its current text: open it again")
            return None
        # As a span tagged by hand: whole characters, no space at either end.
        found = exact_range(text, offsets.to_codepoint(cursor.selectionStart(), snap="down"),
                            offsets.to_codepoint(cursor.selectionEnd(), snap="up"))  # fmt: skip
        if found is None:
            self.message.emit("Nothing to place the orphan on: the selection is only spaces")
        return found

    def _offset_map(self) -> tuple[OffsetMap, str]:
        """The open document's offsets and text, built once per version of its text."""
        assert self.document_id is not None
        document = self.store.document(self.document_id)
        if self._offsets is None or self._offsets[0] != document.text_sha256:
            self._offsets = (document.text_sha256, OffsetMap(document.text), document.text)
        return self._offsets[1], self._offsets[2]

    def _show_fuzzy(self, item: QListWidgetItem | None) -> None:
        """Choosing a fuzzy placement selects it in the article, to judge it."""
        if item is None or self.document_id is None:
            return
        try:
            span = self.store.span(item.data(_ID))
        except AnnotatorError:
            return
        offsets, _text = self._offset_map()
        if self.view.document().characterCount() - 1 != offsets.utf16_length:
            return
        cursor = self.view.textCursor()
        cursor.setPosition(offsets.to_utf16(span.start))
        cursor.setPosition(offsets.to_utf16(span.end), cursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()

    def _call(self, work: Callable[[], Any]) -> Any:
        try:
            result = work()
        except AnnotatorError as exc:
            self.message.emit(str(exc))
            return None
        except sqlite3.OperationalError as exc:
            self.message.emit(sqlite_error_line(exc, sentence=True))
            return None
        return True if result is None else result

    def _done(self, text: str) -> None:
        assert self.document_id is not None
        self.stored.emit(text)
        self.spans_changed.emit(self.document_id)
        self.refresh()
        self.message.emit(f"{text}: saved (Ctrl+Z undoes it)")
