"""Agreement numbers of one review as a long CSV table (``agreement_csv_rows``),
written whole or not at all (``write_csv``)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .atomicfile import atomic_open
from .relation_review import RELATION_CATEGORIES
from .review import CATEGORIES
from .spreadsheet import inert

CSV_HEADER = ("document_id", "layer_a", "layer_b", "section", "name", "metric", "value")


def _cell(value: Any) -> str:
    if value is None:
        return ""  # undefined (for example no variation at all)
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def agreement_csv_rows(
    result: Mapping[str, Any], counts: Mapping[str, int], *, document_id: int, a: str, b: str,
    relation_counts: Mapping[str, int] | None = None,
) -> list[list[str]]:
    """The numbers of ``document_agreement`` and the category counts, one per row.

    A long table (``section``, ``name``, ``metric``, ``value``) so exports of
    several documents can be stacked; floats have 4 decimals, undefined is empty.
    ``relation_counts`` (relation pairs per category) add ``relation_category`` rows.
    """
    head = [str(document_id), a, b]
    rows = [list(CSV_HEADER)]
    for label, numbers in result["labels"].items():
        for metric in ("a", "b", "exact_f1", "overlap_f1"):
            rows.append(head + ["label", label, metric, _cell(numbers[metric])])
    for metric in ("exact_f1", "overlap_f1", "cohen_kappa", "krippendorff_alpha"):
        rows.append(head + ["overall", "overall", metric, _cell(result["overall"][metric])])
    for category in CATEGORIES:
        rows.append(head + ["category", category, "pairs", _cell(counts.get(category, 0))])
    if relation_counts is not None:
        for category in RELATION_CATEGORIES:
            value = _cell(relation_counts.get(category, 0))
            rows.append(head + ["relation_category", category, "relations", value])
    return rows


def write_csv(path: str | Path, rows: Iterable[Sequence[str]]) -> Path:
    """Write ``rows`` to ``path`` completely or not at all."""
    target = Path(path)
    with atomic_open(target, "w") as f:
        csv.writer(f, lineterminator="\n").writerows(map(inert, row) for row in rows)
    return target
