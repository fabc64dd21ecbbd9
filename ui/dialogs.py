"""Every prompt the window shows goes through one small service.

The window gets a ``DialogService`` in its constructor; tests and scripted runs
pass a ``ScriptedDialogs`` that answers from a list and records every prompt,
so no test ever waits on a modal box.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QMessageBox, QWidget


class DialogService:
    """Modal prompts, parented to the window so they centre on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question; True means go ahead."""
        answer = QMessageBox.question(
            self.parent,
            title,
            text,
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Ok,
        )
        return answer == QMessageBox.StandardButton.Ok

    def error(self, title: str, text: str) -> None:
        """Tell the analyst something went wrong and what to do next."""
        QMessageBox.warning(self.parent, title, text)


class ScriptedDialogs(DialogService):
    """Answers prompts from ``answers`` in order (True when it runs out) and logs them.

    ``asked`` holds ``(kind, title, text)`` for every prompt, errors included.
    """

    def __init__(self, answers: Iterable[bool] = ()) -> None:
        super().__init__(None)
        self.answers = list(answers)
        self.asked: list[tuple[str, str, str]] = []

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(("confirm", title, text))
        return self.answers.pop(0) if self.answers else True

    def error(self, title: str, text: str) -> None:
        self.asked.append(("error", title, text))

    @property
    def errors(self) -> list[str]:
        return [text for kind, _, text in self.asked if kind == "error"]
