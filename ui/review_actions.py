"""The review window's keys, declared once and bound to the ``ReviewController``.

Plain letters act anywhere in the review window except while typing in the
gold layer's name field (Qt lets a focused line edit keep its typing).
``REVIEW_KEYS`` is also the review's part of the shortcut sheet.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from .actions import ActionSpec, build_actions
from .review_controller import ReviewController

# (name, text, shortcuts); the controller method of the same name does it.
REVIEW_KEYS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("accept_left", "Accept &left (A's span)", ("A", "Ctrl+1")),
    ("accept_right", "Accept &right (B's span)", ("B", "Ctrl+2")),
    ("accept_both", "Accept &both spans", ("T", "Ctrl+3")),
    ("reject", "Re&ject the pair", ("X", "Delete")),
    ("edit", "&Edit: accept the boundaries selected in a pane", ("E",)),
    ("undecide", "&Clear the pair's decision", ("Backspace",)),
    ("comment", "C&omment on the pair…", ("C",)),
    ("next_disagreement", "&Next disagreement", ("N", "F8")),
    ("previous_disagreement", "&Previous disagreement", ("Shift+N", "Shift+F8")),
    ("accept_all_matches", "Accept all &matches", ("Ctrl+Shift+A",)),
    ("undo", "&Undo", ("Ctrl+Z",)),
    ("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y")),
    ("export_csv", "E&xport the numbers as CSV…", ("Ctrl+Shift+E",)),
    ("reload", "Re&load the layers", ("F5",)),
)


def review_action_specs(controller: ReviewController) -> list[ActionSpec]:
    return [
        ActionSpec(name, text, keys, getattr(controller, name)) for name, text, keys in REVIEW_KEYS
    ]


def build_review_actions(window: QWidget, controller: ReviewController) -> dict[str, QAction]:
    """Window-wide QActions on the review window, named ``action_review_<name>``."""
    actions = build_actions(window, {}, review_action_specs(controller))  # none is scoped
    for name, action in actions.items():
        action.setObjectName(f"action_review_{name}")
    return actions


def shortcut_sheet() -> list[tuple[str, str]]:
    """``(keys, what they do)`` for the shortcut sheet."""
    return [(" / ".join(keys), text.replace("&", "")) for _, text, keys in REVIEW_KEYS]
