"""The relation rows of the review's diff table: their words, colours and filters.

A review lists its span pairs first, then its pairs of relations (``ReviewSession``
rows ``len(pairs)`` and on).  A relation row reads like a span row: the
category ("relation type mismatch"), each side's type and its ends
(“the bridge…” → “Olena Koval”), the decision, and the gold relations it made,
or, while its ends are not in gold, "accept both ends first".
"""

from __future__ import annotations

from annotator.adjudication import ACCEPT_BOTH, REJECT, ReviewSession
from annotator.model import Relation
from annotator.relation_adjudication import ENDS_FIRST, short
from annotator.relation_review import RELATION_CATEGORIES, TYPE_MISMATCH
from annotator.review import MATCH, ONLY_A, ONLY_B

RELATIONS = "relations"  # the filter of every relation row
RELATION_FILTERS = tuple(f"relation_{c}" for c in RELATION_CATEGORIES)
RELATION_NAMES = {
    MATCH: "relation match", TYPE_MISMATCH: "relation type mismatch",
    ONLY_A: "relation only A", ONLY_B: "relation only B",
}  # fmt: skip
RELATION_COLOURS = {
    MATCH: "#2ca02c", TYPE_MISMATCH: "#e377c2", ONLY_A: "#1f77b4", ONLY_B: "#9467bd",
}  # fmt: skip
RELATION_FILTER_NAMES = {RELATIONS: "Relations",
                         **{f"relation_{c}": n for c, n in RELATION_NAMES.items()}}  # fmt: skip


def relation_rows(session: ReviewSession, name: str) -> list[int]:
    """The relation rows the filter ``name`` lets through (none for a span filter)."""
    rows = session.relation_rows()
    if name == RELATIONS:
        return list(rows)
    if name in RELATION_FILTERS:
        category = name.removeprefix("relation_")
        return [r for r in rows if session.relation_pairs[r - rows.start].category == category]
    return []


def ends(session: ReviewSession, rel: Relation) -> str:
    """“the bridge will reopen” → “Olena Koval”."""
    start, end = session.span_text(rel.from_span), session.span_text(rel.to_span)
    return f"“{short(start)}” → “{short(end)}”"


def decision_name(session: ReviewSession, row: int, names: dict[str, str]) -> str:
    decision = session.decision_at(row)
    if decision is None:
        return ""
    pair = session.relation_at(row)
    lone_or_same = pair is not None and pair.category != TYPE_MISMATCH
    if decision.decision == ACCEPT_BOTH and lone_or_same:
        return "accepted"
    return names.get(decision.decision, "")


def gold_text(session: ReviewSession, row: int) -> str:
    decision = session.decision_at(row)
    if decision is None or not decision.is_verdict:
        return ENDS_FIRST if session.missing_ends(row) else ""
    gold = session.gold_relations_at(row)
    if not gold:
        return "—" if decision.decision == REJECT else "missing"
    return "; ".join(f"{r.type} {ends(session, r)}" for r in gold)


def tooltip(session: ReviewSession, row: int, names: dict[str, str]) -> str:
    pair = session.relation_at(row)
    assert pair is not None
    lines = [RELATION_NAMES[pair.category]]
    for side, rel in (("A", pair.a), ("B", pair.b)):
        if rel is not None:
            lines.append(f"{side}: {session.describe(rel)} ({rel.annotator})")
    decision = session.decision_at(row)
    if decision is not None:
        lines.append(f"{decision_name(session, row, names)} by {decision.by}")
        for rel in session.gold_relations_at(row):
            lines.append(f"gold: {session.describe(rel)} source "
                         f"{rel.attributes.get('source', '?')}")  # fmt: skip
        if decision.comment:
            lines.append(f"comment: {decision.comment}")
    missing = session.missing_ends(row)
    if missing and (decision is None or not decision.is_verdict):
        named = " and ".join(f"{s.label} “{short(s.text)}”" for s in missing)
        lines.append(f"not in gold yet: {named} ({ENDS_FIRST})")
    return "\n".join(lines)
