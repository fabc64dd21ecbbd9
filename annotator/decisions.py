"""The words of adjudication, shared by span and relation decisions (see ``adjudication``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
