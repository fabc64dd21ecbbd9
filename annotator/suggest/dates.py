"""Dates: absolute dates, ranges, years in context, and relative expressions.

``normalized`` is ISO-8601: a day ``2025-03-14``, a month ``2025-03``, a year
``2030``, an interval ``2025-06-09/2025-06-10``, or ``--03-14`` for a day whose
year is unknown (no reference date).  Parsing and date arithmetic go through
python-dateutil; a string it rejects (``31 February``) is not suggested.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateutil import parser as du_parser
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from .base import Suggestion, non_overlapping

LABEL = "DATE"

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\.?"  # only abbreviations take a dot
)
_M = rf"(?:{_MONTHS})"
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:1[6-9]\d\d|20\d\d|2100)"
_SEP = r"\s*(?:-|–|—|to|until|till|and|through)\s*"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WD_RULE = dict(zip(_WEEKDAYS, (MO, TU, WE, TH, FR, SA, SU), strict=True))

_B, _E = r"(?<![\w-])", r"(?![\w-]|-\d)"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 1 April 2025 to 31 March 2026 / 3 March - 5 April 2025
    (
        "full range",
        re.compile(
            rf"{_B}(?P<d1>{_D})\s+(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?{_SEP}"
            rf"(?P<d2>{_D})\s+(?P<m2>{_M})(?:,?\s+(?P<y2>{_Y}))?{_E}"
        ),
    ),
    # March 3 - April 5, 2025
    (
        "full range",
        re.compile(
            rf"{_B}(?P<m1>{_M})\s+(?P<d1>{_D})(?:,?\s+(?P<y1>{_Y}))?{_SEP}"
            rf"(?P<m2>{_M})\s+(?P<d2>{_D})(?:,?\s+(?P<y2>{_Y}))?{_E}"
        ),
    ),
    # 9-10 June / 3 and 17 May 2023
    (
        "day range",
        re.compile(rf"{_B}(?P<d1>{_D}){_SEP}(?P<d2>{_D})\s+(?P<m2>{_M})(?:,?\s+(?P<y2>{_Y}))?{_E}"),
    ),
    # June 9-10, 2025
    (
        "day range",
        re.compile(
            rf"{_B}(?P<m2>{_M})\s+(?P<d1>{_D})\s*(?:-|–)\s*(?P<d2>{_D})(?:,?\s+(?P<y2>{_Y}))?{_E}"
        ),
    ),
    # March 2025 - June 2026 / May to July 2025
    (
        "month range",
        re.compile(rf"{_B}(?P<m1>{_M})(?:\s+(?P<y1>{_Y}))?{_SEP}(?P<m2>{_M})\s+(?P<y2>{_Y}){_E}"),
    ),
    # 3 March 2025 / 14 March
    ("day", re.compile(rf"{_B}(?P<d1>{_D})\s+(?:of\s+)?(?P<m1>{_M})(?:,?\s+(?P<y1>{_Y}))?{_E}")),
    # March 3, 2025 / March 3
    ("day", re.compile(rf"{_B}(?P<m1>{_M})\s+(?P<d1>{_D})(?:,\s*(?P<y1>{_Y}))?{_E}")),
    # 2025-03-03
    ("iso", re.compile(rf"{_B}(?P<iso>{_Y}-[01]\d-[0-3]\d){_E}")),
    # May 2011
    ("month", re.compile(rf"{_B}(?P<m1>{_M})\s+(?P<y1>{_Y}){_E}")),
    # 2030 after a preposition that makes it a year
    (
        "year",
        re.compile(
            rf"(?<![\w-])(?:[Ii]n|[Bb]y|[Ss]ince|[Uu]ntil|[Tt]ill|[Bb]efore|[Aa]fter|[Ff]rom|[Dd]uring"
            rf"|[Tt]hrough|[Tt]hroughout|[Ee]arly|[Ll]ate|[Mm]id|[Ss]pring|[Ss]ummer|[Aa]utumn"
            rf"|[Ww]inter|[Oo]f)\s+(?:early\s+|late\s+)?(?P<year>{_Y})(?![\w-]|[.,]\d|\s*(?:%|per\b))"
        ),
    ),
]

_RELATIVE = re.compile(
    r"(?<![\w-])(?:(?P<which>[Ll]ast|[Nn]ext|[Tt]his)\s+)?(?P<wd>" + "|".join(_WEEKDAYS) + r")\b"
    r"|(?<![\w-])(?P<word>[Yy]esterday|[Tt]oday|[Tt]omorrow)\b"
    r"|(?<![\w-])(?P<which2>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<unit>week|month|year)\b"
)


@lru_cache(maxsize=4096)
def _parse(text: str, default_year: int) -> dt.date | None:
    """A date from a day-month(-year) string via dateutil, or None when it is not one."""
    try:
        return du_parser.parse(text, default=dt.datetime(default_year, 1, 1)).date()
    except (ValueError, OverflowError):
        return None


def _month_number(name: str) -> int | None:
    parsed = _parse(f"1 {name.rstrip('.')} 2000", 2000)
    return parsed.month if parsed else None


def _day(d: str, m: str, y: str | None, ref: dt.date | None) -> str | None:
    """ISO for a day; ``--MM-DD`` when neither the text nor a reference gives the year.

    A day without its year is the one nearest the reference: in a piece of 3
    January 2026, "28 December" is 2025-12-28, not a date a year ahead."""
    day, month = re.sub(r"(st|nd|rd|th)$", "", d), m.rstrip(".")
    if y or ref is None:
        year = int(y) if y else 2000  # 2000: a leap year, for 29 Feb
        parsed = _parse(f"{day} {month} {year}", year)
        if parsed is None:
            return None
        return parsed.isoformat() if y else parsed.strftime("--%m-%d")
    near = [p for year in (ref.year - 1, ref.year, ref.year + 1)
            if (p := _parse(f"{day} {month} {year}", year)) is not None]  # fmt: skip
    return min(near, key=lambda p: abs(p - ref)).isoformat() if near else None


def _normalize(kind: str, g: dict[str, str | None], ref: dt.date | None) -> str | None:
    if kind == "iso":
        parsed = _parse(g["iso"] or "", 2000)
        return parsed.isoformat() if parsed else None
    if kind == "year":
        return g["year"]
    if kind == "month":
        month = _month_number(g["m1"] or "")
        return f"{g['y1']}-{month:02d}" if month else None
    if kind == "day":
        return _day(g["d1"] or "", g["m1"] or "", g["y1"], ref)
    if kind == "month range":
        m1, m2 = _month_number(g["m1"] or ""), _month_number(g["m2"] or "")
        if not (m1 and m2):
            return None
        last = int(g["y2"] or 0)
        # "December to January 2025": the start is in the year before.
        first = int(g["y1"]) if g["y1"] else (last - 1 if m1 > m2 else last)
        if (first, m1) > (last, m2):
            return None  # an interval that ends before it starts
        return f"{first}-{m1:02d}/{last}-{m2:02d}"
    # day and full ranges: the first end takes what it lacks from the second
    y2 = g.get("y2")
    end = _day(g["d2"] or "", g["m2"] or "", y2, ref)
    start = _day(g["d1"] or "", g.get("m1") or g["m2"] or "", g.get("y1") or y2, ref)
    if start and end and start > end and g.get("m1") and not g.get("y1") and end[:2] != "--":
        # "30 December to 2 January 2025": the start is in the year before the end.
        start = _day(g["d1"] or "", g.get("m1") or g["m2"] or "", str(int(end[:4]) - 1), ref)
    if not (start and end) or start > end:
        return None
    return f"{start}/{end}"


def _relative(m: re.Match[str], ref: dt.date) -> tuple[str, str] | None:
    if m.group("wd"):
        rule = _WD_RULE[m.group("wd")]
        which = (m.group("which") or "").lower()
        if which == "next":
            day = ref + relativedelta(days=+1, weekday=rule(+1))
        elif which == "last":
            day = ref + relativedelta(days=-1, weekday=rule(-1))
        elif which == "this":
            day = ref + relativedelta(weekday=rule(+1))
        else:  # a bare weekday in news copy: the latest one, on or before the reference
            day = ref + relativedelta(weekday=rule(-1))
        return day.isoformat(), f"weekday relative to {ref.isoformat()}"
    if m.group("word"):
        shift = {"yesterday": -1, "today": 0, "tomorrow": 1}[m.group("word").lower()]
        return (ref + relativedelta(days=shift)).isoformat(), f"relative to {ref.isoformat()}"
    shift = {"last": -1, "next": 1, "this": 0}[m.group("which2").lower()]
    unit = m.group("unit")
    if unit == "year":
        return str(ref.year + shift), f"relative year to {ref.isoformat()}"
    if unit == "month":
        return (ref + relativedelta(months=shift)).strftime("%Y-%m"), "relative month"
    monday = ref + relativedelta(weeks=shift, weekday=MO(-1))
    week = monday.isocalendar()
    return f"{week.year}-W{week.week:02d}", "relative week"


_DAY_BEFORE = re.compile(r"\d(?:st|nd|rd|th)?\s+(?:of\s+)?$")
_BETWEEN = re.compile(r"\b[Bb]etween\s+$")


def _two_dates(kind: str, m: re.Match[str], before: str) -> bool:
    """True for a range joined by "and" without "between" before it: "on 3 and 17
    May" names two days, "between 3 and 17 May" one interval."""
    if kind.endswith("range") and re.search(r"\sand\s", m.group(0)):
        return _BETWEEN.search(before) is None
    return False


