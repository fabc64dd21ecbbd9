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

from .model import Span

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
        for span in spans.values():
            if span.label != CLAIM:
                continue
            linked = ends.get(span.id, {})

            def names(label: str, linked: dict[str, list[Span]] = linked) -> tuple[str, ...]:
                return tuple(_shown(s) for s in sorted(linked.get(label, []),
                                                      key=lambda s: (s.start, s.end)))  # fmt: skip

            stance = span.attributes.get("stance")
            checkworthy = span.attributes.get("checkworthy")
            rows.append(ClaimRow(
                doc_id, title, span.id, span.start, span.end, " ".join(span.text.split()),
                names("ACTOR"), names("DATE"), names("CITATION"),
                stance if isinstance(stance, str) else "",
                checkworthy if isinstance(checkworthy, bool) else None,
            ))  # fmt: skip
    return rows


def top_partners(rows: Iterable[ClaimRow], label: str, limit: int = 5) -> list[tuple[str, int]]:
    """The partners with ``label`` linked to the most claims, most first (ties by name)."""
    counts = Counter(name for row in rows for name in set(row.partners(label)))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].casefold()))[:limit]


CSV_HEADER = ["document", "claim", "start", "end", "actors", "dates", "citations", "stance",
              "checkworthy"]  # fmt: skip


def write_csv(rows: Iterable[ClaimRow], out: IO[str]) -> int:
    """The rows as CSV (several partners joined by "; "); returns how many were written."""
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    n = 0
    for row in rows:
        writer.writerow([
            row.document, row.text, row.start, row.end, "; ".join(row.actors),
            "; ".join(row.dates), "; ".join(row.citations), row.stance,
            "" if row.checkworthy is None else ("yes" if row.checkworthy else "no"),
        ])  # fmt: skip
        n += 1
    return n
