"""The record every suggester returns, and the helpers they share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Suggestion:
    """A proposed span: ``text[start:end]`` with a label, how sure, and why.

    ``attributes`` become the span's attributes (for a DATE, ``normalized``);
    ``origin`` is ``rule`` for the built-in suggesters, ``model`` for plug-ins.
    """

    start: int
    end: int
    label: str
    confidence: float
    reason: str
    attributes: dict[str, Any] = field(default_factory=dict)
    origin: str = "rule"

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.label)


def non_overlapping(found: Iterable[Suggestion]) -> list[Suggestion]:
    """Keep the longest (then most confident) of overlapping suggestions, in text order."""
    ordered = sorted(found, key=lambda s: (s.start, -(s.end - s.start), -s.confidence))
    kept: list[Suggestion] = []
    for s in ordered:
        if kept and s.start < kept[-1].end:
            continue
        kept.append(s)
    return kept
