"""Claims with who said them, when, and on what source: rows for the Claims panel.

Qt-free.  A claim is a span whose label is ``CLAIM``; its partners are the
other ends of the relations that start at it (ATTRIBUTED_TO an ACTOR, DATED a
DATE, SOURCED_FROM a CITATION in the default schema), grouped by the
partner's label.  One analyst's layer at a time: relations link spans of one
layer.  A DATE shows its ``normalized`` attribute after its text when set.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

from .errors import AnnotatorError
from .model import Span
from .spreadsheet import inert

CLAIM = "CLAIM"
PARTNERS = (("ACTOR", "Actors"), ("DATE", "Dates"), ("CITATION", "Citations"))


@dataclass(frozen=True)
class ClaimRow:
    document_id: int
    document: str  # the title, or "#id" when untitled
    span_id: str
    start: int
    end: int
    text: str
    actors: tuple[str, ...]
    dates: tuple[str, ...]
    citations: tuple[str, ...]
    stance: str
    checkworthy: bool | None
    partner_ids: frozenset[str] = frozenset()  # the linked spans: an edit of one changes the row

    def partners(self, label: str) -> tuple[str, ...]:
        return {"ACTOR": self.actors, "DATE": self.dates, "CITATION": self.citations}.get(
            label, ()
        )


def _shown(span: Span) -> str:
    text = " ".join(span.text.split())
    normalized = span.attributes.get("normalized") if span.label == "DATE" else None
    return f"{text} ({normalized})" if isinstance(normalized, str) and normalized else text


def claim_rows(
    store: Any, analyst: str, document_ids: Iterable[int] | None = None
) -> list[ClaimRow]:
    """The analyst's claims in the given documents (default: all), in reading order."""
    if document_ids is None:
        titled = {d.id: d.title or f"#{d.id}" for d in store.documents()}
    else:
        titled = {}
        for doc_id in document_ids:
            doc = store.document(doc_id)
            titled[doc.id] = doc.title or f"#{doc.id}"
    rows = []
    for doc_id, title in titled.items():
        spans = {s.id: s for s in store.spans(doc_id, annotator=analyst)}
        ends: dict[str, dict[str, list[Span]]] = {}
        for rel in store.relations(doc_id, annotator=analyst):
            claim, other = spans.get(rel.from_span), spans.get(rel.to_span)
            if claim is not None and other is not None and claim.label == CLAIM:
                ends.setdefault(claim.id, {}).setdefault(other.label, []).append(other)
        rows += [_row(title, span, ends.get(span.id, {}))
                 for span in spans.values() if span.label == CLAIM]  # fmt: skip
    return rows


def claim_rows_touching(
    store: Any, analyst: str, document_id: int, title: str, span_ids: Iterable[str]
) -> tuple[list[ClaimRow], set[str]]:
    """The rows an edit of ``span_ids`` can change, read again: those spans' own
    (if claims) and those of the claims linked to them.  Returns the rows and the
    ids among ``span_ids`` that are no claim of ``analyst`` in the document (any more).

    Reads the spans named and the document's relations, not all its spans: an edit
    in a long article with thousands of claims costs a few milliseconds.
    """
    touched = set(span_ids)
    relations = store.relations(document_id, annotator=analyst)
    claims = touched | {r.from_span for r in relations if r.to_span in touched}

    def live(span_id: str) -> Span | None:
        try:
            span = store.span(span_id)
        except AnnotatorError:  # deleted, or an orphan of an earlier text
            return None
        mine = span.annotator == analyst and span.document_id == document_id
        return span if mine else None

    rows, gone = [], set()
    for claim_id in sorted(claims):
        claim = live(claim_id)
        if claim is None or claim.label != CLAIM:
            gone.add(claim_id)
            continue
        linked: dict[str, list[Span]] = {}
        for rel in relations:
            other = live(rel.to_span) if rel.from_span == claim_id else None
            if other is not None:
                linked.setdefault(other.label, []).append(other)
        rows.append(_row(title, claim, linked))
    return rows, gone


def _row(title: str, span: Span, linked: dict[str, list[Span]]) -> ClaimRow:
    def names(label: str) -> tuple[str, ...]:
        return tuple(_shown(s) for s in sorted(linked.get(label, []),
                                              key=lambda s: (s.start, s.end)))  # fmt: skip

    stance = span.attributes.get("stance")
    checkworthy = span.attributes.get("checkworthy")
    return ClaimRow(
        span.document_id, title, span.id, span.start, span.end, " ".join(span.text.split()),
        names("ACTOR"), names("DATE"), names("CITATION"),
        stance if isinstance(stance, str) else "",
        checkworthy if isinstance(checkworthy, bool) else None,
        frozenset(s.id for partners in linked.values() for s in partners),
    )  # fmt: skip


def top_partners(rows: Iterable[ClaimRow], label: str, limit: int = 5) -> list[tuple[str, int]]:
    """The partners with ``label`` linked to the most claims, most first (ties by name);
    spellings the overview counts as one ("Zoë", "Zoe") are one, shown as it shows
    them (``overview.spelling``)."""
    from .store.overview import normalise, spelling

    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for row in rows:
        names = set(row.partners(label))
        for name in names:
            forms.setdefault(normalise(name), Counter())[name] += 1
        counts.update({normalise(name) for name in names})  # two spellings: one claim
    shown = [(spelling(forms[key]), n) for key, n in counts.items()]
    return sorted(shown, key=lambda item: (-item[1], item[0].casefold()))[:limit]


CSV_HEADER = ["document", "claim", "start", "end", "actors", "dates", "citations", "stance",
              "checkworthy"]  # fmt: skip


def write_csv(rows: Iterable[ClaimRow], out: IO[str]) -> int:
    """The rows as CSV (several partners joined by "; "); returns how many were written."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    n = 0
    for row in rows:
        writer.writerow(map(inert, [
            row.document, row.text, row.start, row.end, "; ".join(row.actors),
            "; ".join(row.dates), "; ".join(row.citations), row.stance,
            "" if row.checkworthy is None else ("yes" if row.checkworthy else "no"),
        ]))  # fmt: skip
        n += 1
    return n
