"""Citations: inline markers ``[citation: NAME]`` and attribution phrases.

A marker is suggested whole (the schema's CITATION covers the whole marker) with
``kind = marker``.  For an attribution ("according to X", "X reported", "citing
X", "said in a statement to X") the span is the source X alone, ``kind =
attribution``, with the phrase that gave it away in the reason.
"""

from __future__ import annotations

import datetime as dt
import re

from .base import Suggestion, non_overlapping
from .names import NAME, trim_name

LABEL = "CITATION"

MARKER = re.compile(
    r"\[\s*(?:citation|cite|source)\s*:\s*(?P<name>[^\[\]\n\s][^\[\]\n]{0,199}?)\s*\]", re.I
)  # a name begins with something that is not a space: "[cite: ]" names nobody

_THE = r"(?:(?:the|a|an)\s+)?"
# Phrases followed by the source; the name is capitalised.
_BEFORE = re.compile(
    rf"(?<!\w)(?P<cue>[Aa]ccording\s+to|[Cc]iting|[Rr]eported\s+by|[Qq]uoted\s+by|[Tt]old\s+the"
    rf"|in\s+a\s+statement\s+to|in\s+an\s+interview\s+with|in\s+a\s+(?:post|report)\s+(?:on|by))"
    rf"\s+{_THE}(?P<name>{NAME})"
)
# "citing" may name a lower-case source too: "citing customs data", "citing officials".
_CITING_PLAIN = re.compile(
    r"(?<!\w)[Cc]iting\s+(?:(?:the|a|an)\s+)?(?P<name>[a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)"
    r"(?=\s*[,.;:)\]]|\s*$)"
)
# Phrases preceded by the source.
_AFTER = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME})\s+(?P<cue>reported|reports|has\s+reported|said\s+in\s+a\s+report"
    rf"|wrote|published|revealed)\b"
)


def _named(m: re.Match[str], reason: str, confidence: float) -> Suggestion | None:
    trimmed = trim_name(m.group("name"))
    if trimmed is None:
        return None
    offset, name = trimmed
    start = m.start("name") + offset
    return Suggestion(start, start + len(name), LABEL, confidence, reason,
                      {"kind": "attribution", "source": name})  # fmt: skip


def suggest(text: str, *, reference_date: dt.date | None = None) -> list[Suggestion]:
    """CITATION suggestions: markers (whole) and attributed sources (the name)."""
    found: list[Suggestion] = [
        Suggestion(
            m.start(),
            m.end(),
            LABEL,
            0.99,
            "citation marker",
            {"kind": "marker", "source": m.group("name")},
        )  # fmt: skip
        for m in MARKER.finditer(text)
    ]
    markers = [(s.start, s.end) for s in found]
    for m in _BEFORE.finditer(text):
        cue = " ".join(m.group("cue").lower().split())
        s = _named(m, f"attribution: '{cue} X'", 0.85)
        if s:
            found.append(s)
    for m in _AFTER.finditer(text):
        cue = " ".join(m.group("cue").lower().split())
        s = _named(m, f"attribution: 'X {cue}'", 0.8)
        if s:
            found.append(s)
    for m in _CITING_PLAIN.finditer(text):
        found.append(Suggestion(
            m.start("name"), m.end("name"), LABEL, 0.6, "attribution: 'citing x'",
            {"kind": "attribution", "source": m.group("name")},
        ))  # fmt: skip
    # nothing inside a marker is a second citation
    found = [s for s in found if s.attributes["kind"] == "marker"
             or not any(a <= s.start < b for a, b in markers)]  # fmt: skip
    return non_overlapping(found)
