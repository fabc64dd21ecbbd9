"""Suggesters from other packages: the ``annotator.suggesters`` entry-point group.

A plug-in package declares, in its ``pyproject.toml``::

    [project.entry-points."annotator.suggesters"]
    spacy_ner = "my_package.ner:suggest"

The object is a callable ``suggest(text, *, reference_date=None)`` returning
``Suggestion`` objects (or mappings with ``start``, ``end``, ``label`` and
optionally ``confidence``, ``reason``, ``attributes``).  Its suggestions get
``origin = "model"``.  A plug-in that fails to load or raises is skipped and
reported in ``errors``; it never stops the built-in suggesters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from importlib import metadata
from typing import Any

from .base import Suggestion

GROUP = "annotator.suggesters"


@dataclass
class PluginRun:
    suggestions: list[Suggestion] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: which plug-in, what failed


def load_plugins() -> tuple[dict[str, Callable[..., Any]], list[str]]:
    """The installed suggesters by entry-point name, and the ones that failed to load."""
    loaded: dict[str, Callable[..., Any]] = {}
    errors: list[str] = []
    for ep in metadata.entry_points(group=GROUP):
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not stop the others
            errors.append(f"plug-in {ep.name} could not be loaded: {exc}")
            continue
        fn = getattr(obj, "suggest", obj)
        if not callable(fn):
            errors.append(f"plug-in {ep.name} is not callable")
            continue
        loaded[ep.name] = fn
    return loaded, errors


def _as_suggestion(item: Any, name: str, text_length: int) -> Suggestion:
    if isinstance(item, Suggestion):
        s = item
    elif isinstance(item, Mapping):
        s = Suggestion(
            int(item["start"]), int(item["end"]), str(item["label"]),
            float(item.get("confidence", 0.5)), str(item.get("reason", "")),
            dict(item.get("attributes") or {}),
        )  # fmt: skip
    else:
        raise TypeError(f"not a suggestion: {item!r}")
    if not 0 <= s.start < s.end <= text_length:
        raise ValueError(f"span [{s.start}, {s.end}) is outside the text")
    return replace(s, origin="model", reason=f"plug-in {name}: {s.reason}".rstrip(": "))


def run_plugins(text: str, *, reference_date: dt.date | None = None) -> PluginRun:
    plugins, errors = load_plugins()
    run = PluginRun(errors=errors)
    for name, fn in plugins.items():
        try:
            items = [
                _as_suggestion(i, name, len(text)) for i in fn(text, reference_date=reference_date)
            ]
        except Exception as exc:  # noqa: BLE001
            run.errors.append(f"plug-in {name} failed: {exc}")
            continue
        run.suggestions.extend(items)
    return run
