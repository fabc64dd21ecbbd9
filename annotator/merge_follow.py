"""What a file merged again changed since: the rows a merge updates or removes.

A span here with the id of one in the source file, but other contents, was
changed in one of the two since the last merge: the more recent change wins
(``updated_at``), and a change made here more recently is kept and reported.
A span or relation here that the source no longer has was deleted there only
if the source's own history names it (it had it once): anything else is
someone else's work, which the source never saw, and stays; a span changed
here after the source's last event about it stays too.

The other way round, what was deleted here is not brought back by merging a
file that still has it (``removed_here``): a span, relation or document the
target's own history names but no longer holds stays deleted, unless the
source changed the span, or its history names it (an undone deletion), after
it was deleted here (the more recent change wins again).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .display_text import with_count
from .errors import AnnotatorError
from .model import DocumentRecord, Span

if TYPE_CHECKING:
    from .merge import SourceReport
    from .store import Store

_ID = re.compile(r'"id": "((?:[^"\\]|\\.)*)"')  # a row's id in the history's JSON


def ids_in_history(store: Store) -> dict[str, dict[str, str]]:
    """Per document uid: every span and relation id the file's history names, with
    the time of the last event that names it."""
    uid_of = {d.id: d.uid for d in store.documents()}
    return {uid_of[doc]: ids for doc, ids in _last_named(store, uid_of).items()}


def named_here(target: Store, doc_ids: Collection[int]) -> dict[int, dict[str, str]]:
    """Per document of ``doc_ids``: every span and relation id the target's own
    history names, with the time of the last event naming it."""
    return _last_named(target, set(doc_ids))


def _last_named(store: Store, documents: Collection[int]) -> dict[int, dict[str, str]]:
    """Per document of ``documents``: the ids its events name, with the time of the
    last.  An undo or redo stores no rows: it names those of the step it acts on."""
    found: dict[int, dict[str, str]] = {}
    steps: dict[int, list[str]] = {}  # event id -> the ids it names
    with store.reading():
        rows = store.conn.execute(
            "SELECT id, document_id, at, action, ref, before, after FROM events"
            " WHERE document_id IS NOT NULL ORDER BY id"
        )
        for event_id, doc_id, at, action, ref, before, after in rows:
            if doc_id not in documents:
                continue
            if action in ("undo", "redo"):
                ids = steps.get(ref, [])
            else:
                ids = [i for state in (before, after) if state for i in _ID.findall(state)]
                steps[event_id] = ids
            found.setdefault(doc_id, {}).update(dict.fromkeys(ids, at))
    return found


def merges_undone(target: Store, doc_id: int) -> dict[str, str]:
    """The span and relation ids of merge steps of document ``doc_id`` undone (or
    redone) in the target, with the time of the last such undo or redo."""
    found: dict[str, str] = {}
    with target.reading():
        for at, before, after in target.conn.execute(
            "SELECT u.at, e.before, e.after FROM events u JOIN events e ON e.id = u.ref"
            " WHERE u.document_id = ? AND u.action IN ('undo', 'redo') AND e.action = 'merge'"
            " ORDER BY u.id", [doc_id],
        ):  # fmt: skip
            found.update(dict.fromkeys(
                (i for state in (before, after) if state for i in _ID.findall(state)), at
            ))  # fmt: skip
    return found


def removed_here(target: Store, named: dict[int, dict[str, str]]) -> dict[int, dict[str, str]]:
    """Of the ids ``named_here`` found, those the target no longer holds (deleted
    here: by hand, by a review, with their document, or by a merge following
    a file that deleted them first), with the time of the deletion."""
    removed = {}
    with target.reading():
        for doc_id, ids in named.items():
            held = {row[0] for table in ("spans", "relations") for row in target.conn.execute(
                f"SELECT id FROM {table} WHERE document_id = ?", [doc_id])}  # fmt: skip
            removed[doc_id] = {i: at for i, at in ids.items() if i not in held}
    return removed


def documents_removed_here(target: Store) -> dict[str, tuple[str, int]]:
    """The uids of documents deleted here and not back since: the time, and the id
    the document had (its earlier events name it)."""
    with target.reading():
        rows = target.conn.execute(
            "SELECT at, before FROM events WHERE action = 'delete_document' ORDER BY id"
        ).fetchall()
        removed = {}
        for at, before in rows:
            for doc in json.loads(before or "{}").get("documents", []):
                removed[doc["uid"]] = (at, doc["id"])
        if removed:
            held = {uid for (uid,) in target.conn.execute("SELECT uid FROM documents")}
            removed = {uid: gone for uid, gone in removed.items() if uid not in held}
    return removed


def without_removed(
    record: DocumentRecord, removed: dict[str, str], notes: list[str], known: dict[str, str]
) -> DocumentRecord:
    """``record`` without the spans and relations deleted here (``removed``), and
    the relations that would lose an end with them; a span the source changed,
    or its history names (an undone deletion), after it was deleted here comes
    back.  Both are said in ``notes``.  ``known`` is the source's history
    (``ids_in_history``): another file's stale copy of a span that its own file
    deleted names it no later than the deletion, and stays out."""
    offered = {s.get("id"): s for s in (*record.spans, *record.orphans)}
    dropped = {i for i in offered if i in removed}
    back = {i for i in dropped
            if max(offered[i].get("updated_at") or "", known.get(i, "")) > removed[i]}
    dropped -= back
    rels = (*record.relations, *record.orphan_relations)

    def with_its_span(rel: dict[str, Any]) -> bool:
        """Deleted here along with an end that comes back (in the same step)."""
        ends = [end for end in (rel.get("from"), rel.get("to")) if end in back]
        return any(removed[rel["id"]] == removed[end] for end in ends if isinstance(end, str))

    # A relation deleted here comes back when the source's history names it after
    # the deletion (its analyst undid deleting it there), as a span does.
    rels_back = {r["id"] for r in rels
                 if r.get("id") in removed and known.get(r["id"], "") > removed[r["id"]]}
    deleted = {r["id"] for r in rels if r.get("id") in removed and not with_its_span(r)
               and r["id"] not in rels_back}  # fmt: skip
    orphaned = {r.get("id") for r in rels
                if r.get("id") not in deleted and {r.get("from"), r.get("to")} & dropped}
    rels_dropped = deleted | orphaned
    name = record.where or record.title or "a document"
    if dropped or deleted:
        what = [with_count("{n} span{|s}", len(dropped))] if dropped else []
        what += [with_count("{n} relation{|s}", len(deleted))] if deleted else []
        notes.append(f"{name}: {' and '.join(what)} deleted here since an earlier merge:"
                     " not brought back")  # fmt: skip
    if orphaned:
        notes.append(f"{name}: " + with_count(
            "{n} relation{|s} made there to a span deleted here: left out", len(orphaned)))
    if back:
        notes.append(f"{name}: " + with_count(
            "{n} span{|s} deleted here {was|were} changed there since: brought back", len(back)))
    if rels_back:
        notes.append(f"{name}: " + with_count(
            "{n} relation{|s} deleted here {was|were} put back there since: brought back",
            len(rels_back)))  # fmt: skip
    if not (dropped or rels_dropped):
        return record
    return replace(
        record,
        spans=[s for s in record.spans if s.get("id") not in dropped],
        orphans=[s for s in record.orphans if s.get("id") not in dropped],
        relations=[r for r in record.relations if r.get("id") not in rels_dropped],
        orphan_relations=[r for r in record.orphan_relations if r.get("id") not in rels_dropped],
    )


def _same(source: dict[str, Any], here: Span) -> bool:
    theirs = (source["label"], source["start"], source["end"], source.get("note") or None,
              source.get("attributes") or {})  # fmt: skip
    return theirs == (here.label, here.start, here.end, here.note or None, here.attributes or {})


def follow(
    target: Store, doc_id: int, record: DocumentRecord, known: dict[str, str],
    named: dict[str, str], part: SourceReport,
) -> None:  # fmt: skip
    """Bring the source's later changes of document ``doc_id`` into ``target``."""
    here = {s.id: s for s in target.spans(doc_id)}
    theirs = {s["id"]: s for s in record.spans}
    reverted = merges_undone(target, doc_id)
    updated, kept_here = [], 0
    for span_id, span in theirs.items():
        mine = here.get(span_id)
        if mine is None or _same(span, mine):
            continue
        # A merge step undone here stays undone: the source's change counts only
        # when made after that undo.
        if (span.get("updated_at") or "") > max(mine.updated_at, reverted.get(span_id, "")):
            updated.append(span)
        else:
            kept_here += 1
    still = set(theirs) | {o["id"] for o in record.orphans}
    gone = [i for i in here if i not in still and i in known]
    # Deleted there, unless changed here after the source last touched it: its row,
    # or an event here that names it (an undo that put it back).
    deleted = [i for i in gone if max(here[i].updated_at, named.get(i, "")) <= known[i]]
    kept_here += len(gone) - len(deleted)
    rels_there = {r["id"] for r in (*record.relations, *record.orphan_relations)}
    rels_here = [r for r in target.relations(doc_id) if r.id not in rels_there]
    rels_deleted = [r.id for r in rels_here
                    if r.id in known and reverted.get(r.id, "") <= known[r.id]]  # fmt: skip
    name = record.where or record.title or "a document"
    if kept_here:
        part.notes.append(f"{name}: " + with_count(
            "{n} span{|s} differ{s|} from {its|their} version here, which is more recent"
            " (or {was|were} deleted there before it was changed here): kept as {it is|they"
            " are} here", kept_here,
        ))  # fmt: skip
    if not (updated or deleted or rels_deleted):
        return
    gone_too = set(deleted)
    along = [r.id for r in rels_here
             if r.id not in rels_deleted and {r.from_span, r.to_span} & gone_too]  # fmt: skip
    try:
        target.follow_source(
            doc_id, updated=updated, deleted_spans=deleted, deleted_relations=rels_deleted
        )
    except AnnotatorError as exc:
        part.notes.append(f"{name}: its changes since the last merge were not merged ({exc})")
        return
    part.spans_updated += len(updated)
    part.spans_deleted += len(deleted)
    part.relations_deleted += len(rels_deleted)
    if along:  # made here (or by another file) to those spans: they went with them
        part.notes.append(f"{name}: " + with_count(
            "{n} relation{|s} to the spans deleted there went with them (another analyst's"
            " or the team file's: undo as analyst merge to have {it|them} back)", len(along)))
