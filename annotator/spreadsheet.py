"""Cells of the CSV files people open in a spreadsheet (claims, overview, agreement).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` is a formula to Excel and
LibreOffice, run when the file is opened: a claim quoted from an article
("=SUM(...)", "-1 for the minister") must stay text.  It gets an apostrophe in
front, which both programs take as "this is text" and do not show.
"""

from __future__ import annotations

from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Any) -> Any:
    """``value`` as a cell no spreadsheet runs: text that would start a formula gets
    an apostrophe before it; numbers and everything else stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS) and not _number(value):
        return "'" + value
    return value


def _number(text: str) -> bool:
    """A number written out ("-0.1234", a kappa below zero): data, no formula."""
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text