def _first_of_two(kind: str, m: re.Match[str], ref: dt.date | None) -> Suggestion | None:
    """The first of two dates joined by "and" ("3" in "3 and 17 May 2023"), taking
    the month and year it lacks from the second; the second is found on its own.
    Dates named together are close in time: "30 December and 2 January 2025"
    starts in the year before, "5 April and 3 March 2025" does not."""
    g = m.groupdict()
    month, year = g.get("m1") or g["m2"] or "", g.get("y1") or g.get("y2")
    if year and not g.get("y1") and g.get("m1"):
        first, second = _month_number(month), _month_number(g["m2"] or "")
        if first and second and first - second > 6:
            year = str(int(year) - 1)
    if kind == "month range":
        number = _month_number(month)
        value = f"{year}-{number:02d}" if number and year else None
    else:
        value = _day(g["d1"] or "", month, year, ref)
    if value is None:
        return None
    end = max(m.end(key) for key in ("d1", "m1", "y1") if g.get(key))
    return Suggestion(m.start(), end, LABEL, _CONFIDENCE[kind],
                      "date pattern: the first of two dates", {"normalized": value})  # fmt: skip


_CONFIDENCE = {"full range": 0.95, "day range": 0.93, "day": 0.95, "iso": 0.97,
               "month range": 0.9, "month": 0.9, "year": 0.75}  # fmt: skip


def suggest(text: str, *, reference_date: dt.date | None = None) -> list[Suggestion]:
    """DATE suggestions in ``text``; relative ones only when ``reference_date`` is given."""
    found: list[Suggestion] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 12) : m.start()]
            if kind == "month" and _DAY_BEFORE.search(before):
                continue  # of a day the parser refused: "31 February 2025" is no "February 2025"
            if _two_dates(kind, m, before):
                first = _first_of_two(kind, m, reference_date)
                found.extend([first] if first else [])
                continue
            normalized = _normalize(kind, m.groupdict(), reference_date)
            if normalized is None:
                continue
            start, end = (m.start("year"), m.end("year")) if kind == "year" else m.span()
            found.append(Suggestion(
                start, end, LABEL, _CONFIDENCE[kind], f"date pattern: {kind}",
                {"normalized": normalized},
            ))  # fmt: skip
    if reference_date is not None:
        for m in _RELATIVE.finditer(text):
            got = _relative(m, reference_date)
            if got:
                found.append(Suggestion(
                    m.start(), m.end(), LABEL, 0.7 if m.group("wd") and not m.group("which")
                    else 0.8, got[1], {"normalized": got[0]},
                ))  # fmt: skip
    return non_overlapping(found)
