"""Machine suggestions: dates, citations and actors, plus plug-ins (Qt-free).

Each built-in suggester is a module with ``suggest(text, *, reference_date=None)``
returning ``Suggestion`` records; ``run_all`` runs them all and merges the
results without duplicates.  ``apply`` writes them to the store as the
``suggest`` layer and accepts or rejects them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from . import actors, citations, dates
from .base import Suggestion
from .plugins import run_plugins

__all__ = ["Suggestion", "merge", "run_all", "BUILTIN"]

BUILTIN = {"dates": dates.suggest, "citations": citations.suggest, "actors": actors.suggest}


def merge(found: Iterable[Suggestion]) -> list[Suggestion]:
    """One suggestion per (start, end, label): the most confident; in text order."""
    best: dict[tuple[int, int, str], Suggestion] = {}
    for s in found:
        if s.key not in best or s.confidence > best[s.key].confidence:
            best[s.key] = s
    return sorted(best.values(), key=lambda s: (s.start, s.end, s.label))


def run_all(
    text: str,
    *,
    reference_date: dt.date | None = None,
    gazetteer_dir: str | Path | None = None,
    plugins: bool = True,
    errors: list[str] | None = None,
) -> list[Suggestion]:
    """Every suggester on ``text``; plug-in failures are appended to ``errors``."""
    found = dates.suggest(text, reference_date=reference_date)
    found += citations.suggest(text, reference_date=reference_date)
    found += actors.suggest(text, reference_date=reference_date, gazetteer_dir=gazetteer_dir)
    if plugins:
        run = run_plugins(text, reference_date=reference_date)
        found += run.suggestions
        if errors is not None:
            errors.extend(run.errors)
    return merge(found)
