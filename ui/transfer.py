"""File > Import and File > Export: worker threads with a cancellable progress dialog.

Each job opens its OWN connection (``open_store`` in the thread: a SQLite
connection belongs to the thread that made it) and reports through signals,
which Qt delivers on the GUI thread.  What is written, and why a cancel
leaves nothing behind, is in ``staged_import.py`` and ``exporting.py`` (imported
on first use: the readers and writers are not needed to start the window).
"""

from __future__ import annotations

import re
import sqlite3
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog

from annotator.display_text import counted
from annotator.errors import (
    AnnotatorError,
    UnknownLabelsError,
    os_error_line,
    sqlite_error_line,
)

from .dialogs import IMPORT_FILTER

if TYPE_CHECKING:
    from .main_window import MainWindow

# A refusal's advice to read the offsets in the other unit (a span fits only so).
_OTHER_UNIT = re.compile(r"use --offsets (utf16|codepoint)\b")
_UNIT_NAMES = {"utf16": "UTF-16 units", "codepoint": "code points"}
# Advice in a reader's notes that only the command line can follow.
_COMMAND_LINE_ONLY = (
    (re.compile(r" \((give --annotator NAME|--offsets \w+ reads them so anyway)\)"), ""),
    (re.compile(r"import again with --offsets (\w+)"),
     "import that file on its own to be asked how to read them"),
)


def _without_command_line(note: str) -> str:
    """A reader's note as the window says it: without options it has no place for."""
    for pattern, instead in _COMMAND_LINE_ONLY:
        note = pattern.sub(instead, note)
    return note


