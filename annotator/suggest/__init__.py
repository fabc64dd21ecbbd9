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
from typing import Any

from .base import Suggestion
from .plugins import run_plugins

__all__ = ["Suggestion", "merge", "run_all", "BUILTIN"]


def __getattr__(name: str) -> Any:
    """``BUILTIN``: the built-in suggesters by name.  The rule modules compile their
    patterns when imported, so they load on first use, not with the window."""
    if name == "BUILTIN":
        from . import actors, citations, dates

        return {"dates": dates.suggest, "citations": citations.suggest, "actors": actors.suggest}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    from . import actors, citations, dates

    found = dates.suggest(text, reference_date=reference_date)
    found += citations.suggest(text, reference_date=reference_date)
    found += actors.suggest(text, reference_date=reference_date, gazetteer_dir=gazetteer_dir)
    if plugins:
        run = run_plugins(text, reference_date=reference_date)
        found += run.suggestions
        if errors is not None:
            errors.extend(run.errors)
    return merge(found)
