"""The shortcut sheet (F1 or ?), made from the window's real actions.

Every row comes from the action registry's QActions as built (their text and
their ``shortcuts()``), so the sheet cannot drift from what the keys do; the
label keys come from the database's schema the same way.

    python -m ui.shortcut_sheet --markdown [--out ui/shortcuts.md]

prints the same rows as a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .actions import MENUS, ActionSpec

MOUSE = (
    "Mouse: select text and press a label key or click the palette; drag a span's edge to "
    "resize it (Alt: no snapping to words); double-click a note in the span table to edit it; "
    "Ctrl+wheel zooms."
)


class Binding(NamedTuple):
    menu: str
    action: str
    keys: str
    where: str


def _menus() -> dict[str, str]:
    """Action name (or list name) -> the menu it is in."""
    found = {}
    for title, entries in MENUS:
        for entry in entries:
            if entry is not None:
                found[entry] = title.replace("&", "")
    return found


def bindings(specs: Sequence[ActionSpec], actions: Mapping[str, QAction]) -> list[Binding]:
    """Every action with at least one shortcut, in menu order, keys as Qt has them."""
    menus = _menus()
    order = {title.replace("&", ""): n for n, (title, _) in enumerate(MENUS)}
    rows = []
    for n, spec in enumerate(specs):
        keys = [k.toString(QKeySequence.SequenceFormat.PortableText)
                for k in actions[spec.name].shortcuts()]  # fmt: skip
        if not keys:
            continue
        menu = menus.get(spec.name)
        if menu is None and spec.name.startswith(("tag_exact_", "tag_all_", "tag_")):
            menu = "Tag"
        text = actions[spec.name].text().replace("&", "").removesuffix("…")
        rows.append((order.get(menu or "", len(order)), n,
                     Binding(menu or "", text, ", ".join(keys), spec.where)))  # fmt: skip
    return [row for *_, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def markdown(rows: Sequence[Binding]) -> str:
    lines = ["| Keys | Action | Menu | Where |", "|---|---|---|---|"]
    for row in rows:
        keys = ", ".join(f"`{k.strip()}`" for k in row.keys.split(", "))
        lines.append(f"| {keys} | {row.action} | {row.menu} | {row.where} |")
    return "\n".join(lines) + "\n\n" + MOUSE + "\n"


class ShortcutSheet(QDialog):
    """A table of every binding; not modal, so it can stay open beside the article."""

    def __init__(self, rows: Sequence[Binding], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 4, self)
        self.table.setObjectName("shortcutTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "Action", "Menu", "Where"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        for r, row in enumerate(rows):
            for c, value in enumerate((row.keys, row.action, row.menu, row.where)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        note = QLabel(MOUSE, self)
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        self.resize(760, 640)

    def rows(self) -> list[Binding]:
        rows = []
        for r in range(self.table.rowCount()):
            keys, action, menu, where = (self.table.item(r, c).text() for c in range(4))
            rows.append(Binding(menu, action, keys, where))
        return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ui.shortcut_sheet",
                                     description="Print every key binding of the window.")
    parser.add_argument("--markdown", action="store_true", help="a Markdown table (the default)")
    parser.add_argument("--out", type=Path, default=None, help="write to this file")
    args = parser.parse_args(argv)
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from annotator.store import open_store

    from .dialogs import ScriptedDialogs
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "keys.db") as store:
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(store, analyst="analyst", dialogs=ScriptedDialogs(),
                            settings=settings)  # fmt: skip
        text = markdown(window.bindings())
        window.close()
        window.deleteLater()
    app.processEvents()
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
        print(f"Wrote {args.out}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
