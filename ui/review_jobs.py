"""Reading, comparing and indexing large layers, and measuring agreement, off the GUI thread.

A ``ReviewJob`` runs one function in a thread and reports its result with the
generation it was asked for, so a result that arrives after the reviewer moved
on (another document, other layers) is dropped.  Reading opens the job's OWN
connection (a SQLite connection belongs to the thread that made it) and
prepares everything the panes and the table need, so the GUI thread only
installs it; measuring gets plain data only.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from annotator.adjudication import ReviewData, ReviewSession, read_review
from annotator.agreement import document_agreement
from annotator.model import Span
from annotator.offsets import OffsetMap
from annotator.store import Store, open_store

from .review_panes import marks_of
from .sliced_painting import EAGER_UNITS
from .span_index import SpanIndex
from .workers import ThreadKeeper

_gc_lock = threading.Lock()
_gc_state = {"depth": 0, "was_on": True}


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off while tens of thousands of small objects are made (a third
    faster); the collector is global, so a pause on two threads ends with the last one."""
    with _gc_lock:
        if _gc_state["depth"] == 0:
            _gc_state["was_on"] = gc.isenabled()
            gc.disable()
        _gc_state["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["depth"] -= 1
            if _gc_state["depth"] == 0 and _gc_state["was_on"]:
                gc.enable()


class ReviewJob(QThread):
    """Runs ``work()``; emits ``done(generation, result)`` or ``failed(generation, message)``."""

    done = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, generation: int, work: Callable[[], Any],
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.generation = generation
        self._work = work

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # noqa: BLE001 (a thread must report, not die silently)
            self.failed.emit(self.generation, f"{type(exc).__name__}: {exc}")
        else:
            self.done.emit(self.generation, result)


@dataclass
class PreparedReview:
    """A review ready to show: the session, and the panes' offsets, indexes and marks."""

    session: ReviewSession
    offsets: OffsetMap
    index_a: SpanIndex
    index_b: SpanIndex
    marks: dict[str, int]


def prepare(store: Store, data: ReviewData, *, a: str, b: str, gold: str,
            reviewer: str) -> PreparedReview:  # fmt: skip
    """Compare (if ``data`` has no pairs yet), index and mark, on any thread.

    ``store`` is the window's: the session keeps it for later decisions on the
    GUI thread and does not touch it here.
    """
    session = ReviewSession(store, data, a=a, b=b, gold=gold, reviewer=reviewer)
    if not session.pairs:
        session.compare()
    text = data.document.text
    offsets = OffsetMap(text)
    return PreparedReview(
        session, offsets,
        SpanIndex(text, offsets, session.spans_a, eager_until=2 * EAGER_UNITS),
        SpanIndex(text, offsets, session.spans_b, eager_until=2 * EAGER_UNITS),
        marks_of(session.pairs, session),
    )  # fmt: skip


def reading(db_path: Path, store: Store, document_id: int, *, a: str, b: str, gold: str,
            reviewer: str) -> Callable[[], PreparedReview]:  # fmt: skip
    """Read the layers on the job's own connection, then prepare them."""

    def work() -> PreparedReview:
        with gc_paused():
            with open_store(db_path) as own:
                data = read_review(own, document_id, a, b, gold=gold)
            return prepare(store, data, a=a, b=b, gold=gold, reviewer=reviewer)

    return work


def measuring(text: str, spans_a: Sequence[Span], spans_b: Sequence[Span],
              labels: Sequence[str]) -> Callable[[], dict[str, Any]]:  # fmt: skip
    def work() -> dict[str, Any]:
        with gc_paused():
            return document_agreement(text, spans_a, spans_b, labels)

    return work


class JobKeeper(ThreadKeeper):
    """Starts review jobs and keeps them alive until they finish."""

    def start(self, generation: int, work: Callable[[], Any],
              on_done: Callable[[int, Any], None],
              on_failed: Callable[[int, str], None]) -> ReviewJob:  # fmt: skip
        job = ReviewJob(generation, work, self)
        job.done.connect(on_done)
        job.failed.connect(on_failed)
        self.keep(job)
        return job
