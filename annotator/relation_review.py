"""Comparing two analysts' relations of one document, after their spans are paired.

A relation of A matches one of B when both its ends are matched spans
(``review.compare`` paired them as ``match``: same start, end and label) and
the type is the same.  With both ends matched but another type, the two are a
``type_mismatch``.  Every other relation is ``only_a`` or ``only_b``: an end of
it is not a matched span, or the other analyst did not link those spans.

Pairing is one-to-one and never depends on input order: relations are taken
by (type, id), exact pairs first, then type mismatches.

The review window lists these pairs after the span pairs (``ReviewSession``'s
relation rows), ``annotator agree --json`` counts them, and adjudication
carries them into the gold layer between the gold copies of their ends
(``relation_adjudication``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Relation
from .review import MATCH, ONLY_A, ONLY_B, Pair

TYPE_MISMATCH = "type_mismatch"
RELATION_CATEGORIES = (MATCH, TYPE_MISMATCH, ONLY_A, ONLY_B)


@dataclass(frozen=True)
class RelationPair:
    category: str
    a: Relation | None
    b: Relation | None

    @property
    def agrees(self) -> bool:
        return self.category == MATCH


def compare_relations(
    pairs: Sequence[Pair], a: Sequence[Relation], b: Sequence[Relation]
) -> list[RelationPair]:
    """Pair A's and B's relations given the span ``pairs`` of ``review.compare``."""
    to_b = {p.a.id: p.b.id for p in pairs if p.category == MATCH and p.a and p.b}
    # B's relations by their ends, each list in (type, id) order: a partner is looked
    # up among the few relations between the same two spans, never among all of B's.
    by_ends: dict[tuple[str, str], list[Relation]] = {}
    for rel in sorted(b, key=lambda r: (r.type, r.id)):
        by_ends.setdefault((rel.from_span, rel.to_span), []).append(rel)
    left_a = sorted(a, key=lambda r: (r.type, r.id))
    out: list[RelationPair] = []
    for same_type in (True, False):
        unpaired = []
        for rel in left_a:
            start, end = to_b.get(rel.from_span), to_b.get(rel.to_span)
            waiting = by_ends.get((start, end), []) if start and end else []
            partner = next((o for o in waiting if (o.type == rel.type) == same_type), None)
            if partner is None:
                unpaired.append(rel)
                continue
            waiting.remove(partner)
            out.append(RelationPair(MATCH if same_type else TYPE_MISMATCH, rel, partner))
        left_a = unpaired
    out += [RelationPair(ONLY_A, rel, None) for rel in left_a]
    left_b = sorted((r for rels in by_ends.values() for r in rels), key=lambda r: (r.type, r.id))
    out += [RelationPair(ONLY_B, None, rel) for rel in left_b]
    return out


def relation_counts(pairs: Sequence[RelationPair]) -> dict[str, int]:
    counts = dict.fromkeys(RELATION_CATEGORIES, 0)
    for pair in pairs:
        counts[pair.category] += 1
    return counts
