"""The layers panel (``layersPanel``): one row per analyst with spans, shown or hidden.

The current analyst's layer is editable; the others are read-only until a
lead chooses "Edit this layer" on one (edits are then recorded as the current
analyst's, ``by=``).  A hidden layer is neither painted nor listed in the
span table.  Counts are the spans in the open document, and in the whole
database in the tooltip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.display_text import counted
from annotator.store import Store

from .editor import Editor

Index = QModelIndex | QPersistentModelIndex
ANALYST = Qt.ItemDataRole.UserRole + 1


class LayerModel(QAbstractListModel):
    """Rows of analysts; the check box shows or hides a layer."""

    visibility_changed = Signal(str, bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: list[str] = []
        self.current = ""
        self.hidden: set[str] = set()
        self.unlocked: set[str] = set()
        self.here: dict[str, int] = {}  # spans in the open document
        self.total: dict[str, int] = {}  # spans in the database

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._names):
            return None
        name = self._names[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{name} · {self.here.get(name, 0):,} · {self.access(name)}"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Unchecked if name in self.hidden else Qt.CheckState.Checked
        if role == ANALYST:
            return name
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{name}: {counted(self.here.get(name, 0), 'span')} in this document, "
                f"{self.total.get(name, 0):,} in the database; {self.access(name)}"
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable)  # fmt: skip

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        name = self._names[index.row()]
        visible = Qt.CheckState(value) == Qt.CheckState.Checked
        if visible == (name not in self.hidden):
            return False
        if visible:
            self.hidden.discard(name)
        else:
            self.hidden.add(name)
        self.dataChanged.emit(index, index)
        self.visibility_changed.emit(name, visible)
        return True

    def access(self, name: str) -> str:
        if name == self.current:
            return "yours"
        return "editable by you" if name in self.unlocked else "read-only"

    def set_names(self, names: list[str], current: str) -> None:
        self.beginResetModel()
        self.current = current
        self._names = [current] + sorted((n for n in set(names) if n != current), key=str.casefold)
        self.endResetModel()

    def set_counts(self, here: dict[str, int], total: dict[str, int] | None = None) -> None:
        self.here = dict(here)
        if total is not None:
            self.total = dict(total)
        missing = [n for n in here if n not in self._names and here[n]]
        if missing:
            self.set_names(self._names + missing, self.current)
        elif self._names:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._names) - 1, 0))

    def name_at(self, row: int) -> str:
        return self._names[row]

    def row_of(self, name: str) -> int | None:
        return self._names.index(name) if name in self._names else None


class LayersPanel(QWidget):
    def __init__(self, model: LayerModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("layersPanel")
        self.setAccessibleName("Layers: analysts' spans, shown or hidden")
        self.model = model
        title = QLabel("Layers", self)
        title.setObjectName("layersTitle")
        self.view = QListView(self)
        self.view.setObjectName("layerList")
        self.view.setAccessibleName("Layers")
        self.view.setModel(model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.edit_button = QToolButton(self)
        self.edit_button.setObjectName("editLayerButton")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 4)
        layout.setSpacing(3)
        layout.addWidget(title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.edit_button)

    def set_edit_action(self, action: QAction) -> None:
        self.edit_button.setDefaultAction(action)
        self.view.addAction(action)

    def selected(self) -> str | None:
        index = self.view.currentIndex()
        return self.model.name_at(index.row()) if index.isValid() else None

    def select(self, name: str) -> None:
        row = self.model.row_of(name)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, 0))


class Layers(QObject):
    """Keeps the panel, the editor's hidden and unlocked layers, and the action in step."""

    editable_changed = Signal(bool)  # the selected layer's state, for the checkable action
    message = Signal(str)

    def __init__(self, store: Store, editor: Editor, panel: LayersPanel,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.store = store
        self.editor = editor
        self.panel = panel
        self.model = panel.model
        self.model.visibility_changed.connect(self._visibility_changed)
        panel.view.selectionModel().currentChanged.connect(lambda *_: self._selection_changed())
        editor.layers_changed.connect(self._counts_changed)
        self._counted: int | None = None  # the document the counts "here" are of

    def refresh(self) -> None:
        """Analysts and database totals from the Store (after an open, import or undo)."""
        totals: dict[str, int] = {}
        for per_analyst in self.store.stats().values():
            for name, n in per_analyst.items():
                totals[name] = totals.get(name, 0) + n
        selected = self.panel.selected()
        self.model.hidden = set(self.editor.hidden)
        self.model.unlocked = set(self.editor.unlocked)
        self.model.set_names(list(totals), self.editor.analyst)
        self.model.set_counts(self.editor.layer_counts(), totals)
        self._counted = self._open_id()
        self.panel.select(selected if selected in totals else self.editor.analyst)
        self._selection_changed()

    def set_visible(self, name: str, visible: bool) -> None:
        row = self.model.row_of(name)
        if row is not None:
            state = Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked
            self.model.setData(self.model.index(row, 0), state, Qt.ItemDataRole.CheckStateRole)

    def toggle_editable(self) -> None:
        """Edit this layer: the selected analyst's spans become editable (or read-only again)."""
        name = self.panel.selected()
        if name is None or name == self.editor.analyst:
            self.message.emit("Your own layer is always editable: choose another in Layers")
            self.editable_changed.emit(name == self.editor.analyst)
            return
        editable = name not in self.editor.unlocked
        self.editor.set_unlocked(name, editable)
        self.model.unlocked = set(self.editor.unlocked)
        self.model.set_counts(self.model.here)
        self.editable_changed.emit(editable)
        self.message.emit(
            f"Editing {name}'s layer: your changes are recorded as {self.editor.analyst}'s"
            if editable else f"{name}'s layer is read-only again"
        )  # fmt: skip

    def _open_id(self) -> int | None:
        return self.editor.document.id if self.editor.document is not None else None

    def _counts_changed(self, counts: dict[str, int]) -> None:
        """The open document's counts changed (an edit), or another one opened; an
        edit changes the database totals by as much as the document's counts."""
        self.model.hidden = set(self.editor.hidden)  # tagging shows a hidden own layer
        self.model.unlocked = set(self.editor.unlocked)
        opened = self._open_id()
        if opened is None or opened != self._counted:
            self._counted = opened
            self.model.set_counts(counts)
            return
        here, total = self.model.here, dict(self.model.total)
        for name in set(counts) | set(here):
            total[name] = total.get(name, 0) + counts.get(name, 0) - here.get(name, 0)
        self.model.set_counts(counts, total)

    def _visibility_changed(self, name: str, visible: bool) -> None:
        hidden = set(self.editor.hidden)
        if visible:
            hidden.discard(name)
        else:
            hidden.add(name)
        self.editor.set_hidden(hidden)

    def _selection_changed(self) -> None:
        name = self.panel.selected()
        self.editable_changed.emit(name is not None and
                                   (name == self.editor.analyst or name in self.editor.unlocked))
