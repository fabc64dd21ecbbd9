"""The prompts a review needs beyond the shared ``DialogService``.

``ReviewDialogs`` wraps the window's dialog service: ``confirm`` and ``error``
go to it unchanged, and so does ``choose`` (a label: every service has one);
``ask_text`` (a comment) and ``save_file`` (the CSV) use the service's own
method when it has one, else a Qt dialog.  A ``ScriptedDialogs`` service never
gets a real dialog: the prompt is logged and answered "cancel", so no test
waits on a modal box.
``ScriptedReviewDialogs`` answers those prompts from lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from .dialogs import DialogService, ScriptedDialogs


class ReviewDialogs:
    """The review window's prompts, all through one object."""

    def __init__(self, service: DialogService, parent: QWidget | None = None) -> None:
        self.service = service
        self.parent = parent

    def confirm(self, title: str, text: str) -> bool:
        return self.service.confirm(title, text)

    def error(self, title: str, text: str) -> None:
        self.service.error(title, text)

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        """A line of text (None when cancelled)."""
        own = getattr(self.service, "ask_text", None)
        if own is not None:
            return own(title, label, text)  # type: ignore[no-any-return]
        if self._scripted("text", title, label):
            return None
        value, ok = QInputDialog.getMultiLineText(self.parent, title, label, text)
        return value if ok else None

    def choose(self, title: str, label: str, options: Sequence[str],
               current: str = "") -> str | None:  # fmt: skip
        """One of ``options`` (None when cancelled): the service's own prompt."""
        return self.service.choose(title, label, options, current)

    def save_file(self, title: str, suggested: Path, filters: str) -> Path | None:
        """A path to write (None when cancelled); the file may exist (overwrite asked)."""
        own = getattr(self.service, "save_file", None)
        if own is not None:
            return own(title, suggested, filters)  # type: ignore[no-any-return]
        if self._scripted("save", title, str(suggested)):
            return None
        name, _ = QFileDialog.getSaveFileName(self.parent, title, str(suggested), filters)
        return Path(name) if name else None

    def _scripted(self, kind: str, title: str, text: str) -> bool:
        if isinstance(self.service, ScriptedDialogs):
            self.service.asked.append((kind, title, text))
            return True
        return False


class ScriptedReviewDialogs(ScriptedDialogs):
    """``ScriptedDialogs`` that also answers texts, picks (``choose``) and files
    from lists (None when a list runs out), logging each prompt in ``asked``."""

    def __init__(self, answers: Iterable[bool] = (), *, texts: Iterable[str] = (),
                 picks: Iterable[str] = (), files: Iterable[Path] = ()) -> None:  # fmt: skip
        super().__init__(answers, texts=texts, picks=picks)
        self.files = list(files)

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        self.asked.append(("text", title, label))
        return self.texts.pop(0) if self.texts else None

    def choose(self, title: str, label: str, options: Sequence[str],
               current: str = "") -> str | None:  # fmt: skip
        self.asked.append(("choose", title, label))
        return self.picks.pop(0) if self.picks else None

    def save_file(self, title: str, suggested: Path, filters: str) -> Path | None:
        self.asked.append(("save", title, str(suggested)))
        return self.files.pop(0) if self.files else None
