"""Dragging a span's edge with the mouse.

Over the start or end of an editable span (within ``GRAB_PX`` pixels of it)
the pointer becomes a resize cursor; a press there starts a drag instead of
a selection, the moving edge is shown as a selection while the mouse moves,
and the release stores ONE ``update_span`` (one undo step).  The released
edge snaps to the nearest word edge, as selections do, unless Alt is held.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor

from .editor import Editor
from .snapping import snap_to_words
from .span_index import Entry

GRAB_PX = 3


class Grip(NamedTuple):
    entry: Entry
    edge: str  # "start" or "end"


class EdgeDrag(QObject):
    """An event filter on the article's viewport; ``grip_at`` is what tests ask too."""

    def __init__(self, editor: Editor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.view = editor.view
        self.dragging: Grip | None = None
        self.view.viewport().installEventFilter(self)

    def grip_at(self, point: QPoint) -> Grip | None:
        """The editable span edge within ``GRAB_PX`` of ``point`` (viewport pixels)."""
        index = self.editor.index
        if index is None:
            return None
        pos = self.view.cursorForPosition(point).position()
        for entry in index.at(pos):
            if not self.editor.can_edit(entry.span.annotator):
                continue
            for edge, at in (("start", entry.start), ("end", entry.end)):
                if at == pos and self._near(point, at):
                    return Grip(entry, edge)
        return None

    def edge_point(self, pos: int) -> QPoint:
        """Where the caret at ``pos`` is drawn (the middle of its line)."""
        return self._rect(pos).center()

    def _rect(self, pos: int) -> QRect:
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(pos)
        return self.view.cursorRect(cursor)

    def _near(self, point: QPoint, pos: int) -> bool:
        rect = self._rect(pos)
        close = abs(rect.center().x() - point.x()) <= GRAB_PX
        return close and rect.top() <= point.y() <= rect.bottom()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() == Qt.MouseButton.LeftButton:
                grip = self.grip_at(event.position().toPoint())
                if grip is not None:
                    self.dragging = grip
                    self._show(event)
                    return True
        elif kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent):
            if self.dragging is not None:
                self._show(event)
                return True
            near = self.grip_at(event.position().toPoint()) is not None
            self.view.viewport().setCursor(
                Qt.CursorShape.SizeHorCursor if near else Qt.CursorShape.IBeamCursor
            )
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            if self.dragging is not None:
                self._finish(event)
                return True
        return False

    def _range(self, event: QMouseEvent) -> tuple[int, int]:
        assert self.dragging is not None
        entry, edge = self.dragging
        pos = self.view.cursorForPosition(event.position().toPoint()).position()
        if edge == "start":
            start, end = min(pos, entry.end - 1), entry.end
        else:
            start, end = entry.start, max(pos, entry.start + 1)
        exact = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        if not exact:
            snapped = snap_to_words(self.view.document(), start, end)
            if snapped[0] < snapped[1]:
                start, end = (snapped[0], end) if edge == "start" else (start, snapped[1])
        return start, end

    def _show(self, event: QMouseEvent) -> None:
        start, end = self._range(event)
        self.view.select_range(start, end)

    def _finish(self, event: QMouseEvent) -> None:
        start, end = self._range(event)
        grip, self.dragging = self.dragging, None
        assert grip is not None
        self.editor.set_span_range(grip.entry.span, start, end)
