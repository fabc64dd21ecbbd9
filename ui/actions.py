"""The window's actions, built in one registry rather than in the window.

Each action is declared once (name, text, shortcuts, where it is active) and
bound to an ``Editor`` or ``Search`` method.  Label actions come from the
schema: its key tags, Alt+key tags the exact selection, Ctrl+Shift+key tags
every search match.  Text fields (search box, analyst box, note editor) keep
their own typing: Qt lets a focused line edit override plain-key shortcuts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from annotator.model import Schema

from .editor import Editor
from .search import Search


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple[str, ...]
    handler: Callable[[], object]
    view_only: bool = False  # active only while the article has focus


def action_specs(
    schema: Schema, editor: Editor, search: Search, focus_search: Callable[[], None]
) -> list[ActionSpec]:
    specs = [
        ActionSpec("undo", "&Undo", ("Ctrl+Z",), editor.undo),
        ActionSpec("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), editor.redo),
        ActionSpec("find", "&Find…", ("Ctrl+F",), focus_search),
        ActionSpec(
            "find_next", "Find &next", ("Return", "Enter", "F3"), search.find, view_only=True
        ),
        ActionSpec(
            "find_previous",
            "Find &previous",
            ("Shift+Return", "Shift+Enter", "Shift+F3"),
            lambda: search.find(backwards=True),
            view_only=True,
        ),
        ActionSpec("delete_span", "&Delete span at caret", ("Delete",), editor.delete),
        ActionSpec("next_span", "Ne&xt span", ("Tab",), editor.select_next, view_only=True),
        ActionSpec(
            "previous_span",
            "Pre&vious span",
            ("Shift+Tab", "Shift+Backtab", "Backtab"),
            lambda: editor.select_next(backwards=True),
            view_only=True,
        ),
    ]
    for label in schema.labels:
        name, key = label.name, label.key
        specs += [
            ActionSpec(f"tag_{name}", f"Tag as {name}", (key,), partial(editor.tag, name)),
            ActionSpec(
                f"tag_exact_{name}",
                f"Tag exact selection as {name}",
                (f"Alt+{key}",),
                partial(editor.tag, name, exact=True),
            ),
            ActionSpec(
                f"tag_all_{name}",
                f"Tag all matches as {name}",
                (f"Ctrl+Shift+{key}",),
                partial(search.tag_all, name),
            ),
        ]
    return specs


def build_actions(window: QWidget, view: QWidget, specs: list[ActionSpec]) -> dict[str, QAction]:
    """QActions for ``specs``: window-wide ones on ``window``, view-only ones on ``view``."""
    actions: dict[str, QAction] = {}
    for spec in specs:
        owner = view if spec.view_only else window
        action = QAction(spec.text, owner)
        action.setObjectName(f"action_{spec.name}")
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut if spec.view_only
            else Qt.ShortcutContext.WindowShortcut
        )  # fmt: skip
        action.triggered.connect(lambda _=False, run=spec.handler: run())
        owner.addAction(action)
        actions[spec.name] = action
    return actions
