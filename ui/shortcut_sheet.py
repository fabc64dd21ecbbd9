"""The shortcut sheet (F1 or ?), made from the window's real actions.

Every row comes from the action registry's QActions as built (their text and
their ``shortcuts()``), so the sheet cannot drift from what the keys do; the
label keys come from the database's schema the same way.  A second section,
"In the review window", comes from the review window's registry
(``review_actions.REVIEW_KEYS``), imported only when a sheet is made.

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


REVIEW_TITLE = "In the review window"


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
        if menu is None and spec.name.startswith(("tag_exact_", "tag_all_", "tag_", "attr_value_")):
            menu = "Tag"
        text = actions[spec.name].text().replace("&", "").removesuffix("…")
        rows.append((order.get(menu or "", len(order)), n,
                     Binding(menu or "", text, ", ".join(keys), spec.where)))  # fmt: skip
    return [row for *_, row in sorted(rows, key=lambda r: (r[0], r[1]))]


def review_bindings() -> list[tuple[str, str]]:
    """``(keys, action)`` of the review window, keys as Qt shows them, in REVIEW_KEYS order."""
    from .review_actions import REVIEW_KEYS

    portable = QKeySequence.SequenceFormat.PortableText
    return [(", ".join(QKeySequence(k).toString(portable) for k in keys),
             text.replace("&", "").removesuffix("…")) for _, text, keys in REVIEW_KEYS]  # fmt: skip


def _code(keys: str) -> str:
    return ", ".join(f"`{k.strip()}`" for k in keys.split(", "))


def markdown(rows: Sequence[Binding]) -> str:
    lines = ["| Keys | Action | Menu | Where |", "|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {_code(row.keys)} | {row.action} | {row.menu} | {row.where} |")
    lines += ["", MOUSE, "", f"### {REVIEW_TITLE}", "", "| Keys | Action |", "|---|---|"]
    lines += [f"| {_code(keys)} | {action} |" for keys, action in review_bindings()]
    return "\n".join(lines) + "\n"


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
        for r, row in enumerate(rows):
            for c, value in enumerate((row.keys, row.action, row.menu, row.where)):
                self.table.setItem(r, c, QTableWidgetItem(value))
        note = QLabel(MOUSE, self)
        note.setWordWrap(True)
        review = review_bindings()
        self.review_table = QTableWidget(len(review), 2, self)
        self.review_table.setObjectName("reviewShortcutTable")
        self.review_table.setAccessibleName(REVIEW_TITLE)
        self.review_table.setHorizontalHeaderLabels(["Keys", "Action"])
        for r, pair in enumerate(review):
            for c, value in enumerate(pair):
                self.review_table.setItem(r, c, QTableWidgetItem(value))
        for table in (self.table, self.review_table):
            table.verticalHeader().setVisible(False)
            table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setAlternatingRowColors(True)
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 3)
        layout.addWidget(note)
        layout.addWidget(QLabel(f"<b>{REVIEW_TITLE}</b> (Review ▸ Review two analysts…)", self))
        layout.addWidget(self.review_table, 2)
        self.resize(760, 760)

    def rows(self) -> list[Binding]:
        rows = []
        for r in range(self.table.rowCount()):
            cells = (self.table.item(r, c) for c in range(4))
            keys, action, menu, where = (cell.text() if cell else "" for cell in cells)
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
