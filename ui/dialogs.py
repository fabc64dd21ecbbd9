"""Every prompt the window shows goes through one small service.

The window gets a ``DialogService`` in its constructor; tests and scripted runs
pass a ``ScriptedDialogs`` that answers from lists and records every prompt,
so no test ever waits on a modal box.  File dialogs are prompts too: the
service asks for file names, and tests answer them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from annotator.errors import UnknownLabelsError
from annotator.label_aliases import suggest_label, suggest_relation_type
from annotator.model import Schema

DATABASE_FILTER = "Annotation databases (*.db *.sqlite);;All files (*)"
IMPORT_FILTER = (
    "Articles and annotation files (*.txt *.md *.html *.htm *.jsonl *.json *.ann);;"
    "All files (*)"
)


@dataclass(frozen=True)
class ExportChoice:
    """What to export: a format of ``registry.EXPORT_FORMATS`` and a layer (None: all)."""

    format: str
    layer: str | None


@dataclass(frozen=True)
class LabelMapRequest:
    """An import's labels and relation types that the schema lacks, each with a
    first guess (a name of the schema, or None: no guess)."""

    files: tuple[str, ...]
    labels: Mapping[str, str | None]
    relation_types: Mapping[str, str | None]
    schema: Schema

    @classmethod
    def from_error(cls, exc: UnknownLabelsError, schema: Schema) -> LabelMapRequest:
        types = [r.type for r in schema.relations]
        return cls(
            exc.files,
            {name: suggest_label(name, schema.label_names) for name in exc.labels},
            {name: suggest_relation_type(name, types) for name in exc.relation_types},
            schema,
        )

    @property
    def headline(self) -> str:
        """E.g. "news.jsonl uses labels this database does not have: choose what each becomes"."""
        files = self.files
        if len(files) > 3:
            who = f"{files[0]}, {files[1]} and {len(files) - 2} other files"
        else:
            who = " and ".join(filter(None, (", ".join(files[:-1]), files[-1])))
        what = " and ".join(
            w for w, names in (("labels", self.labels), ("relation types", self.relation_types))
            if names
        )  # fmt: skip
        verb = "uses" if len(files) == 1 else "use"
        return f"{who} {verb} {what} this database does not have: choose what each becomes"


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

    def inform(self, title: str, text: str) -> None:
        """Report the outcome of a longer job (an import, an export)."""
        QMessageBox.information(self.parent, title, text)

    def text(self, title: str, label: str, value: str = "",
             *, multiline: bool = False) -> str | None:  # fmt: skip
        """A line (or a few lines) of text; None when cancelled."""
        if multiline:
            typed, ok = QInputDialog.getMultiLineText(self.parent, title, label, value)
        else:
            typed, ok = QInputDialog.getText(self.parent, title, label, text=value)
        return typed if ok else None

    def choose(self, title: str, label: str, options: Sequence[str],
               current: str = "") -> str | None:  # fmt: skip
        """One of ``options`` (``current`` offered first); None when cancelled."""
        index = list(options).index(current) if current in options else 0
        picked, ok = QInputDialog.getItem(self.parent, title, label, list(options), index, False)
        return picked if ok else None

    def open_file_name(self, title: str, filter: str = "") -> Path | None:  # noqa: A002
        name, _ = QFileDialog.getOpenFileName(self.parent, title, "", filter)
        return Path(name) if name else None

    def open_file_names(self, title: str, filter: str = "") -> list[Path]:  # noqa: A002
        names, _ = QFileDialog.getOpenFileNames(self.parent, title, "", filter)
        return [Path(n) for n in names]

    def existing_directory(self, title: str) -> Path | None:
        name = QFileDialog.getExistingDirectory(self.parent, title)
        return Path(name) if name else None

    def save_file_name(self, title: str, suggested: str = "", filter: str = "",  # noqa: A002
                       *, confirm_overwrite: bool = True) -> Path | None:  # fmt: skip
        options = QFileDialog.Option(0)
        if not confirm_overwrite:
            options |= QFileDialog.Option.DontConfirmOverwrite
        name, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, filter,
                                              options=options)  # fmt: skip
        return Path(name) if name else None

    def export_choice(self, formats: Sequence[str], layers: Sequence[str]) -> ExportChoice | None:
        """Which format and which analyst's layer to export; None when cancelled."""
        from .export_dialog import ExportDialog

        dialog = ExportDialog(formats, layers, self.parent)
        return dialog.choice() if dialog.exec() else None

    def map_labels(self, request: LabelMapRequest) -> dict[str, str | None] | None:
        """What each unknown label and relation type becomes (None: left out); None
        when cancelled."""
        from .label_map_dialog import LabelMapDialog

        dialog = LabelMapDialog(request, self.parent)
        return dialog.label_map() if dialog.exec() else None


