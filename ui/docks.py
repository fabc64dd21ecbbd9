"""Panels that live in a dock of the main window, made the first time they are asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from .layout_fit import LayoutFit

P = TypeVar("P", bound=QWidget)


def docked_panel(
    window: QMainWindow,
    make: Callable[[QDockWidget], P],
    kind: type[P],
    name: str,
    title: str,
    dock_name: str,
    area: Qt.DockWidgetArea,
) -> tuple[P, bool]:
    """The window's panel ``name`` and whether it was made now: in a new dock
    (``dock_name``) in ``area``, hidden until shown."""
    existing = window.findChild(kind, name)
    if existing is not None:
        return existing, False
    dock = QDockWidget(title, window)
    dock.setObjectName(dock_name)
    panel = make(dock)
    dock.setWidget(panel)
    if not window.restoreDockWidget(dock):  # where the analyst last left it, if anywhere
        window.addDockWidget(area, dock)
    dock.hide()
    fit = window.findChild(LayoutFit, "layoutFit")
    if fit is not None:  # placed and kept to its share of the window
        fit.watch(dock)
    return panel, True


def dock_of(panel: QWidget) -> QDockWidget:
    dock = panel.parentWidget()
    assert isinstance(dock, QDockWidget)
    return dock