class Job(QThread):
    """Runs ``work(cancelled, report)`` in a thread; ``report(n, text)`` moves the dialog."""

    step = Signal(int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    unmapped = Signal(object)  # an UnknownLabelsError: the window may ask for a mapping
    cancelled_signal = Signal()

    def __init__(self, work: Callable[[threading.Event, Callable[[int, str], None]], Any],
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._work = work
        self.cancelled = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()

    def run(self) -> None:
        from .staged_import import Cancelled

        try:
            result = self._work(self.cancelled, self.step.emit)
        except Cancelled:
            self.cancelled_signal.emit()
        except UnknownLabelsError as exc:
            self.unmapped.emit(exc)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except sqlite3.Error as exc:
            self.failed.emit(sqlite_error_line(exc))
        except OSError as exc:
            self.failed.emit(os_error_line(exc))
        except Exception as exc:  # a reader's or writer's own failure: still one dialog
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)


class Transfer(QObject):
    """Imports and exports for the window; one job at a time."""

    imported = Signal(object)  # the ImportResult, after it is committed
    message = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.job: Job | None = None
        self.progress: QProgressDialog | None = None
        self._then: Callable[[], None] | None = None  # runs once the job has ended

    @property
    def busy(self) -> bool:
        return self.job is not None

    def wait(self) -> None:
        """Block until a running job has finished (the window closes or switches)."""
        self._then = None  # nothing more to ask of a window that is going away
        if self.job is not None:
            self.job.cancel()
            self.job.wait()

    # -- import ------------------------------------------------------------------------

    def import_files(self) -> None:
        paths = self.window.dialogs.open_file_names("Import documents", IMPORT_FILTER)
        if paths:
            self.import_paths(paths)

    def import_folder(self) -> None:
        folder = self.window.dialogs.existing_directory("Import a folder of documents")
        if folder is not None:
            self.import_paths([folder])

    def import_paths(self, paths: list[Path]) -> None:
        from .staged_import import expand

        if self._refuse_if_busy():
            return
        try:
            files = expand(paths)
        except AnnotatorError as exc:
            self.window.dialogs.error("Cannot import", str(exc))
            return
        self._import(files, {})

    def _import(self, files: list[Path], label_map: dict[str, str | None],
                offsets: str | None = None) -> None:  # fmt: skip
        from .staged_import import import_staged

        db_path, analyst = self.window.store.path, self.window.analyst

        def work(cancelled: threading.Event, report: Callable[[int, str], None]) -> Any:
            return import_staged(db_path, files, added_by=analyst, cancelled=cancelled,
                                 step=report, label_map=label_map, offsets=offsets,
                                 ask_unit=True)  # fmt: skip

        def unmapped(exc: UnknownLabelsError) -> None:
            # Asked once the progress dialog has closed and the job is over.
            self._then = lambda: self._ask_mapping(exc, files, label_map, offsets)

        def other_unit(error: str) -> bool:
            """A refusal whose spans fit the other offset unit: the window has no
            --offsets, so it asks (once the job is over) to import reading them so.
            The same for a file whose unit the reader guessed (``ask_unit``)."""
            from .staged_import import guessed_unit

            guess = guessed_unit(error)
            if offsets is None and guess is not None:
                self._then = lambda: self._ask_guessed_unit(error, files, label_map, *guess)
                return True
            found = _OTHER_UNIT.search(error)
            if offsets is not None or found is None:
                return False
            if len(files) > 1:  # the unit is for that file alone, not for the others
                self.window.dialogs.error("Cannot import", f"{error} (nothing was imported;"
                                          " import that file on its own to read it in the"
                                          " other unit)")  # fmt: skip
                return True
            unit = found[1]
            self._then = lambda: self._ask_unit(error, files, label_map, unit)
            return True

        self._start(work, f"Importing {len(files):,} file{'s' if len(files) != 1 else ''}…",
                    len(files) + 1, self._import_done, "Cannot import", "Nothing was imported",
                    unmapped, other_unit)  # fmt: skip

    def _ask_unit(self, error: str, files: list[Path], label_map: dict[str, str | None],
                  unit: str) -> None:  # fmt: skip
        name = _UNIT_NAMES[unit]
        if self.window.dialogs.confirm(
            "Cannot import",
            f"{error} (nothing was imported).\n\nImport again, reading the offsets of"
            f" this file as {name}?",
        ):
            self._import(files, label_map, unit)
        else:
            self.message.emit("Nothing was imported")

    def _ask_guessed_unit(self, error: str, files: list[Path], label_map: dict[str, str | None],
                          read_as: str, other: str) -> None:  # fmt: skip
        """Which unit a file's offsets count, when they fit the text either way."""
        keep = f"{_UNIT_NAMES[read_as]}, as read"
        said = error.split("; if spans look shifted")[0].replace(
            f"read as {read_as} units", f"read as {_UNIT_NAMES[read_as]}")
        picked = self.window.dialogs.choose(
            "Import: which offsets?",
            f"{textwrap.fill(said, 72)}.\n\nTheir spans fit the text either way. Nothing is"
            " imported yet: read the offsets as",
            [keep, _UNIT_NAMES[other]],
        )
        if picked is None:
            self.message.emit("Nothing was imported")
            return
        self._import(files, label_map, read_as if picked == keep else other)

    def _ask_mapping(self, exc: UnknownLabelsError, files: list[Path],
                     label_map: dict[str, str | None], offsets: str | None) -> None:  # fmt: skip
        """Ask what the unknown names become, then import the same files again."""
        from .dialogs import LabelMapRequest

        request = LabelMapRequest.from_error(exc, self.window.store.schema)
        answer = self.window.dialogs.map_labels(request)
        if answer is None:
            self.message.emit("Labels not mapped: nothing was imported")
            return
        self._import(files, {**label_map, **answer}, offsets)

    def _import_done(self, result: Any) -> None:
        spans = result.spans_added
        text = (f"Imported {len(result):,} document{'s' if len(result) != 1 else ''}"
                f" and {spans:,} span{'s' if spans != 1 else ''}")  # fmt: skip
        if result.skipped or result.notes:
            details = [f"Skipped {line}" for line in result.skipped]
            details += [f"Note: {_without_command_line(line)}" for line in result.notes]
            self.window.dialogs.inform("Import", text + ".\n\n" + "\n".join(details))
        self.message.emit(text)
        self.imported.emit(result)

    # -- export ------------------------------------------------------------------------

    def export(self) -> None:
        from annotator.formats import registry

        from .exporting import export_to, is_folder_format, suggested_name

        if self._refuse_if_busy():
            return
        store, dialogs = self.window.store, self.window.dialogs
        choice = dialogs.export_choice(registry.EXPORT_FORMATS, store.annotators())
        if choice is None:
            return
        fmt, layer = choice.format, choice.layer
        stem = store.path.stem + (f"-{layer}" if layer else "")
        if is_folder_format(fmt):
            target = dialogs.existing_directory(f"Export {fmt} files into a folder")
            if target is not None and not self._into_folder(Path(target)):
                return
        else:
            suggested = str(store.path.parent / suggested_name(fmt, stem))
            target = dialogs.save_file_name(f"Export {fmt}", suggested, "All files (*)")
        if target is None:
            return
        db_path = store.path

        def work(cancelled: threading.Event, report: Callable[[int, str], None]) -> Any:
            return export_to(db_path, fmt, layer, Path(target), cancelled=cancelled,
                             progress=lambda n: report(n, ""))  # fmt: skip

        total = store.document_count() if fmt == "jsonl" else 0  # 0: a busy indicator
        self._start(work, f"Exporting {fmt}…", total,
                    lambda report: self._export_done(fmt, report),
                    "Cannot export", "Nothing was written")  # fmt: skip

    def _into_folder(self, folder: Path) -> bool:
        """True to go on: the folder is empty, or the analyst agrees that the export's
        files go beside what it holds (an earlier export's files stay unless the
        new ones have their names)."""
        try:
            held = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        except OSError:
            return True  # the export says what is wrong with the folder
        if not held:
            return True
        return self.window.dialogs.confirm(
            "Export into a folder",
            f"{folder} already holds {counted(len(held), 'file')}. The export's files go"
            " beside them, replacing those with the same names; files of documents no"
            " longer exported stay.\n\nExport there anyway? (Cancel, then choose or make"
            " an empty folder, to have only this export.)",
        )

    def _export_done(self, fmt: str, report: Any) -> None:
        from .exporting import summary

        self.window.dialogs.inform("Export", summary(fmt, report))
        self.message.emit(f"Exported {fmt} to {report.path}")

    # -- the job and its dialog ------------------------------------------------------------

    def _refuse_if_busy(self) -> bool:
        if self.job is not None:
            self.message.emit("An import or export is running: wait for it or cancel it")
        return self.job is not None

    def _start(self, work: Callable[..., Any], label: str, maximum: int,
               done: Callable[[Any], None], error_title: str, nothing: str,
               unmapped: Callable[[UnknownLabelsError], None] | None = None,
               retry: Callable[[str], bool] | None = None) -> None:  # fmt: skip
        job = Job(work, self)
        progress = QProgressDialog(label, "Cancel", 0, maximum, self.window)
        progress.setObjectName("transferProgress")
        progress.setWindowTitle(error_title.removeprefix("Cannot ").capitalize())
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)  # a quick job never flashes a dialog
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(job.cancel)
        progress.canceled.connect(lambda: progress.setLabelText("Cancelling…"))
        job.step.connect(lambda n, name: self._step(n, name, label))
        job.succeeded.connect(done)

        def failed(text: str) -> None:
            if retry is None or not retry(text):  # else asked once the job is over
                self.window.dialogs.error(error_title, f"{text} ({nothing.lower()})")

        job.failed.connect(failed)
        job.unmapped.connect(unmapped or (lambda exc: failed(str(exc))))
        job.cancelled_signal.connect(lambda: self.message.emit(f"Cancelled: {nothing.lower()}"))
        job.finished.connect(lambda: self._finished(job))
        self.job, self.progress = job, progress
        progress.setValue(0)
        job.start()

    def _step(self, n: int, name: str, label: str) -> None:
        if self.progress is None or self.progress.wasCanceled():
            return
        # The label first: a modal dialog's setValue() handles waiting events, the
        # next step among them, whose label must not be overwritten by this one's.
        if name:
            self.progress.setLabelText(
                "Saving to the database…" if name == "saving" else f"{label}\n{name}"
            )
        if self.progress.maximum() and n <= self.progress.maximum():
            self.progress.setValue(n)

    def _finished(self, job: Job) -> None:
        job.wait()  # "finished" is sent just before run() returns: let the thread end
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
        self.job, self.progress = None, None
        job.deleteLater()
        then, self._then = self._then, None
        if then is not None:
            then()