class ScriptedDialogs(DialogService):
    """Answers prompts from lists, in order, and logs every prompt.

    ``answers`` (bools) answer ``confirm`` (True when they run out); ``picks``
    answer ``choose`` (None, cancelled, when they run out); ``texts``
    answer ``text`` and ``paths`` every file dialog (a list of paths for
    ``open_file_names``), both None (cancelled) when they run out; ``choices``
    answer ``export_choice`` and ``mappings`` answer ``map_labels`` (None,
    cancelled, when they run out).  ``asked`` holds ``(kind, title, text)`` for
    every prompt, errors and messages included; ``map_labels`` also keeps each
    request in ``label_requests``.
    """

    def __init__(
        self,
        answers: Iterable[bool] = (),
        *,
        texts: Iterable[str | None] = (),
        paths: Iterable[Any] = (),
        choices: Iterable[ExportChoice | None] = (),
        picks: Iterable[str | None] = (),
        mappings: Iterable[dict[str, str | None] | None] = (),
    ) -> None:
        super().__init__(None)
        self.answers = list(answers)
        self.texts = list(texts)
        self.paths = list(paths)
        self.choices = list(choices)
        self.picks = list(picks)
        self.mappings = list(mappings)
        self.label_requests: list[LabelMapRequest] = []
        self.asked: list[tuple[str, str, str]] = []

    def confirm(self, title: str, text: str) -> bool:
        self.asked.append(("confirm", title, text))
        return self.answers.pop(0) if self.answers else True

    def error(self, title: str, text: str) -> None:
        self.asked.append(("error", title, text))

    def inform(self, title: str, text: str) -> None:
        self.asked.append(("inform", title, text))

    def text(self, title: str, label: str, value: str = "",
             *, multiline: bool = False) -> str | None:  # fmt: skip
        self.asked.append(("text", title, label))
        return self.texts.pop(0) if self.texts else None

    def choose(self, title: str, label: str, options: Sequence[str],
               current: str = "") -> str | None:  # fmt: skip
        self.asked.append(("choose", title, f"{label} {' | '.join(options)}"))
        return self.picks.pop(0) if self.picks else None

    def _path(self, kind: str, title: str) -> Any:
        self.asked.append((kind, title, ""))
        return self.paths.pop(0) if self.paths else None

    def open_file_name(self, title: str, filter: str = "") -> Path | None:  # noqa: A002
        found = self._path("open_file_name", title)
        return None if found is None else Path(found)

    def open_file_names(self, title: str, filter: str = "") -> list[Path]:  # noqa: A002
        found = self._path("open_file_names", title)
        return [Path(p) for p in found or []]

    def existing_directory(self, title: str) -> Path | None:
        found = self._path("existing_directory", title)
        return None if found is None else Path(found)

    def save_file_name(self, title: str, suggested: str = "", filter: str = "",  # noqa: A002
                       *, confirm_overwrite: bool = True) -> Path | None:  # fmt: skip
        found = self._path("save_file_name", title)
        return None if found is None else Path(found)

    def export_choice(self, formats: Sequence[str], layers: Sequence[str]) -> ExportChoice | None:
        self.asked.append(("export_choice", ", ".join(formats), ", ".join(layers)))
        return self.choices.pop(0) if self.choices else None

    def map_labels(self, request: LabelMapRequest) -> dict[str, str | None] | None:
        """Logs e.g. ``labels: ORG=ACTOR, X=?; relation types: said_by=ATTRIBUTED_TO``."""
        guesses = "; ".join(
            f"{what}: " + ", ".join(f"{name}={to or '?'}" for name, to in names.items())
            for what, names in (("labels", request.labels),
                                ("relation types", request.relation_types)) if names
        )  # fmt: skip
        self.asked.append(("map_labels", request.headline, guesses))
        self.label_requests.append(request)
        return self.mappings.pop(0) if self.mappings else None

    @property
    def errors(self) -> list[str]:
        return [text for kind, _, text in self.asked if kind == "error"]

    @property
    def messages(self) -> list[str]:
        return [text for kind, _, text in self.asked if kind == "inform"]
