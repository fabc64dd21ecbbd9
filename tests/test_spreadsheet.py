"""CSV cells a spreadsheet would run as formulas stay text (``annotator.spreadsheet``)."""

from __future__ import annotations

import csv
import io

from annotator.claims import ClaimRow, write_csv
from annotator.spreadsheet import inert


def test_formula_starts_get_an_apostrophe_and_numbers_do_not() -> None:
    assert [inert(v) for v in ("=SUM(1+1)", "+44 20 7946", "@mayor", "-1 for him", "\tx")] == [
        "'=SUM(1+1)", "'+44 20 7946", "'@mayor", "'-1 for him", "'\tx"]  # fmt: skip
    assert [inert(v) for v in ("-0.1234", "12", 7, -3.5, "Kyiv", "")] == [
        "-0.1234", "12", 7, -3.5, "Kyiv", ""]  # fmt: skip


def test_a_claim_quoting_a_formula_is_written_as_text() -> None:
    row = ClaimRow(document_id=1, document="=Bridge", span_id="s1", start=3, end=9,
                   text="=SUM(1+1) was the vote", actors=("@mayor",), dates=(), citations=(),
                   stance="", checkworthy=None)  # fmt: skip
    out = io.StringIO()
    write_csv([row], out)
    (_, written) = list(csv.reader(io.StringIO(out.getvalue())))
    assert written == ["'=Bridge", "'=SUM(1+1) was the vote", "3", "9", "'@mayor", "", "", "",
                       ""]  # fmt: skip
