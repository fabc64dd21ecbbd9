"""Undo and redo: a ``QUndoStack`` whose commands replay the Store's own history.

The Store keeps every change in its append-only history and undoes the
analyst's latest one (``store.undo(analyst)``), so a command needs no data of
its own: undo calls ``store.undo``, redo calls ``store.redo``.  The stack only
gives the session its labels ("Undo Tag ACTOR “Kyiv”") and order.  Beyond the
bottom of the stack the history goes on: changes made before this window was
opened are undone straight through the Store, and redone the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.display_text import counted, one_line
from annotator.errors import AnnotatorError, HistoryConflictError, NotFoundError
from annotator.model import HistoryEntry, Span
from annotator.store import Store

from .dialogs import DialogService
from .workers import JobRunner

# A step restoring states of this many characters or more (about 500 spans) runs
# on a worker thread: on the GUI thread it would hold the window for over a frame.
BACKGROUND_CHARS = 125_000


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
    happened for the status bar.  A big step (undoing a "Tag all" of thousands
    of matches) runs on a worker thread of ``jobs``, and no other undo, redo or
    edit starts until it is done.
    """

    applied = Signal(object, str)
    message = Signal(str)

    background_chars = BACKGROUND_CHARS  # tests lower it to take the threaded path

    def __init__(self, store: Store, analyst: str, dialogs: DialogService,
                 parent: QObject | None = None, *,
                 jobs: JobRunner | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.store = store
        self.analyst = analyst
        self.dialogs = dialogs
        self.stack = QUndoStack(self)
        self.jobs = jobs if jobs is not None else JobRunner(self)
        self.guards: list[Callable[[], str]] = []  # why steps must wait now ("" if not)
        self._beyond = 0  # undos done below the stack, in earlier sessions' changes
        self._fresh: tuple[int, list[Span]] | None = None  # see fresh_spans
        self._mark = store.last_event_id(analyst)  # the analyst's newest step we know of

    def record(self, text: str) -> None:
        """A change was just stored: it becomes the top of the undo stack."""
        self._beyond = 0  # a new change empties the Store's redo list too
        self.stack.push(StoreCommand(self, text))
        self._remember()

    def set_analyst(self, analyst: str) -> None:
        self.analyst = analyst
        self._beyond = 0
        self.stack.clear()
        self._remember()

    def notice_others(self) -> None:
        """After another process's changes were seen: if some were this analyst's
        (the same analyst in a second window), the stack's labels no longer say
        what Ctrl+Z undoes; they go, and undo goes on through the Store's history."""
        if self.store.last_event_id(self.analyst) != self._mark:
            self._resync()
            self._remember()

    def _remember(self) -> None:
        self._mark = self.store.last_event_id(self.analyst)

    def held(self) -> bool:
        """True, and why in the status bar, while a mode holds changes back
        (``guards``: linking), in whichever window it is asked."""
        for guard in self.guards:
            reason = guard()
            if reason:
                self.message.emit(reason)
                return True
        return False

    def working(self) -> bool:
        """True, and why in the status bar, while a job (Tag all, a big undo) runs:
        no other change may start until it has finished."""
        if self.jobs.busy:
            self.message.emit(f"Still {self.jobs.doing}: one moment")
        return self.jobs.busy

    def busy(self) -> bool:
        """True, and why, while a job runs or a mode holds changes back."""
        return self.working() or self.held()

    def undo(self) -> None:
        if self.busy():
            return
        if self.stack.canUndo():
            self.stack.undo()
        else:
            self.step("undo", below=True)

    def redo(self) -> None:
        if self.busy():
            return
        # The Store redoes the latest undone change first: those below the stack,
        # if any were undone after the stack's own ones.
        if self._beyond:
            self.step("redo", below=True)
        elif self.stack.canRedo():
            self.stack.redo()
        else:
            self.step("redo")  # undone in an earlier session

    def step(self, direction: str, *, below: bool = False) -> None:
        """Undo or redo the analyst's next step in the Store (``below`` the stack:
        one of an earlier session's)."""
        if self.store.step_size(self.analyst, direction) >= self.background_chars:
            self._step_on_worker(direction, below)
            return
        try:
            entry = (
                self.store.undo(self.analyst)
                if direction == "undo"
                else self.store.redo(self.analyst)
            )
        except HistoryConflictError as exc:
            self._conflict(direction, exc, self.analyst)
            return
        except AnnotatorError as exc:  # a file that cannot be written, a step gone
            self._resync()
            self.dialogs.error(f"Cannot {direction}", str(exc))
            return
        self._stepped(direction, entry, below)

    def _step_on_worker(self, direction: str, below: bool) -> None:
        analyst = self.analyst

        def work(store: Store) -> Any:
            try:
                entry = store.undo(analyst) if direction == "undo" else store.redo(analyst)
            except HistoryConflictError as exc:
                return exc, None
            try:  # read here too, so the window need not read thousands of spans itself
                spans = store.spans(entry.document_id) if entry and entry.document_id else None
            except NotFoundError:  # the step deleted the document
                spans = None
            return entry, spans

        def done(result: Any) -> None:
            entry, spans = result
            if isinstance(entry, HistoryConflictError):
                self._conflict(direction, entry, analyst)  # whose step it was
                return
            self._fresh = (entry.document_id, spans) if spans is not None else None
            try:
                self._stepped(direction, entry, below and self.analyst == analyst)
            finally:
                self._fresh = None

        def failed(error: str) -> None:
            self._resync()
            self.dialogs.error(f"Cannot {direction}", error)

        doing = "undoing" if direction == "undo" else "redoing"
        self.message.emit(f"{doing.capitalize()} a big change…")
        self.jobs.start(self.store.path, work, done, failed, doing=doing)

    def fresh_spans(self, document_id: int) -> list[Span] | None:
        """The document's spans as the worker read them right after its step (while
        ``applied`` is being handled), or None: read them from the Store."""
        if self._fresh is not None and self._fresh[0] == document_id:
            return self._fresh[1]
        return None

    def _stepped(self, direction: str, entry: HistoryEntry | None, below: bool) -> None:
        if entry is None:
            self._resync()
            self.message.emit(f"Nothing to {direction}")
            return
        if below:
            self._beyond += 1 if direction == "undo" else -1
        self._remember()
        self.message.emit(f"{direction.capitalize()}: {describe(entry)}")
        self.applied.emit(entry, direction)

    def _conflict(self, direction: str, conflict: HistoryConflictError, analyst: str) -> None:
        self._resync()
        if direction == "undo":
            self._offer_skip(conflict, analyst)
        else:
            self.dialogs.error(f"Cannot {direction}", f"{conflict}")

    def _offer_skip(self, conflict: HistoryConflictError, analyst: str) -> None:
        """An undo that cannot be applied: leave that step as it is, if the analyst
        wants, so the next undo reaches the one before it."""
        if not self.dialogs.confirm(
            "Cannot undo",
            f"{conflict}.\n\nSkip this step and leave it as it is? The next undo then"
            " goes on with the step before it; the skipped step cannot be redone.",
        ):
            return
        entry = self.store.skip_undo(analyst)
        self._remember()
        if entry is not None:
            self.message.emit(f"Skipped: {describe(entry)} stays as it is; undo again to go on")

    def _resync(self) -> None:
        # The stack no longer matches the Store (another window changed the history):
        # the Store is the truth. Cleared later: a command may be running right now.
        self._beyond = 0
        QTimer.singleShot(0, self.stack, self.stack.clear)


def describe(entry: HistoryEntry) -> str:
    """A short human description of a history event."""
    about_document = _document_step(entry)
    if about_document is not None:
        return about_document
    rows = (entry.after or {}).get("spans") or (entry.before or {}).get("spans") or []
    what = {
        "add_span": "tag", "add_spans": "tag all", "update_span": "change",
        "delete_span": "delete", "add_relation": "link", "delete_relation": "unlink",
        "replace_text": "replace text", "adjudicate": "review decision",
        "place_orphan": "place", "drop_orphan": "drop", "confirm_anchor": "confirm",
    }.get(entry.action, entry.action)  # fmt: skip
    if entry.action == "add_spans":
        return f"{what} ({counted(len(rows), 'span')})"
    if entry.action == "merge":  # another file's later edits of spans merged before
        touched = {r["id"] for r in (entry.before or {}).get("spans") or []}
        return f"merged changes ({counted(len(touched), 'span')})"
    if entry.action == "replace_text":  # its rows are the spans it moved: not the point
        return what
    if entry.action == "adjudicate":
        state = entry.after or entry.before or {}
        decided = state.get("review_decisions") or state.get("relation_decisions") or []
        if len(decided) > 1:
            return f"review decisions ({counted(len(decided), 'pair')})"
        if decided:
            what = f"review decision: {_DECISIONS.get(decided[0].get('decision'), 'decide')}"
            if _comment_only(entry):
                what = "review comment"
    if rows:
        return f"{what} {rows[0]['label']} “{short_text(rows[0]['text'])}”"
    return what


def _comment_only(entry: HistoryEntry) -> bool:
    """True when a review step changed a pair's comment and not its verdict (a
    comment on an undecided pair is stored with the verdict "pending")."""

    def one(state: dict[str, Any] | None) -> dict[str, Any]:
        rows = (state or {}).get("review_decisions") or (state or {}).get("relation_decisions")
        return rows[0] if rows and len(rows) == 1 else {}

    before, after = one(entry.before), one(entry.after)
    return (before.get("decision", "pending") == after.get("decision", "pending")
            and before.get("comment") != after.get("comment"))  # fmt: skip


def _document_step(entry: HistoryEntry) -> str | None:
    """Steps on a whole document, named by its title (not by one of its spans)."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "set_done":
        (status,) = after.get("document_status") or [{}]
        return "mark done" if status.get("done") else "mark not done"
    if entry.action not in ("rename_document", "delete_document", "add_document", "import"):
        return None
    docs = before.get("documents") or after.get("documents") or [{}]
    title = docs[0].get("title")
    named = f" “{short_text(title)}”" if title else ""
    if entry.action == "rename_document":
        new_title = ((after.get("documents") or [{}])[0]).get("title")
        return f"rename{named} to “{short_text(new_title or '')}”"
    if entry.action == "delete_document":
        return f"delete document{named}"
    return f"import{named}" if entry.action == "import" else f"add document{named}"


_DECISIONS = {"accept_a": "accept A", "accept_b": "accept B", "accept_both": "accept both",
              "reject": "reject", "edit": "edit", "pending": "undecided"}  # fmt: skip


def short_text(text: str, limit: int = 40) -> str:
    return one_line(text, limit)
