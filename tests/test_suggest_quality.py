"""Precision and recall of each suggester against the hand-written gold articles.

The gold (tests/data/suggest/*.gold.json) was written before the rules and the
rules were not tuned on it afterwards.  Exact span match on (start, end, label).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.suggest import actors, citations, dates, run_all

DATA = Path(__file__).parent / "data" / "suggest"
ARTICLES = sorted(p.name.removesuffix(".gold.json") for p in DATA.glob("*.gold.json"))


def load(name: str) -> tuple[str, dict[str, Any]]:
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads((DATA / f"{name}.gold.json").read_text(encoding="utf-8"))
    return text, gold


def score(
    suggester: Callable[..., Any], label: str, kind: str | None = None
) -> tuple[float, float, int, int, int, list[str]]:
    """Micro precision and recall over all gold articles, with the misses for the log."""
    tp = fp = fn = 0
    misses: list[str] = []
    for name in ARTICLES:
        text, gold = load(name)
        ref = dt.date.fromisoformat(gold["reference_date"])
        want = {
            (s["start"], s["end"], s["label"])
            for s in gold["spans"]
            if s["label"] == label and (kind is None or s.get("kind") == kind)
        }
        got = {
            s.key
            for s in suggester(text, reference_date=ref)
            if s.label == label and (kind is None or s.attributes.get("kind") == kind)
        }
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
        misses += [f"{name} FP {text[a:b]!r}" for a, b, _ in sorted(got - want)]
        misses += [f"{name} FN {text[a:b]!r}" for a, b, _ in sorted(want - got)]
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn, misses


def report(capsys: Any, what: str, figures: tuple[float, float, int, int, int, list[str]]) -> None:
    p, r, tp, fp, fn, misses = figures
    with capsys.disabled():
        print(f"\n[suggest quality] {what}: precision {p:.3f}  recall {r:.3f}"
              f"  (tp {tp}, fp {fp}, fn {fn}, {len(ARTICLES)} articles)")  # fmt: skip
        for line in misses:
            print(f"[suggest quality]   {line}")


def test_there_are_at_least_two_gold_articles() -> None:
    assert len(ARTICLES) >= 2
    for name in ARTICLES:
        text, gold = load(name)
        for s in gold["spans"]:
            assert text[s["start"] : s["end"]] == s["text"]


def test_dates_precision_and_recall(capsys: Any) -> None:
    figures = score(dates.suggest, "DATE")
    report(capsys, "dates", figures)
    assert figures[0] >= 0.9 and figures[1] >= 0.8


def test_citation_markers_precision_and_recall(capsys: Any) -> None:
    figures = score(citations.suggest, "CITATION", "marker")
    report(capsys, "citation markers", figures)
    assert figures[0] >= 0.9 and figures[1] >= 0.8


def test_attributions_are_reported(capsys: Any) -> None:
    figures = score(citations.suggest, "CITATION", "attribution")
    report(capsys, "citation attributions", figures)
    assert figures[1] > 0  # reported; no threshold was set for attributions


def test_actors_are_reported(capsys: Any) -> None:
    figures = score(actors.suggest, "ACTOR")
    report(capsys, "actors", figures)
    assert figures[2] > 0  # reported; no threshold was set for actors


def test_all_suggesters_together_are_reported(capsys: Any) -> None:
    for label in ("DATE", "CITATION", "ACTOR"):
        report(capsys, f"run_all {label}", score(
            lambda text, reference_date: run_all(text, reference_date=reference_date,
                                                 plugins=False), label))  # fmt: skip


@pytest.mark.parametrize("name", ARTICLES)
def test_dates_are_normalized_as_in_the_gold(name: str, capsys: Any) -> None:
    text, gold = load(name)
    ref = dt.date.fromisoformat(gold["reference_date"])
    want = {(s["start"], s["end"]): s["normalized"] for s in gold["spans"] if s["label"] == "DATE"}
    got = {
        (s.start, s.end): s.attributes["normalized"]
        for s in dates.suggest(text, reference_date=ref)
    }
    matched = [k for k in want if k in got]
    wrong = [f"{text[a:b]!r}: {got[(a, b)]} (gold {want[(a, b)]})" for a, b in matched
             if got[(a, b)] != want[(a, b)]]  # fmt: skip
    with capsys.disabled():
        print(
            f"\n[suggest quality] {name} normalized: {len(matched) - len(wrong)}/{len(matched)}"
            " matched dates agree with the gold"
        )
        for line in wrong:
            print(f"[suggest quality]   {line}")
    assert matched and not wrong


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The start of a month range in the year before its end; never an interval
        # that ends before it starts.
        ("Ran from December to January 2025.", [("December to January 2025",
                                                 "2024-12/2025-01")]),
        ("From March 2026 to June 2025 it fell.", [("March 2026", "2026-03"),
                                                   ("June 2025", "2025-06")]),
        # A day the parser refuses is no month either.
        ("It was due on 31 February 2025.", []),
        # "3 and 17 May": two days, the first taking the month and year of the second;
        # "between" makes a range.  Dates named together are close in time.
        ("Votes on 3 and 17 May 2023.", [("3", "2023-05-03"), ("17 May 2023", "2023-05-17")]),
        ("Talks between 3 and 17 May 2023.", [("3 and 17 May 2023", "2023-05-03/2023-05-17")]),
        ("Shut on 30 December and 2 January 2025.", [("30 December", "2024-12-30"),
                                                     ("2 January 2025", "2025-01-02")]),
        ("Held on 5 April and 3 March 2025.", [("5 April", "2025-04-05"),
                                               ("3 March 2025", "2025-03-03")]),
        ("Prices rose in May and July 2025.", [("May", "2025-05"), ("July 2025", "2025-07")]),
        # A day range that ends before it starts is no date.
        ("Closed 17-3 May 2023.", []),
        # A day range across a new year: its start in the year before its end.
        ("Closed December 30 - January 2, 2025 for the holidays.",
         [("December 30 - January 2, 2025", "2024-12-30/2025-01-02")]),
    ],
    ids=["month-range-across-years", "backwards", "31-february", "and", "between",
         "and-across-years", "and-backwards", "and-months", "day-range-backwards",
         "day-range-across-years"],
)  # fmt: skip
def test_date_edge_cases_worked_out_by_hand(text: str, expected: list[tuple[str, str]]) -> None:
    found = dates.suggest(text)
    assert [(text[s.start : s.end], s.attributes["normalized"]) for s in found] == expected


@pytest.mark.parametrize(
    ("published", "text", "expected"),
    [
        # A day without its year is the one nearest the publication date.
        ("2026-01-03", "Talks on 28 December failed.", [("28 December", "2025-12-28")]),
        ("2025-12-20", "They resume on 5 January.", [("5 January", "2026-01-05")]),
        ("2026-05-10", "On 3 May they met.", [("3 May", "2026-05-03")]),
        ("2026-01-05", "Shut from 28 December to 3 January.",
         [("28 December to 3 January", "2025-12-28/2026-01-03")]),
    ],
    ids=["december-read-in-january", "january-read-in-december", "same-year", "range"],
)  # fmt: skip
def test_a_day_without_its_year_is_the_nearest_one(
    published: str, text: str, expected: list[tuple[str, str]]
) -> None:
    found = dates.suggest(text, reference_date=dt.date.fromisoformat(published))
    assert [(text[s.start : s.end], s.attributes["normalized"]) for s in found] == expected


def test_an_empty_citation_marker_names_nobody() -> None:
    text = "It said so [cite: ] and [citation: Daily Ledger]."
    assert [text[s.start : s.end] for s in citations.suggest(text)] == ["[citation: Daily Ledger]"]
