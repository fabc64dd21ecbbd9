"""Table models of the review: the diff (one row per pair or lone span, then one per
pair or lone relation) and the numbers.

Thin adapters over a Qt-free ``ReviewSession``: the diff model keeps only the
list of session rows its filter lets through, so 10,000 pairs cost one list;
the agreement model shows ``document_agreement``'s result as it is.  How a
relation row reads is in ``review_relation_rows.py``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from annotator import display_text
from annotator.adjudication import (
    ACCEPT_A,
    ACCEPT_B,
    ACCEPT_BOTH,
    EDIT,
    PENDING,
    REJECT,
    ReviewSession,
)
from annotator.review import (
    BOUNDARY_MISMATCH,
    CATEGORIES,
    LABEL_MISMATCH,
    MATCH,
    ONLY_A,
    ONLY_B,
    OVERLAP_MISMATCH,
)

from . import review_relation_rows as relation_rows
from .review_relation_rows import RELATION_COLOURS, RELATION_FILTERS, RELATION_NAMES, RELATIONS
from .table_model import ColumnsModel, bold_font

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole

DIFF_COLUMNS = ("Category", "Label A", "Text A", "Label B", "Text B", "Decision", "Gold",
                "Comment")  # fmt: skip
CATEGORY, LABEL_A, TEXT_A, LABEL_B, TEXT_B, DECISION, GOLD, COMMENT = range(len(DIFF_COLUMNS))
CATEGORY_NAMES = {
    MATCH: "match", LABEL_MISMATCH: "label mismatch", BOUNDARY_MISMATCH: "boundary mismatch",
    OVERLAP_MISMATCH: "overlap mismatch", ONLY_A: "only A", ONLY_B: "only B",
}  # fmt: skip
CATEGORY_COLOURS = {
    MATCH: "#2ca02c", LABEL_MISMATCH: "#ff7f0e", BOUNDARY_MISMATCH: "#bcbd22",
    OVERLAP_MISMATCH: "#d62728", ONLY_A: "#1f77b4", ONLY_B: "#9467bd",
}  # fmt: skip
DECISION_NAMES = {
    ACCEPT_A: "accepted A", ACCEPT_B: "accepted B", ACCEPT_BOTH: "accepted both",
    REJECT: "rejected", EDIT: "edited", PENDING: "commented",
}  # fmt: skip
STALE_NAME = "decided on an earlier version — review again"
# Translucent: a light tint on light paper and a dark one on the dark theme's.
ACCEPTED_TINT = QColor(44, 160, 44, 40)
REJECTED_TINT = QColor(214, 39, 40, 40)

# Filters: every row, the disagreements, the rows without a verdict, or one category
# (span categories show span rows; "relations" and the relation categories, relation rows).
ALL, DISAGREEMENTS, UNDECIDED = "all", "disagreements", "undecided"
FILTERS = (ALL, DISAGREEMENTS, UNDECIDED, *CATEGORIES, RELATIONS, *RELATION_FILTERS)


def one_line(text: str, limit: int = 120) -> str:
    return display_text.one_line(text, limit)


class DiffTableModel(ColumnsModel):
    """The pairs of a ``ReviewSession`` that pass the filter, in document order."""

    COLUMNS = DIFF_COLUMNS

    def __init__(self, colours: Mapping[str, str], parent: Any = None) -> None:
        super().__init__(parent)
        self._colours = {label: QColor(c) for label, c in colours.items()}
        self.session: ReviewSession | None = None
        self.filter = ALL
        self._rows: list[int] = []  # session rows shown, ascending

    # -- the Qt model protocol -------------------------------------------------------

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or self.session is None:
            return None
        row = self._rows[index.row()]
        column = index.column()
        if row >= len(self.session.pairs):
            return self._relation_data(row, column, role)
        pair = self.session.pairs[row]
        if role == DISPLAY:
            return self._text(row, column)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == CATEGORY:
                return QColor(CATEGORY_COLOURS[pair.category])
            span = pair.a if column == LABEL_A else pair.b if column == LABEL_B else None
            return self._colours.get(span.label, QColor("#999999")) if span else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        return self._shared_data(row, column, role)

    def _relation_data(self, row: int, column: int, role: int) -> Any:
        session = self.session
        assert session is not None
        pair = session.relation_at(row)
        assert pair is not None
        if role == DISPLAY:
            if column == CATEGORY:
                return RELATION_NAMES[pair.category]
            if column in (LABEL_A, TEXT_A, LABEL_B, TEXT_B):
                rel = pair.a if column in (LABEL_A, TEXT_A) else pair.b
                if rel is None:
                    return ""
                if column in (LABEL_A, LABEL_B):
                    return rel.type
                return relation_rows.ends(session, rel)
            if column == DECISION:
                return relation_rows.decision_name(session, row, DECISION_NAMES)
            if column == COMMENT:
                decision = session.decision_at(row)
                return one_line(decision.comment or "") if decision else ""
            return relation_rows.gold_text(session, row)
        if role == Qt.ItemDataRole.DecorationRole and column == CATEGORY:
            return QColor(RELATION_COLOURS[pair.category])
        if role == Qt.ItemDataRole.ToolTipRole:
            return relation_rows.tooltip(session, row, DECISION_NAMES)
        return self._shared_data(row, column, role)

    def _shared_data(self, row: int, column: int, role: int) -> Any:
        """What span and relation rows show alike: the verdict tint, bold labels."""
        assert self.session is not None
        if role == Qt.ItemDataRole.BackgroundRole and column in (DECISION, GOLD):
            decision = self.session.decision_at(row)
            if decision is not None and self.session.has_verdict(row):
                return REJECTED_TINT if decision.decision == REJECT else ACCEPTED_TINT
            return None
        if role == Qt.ItemDataRole.FontRole and column in (LABEL_A, LABEL_B):
            return bold_font()
        return None

    # -- what the window calls ---------------------------------------------------------

    def reset(self, session: ReviewSession | None) -> None:
        self.beginResetModel()
        self.session = session
        self._rows = self._filtered()
        self.endResetModel()

    def set_filter(self, name: str) -> None:
        if name not in FILTERS:
            raise ValueError(f"unknown filter {name!r}: use one of {', '.join(FILTERS)}")
        self.beginResetModel()
        self.filter = name
        self._rows = self._filtered()
        self.endResetModel()

    def rows_changed(self, session_rows: Iterable[int]) -> None:
        """Decisions of these session rows changed: repaint their visible rows.

        Rows stay in place even when they no longer pass the filter (the
        reviewer keeps their bearings); choosing the filter again refreshes it.
        """
        shown = sorted(r for r in (self.view_row(s) for s in session_rows) if r is not None)
        if shown:
            self.dataChanged.emit(self.index(shown[0], DECISION),
                                  self.index(shown[-1], COMMENT))  # fmt: skip

    def all_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COMMENT))

    def session_row(self, view_row: int) -> int:
        return self._rows[view_row]

    def view_row(self, session_row: int) -> int | None:
        i = bisect_left(self._rows, session_row)
        return i if i < len(self._rows) and self._rows[i] == session_row else None

    def _filtered(self) -> list[int]:
        session = self.session
        if session is None:
            return []
        pairs = session.pairs
        if self.filter == ALL:
            return list(range(session.row_count))
        if self.filter == DISAGREEMENTS:
            return [r for r in range(session.row_count) if not session.agrees_at(r)]
        if self.filter == UNDECIDED:
            return [r for r in range(session.row_count) if not session.has_verdict(r)]
        if self.filter in CATEGORIES:
            return [r for r, p in enumerate(pairs) if p.category == self.filter]
        return relation_rows.relation_rows(session, self.filter)

    def _text(self, row: int, column: int) -> str:
        assert self.session is not None
        pair = self.session.pairs[row]
        if column == CATEGORY:
            return CATEGORY_NAMES[pair.category]
        if column in (LABEL_A, TEXT_A, LABEL_B, TEXT_B):
            span = pair.a if column in (LABEL_A, TEXT_A) else pair.b
            if span is None:
                return ""
            return span.label if column in (LABEL_A, LABEL_B) else one_line(span.text)
        decision = self.session.decision_at(row)
        if column == DECISION:
            if self.session.decided_earlier(row):
                return STALE_NAME
            return DECISION_NAMES.get(decision.decision, "") if decision else ""
        if column == COMMENT:
            return one_line(decision.comment or "") if decision else ""
        if decision is None or not decision.is_verdict:  # GOLD
            return ""
        gold = self.session.gold_at(row)
        if not gold:
            return "—" if decision.decision == REJECT else "missing"
        return "; ".join(f"{s.label} “{one_line(s.text, 40)}”" for s in gold)

    def _tooltip(self, row: int) -> str:
        assert self.session is not None
        pair = self.session.pairs[row]
        lines = [CATEGORY_NAMES[pair.category]]
        for side, span in (("A", pair.a), ("B", pair.b)):
            if span is not None:
                lines.append(f"{side}: {span.label} [{span.start}, {span.end}) "
                             f"“{one_line(span.text, 200)}” ({span.annotator})")  # fmt: skip
        decision = self.session.decision_at(row)
        if decision is not None:
            lines.append(f"{DECISION_NAMES[decision.decision]} by {decision.by}")
            if self.session.decided_earlier(row):
                lines.append("the pair changed after this decision: review it again")
            for span in self.session.gold_at(row):
                lines.append(f"gold: {span.label} [{span.start}, {span.end}) "
                             f"source {span.attributes.get('source', '?')}")  # fmt: skip
            if decision.comment:
                lines.append(f"comment: {decision.comment}")
        return "\n".join(lines)


AGREEMENT_COLUMNS = ("Label", "A", "B", "Exact F1", "Overlap F1")


def number(value: Any) -> str:
    """A statistic as shown: 4 decimals, "–" when undefined."""
    return "–" if value is None else f"{value:.4f}"


class AgreementModel(ColumnsModel):
    """Rows: each label, then ``overall`` (micro average)."""

    COLUMNS = AGREEMENT_COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Any, Any, Any, Any]] = []

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == DISPLAY:
            value = row[column]
            return value if column == 0 else str(value) if column < 3 else number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row[0] == "overall":
            return bold_font()
        return None

    def reset(self, result: Mapping[str, Any] | None) -> None:
        self.beginResetModel()
        self._rows = []
        if result is not None:
            labels = result["labels"]
            for label, n in labels.items():
                self._rows.append((label, n["a"], n["b"], n["exact_f1"], n["overlap_f1"]))
            overall = result["overall"]
            self._rows.append((
                "overall", sum(n["a"] for n in labels.values()),
                sum(n["b"] for n in labels.values()), overall["exact_f1"], overall["overlap_f1"],
            ))  # fmt: skip
        self.endResetModel()
