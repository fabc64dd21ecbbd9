"""Actors: a gazetteer matched on word boundaries, plus names next to speech verbs.

The gazetteer is one plain text file per kind (``person.txt``, ``organisation.txt``,
``country.txt``; one name a line, ``#`` comments) shipped in ``gazetteer/``.  A
user folder given as ``gazetteer_dir`` or by ``$ANNOTATOR_GAZETTEER`` adds names
(files of the same names; other ``*.txt`` files add kinds named after them).

Besides the list, a capitalised name right before or after a speech verb ("Marta
Olsberg said", "said Olsberg", "X, an analyst at Y, said") is suggested as a
person (or an organisation when it ends in a word like Institute or Ministry),
and the surname of a person found so is suggested wherever it appears again.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .base import Suggestion, non_overlapping
from .names import NAME, NOT_NAMES, trim_name

LABEL = "ACTOR"
ENV = "ANNOTATOR_GAZETTEER"
KINDS = ("person", "organisation", "country")

_SPEECH = (
    r"said|says|told|added|stated|warned|argued|insisted|claimed|announced|explained"
    r"|declared|noted|wrote|replied|confirmed|denied|admitted|urged|asked"
)
_SPEAKER_BEFORE = re.compile(
    rf"(?<![\w’'-])(?P<name>{NAME})(?:,[^,.;\n\"“”]{{1,80}},)?\s+(?:{_SPEECH})\b"
)
_SPEAKER_AFTER = re.compile(rf"\b(?:{_SPEECH})\s+(?P<name>{NAME})")
_ORG_HEADS = frozenset(
    """Agency Alliance Association Authority Bank Board Bureau Centre Center Commission Committee
    Company Corporation Council Court Department Federation Forum Foundation Fund Group Inc
    Institute Institution League Ltd Ministry Network Office Organisation Organization Parliament
    Party Police Press Radio Service Shipping Society Times Tribunal Union University Minerals
    Review Post Gazette Courier Ledger Monitor News Daily Weekly Television TV""".split()
)


def _read_names(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@lru_cache(maxsize=8)
def load_gazetteer(user_dir: str | None = None) -> dict[str, tuple[str, ...]]:
    """Names per kind: the shipped lists plus the user's folder, if any."""
    names: dict[str, set[str]] = {kind: set() for kind in KINDS}
    shipped = resources.files("annotator.suggest") / "gazetteer"
    for kind in KINDS:
        entry = shipped / f"{kind}.txt"
        if entry.is_file():
            with resources.as_file(entry) as path:
                names[kind].update(_read_names(path))
    if user_dir:
        for path in sorted(Path(user_dir).glob("*.txt")):
            names.setdefault(path.stem, set()).update(_read_names(path))
    return {kind: tuple(sorted(found, key=len, reverse=True)) for kind, found in names.items()}


@lru_cache(maxsize=8)
def _gazetteer_pattern(user_dir: str | None) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    kind_of: dict[str, str] = {}
    for kind, names in load_gazetteer(user_dir).items():
        for name in names:
            kind_of.setdefault(name, kind)
    if not kind_of:
        return None, kind_of
    alternatives = "|".join(re.escape(n) for n in sorted(kind_of, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"), kind_of


def _kind_of_name(name: str) -> str:
    return "organisation" if name.split()[-1] in _ORG_HEADS else "person"


def suggest(
    text: str, *, reference_date: dt.date | None = None, gazetteer_dir: str | Path | None = None
) -> list[Suggestion]:
    """ACTOR suggestions with ``kind`` (person, organisation, country, ...) in attributes."""
    user_dir = gazetteer_dir if gazetteer_dir is not None else os.environ.get(ENV) or None
    pattern, kind_of = _gazetteer_pattern(str(user_dir) if user_dir else None)
    found: list[Suggestion] = []
    if pattern is not None:
        for m in pattern.finditer(text):
            found.append(Suggestion(m.start(), m.end(), LABEL, 0.9, "gazetteer",
                                    {"kind": kind_of[m.group()]}))  # fmt: skip
    surnames: set[str] = set()
    for rx, where in ((_SPEAKER_BEFORE, "before"), (_SPEAKER_AFTER, "after")):
        for m in rx.finditer(text):
            trimmed = trim_name(m.group("name"))
            if trimmed is None:
                continue
            offset, name = trimmed
            if name in kind_of:
                continue  # the gazetteer already has it
            start = m.start("name") + offset
            kind = _kind_of_name(name)
            words = name.split()
            if kind == "person" and len(words) > 1:
                surnames.add(words[-1])
            found.append(Suggestion(
                start, start + len(name), LABEL, 0.7 if len(words) > 1 else 0.6,
                f"name {where} a speech verb", {"kind": kind},
            ))  # fmt: skip
    surnames -= NOT_NAMES
    if surnames:
        alternatives = "|".join(re.escape(s) for s in sorted(surnames, key=len, reverse=True))
        for m in re.finditer(rf"(?<![\w’'-])(?:{alternatives})(?![\w’'-])", text):
            found.append(
                Suggestion(
                    m.start(),
                    m.end(),
                    LABEL,
                    0.6,
                    "surname of a person named elsewhere",
                    {"kind": "person"},
                )
            )
    # A name in a longer name ("Olsberg" in "Marta Olsberg") is left to the longer one.
    return non_overlapping(found)
