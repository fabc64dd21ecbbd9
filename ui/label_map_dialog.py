"""The dialog an import shows when a file's labels are not the database's: one
combo box per unknown label (and relation type), first guesses preselected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from .dialogs import LabelMapRequest

CHOOSE = object()  # the placeholder: OK waits until every row has a real choice
SKIP_SPANS = "Skip spans with this label"
SKIP_RELATIONS = "Skip relations of this type"
MAX_VISIBLE_ROWS = 12  # more rows scroll
Option = tuple[str, str, "QIcon | None"]  # the entry's text, the schema's name, a swatch


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelMapDialog(QDialog):
    def __init__(self, request: LabelMapRequest, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("labelMapDialog")
        self.setWindowTitle("Map imported labels")
        self.request = request
        # Each row: the imported name, its combo box, and what each entry means.
        self.rows: list[tuple[str, QComboBox, dict[int, object]]] = []
        headline = QLabel(request.headline + ".", self)
        headline.setObjectName("labelMapHeadline")
        headline.setWordWrap(True)
        font = headline.font()
        font.setBold(True)
        headline.setFont(font)
        grid_host = QWidget(self)
        grid = QGridLayout(grid_host)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(1, 1)
        schema = request.schema
        labels: list[Option] = [(f"{lab.name}   (key {lab.key})", lab.name, _swatch(lab.color))
                                 for lab in schema.labels]  # fmt: skip
        types: list[Option] = [(f"{rel.type}   ({rel.from_label} → {rel.to_label})", rel.type,
                                None) for rel in schema.relations]  # fmt: skip
        for heading, names, options, choose, skip in (
            ("Labels in the file", request.labels, labels, "Choose a label…", SKIP_SPANS),
            ("Relation types in the file", request.relation_types, types,
             "Choose a relation type…", SKIP_RELATIONS),
        ):  # fmt: skip
            if not names:
                continue
            title = QLabel(f"<b>{heading}</b>", grid_host)
            grid.addWidget(title, grid.rowCount(), 0)
            grid.addWidget(QLabel("<b>becomes</b>", grid_host), grid.rowCount() - 1, 1)
            for name, guess in names.items():
                combo, targets = self._combo(options, choose, skip, guess, grid_host)
                row = grid.rowCount()
                source = QLabel(name, grid_host)
                source.setTextFormat(Qt.TextFormat.PlainText)  # a file's name is not markup
                source.setBuddy(combo)
                grid.addWidget(source, row, 0)
                grid.addWidget(combo, row, 1)
                self.rows.append((name, combo, targets))
        scroll = QScrollArea(self)
        scroll.setWidget(grid_host)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        visible = min(len(self.rows), MAX_VISIBLE_ROWS) + 2  # + the headings
        row_height = self.rows[0][1].sizeHint().height() + 6
        scroll.setMinimumHeight(min(grid_host.sizeHint().height(), visible * row_height))
        scroll.setMinimumWidth(grid_host.sizeHint().width() + 24)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        hint = QLabel("Nothing has been imported yet: Import uses these choices, Cancel"
                      " leaves the database as it is.", self)  # fmt: skip
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addSpacing(6)
        layout.addWidget(scroll)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self._update_ok()
        unset = [combo for _name, combo, targets in self.rows
                 if self._target(combo, targets) is CHOOSE]  # fmt: skip
        first = unset[0] if unset else self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if first is not None:
            first.setFocus()

    def _combo(
        self, options: list[Option], choose: str, skip: str, guess: str | None, parent: QWidget
    ) -> tuple[QComboBox, dict[int, object]]:
        combo = QComboBox(parent)
        targets: dict[int, object] = {0: CHOOSE}
        preselected = 0
        combo.addItem(choose)
        for text, name, icon in options:
            if guess == name:
                preselected = combo.count()
            targets[combo.count()] = name
            combo.addItem(icon or QIcon(), text)
        combo.insertSeparator(combo.count())
        targets[combo.count()] = None
        combo.addItem(skip)
        combo.setCurrentIndex(preselected)
        combo.currentIndexChanged.connect(self._update_ok)
        return combo, targets

    def _target(self, combo: QComboBox, targets: dict[int, object]) -> object:
        return targets.get(combo.currentIndex(), CHOOSE)

    def _update_ok(self) -> None:
        ready = all(self._target(combo, targets) is not CHOOSE
                    for _name, combo, targets in self.rows)  # fmt: skip
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def label_map(self) -> dict[str, str | None]:
        """Each imported name and what it becomes (None: skipped)."""
        chosen = {name: self._target(combo, targets) for name, combo, targets in self.rows}
        return {name: str(to) if to is not None else None
                for name, to in chosen.items() if to is not CHOOSE}  # fmt: skip
