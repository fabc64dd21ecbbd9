"""Shared by the tests of the native export (tests/test_export_*.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from annotator.formats import jsonl
from annotator.store import export_helper


def article(n: int) -> str:
    # Astral characters before the words move code points away from UTF-16 units.
    return f"🇺🇦 Report {n}: 👨🏻‍🚒 Minister Zoë Ångström said talks resume on day {n}."


@pytest.fixture(params=["one process", "with a helper process"], name="helper")
def helper_fixture(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Export in this process only, or with the helper process for every other block."""
    if request.param == "with a helper process":
        monkeypatch.setattr(jsonl, "HELPER_SPANS", 0)
        monkeypatch.setattr(export_helper, "JOIN_WAIT", 60)  # used, however small the export
        return True
    return False


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def as_tuples(record: dict[str, Any]) -> list[tuple[int, int, str, str, str]]:
    return [(s["start"], s["end"], s["label"], s["text"], s["annotator"]) for s in record["spans"]]
