"""What ``app.run()`` attaches to the window: live refresh and rolling backups.

Not in ``MainWindow.__init__``: tests and scripts build many windows and want
neither timers nor backup threads.  Both follow File ▸ Open: the live refresh
watches whichever Store the window has (``LiveRefresh.check`` notices the
switch), and each database the window switches to (``store_changed``) gets a
backup of its own after the rebuilt window's first paint, like the first one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from .backups import KEEP, PendingBackup, start_after_first_paint
from .live_refresh import DEFAULT_INTERVAL_MS, LiveRefresh, install_live_refresh

if TYPE_CHECKING:
    from .main_window import MainWindow


class WindowServices(QObject):
    """The window's live refresh and its backups (a Qt child: ``findChild`` finds it)."""

    def __init__(self, window: MainWindow, interval_ms: int, keep: int) -> None:
        super().__init__(window)
        self.setObjectName("windowServices")
        self.window = window
        self.keep = keep
        self.live: LiveRefresh = install_live_refresh(window, interval_ms)
        self.backups: list[PendingBackup] = []
        self._back_up()
        window.store_changed.connect(lambda _store: self._back_up())

    def _back_up(self) -> None:
        self.backups.append(start_after_first_paint(self.window, self.keep))

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the backups under way (tests; the process waits for them at exit)."""
        for pending in self.backups:
            if pending.thread is not None:
                pending.thread.join(timeout)


def start_window_services(
    window: MainWindow, *, interval_ms: int = DEFAULT_INTERVAL_MS, keep: int = KEEP
) -> WindowServices:
    """Poll ``window``'s database every ``interval_ms``; back it up after its first paint."""
    return WindowServices(window, interval_ms, keep)
