"""Suggestions in the store: the ``suggest`` layer, accepting and rejecting.

Everything goes through the store's public API (``add_spans``, ``add_span``,
``delete_span``, ``history``), so every step is one entry in the history and
undoable by whoever made it:

* ``suggest_document`` adds the suggesters' spans to the layer of analyst
  ``suggest`` (``origin`` ``rule``, or ``model`` for plug-ins) in one step,
  skipping any (start, end, label) that is already a span in any layer, or that
  was rejected before.  The schema checks span attributes (schema version 2), so
  a suggestion keeps only the attributes its label declares with a valid value
  (a DATE's ``normalized``, an ACTOR's ``kind``); its confidence and reason go
  in the span's note, ``suggested (rule, 0.95): date pattern: day``, read back
  by ``suggestion_info``.
* ``accept`` copies a suggestion into the analyst's layer (one ``add_span``);
  ``accept_all`` copies every pending suggestion of a label (one ``add_spans``).
  The suggestion itself stays in the ``suggest`` layer but is no longer
  *pending*: ``pending`` leaves out suggestions some analyst already has.
  So undoing an accept makes the suggestion pending again, and nothing is ever
  written to an analyst's layer except by these explicit calls.
* ``reject`` deletes the suggestion (one ``delete_span`` by the analyst).  The
  history keeps the deleted row, which is how rejections are remembered: a
  (start, end, label, quote) whose deletion from the ``suggest`` layer is in
  effect (not undone) is never proposed again.  Undoing a reject brings it back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from dateutil import parser as du_parser

from ..anchoring import EXACT, reanchor
from ..attributes import check_attributes
from ..errors import InvalidSpanError, NotFoundError
from ..model import SUGGEST, Span
from . import run_all
from .base import Suggestion

# Document meta keys that can give the publication date (for "last Tuesday").
DATE_KEYS = ("reference_date", "published", "date", "pubdate", "date_published")
HISTORY_LIMIT = 1_000_000

Key = tuple[int, int, str, str]


def reference_date(meta: dict[str, Any]) -> dt.date | None:
    """The article's date from its meta, or None when it has no readable one.

    Only a whole date counts: "2025" or "March 2025" would be filled in with
    today's month or day by the parser, and "yesterday" read against a day made
    up on the day it runs."""
    for key in DATE_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            try:  # two different defaults give the same date only if the text has all of it
                first = du_parser.parse(value, default=dt.datetime(2000, 1, 1))
                second = du_parser.parse(value, default=dt.datetime(2001, 2, 2))
            except (ValueError, OverflowError):
                continue
            if first.date() == second.date():
                return first.date()
    return None


_NOTE = re.compile(
    r"^suggested \((?P<origin>\w+), (?P<confidence>[0-9.]+)\): (?P<reason>.*)$", re.S
)


def note_for(s: Suggestion) -> str:
    return f"suggested ({s.origin}, {s.confidence:.2f}): {s.reason}"


def suggestion_info(span: Span) -> tuple[float, str] | None:
    """(confidence, reason) of a suggestion span, from its note; None if it has none."""
    m = _NOTE.match(span.note or "")
    return (float(m.group("confidence")), m.group("reason")) if m else None


def storable_attributes(schema: Any, s: Suggestion) -> dict[str, Any]:
    """The suggestion's attributes the schema accepts for its label, one by one."""
    label = schema.label(s.label)
    kept: dict[str, Any] = {}
    for name, value in s.attributes.items():
        try:
            check_attributes(label, {name: value}, strict=True)
        except InvalidSpanError:
            continue
        kept[name] = value
    return kept


def _key(row: Any) -> Key:
    if isinstance(row, Span):
        return (row.start, row.end, row.label, row.text)
    return (row["start"], row["end"], row["label"], row["text"])


def rejected_keys(store: Any, document_id: int) -> set[Key]:
    """(start, end, label, quote) of suggestions deleted from the layer and not restored."""
    events = store.history(document_id=document_id, limit=HISTORY_LIMIT)
    in_effect: dict[int, bool] = {}
    deleted: dict[int, list[Key]] = {}
    for e in reversed(events):  # oldest first
        if e.action == "delete_span":
            rows = [r for r in (e.before or {}).get("spans", []) if r.get("annotator") == SUGGEST]
            if rows:
                deleted[e.id] = [_key(r) for r in rows]
                in_effect[e.id] = True
        elif e.action in ("undo", "redo") and e.ref in deleted:
            in_effect[e.ref] = e.action == "redo"
    return {k for event_id, keys in deleted.items() if in_effect[event_id] for k in keys}


