"""Undo and redo: a ``QUndoStack`` whose commands replay the Store's own history.

The Store keeps every change in its append-only history and undoes the
analyst's latest one (``store.undo(analyst)``), so a command needs no data of
its own: undo calls ``store.undo``, redo calls ``store.redo``.  The stack only
gives the session its labels ("Undo Tag ACTOR “Kyiv”") and order.  Beyond the
bottom of the stack the history goes on: changes made before this window was
opened are undone straight through the Store, and redone the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.display_text import counted, one_line
from annotator.errors import HistoryConflictError
from annotator.model import HistoryEntry
from annotator.store import Store

from .dialogs import DialogService


class StoreCommand(QUndoCommand):
    """One change already committed to the Store; undo/redo replay the history."""

    def __init__(self, history: History, text: str) -> None:
        super().__init__(text)
        self._history = history
        self._done = True  # push() calls redo(): the change is already stored

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._history.step("redo")

    def undo(self) -> None:
        self._history.step("undo")


class History(QObject):
    """The window's undo/redo for the current analyst.

    ``applied(entry, direction)`` fires after every successful undo or redo, so
    the window can refresh the affected document; ``message(text)`` says what
    happened for the status bar.
    """

    applied = Signal(object, str)
    message = Signal(str)

    def __init__(self, store: Store, analyst: str, dialogs: DialogService,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.store = store
        self.analyst = analyst
        self.dialogs = dialogs
        self.stack = QUndoStack(self)
        self._beyond = 0  # undos done below the stack, in earlier sessions' changes

    def record(self, text: str) -> None:
        """A change was just stored: it becomes the top of the undo stack."""
        self._beyond = 0  # a new change empties the Store's redo list too
        self.stack.push(StoreCommand(self, text))

    def set_analyst(self, analyst: str) -> None:
        self.analyst = analyst
        self._beyond = 0
        self.stack.clear()

    def undo(self) -> None:
        if self.stack.canUndo():
            self.stack.undo()
        elif self.step("undo") is not None:
            self._beyond += 1

    def redo(self) -> None:
        # The Store redoes the latest undone change first: those below the stack,
        # if any were undone after the stack's own ones.
        if self._beyond:
            if self.step("redo") is not None:
                self._beyond -= 1
        elif self.stack.canRedo():
            self.stack.redo()
        else:
            self.step("redo")  # undone in an earlier session

    def step(self, direction: str) -> HistoryEntry | None:
        try:
            entry = (
                self.store.undo(self.analyst)
                if direction == "undo"
                else self.store.redo(self.analyst)
            )
        except HistoryConflictError as exc:
            self._resync()
            if direction == "undo":
                self._offer_skip(exc)
            else:
                self.dialogs.error(f"Cannot {direction}", f"{exc}")
            return None
        if entry is None:
            self._resync()
            self.message.emit(f"Nothing to {direction}")
            return None
        self.message.emit(f"{direction.capitalize()}: {describe(entry)}")
        self.applied.emit(entry, direction)
        return entry

    def _offer_skip(self, conflict: HistoryConflictError) -> None:
        """An undo that cannot be applied: leave that step as it is, if the analyst
        wants, so the next undo reaches the one before it."""
        if not self.dialogs.confirm(
            "Cannot undo",
            f"{conflict}.\n\nSkip this step and leave it as it is? The next undo then"
            " goes on with the step before it; the skipped step cannot be redone.",
        ):
            return
        entry = self.store.skip_undo(self.analyst)
        if entry is not None:
            self.message.emit(f"Skipped: {describe(entry)} stays as it is; undo again to go on")

    def _resync(self) -> None:
        # The stack no longer matches the Store (another window changed the history):
        # the Store is the truth. Cleared later: a command may be running right now.
        self._beyond = 0
        QTimer.singleShot(0, self.stack, self.stack.clear)


def describe(entry: HistoryEntry) -> str:
    """A short human description of a history event."""
    rows = (entry.after or {}).get("spans") or (entry.before or {}).get("spans") or []
    what = {
        "add_span": "tag", "add_spans": "tag all", "update_span": "change",
        "delete_span": "delete", "add_relation": "link", "delete_relation": "unlink",
        "replace_text": "replace text", "adjudicate": "review decision",
        "place_orphan": "place", "drop_orphan": "drop", "confirm_anchor": "confirm",
    }.get(entry.action, entry.action)  # fmt: skip
    if entry.action == "add_spans":
        return f"{what} ({counted(len(rows), 'span')})"
    if entry.action == "replace_text":  # its rows are the spans it moved: not the point
        return what
    if rows:
        return f"{what} {rows[0]['label']} “{short_text(rows[0]['text'])}”"
    return what


def short_text(text: str, limit: int = 40) -> str:
    return one_line(text, limit)
