"""Shared fixtures.  Qt runs offscreen; nothing here imports Qt until a GUI test asks."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import inspect  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from weakref import WeakKeyDictionary  # noqa: E402

import pytest  # noqa: E402

from annotator.store import Store, open_store  # noqa: E402


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "annotations.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with open_store(db_path) as opened:
        yield opened


@pytest.fixture
def dialogs() -> Any:
    """A dialog service that answers every confirmation with yes and records prompts."""
    from ui.dialogs import ScriptedDialogs

    return ScriptedDialogs()


@pytest.fixture
def make_window(qtbot: Any, dialogs: Any) -> Callable[..., Any]:
    """Build a ``MainWindow`` on a store, shown and registered with qtbot."""
    from ui.main_window import MainWindow

    def make(on: Store, *, analyst: str = "alice", document_id: int | None = None) -> Any:
        window = MainWindow(on, analyst=analyst, dialogs=dialogs)
        qtbot.addWidget(window)
        if document_id is not None:
            window.open_document(document_id)
        window.show()
        qtbot.waitExposed(window)
        # Shortcuts fire only in the active window, for the focused widget.
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.view.setFocus()
        return window

    return make


class Analyst:
    """Drives a window as an analyst would.

    Selections are set through ``QTextCursor`` in Qt's UTF-16 positions and keys
    are sent with ``QTest.keyClick`` (ASCII keys only: ``keyClicks`` aborts the
    process on non-ASCII text).
    """

    def __init__(self, qtbot: Any, window: Any) -> None:
        self.qtbot = qtbot
        self.window = window
        self.view = window.view

    def select(self, start: int, end: int) -> None:
        from PySide6.QtGui import QTextCursor

        self.view.setFocus()
        cursor = self.view.textCursor()
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.view.setTextCursor(cursor)

    def caret(self, pos: int) -> None:
        self.select(pos, pos)

    def press(self, key: Any, modifiers: Any = None, widget: Any = None) -> None:
        from PySide6.QtCore import Qt

        target = widget if widget is not None else self.window.focusWidget() or self.view
        self.qtbot.keyClick(target, key, modifiers or Qt.KeyboardModifier.NoModifier)

    def selection(self) -> tuple[int, int]:
        return self.view.selection()


@pytest.fixture
def analyst_at(qtbot: Any) -> Callable[[Any], Analyst]:
    return lambda window: Analyst(qtbot, window)


@pytest.fixture(autouse=True)
def _temporary_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    """GUI tests keep the window's settings (QSettings, INI) in their own folder.

    ``ui.settings.app_settings()`` is the one place the window takes them from;
    redirecting the user scope here means no test reads or writes the real ones.
    """
    if "qtbot" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qt"))
    yield


@pytest.fixture
def settings_dir(tmp_path: Path) -> Path:
    """Where ``app_settings()`` writes during a GUI test."""
    return tmp_path / "qt"


@pytest.fixture(autouse=True)
def _dangling_qthreads(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Fail any GUI test that leaves a QThread running (after napari's fixture).

    Only tests that use qtbot are watched, so core tests never import Qt.
    """
    if "qtbot" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QThread

    qtbot = request.getfixturevalue("qtbot")  # set up first, so torn down after this
    started: WeakKeyDictionary[Any, str] = WeakKeyDictionary()
    original_start = QThread.start

    def start(self: Any, *args: Any) -> None:
        caller = inspect.stack()[1]
        started[self] = f"{caller.filename}:{caller.lineno}"
        original_start(self, *args)

    monkeypatch.setattr(QThread, "start", start)
    yield
    dangling = []
    for thread, where in list(started.items()):
        try:
            running = thread.isRunning()
        except RuntimeError:  # the C++ object is gone, so is the thread
            continue
        if running:
            dangling.append(where)
            thread.quit()
            qtbot.waitUntil(thread.isFinished, timeout=5000)
    if dangling:
        pytest.fail("a QThread was left running, started at: " + ", ".join(dangling))


# -- the command-line tests' starting points (tests/cli_helpers.py) ---------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Where a command-line test's database goes (not created yet)."""
    return tmp_path / "team.db"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    from cli_helpers import write_article

    return write_article(tmp_path)


@pytest.fixture
def team_db(db: Path) -> Path:
    from cli_helpers import build_team_db

    return build_team_db(db)