def where_now(store: Any, doc: Any, keys: Iterable[Key]) -> set[tuple[int, int, str]]:
    """(start, end, label) of rejected suggestions in the document's current text.

    A rejection made before the text was replaced (``annotator update``) holds
    offsets of an earlier text: it is carried to the current one as the spans
    were, from the latest earlier text that has its quote there; one that does
    not land exactly is no longer in the text.
    """
    now, stale = set(), []
    for start, end, label, quote in keys:
        if doc.text[start:end] == quote:
            now.add((start, end, label))
        else:
            stale.append((start, end, label, quote))
    if not stale:
        return now
    texts = [store.revision_text(r.id) for r in reversed(store.revisions(doc.id))]
    by_text: dict[int, list[tuple[int, int, str]]] = {}  # index in texts -> its rejections
    for start, end, label, quote in stale:
        found = next((i for i, t in enumerate(texts) if t[start:end] == quote), None)
        if found is not None:
            by_text.setdefault(found, []).append((start, end, label))
    for i, rejected in by_text.items():  # one diff of each earlier text with the current
        places = reanchor(texts[i], doc.text, [(start, end) for start, end, _ in rejected])
        now |= {(p.start, p.end, label) for p, (_, _, label) in zip(places, rejected, strict=True)
                if p.kind == EXACT}  # fmt: skip
    return now


def suggest_document(
    store: Any,
    document_id: int,
    *,
    reference: dt.date | None = None,
    suggestions: Iterable[Suggestion] | None = None,
    errors: list[str] | None = None,
) -> list[Span]:
    """Run the suggesters (or take ``suggestions``) and add the new ones; returns them."""
    doc = store.document(document_id)
    if suggestions is None:
        ref = reference or reference_date(doc.meta)
        suggestions = run_all(doc.text, reference_date=ref, errors=errors)
    labels = store.schema.label_set
    present = {_key(s)[:3] for s in store.spans(document_id)}
    rejected = where_now(store, doc, rejected_keys(store, document_id))
    rows = []
    for s in suggestions:
        if s.label not in labels or s.key in present or s.key in rejected:
            continue
        present.add(s.key)
        rows.append({
            "start": s.start, "end": s.end, "label": s.label, "annotator": SUGGEST,
            "origin": s.origin, "note": note_for(s),
            "attributes": storable_attributes(store.schema, s),
        })  # fmt: skip
    return store.add_spans(document_id, rows, by=SUGGEST)


def pending(
    store: Any, document_id: int, *, label: str | None = None, analyst: str | None = None
) -> list[Span]:
    """Suggestions ``analyst`` (default: any analyst) does not have yet, in text order."""
    spans = store.spans(document_id)
    taken = {
        (s.start, s.end, s.label) for s in spans
        if s.annotator != SUGGEST and (analyst is None or s.annotator == analyst)
    }  # fmt: skip
    return [
        s for s in spans
        if s.annotator == SUGGEST and (s.start, s.end, s.label) not in taken
        and (label is None or s.label == label)
    ]  # fmt: skip


def is_pending(store: Any, span_id: str, analyst: str) -> bool:
    """Whether suggestion ``span_id`` is still pending for ``analyst`` (as ``pending``
    says, from the spans of its range only)."""
    try:
        span = store.span(span_id)
    except (NotFoundError, InvalidSpanError):
        return False
    if span.annotator != SUGGEST:
        return False
    return not any(
        s.annotator == analyst and s.label == span.label
        for s in store.spans_at(span.document_id, span.start, span.end)
    )


def _suggestion(store: Any, span_id: str) -> Span:
    span = store.span(span_id)
    if span.annotator != SUGGEST:
        raise InvalidSpanError(f"span {span_id} is not a suggestion (it is {span.annotator}'s)")
    return span


def _copy(span: Span, analyst: str) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "label": span.label, "annotator": analyst,
            "origin": span.origin, "attributes": dict(span.attributes)}  # fmt: skip


def accept(store: Any, span_id: str, analyst: str) -> Span:
    """Copy the suggestion into ``analyst``'s layer (one undo step); returns their span.

    If the analyst already has that span, it is returned and nothing is written.
    """
    if analyst == SUGGEST:
        raise InvalidSpanError("accept a suggestion as an analyst, not as 'suggest'")
    span = _suggestion(store, span_id)
    for mine in store.spans_at(span.document_id, span.start, span.end):
        if mine.annotator == analyst and mine.label == span.label:
            return mine
    row = _copy(span, analyst)
    return store.add_span(
        span.document_id, row["start"], row["end"], row["label"], annotator=analyst,
        origin=row["origin"], attributes=row["attributes"],
    )  # fmt: skip


def reject(store: Any, span_id: str, analyst: str) -> None:
    """Delete the suggestion, remembered as rejected (one undo step for ``analyst``)."""
    _suggestion(store, span_id)
    store.delete_span(span_id, by=analyst)


def accept_all(store: Any, document_id: int, label: str, analyst: str) -> list[Span]:
    """Accept every pending suggestion of ``label`` in the document (one undo step)."""
    if analyst == SUGGEST:
        raise InvalidSpanError("accept suggestions as an analyst, not as 'suggest'")
    return store.add_spans(
        document_id,
        [_copy(s, analyst) for s in pending(store, document_id, label=label, analyst=analyst)],
        by=analyst,
    )
