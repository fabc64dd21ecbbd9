"""Merging a file whose document still has an earlier text of the team's.

One analyst replaced an article's text (``annotator update``, or the window's
"Replace text"); the team file keeps the old text as a revision.  A colleague's
file still holds that old text: its spans are carried to the current text as a
text replacement carries them (``anchoring.reanchor``).  Those found exactly
are added to the current text; the others, fuzzy or lost, wait in the Orphans
panel as orphans of that revision, for an analyst to place or drop.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .anchoring import reanchor
from .model import DocumentRecord
from .store import sha256

if TYPE_CHECKING:
    from .store import Store


def through_revision(target: Store, doc_id: int, record: DocumentRecord) -> DocumentRecord | None:
    """``record`` moved onto document ``doc_id``'s current text, if its text is one
    of that document's earlier texts; else None (a conflict)."""
    digest = sha256(record.text)
    earlier = next((r for r in target.revisions(doc_id) if r.text_sha256 == digest), None)
    if earlier is None:
        return None
    current = target.document(doc_id).text
    placements = reanchor(record.text, current, [(s["start"], s["end"]) for s in record.spans])
    placed: list[dict[str, Any]] = []
    orphans = list(record.orphans)
    last = len(record.revisions)  # its text comes after the file's own earlier texts
    for span, where in zip(record.spans, placements, strict=True):
        if where.kind == "exact":
            placed.append({**span, "start": where.start, "end": where.end,
                           "text": current[where.start : where.end]})  # fmt: skip
        else:
            orphans.append({**span, "revision": last})
    here = {s["id"] for s in placed}
    relations = [r for r in record.relations if r["from"] in here and r["to"] in here]
    kept = {r["id"] for r in relations}
    old_text = {"text": record.text, "replaced_at": earlier.replaced_at,
                "replaced_by": earlier.replaced_by}  # fmt: skip
    return replace(
        record, text=current, spans=placed, relations=relations,
        revisions=[*record.revisions, old_text], orphans=orphans,
        orphan_relations=[*record.orphan_relations,
                          *(r for r in record.relations if r["id"] not in kept)],
    )  # fmt: skip
