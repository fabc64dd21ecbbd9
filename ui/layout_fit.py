"""Keeping the article readable whatever panels are open (the window's layout rules).

The article asks for a column of ``MIN_CHARS`` characters as its minimum size
(``DocumentView.minimumSizeHint``), so Qt's own layout shrinks the panels and
docks first when the window is narrow or a dock opens.  What it cannot do alone:

- The side docks (spans, orphans, corpus search) share one column.  When the
  window is not tall enough to stack them, a dock that opens becomes a tab
  beside the span table (and comes to the front) instead of a strip below it.
- A bottom dock (claims) takes at most ``BOTTOM_SHARE`` of the window's height,
  and a side dock at most ``SIDE_SHARE`` of its width, so a dock the analyst
  dragged wide on a big screen gives way when the window is made small.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from .document_view import READING_WIDTH, DocumentView

COMPACT_HEIGHT = 900  # px: below this the side docks are tabbed, not stacked
SIDE_SHARE = 0.4  # of the window's width, at most, for a side dock
BOTTOM_SHARE = 0.4  # of the window's height, at most, for a bottom dock
SPAN_WIDTHS = (300, 470)  # px: the span table's first width, by the room there is
UNLIMITED = 16777215  # Qt's QWIDGETSIZE_MAX
SIDE_AREAS = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea)
BOTTOM_AREAS = (Qt.DockWidgetArea.TopDockWidgetArea, Qt.DockWidgetArea.BottomDockWidgetArea)


class LayoutFit(QObject):
    """Installed once per window (``install``); ``main`` is the dock the others tab with."""

    def __init__(self, window: QMainWindow, main: QDockWidget) -> None:
        super().__init__(window)
        self.setObjectName("layoutFit")
        self.window = window
        self.main = main
        self.sized = False  # the span table is sized when the window first shows
        window.installEventFilter(self)

    def set_main(self, dock: QDockWidget) -> None:
        """The span dock is made again when the window switches database."""
        self.main = dock
        self.watch(dock)

    def watch(self, dock: QDockWidget) -> None:
        """Follow ``dock``: placed when it opens, kept within its share of the window."""
        if dock.property("layoutFitWatched"):
            return
        dock.setProperty("layoutFitWatched", True)

        def shown(visible: bool) -> None:
            if visible:
                self.place(dock)

        dock.visibilityChanged.connect(shown)
        dock.dockLocationChanged.connect(lambda _area: self.clamp())
        dock.topLevelChanged.connect(lambda _floating: self.clamp())
        self.clamp()

    def place(self, dock: QDockWidget) -> None:
        """A side dock opening in a short window goes into a tab beside the span table."""
        area = self.window.dockWidgetArea(dock)
        if (
            dock is self.main
            or dock.isFloating()
            or area not in SIDE_AREAS
            or self.window.tabifiedDockWidgets(dock)
            or not self.main.isVisible()
            or self.main.isFloating()
            or self.window.dockWidgetArea(self.main) != area
            or self.window.height() >= COMPACT_HEIGHT
        ):
            return
        self.window.tabifyDockWidget(self.main, dock)
        dock.raise_()

    def clamp(self) -> None:
        """Each docked dock within its share of the window (floating ones are free)."""
        width, height = self.window.width(), self.window.height()
        for dock in self.window.findChildren(QDockWidget):
            area = self.window.dockWidgetArea(dock)
            wide = dock.isFloating() or area not in SIDE_AREAS
            tall = dock.isFloating() or area not in BOTTOM_AREAS
            least = dock.minimumSizeHint()
            dock.setMaximumWidth(UNLIMITED if wide else max(int(width * SIDE_SHARE), least.width()))
            dock.setMaximumHeight(
                UNLIMITED if tall else max(int(height * BOTTOM_SHARE), least.height())
            )

    def size_main(self) -> None:
        """The span table as wide as leaves the article its reading width, within
        ``SPAN_WIDTHS`` (and Qt keeps the article's minimum whatever is asked)."""
        view = self.window.findChild(DocumentView, "documentView")
        if view is None or self.main.isFloating():
            return
        wanted = READING_WIDTH + view.gutter + view.verticalScrollBar().sizeHint().width()
        least, most = SPAN_WIDTHS
        width = max(least, min(most, self.main.width() + view.width() - wanted))
        self.window.resizeDocks([self.main], [width], Qt.Orientation.Horizontal)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.window and event.type() == QEvent.Type.Resize:
            self.clamp()
        if watched is self.window and event.type() == QEvent.Type.Show and not self.sized:
            self.sized = True
            self.size_main()
        return False


def show_dock(window: QMainWindow, dock: QDockWidget) -> None:
    """Show ``dock`` where it belongs: placed before it is shown, as Qt makes the
    window room for a dock the moment it is shown (a strip below the span table
    can push a short window off the bottom of the screen)."""
    fit = window.findChild(LayoutFit, "layoutFit")
    if fit is not None and not dock.isVisible():
        fit.place(dock)
    dock.show()


def install(window: QMainWindow, main: QDockWidget) -> LayoutFit:
    """The window's ``LayoutFit`` (made the first time), following ``main``."""
    fit = window.findChild(LayoutFit, "layoutFit")
    if fit is None:
        fit = LayoutFit(window, main)
    fit.set_main(main)
    return fit
