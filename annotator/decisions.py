"""The words of adjudication, shared by span and relation decisions (see ``adjudication``)."""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any, TypeVar

from .errors import AnnotatorError

ACCEPT_A = "accept_a"
ACCEPT_B = "accept_b"
ACCEPT_BOTH = "accept_both"
REJECT = "reject"
EDIT = "edit"
PENDING = "pending"  # a comment without a verdict
DECISIONS = (ACCEPT_A, ACCEPT_B, ACCEPT_BOTH, REJECT, EDIT, PENDING)
VERDICTS = (ACCEPT_A, ACCEPT_B, ACCEPT_BOTH, REJECT, EDIT)
UNDECIDE = "undecide"  # a request that removes a pair's decision
DEFAULT_GOLD = "gold"
ADJUDICATED = "adjudicated"
T = TypeVar("T")


class AdjudicationError(AnnotatorError):
    """A decision cannot be made as asked; nothing was changed."""


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()  # "leave the comment as it is"


def comment_value(value: Any, old: Mapping[str, Any] | None) -> str | None:
    """The comment a request leaves on a decision row (``old``: the row before, if any)."""
    if value is KEEP:
        return old["comment"] if old else None
    if value is not None and not isinstance(value, str):
        raise AdjudicationError(f"a comment is text, not {value!r}")
    return value.strip() or None if value else None


def widowed(
    decisions: Mapping[tuple[str | None, str | None], T],
    keys: Iterable[tuple[str | None, str | None]],
    live: Container[str],
) -> dict[tuple[str | None, str | None], T]:
    """For each pair key of ``keys`` without a decision of its own: a decision on
    an earlier pair of one of its spans whose other span is no longer ``live``
    (deleted, or left an orphan by a replaced text).  Its verdict and gold belong
    to the pair as it is now, to be decided again in its place."""
    by_side: dict[tuple[int, str], T] = {}
    for (a, b), decision in decisions.items():
        if a is not None and b is not None:
            if b not in live:
                by_side.setdefault((0, a), decision)
            if a not in live:
                by_side.setdefault((1, b), decision)
    found: dict[tuple[str | None, str | None], T] = {}
    for key in keys:
        if key in decisions:
            continue
        for side, span_id in enumerate(key):
            if span_id is not None and (side, span_id) in by_side:
                found[key] = by_side[(side, span_id)]
                break
    return found
