"""Undo and redo over the append-only history, without any mutable state.

Every change is an event with a ``before`` and an ``after`` state: a mapping of
table name to the rows it touched (``{"spans": [...], "relations": [...]}``).
Undoing an event moves the data from its ``after`` back to its ``before``;
redoing moves it forward again.  Undo and redo are themselves appended as
events (``action`` ``undo``/``redo``, ``ref`` the event they act on), so which
event the next undo or redo applies to is derived by walking one analyst's
events backwards, never stored.

An analyst whose next undo conflicts (someone changed those rows since) may
``skip`` it: a ``skip`` event hides that change from undo like an undo would,
changes no data, and, like a new change, leaves nothing to redo.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

UNDOABLE = frozenset(
    {
        "add_span", "add_spans", "update_span", "delete_span", "add_relation",
        "delete_relation", "rename_document", "delete_document", "set_done",
        "adjudicate", "merge",
        "replace_text", "confirm_anchor", "place_orphan", "drop_orphan",
    }
)  # fmt: skip

# Tables in the order rows must be written (a child after its parent).
TABLES = ("documents", "revisions", "document_status", "spans", "relations", "review_decisions",
          "relation_decisions")

# The columns a history state may hold, per table.
TABLE_COLUMNS = {
    "documents": ("id", "uid", "title", "source", "text", "text_sha256", "length", "meta",
                  "created_at"),
    "document_status": ("id", "document_id", "annotator", "done", "updated_at"),
    "spans": ("id", "document_id", "annotator", "label", "start", "end", "text", "note",
              "attributes", "origin", "created_at", "updated_at", "orphan_revision"),
    "revisions": ("id", "document_id", "number", "text", "text_sha256", "length", "replaced_at",
                  "replaced_by"),
    "relations": ("id", "document_id", "annotator", "type", "from_span", "to_span",
                  "attributes", "created_at"),
    "review_decisions": ("id", "document_id", "gold", "a_span", "b_span", "gold_span",
                         "gold_span_2", "decision", "comment", "by", "created_at"),
    "relation_decisions": ("id", "document_id", "gold", "a_relation", "b_relation",
                           "gold_relation", "gold_relation_2", "decision", "comment", "by",
                           "created_at"),
}  # fmt: skip

State = dict[str, list[dict[str, Any]]]


def undo_target(events_newest_first: Iterable[tuple[int, str, int | None]]) -> int | None:
    """Id of the event the next undo reverts, given ``(id, action, ref)`` rows.

    Walking back, each undo hides one earlier change; a change or redo that is
    not hidden is the top of the undo stack (a redo's target is its ``ref``).
    """
    hidden = 0
    for event_id, action, ref in events_newest_first:
        if action in ("undo", "skip"):
            hidden += 1
        elif action in UNDOABLE or action == "redo":
            if hidden == 0:
                return ref if action == "redo" else event_id
            hidden -= 1
    return None


def redo_target(events_newest_first: Iterable[tuple[int, str, int | None]]) -> int | None:
    """Id of the event the next redo re-applies, or None.

    A new change empties the redo stack; each redo consumes one undo.
    """
    consumed = 0
    for _event_id, action, ref in events_newest_first:
        if action == "redo":
            consumed += 1
        elif action == "undo":
            if consumed == 0:
                return ref
            consumed -= 1
        elif action in UNDOABLE or action == "skip":
            return None
    return None


def rows_by_id(state: State, table: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in state.get(table, [])}
