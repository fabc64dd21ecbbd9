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


def through_revision(
    target: Store, doc_id: int, record: DocumentRecord
) -> tuple[DocumentRecord, int, int] | None:
    """``record`` moved onto document ``doc_id``'s current text, if its text is one
    of that document's earlier texts, with how many of its spans were placed there
    now and how many wait as orphans now; else None (a conflict).

    A span carried over by an earlier merge stands where it is here, unless the
    file changed it more recently than this file did: then its offsets there are
    carried again, and, with its label, note and attributes, follow the file as
    any span's do (``merge_follow``)."""
    digest = sha256(record.text)
    earlier = next((r for r in target.revisions(doc_id) if r.text_sha256 == digest), None)
    if earlier is None:
        return None
    current = target.document(doc_id).text
    here = {s.id: s for s in target.spans(doc_id)}
    waiting = {o.span.id for o in target.orphans(doc_id)}
    new = [s for s in record.spans if s["id"] not in here and s["id"] not in waiting]
    # Changed there since it was changed here: where its new offsets land now.
    later = [s for s in record.spans
             if s["id"] in here and (s.get("updated_at") or "") > here[s["id"]].updated_at]
    moved_there = {
        s["id"]: (where.start, where.end)
        for s, where in zip(later, reanchor(record.text, current,
                                            [(s["start"], s["end"]) for s in later]), strict=True)
        if where.kind == "exact"
    }  # fmt: skip
    placements = reanchor(record.text, current, [(s["start"], s["end"]) for s in new])
    placed: list[dict[str, Any]] = []
    for s in record.spans:
        if s["id"] in here:
            start, end = moved_there.get(s["id"], (here[s["id"]].start, here[s["id"]].end))
            placed.append({**s, "start": start, "end": end, "text": current[start:end]})
    orphans = list(record.orphans)
    last = len(record.revisions)  # its text comes after the file's own earlier texts
    placed_now = 0
    for span, where in zip(new, placements, strict=True):
        if where.kind == "exact":
            placed.append({**span, "start": where.start, "end": where.end,
                           "text": current[where.start : where.end]})  # fmt: skip
            placed_now += 1
        else:
            orphans.append({**span, "revision": last})
    ids = {s["id"] for s in placed}
    relations = [r for r in record.relations if r["from"] in ids and r["to"] in ids]
    kept = {r["id"] for r in relations}
    old_text = {"text": record.text, "replaced_at": earlier.replaced_at,
                "replaced_by": earlier.replaced_by}  # fmt: skip
    moved = replace(
        record, text=current, spans=placed, relations=relations,
        revisions=[*record.revisions, old_text], orphans=orphans,
        orphan_relations=[*record.orphan_relations,
                          *(r for r in record.relations if r["id"] not in kept)],
    )  # fmt: skip
    return moved, placed_now, len(new) - placed_now
