"""The review window's numbers on the hand-written document (review_doc.py): F1 per
label, kappa and alpha over tokens, the chart and the CSV, each worked out by hand
or by an independent count below."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from review_doc import (
    ALICE,
    ALPHA,
    BOB,
    F1,
    KAPPA,
    TEXT,
    TOKENS_A,
    TOKENS_B,
    add_bridge,
    scripted_dialogs,
)
from review_helpers import shown_review

from annotator import Store
from annotator.agreement import token_labels
from ui.review_dialogs import ScriptedReviewDialogs
from ui.review_view import ReviewWindow


def kappa_by_counting(xs: list[str], ys: list[str]) -> float:
    """Independently: pe from every (token of A, token of B) combination."""
    n = len(xs)
    po = sum(x == y for x, y in zip(xs, ys, strict=True)) / n
    pe = sum(x == y for x in xs for y in ys) / (n * n)
    return (po - pe) / (1 - pe)


def alpha_by_pairs(xs: list[str], ys: list[str]) -> float:
    """Independently: 1 - Do/De over ordered pairs of values, within units and overall."""
    values = xs + ys
    n = len(values)
    observed = sum(2 for x, y in zip(xs, ys, strict=True) if x != y) / n
    expected = sum(values[i] != values[j] for i in range(n) for j in range(n) if i != j)
    return 1 - observed / (expected / (n * (n - 1)))


@pytest.fixture
def review_dialogs(tmp_path: Path) -> ScriptedReviewDialogs:
    return scripted_dialogs(tmp_path)


@pytest.fixture
def window(qtbot: Any, store: Store, review_dialogs: Any) -> ReviewWindow:
    return shown_review(qtbot, store, add_bridge(store), review_dialogs, "lead")


def _spans(layer: list[tuple[str, int, int]]) -> list[Any]:
    from annotator import Span

    return [Span(f"s{i}", 1, "x", label, s, e, TEXT[s:e]) for i, (label, s, e) in
            enumerate(layer)]  # fmt: skip


# -- the numbers --------------------------------------------------------------------------------


def test_agreement_by_hand_in_the_window(window):
    assert token_labels(TEXT, _spans(ALICE)) == TOKENS_A
    assert token_labels(TEXT, _spans(BOB)) == TOKENS_B
    assert f"{kappa_by_counting(TOKENS_A, TOKENS_B):.4f}" == KAPPA
    assert f"{alpha_by_pairs(TOKENS_A, TOKENS_B):.4f}" == ALPHA
    m = window.agreement_model
    shown = {m.data(m.index(r, 0)): tuple(m.data(m.index(r, c)) for c in range(1, 5))
             for r in range(m.rowCount())}  # fmt: skip
    assert shown == F1
    assert window.statistics.text() == (
        f"Cohen's κ {KAPPA} · Krippendorff's α {ALPHA}  (over tokens)"
    )


def test_chart_paints_the_numbers(window):
    chart = window.chart
    assert chart.objectName() == "reviewChart"
    assert chart.f1["ACTOR"] == (0.8, 0.8) and chart.f1["overall"] == (4 / 12, 6 / 12)
    assert chart.counts == {"match": 2, "label_mismatch": 1, "boundary_mismatch": 1,
                            "overlap_mismatch": 1, "only_a": 1, "only_b": 1}  # fmt: skip
    image = chart.grab().toImage()
    assert not image.isNull() and image.width() > 100 and image.height() > 100
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 3)
               for y in range(0, image.height(), 3)}  # fmt: skip
    assert QColor("#4c78a8").name() in colours  # an exact-F1 bar
    assert QColor("#2ca02c").name() in colours  # the match count bar


def test_csv_export_writes_the_numbers_shown(window, qtbot, tmp_path, review_dialogs):
    window.export_button.click()
    path = tmp_path / "numbers.csv"
    assert review_dialogs.asked[-1][0] == "save"
    with open(path, newline="", encoding="utf-8") as f:
        lines = list(csv.reader(f))
    assert lines[0] == ["document_id", "layer_a", "layer_b", "section", "name", "metric", "value"]
    values = {(r[3], r[4], r[5]): r[6] for r in lines[1:]}
    assert {r[1:3] == ["alice", "bob"] for r in lines[1:]} == {True}
    for label, (a, b, exact, overlap) in F1.items():
        section = "overall" if label == "overall" else "label"
        assert values[(section, label, "exact_f1")] == exact
        assert values[(section, label, "overlap_f1")] == overlap
        if section == "label":
            assert (values[(section, label, "a")], values[(section, label, "b")]) == (a, b)
    assert values[("overall", "overall", "cohen_kappa")] == KAPPA
    assert values[("overall", "overall", "krippendorff_alpha")] == ALPHA
    assert [values[("category", c, "pairs")] for c in (
        "match", "label_mismatch", "boundary_mismatch", "overlap_mismatch", "only_a", "only_b",
    )] == ["2", "1", "1", "1", "1", "1"]  # fmt: skip
    assert len(lines) == 1 + 4 * 4 + 4 + 6
