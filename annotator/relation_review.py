"""Comparing two analysts' relations of one document, after their spans are paired.

A relation of A matches one of B when both its ends are matched spans
(``review.compare`` paired them as ``match``: same start, end and label) and
the type is the same.  With both ends matched but another type, the two are a
``type_mismatch``.  Every other relation is ``only_a`` or ``only_b``: an end of
it is not a matched span, or the other analyst did not link those spans.

Pairing is one-to-one and never depends on input order: relations are taken
by (type, id), exact pairs first, then type mismatches.  Not yet wired into
the review window nor into adjudication (see issue 9).
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
    left_b = sorted(b, key=lambda r: (r.type, r.id))
    left_a = sorted(a, key=lambda r: (r.type, r.id))
    out: list[RelationPair] = []
    for same_type in (True, False):
        unpaired = []
        for rel in left_a:
            ends = (to_b.get(rel.from_span), to_b.get(rel.to_span))
            partner = None
            if None not in ends:
                partner = next((o for o in left_b if (o.from_span, o.to_span) == ends
                                and (o.type == rel.type) == same_type), None)  # fmt: skip
            if partner is None:
                unpaired.append(rel)
                continue
            left_b.remove(partner)
            out.append(RelationPair(MATCH if same_type else TYPE_MISMATCH, rel, partner))
        left_a = unpaired
    out += [RelationPair(ONLY_A, rel, None) for rel in left_a]
    out += [RelationPair(ONLY_B, None, rel) for rel in left_b]
    return out


def relation_counts(pairs: Sequence[RelationPair]) -> dict[str, int]:
    counts = dict.fromkeys(RELATION_CATEGORIES, 0)
    for pair in pairs:
        counts[pair.category] += 1
    return counts
