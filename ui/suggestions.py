"""Machine suggestions in the window: run them, then accept or reject one key at a time.

``install_suggestions(window)`` adds, without touching the other window modules:

* the *Suggest* action (registry name ``suggest``, Ctrl+Shift+G, Tag menu) runs
  the suggesters on the open document (``annotator.suggest.apply``), writing the
  ``suggest`` layer, then selects the first pending suggestion from the caret on;
  on the GUI thread for ordinary articles, off it (``editor.jobs``) for long ones;
* keys on the article while the caret is in a *pending* suggestion (a span of
  the ``suggest`` layer the analyst has not accepted nor rejected): Enter accepts
  it into the analyst's layer, Delete rejects it, Shift+Enter accepts every
  pending suggestion of its label in this document.  Anywhere else the keys keep
  their normal meaning (find next, delete span, find previous): the event filter
  accepts the ``ShortcutOverride`` only inside a pending suggestion, so only then
  does the key reach the view instead of the window's action;
* a dashed outline round each pending suggestion, painted over the view after
  it has painted (``DocumentView.painted``), the highlighter already drawing the
  ``suggest`` layer dimmed like any read-only layer;
* a status-bar message with the reason and confidence when the caret enters one.

Each accept, accept-all and reject is one Store change by the analyst, recorded
with ``editor.history.record`` exactly like the editor's own changes, so Ctrl+Z
undoes it (and the window refreshes through ``History.applied``).

"Inside" means what it means for the editor's keys: a collapsed caret with
``start <= caret <= end``, or a selection of exactly the suggestion (Tab, or
after Suggest / an accept).  A selection that is only part of one (a search
match) is not inside, so Enter keeps stepping through matches.

File > Open rebuilds the view, the editor and the actions (``_build``) and then
emits ``store_changed``: the controller attaches again to the new parts then.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QKeyEvent, QPainter, QPen

from annotator.display_text import counted
from annotator.model import Span
from annotator.suggest.apply import (
    SUGGEST,
    accept,
    accept_all,
    is_pending,
    pending,
    reject,
    suggest_document,
    suggestion_info,
)

from .commands import short_text
from .span_index import Entry

if TYPE_CHECKING:
    from .main_window import MainWindow

BACKGROUND_CHARS = 200_000  # longer articles are suggested off the GUI thread
MESSAGE_MS = 8000
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
PLAIN = Qt.KeyboardModifier.NoModifier
KEYPAD = Qt.KeyboardModifier.KeypadModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def key_command(event: QKeyEvent) -> str | None:
    """``accept``, ``accept_all``, ``reject`` or None for any other key."""
    mods = event.modifiers() & ~KEYPAD
    if event.key() in ENTER_KEYS:
        if mods == PLAIN:
            return "accept"
        if mods == SHIFT:
            return "accept_all"
    elif event.key() == Qt.Key.Key_Delete and mods == PLAIN:
        return "reject"
    return None


class SuggestionsController(QObject):
    """Owns the Suggest action, the keys filter and the outlines of one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("suggestionsController")
        self.window = window
        self.action: QAction | None = None
        self._pending_ids: set[str] | None = None  # None: to be read again from the Store
        self._announced: str | None = None  # the suggestion the status bar is about
        # The selection Find made last: Enter there means "find next", not "accept".
        self._found: tuple[int, int] | None = None
        self.attach()
        window.store_changed.connect(lambda _store: self.attach())

    # -- attaching to the database-bound parts (again after File > Open) ------------

    def attach(self) -> None:
        w = self.window
        editor, view = w.editor, w.view
        self._pending_ids = None
        self._announced = None
        # The action itself is in the registry (ui/actions.py), rebuilt with the window.
        self.action = w.action_map.get("suggest")
        view.installEventFilter(self)
        view.painted.connect(self._paint_outlines)
        view.cursorPositionChanged.connect(self._caret_moved)
        w.search.matched.connect(lambda: setattr(self, "_found", view.selection()))
        for signal in (editor.opened, editor.spans_reset, editor.analyst_changed,
                       editor.closed):  # fmt: skip
            signal.connect(self._invalidate)
        # One span's change updates the pending ids from the spans of its range only.
        editor.span_added.connect(lambda span: self._track(span))
        editor.span_removed.connect(lambda span: self._track(span))
        editor.span_changed.connect(self._track_change)

    # -- what the analyst asks for ------------------------------------------------------

    def suggest(self) -> None:
        """Run the suggesters on the open document and show the new suggestions."""
        w = self.window
        editor = w.editor
        if editor.document is None:
            self._say("Open a document first")
            return
        if editor.jobs.busy:
            self._say("Still busy with the last change: one moment")
            return
        if editor.history.held():  # linking: keys that change spans wait (and it says so)
            return
        doc_id = editor.document.id
        if len(editor.document.text) < BACKGROUND_CHARS:
            errors: list[str] = []
            spans = editor.call(
                "Cannot suggest", lambda: suggest_document(w.store, doc_id, errors=errors)
            )
            if spans is not None:
                self._suggested(doc_id, spans, errors)
            return
        self._say("Suggesting…")

        def work(store: Any) -> tuple[list[Span], list[str]]:
            errs: list[str] = []
            return suggest_document(store, doc_id, errors=errs), errs

        editor.jobs.start(
            w.store.path, work, lambda result: self._suggested(doc_id, *result),
            lambda error: w.dialogs.error("Cannot suggest", error), doing="suggesting",
        )  # fmt: skip

    def accept_here(self) -> bool:
        """Enter: the pending suggestion at the caret into the analyst's layer."""
        return self._decide_here("Accept", accept, removes=False)

    def reject_here(self) -> bool:
        """Delete: the pending suggestion at the caret is rejected (never proposed again)."""
        return self._decide_here("Reject", reject, removes=True)

    def _decide_here(
        self, verb: str, decide: Callable[[Any, str, str], Any], *, removes: bool
    ) -> bool:
        """Apply ``decide(store, span_id, analyst)`` to the pending suggestion at the caret:
        it returns the analyst's new span, or deletes the suggestion (``removes``).

        False when the caret is in none (the key then keeps its usual meaning).
        """
        entry = self.pending_at_caret()
        if entry is None or not self._still_pending(entry.span):
            return False
        editor, span = self.window.editor, entry.span
        done = editor.call(
            f"Cannot {verb.lower()}", lambda: decide(self.window.store, span.id, editor.analyst)
        )
        if done is None:
            return True
        quoted = f"{span.label} “{short_text(span.text)}”"
        editor.history.record(f"{verb} {quoted}")
        if removes:
            editor.stored(removed=[span])
        else:
            editor.stored(added=[done] if isinstance(done, Span) else [])
        self._after_change(entry.end, f"{verb}ed {quoted}")
        return True

    def accept_all_here(self) -> bool:
        """Shift+Enter: every pending suggestion of the label at the caret, one undo step."""
        entry = self.pending_at_caret()
        if entry is None or not self._still_pending(entry.span):
            return False
        editor, label = self.window.editor, entry.span.label
        doc_id = entry.span.document_id
        spans = editor.call(
            "Cannot accept", lambda: accept_all(self.window.store, doc_id, label, editor.analyst)
        )
        if spans is None:
            return True
        if spans:
            editor.history.record(f"Accept all: {len(spans)} × {label}")
        editor.stored(added=spans)
        self._after_change(entry.end, f"Accepted {counted(len(spans), label + ' suggestion')}")
        return True

    # -- where the caret is -------------------------------------------------------------

    def pending_ids(self) -> set[str]:
        """Ids of the open document's suggestions the analyst has not handled."""
        editor = self.window.editor
        if editor.document is None or editor.analyst == SUGGEST:
            return set()
        if self._pending_ids is None:
            self._pending_ids = self._read_pending()
        return self._pending_ids

    def _read_pending(self) -> set[str]:
        # From the open document's index (no query), unless a layer that decides it is
        # hidden there; a document without suggestions costs one dictionary look-up.
        editor = self.window.editor
        assert editor.document is not None
        if not editor.layer_counts().get(SUGGEST) or SUGGEST in editor.hidden:
            return set()
        if editor.analyst in editor.hidden or editor.index is None:
            spans = pending(self.window.store, editor.document.id, analyst=editor.analyst)
            return {s.id for s in spans}
        entries = editor.index.entries()
        taken = {(e.span.start, e.span.end, e.span.label) for e in entries
                 if e.span.annotator == editor.analyst}  # fmt: skip
        return {e.span.id for e in entries if e.span.annotator == SUGGEST
                and (e.span.start, e.span.end, e.span.label) not in taken}  # fmt: skip

    def pending_at_caret(self) -> Entry | None:
        """The innermost pending suggestion the caret (or exact selection) is in."""
        editor = self.window.editor
        index = editor.index
        if index is None:
            return None
        ids = self.pending_ids()
        if not ids:
            return None
        start, end = editor.view.selection()
        if start != end and (start, end) == self._found:
            return None  # a match of Find, stepped to: Enter goes on to the next one
        for entry in index.at(start, annotator=SUGGEST):
            if entry.span.id in ids and (start == end or (entry.start, entry.end) == (start, end)):
                return entry
        return None

    def outline_rects(self) -> list[tuple[Entry, QRectF]]:
        """Viewport rectangles of the visible pending suggestions, one per line they cover."""
        w = self.window
        editor, view = w.editor, w.view
        index = editor.index
        ids = self.pending_ids() if index is not None else set()
        if index is None or not ids:
            return []
        rects: list[tuple[Entry, QRectF]] = []
        offset = view.contentOffset()
        bottom = view.viewport().height()
        block = view.firstVisibleBlock()
        while block.isValid():
            geometry = view.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > bottom:
                break
            layout = block.layout()
            if block.isVisible() and layout is not None:
                origin, length = block.position(), block.length() - 1
                for entry in index.in_block(block.blockNumber()):
                    if entry.span.id not in ids:
                        continue
                    a, b = max(entry.start - origin, 0), min(entry.end - origin, length)
                    for i in range(layout.lineCount()):
                        line = layout.lineAt(i)
                        lo = max(a, line.textStart())
                        hi = min(b, line.textStart() + line.textLength())
                        if lo >= hi:
                            continue
                        x1 = _x(line.cursorToX(lo))
                        x2 = _x(line.cursorToX(hi))
                        rect = QRectF(min(x1, x2), line.y(), abs(x2 - x1), line.height())
                        rects.append((entry, rect.translated(geometry.topLeft())))
            block = block.next()
        return rects

    # -- Qt ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if watched is not self.window.view or not isinstance(event, QKeyEvent):
            return False
        command = key_command(event)
        editor = self.window.editor
        if command is None or editor.jobs.busy or not self._wants(command):
            return False
        if any(guard() for guard in editor.guards):  # linking: Enter links, Delete waits
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes to the view as a KeyPress, not to an action
            return True
        handled = {
            "accept": self.accept_here,
            "accept_all": self.accept_all_here,
            "reject": self.reject_here,
        }[command]()
        return handled

    def _wants(self, command: str) -> bool:
        entry = self.pending_at_caret()
        if entry is None:
            return False
        if command != "reject":
            return True
        # Delete: the analyst's own span wins when it is the innermost at the caret.
        editor = self.window.editor
        assert editor.index is not None
        own = [e for e in editor.index.at(editor.view.caret()) if editor.can_edit(e.span.annotator)]
        return not own or own[0].end - own[0].start >= entry.end - entry.start

    # -- internals -------------------------------------------------------------------------

    def _still_pending(self, span: Span) -> bool:
        # The cache can lag a change made elsewhere: ask the Store before writing.
        if is_pending(self.window.store, span.id, self.window.editor.analyst):
            return True
        self._invalidate()
        return False

    def _suggested(self, doc_id: int, spans: list[Span], errors: list[str]) -> None:
        editor = self.window.editor
        if editor.document is not None and editor.document.id == doc_id:
            editor.reload()
            self._invalidate()
            self._select_next(editor.view.caret(), wrap=True)
        counts = Counter(s.label for s in spans)
        what = ", ".join(f"{n} {label}" for label, n in sorted(counts.items()))
        text = (
            f"{len(spans)} new suggestions: {what} · Enter accepts, Delete rejects, "
            "Shift+Enter accepts all of a label"
            if spans
            else "No new suggestions"
        )
        if errors:
            text += f" · {len(errors)} plug-in error(s): {errors[0]}"
        self._say(text)

    def _after_change(self, end16: int, text: str) -> None:
        # The editor has shown the change (``stored``): the pending ids followed its signals.
        self._announced = None
        self.window.view.viewport().update()
        if not self._select_next(end16, wrap=False):
            text += " · no more suggestions after this one"
        self._say(text)

    def _select_next(self, from16: int, *, wrap: bool) -> bool:
        """Select the first pending suggestion starting at or after ``from16``."""
        editor = self.window.editor
        if editor.index is None:
            return False
        ids = self.pending_ids()
        chosen = editor.index.first_from(from16, lambda e: e.span.id in ids)
        if chosen is None and wrap:
            chosen = editor.index.first_from(0, lambda e: e.span.id in ids)
        if chosen is None:
            return False
        editor.view.select_range(chosen.start, chosen.end)
        return True

    def _track(self, span: Span) -> None:
        """``span`` was added, removed or changed: the suggestions of its range and label
        are pending again, or not, as the analyst's spans there now say."""
        self._announced = None
        self.window.view.viewport().update()
        editor, ids = self.window.editor, self._pending_ids
        if ids is None or span.annotator not in (SUGGEST, editor.analyst):
            return
        index, offsets = editor.index, editor.offsets
        if index is None or offsets is None or {SUGGEST, editor.analyst} & editor.hidden:
            self._pending_ids = None  # read again when asked
            return
        start16, end16 = offsets.to_utf16(span.start), offsets.to_utf16(span.end)
        same = [e.span for e in index.same_range(start16, end16)
                if e.span.label == span.label]  # fmt: skip
        taken = any(s.annotator == editor.analyst for s in same)
        ids.discard(span.id)  # a removed suggestion; one still there is in ``same``
        for other in same:
            if other.annotator == SUGGEST:
                (ids.discard if taken else ids.add)(other.id)

    def _track_change(self, old: Span, new: Span) -> None:
        self._track(old)
        self._track(new)

    def _invalidate(self, *_args: object) -> None:
        self._pending_ids = None
        self._announced = None
        self.window.view.viewport().update()

    def _caret_moved(self) -> None:
        entry = self.pending_at_caret()
        span_id = entry.span.id if entry is not None else None
        if span_id == self._announced:
            return
        self._announced = span_id
        if entry is None:
            return
        info = suggestion_info(entry.span)
        how = f"{info[1]}, confidence {info[0]:.2f}" if info else "no reason recorded"
        label = entry.span.label
        self._say(
            f"Suggested {label} “{short_text(entry.span.text)}” ({how}) · "
            f"Enter accepts, Delete rejects, Shift+Enter accepts all {label}",
            announcing=True,
        )

    def _paint_outlines(self) -> None:
        rects = self.outline_rects()
        if not rects:
            return
        painter = QPainter(self.window.view.viewport())
        try:
            for entry, rect in rects:
                colour = QColor(self.window.label_colours.get(entry.span.label, "#999999"))
                pen = QPen(colour.darker(120), 1, Qt.PenStyle.DashLine)
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
        finally:
            painter.end()

    def _say(self, text: str, *, announcing: bool = False) -> None:
        if not announcing:  # the caret's suggestion is announced again on the next move
            self._announced = None
        self.window.statusBar().showMessage(text, MESSAGE_MS)


def _x(result: Any) -> float:
    # PySide6's cursorToX returns (x, cursorPos) or just x, depending on the binding.
    return float(result[0] if isinstance(result, tuple) else result)


def install_suggestions(window: MainWindow) -> SuggestionsController:
    """Add suggestions to ``window`` (once; a second call returns the same controller)."""
    existing = window.findChild(SuggestionsController, "suggestionsController")
    if existing is not None:
        return existing
    return SuggestionsController(window)
