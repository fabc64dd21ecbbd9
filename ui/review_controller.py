"""What the review window's keys do: decide pairs, move between them, undo, export.

Each decision is committed by the Store (one transaction, one undo step of the
reviewer) before the handler returns; then the table row, the marks in both
panes and the gold indicator follow.  The same keys decide a relation row
(A/B: that side's relation, T: accept it, or both types of a type mismatch,
X: reject); a relation whose ends are not in gold yet is refused with one line
that says so.  Accepting more than ``background_requests`` matches at once
runs off the GUI thread; matching relations whose ends are then in gold go
along in the same step.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.adjudication import (
    ACCEPT_A,
    ACCEPT_B,
    ACCEPT_BOTH,
    EDIT,
    REJECT,
    UNDECIDE,
    Decision,
    PairKey,
    ReviewSession,
    agreement_csv_rows,
    pair_key,
    write_csv,
)
from annotator.display_text import with_count
from annotator.errors import AnnotatorError, sqlite_error_line
from annotator.model import HistoryEntry
from annotator.relation_adjudication import relation_key
from annotator.review import Pair
from annotator.store import Store
from annotator.word_edges import exact_range

from .commands import History, short_text
from .review_state import ReviewState

if TYPE_CHECKING:
    from .review_view import ReviewWindow

VERBS = {ACCEPT_A: "Accept A", ACCEPT_B: "Accept B", ACCEPT_BOTH: "Accept both", REJECT: "Reject",
         EDIT: "Edit", UNDECIDE: "Undecide"}  # fmt: skip


class ReviewController(ReviewState):
    """Deciding pairs, moving between them, undo and redo, and exporting the numbers."""

    def __init__(
        self, window: ReviewWindow, store: Store, reviewer: str, history: History | None = None
    ) -> None:
        super().__init__(window, store, reviewer, history)
        self.advance = True  # after a decision, go on to the next row without a verdict
        self.history.applied.connect(self._after_history)
        self.history.message.connect(self.message)

    def reload(self) -> None:
        """Compare again (the layers may have changed in another window)."""
        if self._last is None or not self._idle():
            return
        row = self.current_row()
        self.keep = self.keep_relation = None
        if self.session is not None and row is not None:
            relation = self.session.relation_at(row)
            if relation is not None:
                self.keep_relation = relation_key(relation)
            else:
                self.keep = pair_key(self.session.pairs[row])
        self.open(*self._last)

    # -- deciding --------------------------------------------------------------------

    def decide(self, decision: str, **options: Any) -> bool:
        row = self._row_to_decide()
        if row is None or self.session is None:
            return False
        what = _describe(self.session, row)
        if decision == EDIT:  # the gold span as edited, not the analyst's
            quote = self.session.document.text[options["start"] : options["end"]]
            what = f"{options['label']} “{short_text(quote)}”"
        verb = VERBS[decision]
        changed = self._call(f"Cannot {verb[0].lower()}{verb[1:]}",
                             lambda: self.session.decide(row, decision, **options))  # type: ignore[union-attr]  # fmt: skip
        if changed is None:
            return False
        self._decided(changed)
        self.history.record(f"{VERBS[decision]} {what}")
        self.message.emit(f"{VERBS[decision]}: {what}")
        if self.advance and decision != UNDECIDE:
            self.next_undecided(row)
        return True

    def accept_left(self) -> None:
        self.decide(ACCEPT_A)

    def accept_right(self) -> None:
        self.decide(ACCEPT_B)

    def accept_both(self) -> None:
        self.decide(ACCEPT_BOTH)

    def reject(self) -> None:
        self.decide(REJECT)

    def undecide(self) -> None:
        self.decide(UNDECIDE)

    def edit(self) -> None:
        """Accept the pair with the boundaries selected in the last focused pane."""
        row = self._row_to_decide()
        if row is None or self.session is None or self.offsets is None:
            return
        if self.session.relation_at(row) is not None:
            self.message.emit(
                "A relation has no boundaries to edit: accept A's or B's, or reject it"
            )
            return
        pair = self.session.pairs[row]
        pane = self.w.last_pane
        side = "a" if pane is self.w.left else "b"
        if (pair.a if side == "a" else pair.b) is None:
            side = "b" if side == "a" else "a"
        start16, end16 = pane.selection()
        if start16 == end16:
            self.message.emit("Select the new boundaries in a pane first, then press E")
            return
        exact = exact_range(
            self.session.document.text,
            self.offsets.to_codepoint(start16, snap="down"),
            self.offsets.to_codepoint(end16, snap="up"),
        )  # as a span made by hand: no accent left outside, no half emoji, no edge spaces
        if exact is None:
            self.message.emit("The selection holds only white space: select the new boundaries")
            return
        start, end = exact
        if not (start < pair.end and end > pair.start):  # a selection left from elsewhere
            text = self.session.document.text
            self.message.emit(
                f"Nothing edited: the selection “{short_text(text[start:end])}” does not overlap"
                f" this row’s “{short_text(text[pair.start:pair.end])}”; select the new"
                " boundaries over the row’s spans, then press E"
            )
            return
        base = pair.a if side == "a" else pair.b
        labels = list(self.store.schema.label_names)
        quote = short_text(self.session.document.text[start:end])
        label = self.w.dialogs.choose("Edit the gold span", f"Label of “{quote}”:", labels,
                                      base.label if base else "")  # fmt: skip
        if label:
            self.decide(EDIT, start=start, end=end, label=label, side=side)

    def comment(self) -> None:
        row = self._row_to_decide()
        if row is None or self.session is None:
            return
        what = _describe(self.session, row)
        old = self.session.decision_at(row)
        text = self.w.dialogs.ask_text("Comment", f"Comment on {what}:",
                                       old.comment or "" if old else "")  # fmt: skip
        if text is None:
            return
        changed = self._call("Cannot save the comment", lambda: self.session.comment(row, text))  # type: ignore[union-attr]
        if changed is not None:
            self._decided(changed)
            self.history.record(f"Comment on {what}")
            self.message.emit("Comment saved" if text.strip() else "Comment removed")

    def accept_all_matches(self) -> None:
        """Accept every match without a verdict: one transaction, one undo step."""
        session = self.session
        if session is None or not self._idle():
            return
        requests = session.match_requests()
        relations = session.relation_match_requests(requests)
        if not requests and not relations:
            self.message.emit("Every match has a verdict already")
            return
        label = f"Accept all matches ({len(requests):,})"
        also = f" and {len(relations):,} relation{'s' * (len(relations) != 1)}" if relations else ""
        doc_id, reviewer, gold = session.document.id, self.reviewer, session.gold

        def done(_result: object) -> None:
            self.busy.emit("")
            if self.session is session:
                self._after_bulk()
            self.gold_changed.emit(doc_id)
            if self.reviewer == reviewer:
                self.history.record(label)
            accepted = with_count("{n} match{|es}", len(requests))
            self.message.emit(f"Accepted {accepted}{also} into {gold}")

        if len(requests) + len(relations) <= self.background_requests:
            if self._call("Cannot accept the matches", lambda: self.store.adjudicate(
                    doc_id, requests, by=reviewer, gold=gold,
                    relations=relations)) is not None:  # fmt: skip
                done(None)
            return

        def failed(error: str) -> None:
            self.busy.emit("")
            self.w.dialogs.error("Cannot accept the matches", error)

        self.busy.emit(f"Accepting {len(requests):,} matches…")
        self.writers.start(
            self.store.path,
            lambda store: store.adjudicate(doc_id, requests, by=reviewer, gold=gold,
                                           relations=relations),
            done,
            failed,
        )

    def next_disagreement(self, backwards: bool = False) -> None:
        """The next (previous) disagreement without a verdict; when all have one, the next."""
        session = self.session
        if session is None or not session.row_count:
            return
        model = self.w.model
        count = model.rowCount()
        current = self.w.table.currentIndex().row()
        step = -1 if backwards else 1
        first = None  # the nearest disagreement, decided or not
        for k in range(1, count + 1):
            row = model.session_row((current + step * k) % count)
            if session.agrees_at(row):
                continue
            if not session.has_verdict(row):
                self.select_row(row)
                return
            first = row if first is None else first
        if first is None:
            self.message.emit("No disagreements in these rows")
        else:
            self.select_row(first)

    def previous_disagreement(self) -> None:
        self.next_disagreement(backwards=True)

    def next_undecided(self, after: int) -> None:
        session = self.session
        if session is None:
            return
        model = self.w.model
        start = model.view_row(after)
        if start is None:
            return
        for view_row in range(start + 1, model.rowCount()):
            if not session.has_verdict(model.session_row(view_row)):
                self.select_row(model.session_row(view_row))
                return

    # -- after changes ---------------------------------------------------------------

    def _decided(self, rows: list[int]) -> None:
        assert self.session is not None
        self.w.model.rows_changed(rows)
        pairs = self.session.pairs
        self.remark([pairs[r] for r in rows if r < len(pairs)])
        self.w.show_gold_state()
        self.gold_changed.emit(self.session.document.id)

    def _after_bulk(self) -> None:
        assert self.session is not None
        before = dict(self.session.decisions)
        self.session.refresh()
        self._refresh_rows(before)

    def _refresh_rows(self, before: dict[PairKey, Decision]) -> None:
        session = self.session
        assert session is not None
        after = session.decisions
        changed = [k for k in before.keys() | after.keys() if before.get(k) != after.get(k)]
        rows = [r for r in (session.row_of(k) for k in changed) if r is not None]
        self.remark(session.pairs[r] for r in rows)
        if session.relation_pairs:  # their decisions, and whether their ends are in gold
            rows += session.relation_rows()
        self.w.model.all_changed() if len(rows) > 50 else self.w.model.rows_changed(rows)
        self.w.show_gold_state()

    def _after_history(self, entry: HistoryEntry, _direction: str) -> None:
        if self.session is None or entry.document_id != self.session.document.id:
            return
        if entry.action == "adjudicate":
            self._after_bulk()
        else:  # the reviewer's own annotation work: layer A or B may have changed
            self.reload()
        if self.own_history:  # a shared history tells the main window itself
            self.gold_changed.emit(entry.document_id)

    def undo(self) -> None:
        if self._idle():
            self.history.undo()

    def redo(self) -> None:
        if self._idle():
            self.history.redo()

    # -- the numbers -------------------------------------------------------------------

    def export_csv(self) -> Path | None:
        session = self.session
        if session is None or self.result is None:
            self.message.emit("No numbers yet: open a review and let it finish measuring")
            return None
        name = f"{self.store.path.stem}-doc{session.document.id}-{session.a}-vs-{session.b}.csv"
        path = self.w.dialogs.save_file("Export the agreement numbers", Path("exports") / name,
                                        "CSV files (*.csv)")  # fmt: skip
        if path is None:
            return None
        rows = agreement_csv_rows(
            self.result, session.counts(), document_id=session.document.id, a=session.a,
            b=session.b, relation_counts=session.relation_counts() if session.relation_pairs
            else None,
        )  # fmt: skip
        try:
            write_csv(path, rows)
        except OSError as exc:
            self.w.dialogs.error("Cannot export", f"{path} could not be written ({exc}): "
                                 "choose another place")  # fmt: skip
            return None
        self.message.emit(f"Saved the numbers to {path}")
        return path

    # -- helpers -----------------------------------------------------------------------

    def _row_to_decide(self) -> int | None:
        if not self._idle():
            return None
        row = self.current_row()
        if row is None:
            self.message.emit("Choose a row of the table first")
        return row

    def _idle(self) -> bool:
        if self.loading:
            self.message.emit("Still comparing the layers: one moment")
            return False
        if self.writers.busy:
            self.message.emit("Still accepting the matches: one moment")
            return False
        return not self.history.busy()  # a big undo or redo (it says so)

    def _call(self, title: str, work: Callable[[], Any]) -> Any:
        """Run one Store change; an error becomes one dialog, and nothing changed."""
        try:
            return work()
        except AnnotatorError as exc:
            self.w.dialogs.error(title, str(exc))
        except sqlite3.OperationalError as exc:
            self.w.dialogs.error(title, sqlite_error_line(exc, sentence=True))
        return None


def _describe(session: ReviewSession, row: int) -> str:
    """The row for messages and the history: a span's label and text, or the relation."""
    if session.relation_at(row) is not None:
        return session.describe_row(row)
    pair: Pair = session.pairs[row]
    span = pair.a or pair.b
    assert span is not None
    return f"{span.label} “{short_text(span.text)}”"
