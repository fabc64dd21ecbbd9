"""The store's public API on documents, spans, relations and their refusals.

Every database is a real SQLite file in ``tmp_path``; what the store wrote is
read back through a separate plain ``sqlite3`` connection, and expected values
are worked out by hand (offsets, counts) or with ``hashlib``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from store_helpers import (
    OTHER,
    TEXT,
    count,
    query,
    snapshot,
)

from annotator import (
    AnnotatorError,
    DuplicateDocumentError,
    InvalidRelationError,
    InvalidSpanError,
    NotFoundError,
    Span,
    Store,
)


@pytest.fixture
def doc_id(store: Store) -> int:
    return store.add_document(TEXT, title="Bridge").id


# -- documents -----------------------------------------------------------------------


def test_add_document_uid_is_the_sha256_of_the_text(store: Store) -> None:
    expected = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    doc = store.add_document(TEXT, title="Bridge", source="wire", meta={"desk": "city"})
    assert (doc.uid, doc.text_sha256) == (expected, expected)
    assert (doc.text, doc.title, doc.source, doc.meta) == (TEXT, "Bridge", "wire", {"desk": "city"})
    assert isinstance(doc.id, int)
    assert store.document(doc.id) == doc


def test_the_same_text_twice_is_a_duplicate_and_stays_one_row(store: Store, db_path: Path) -> None:
    first = store.add_document(TEXT, title="Bridge")
    before = snapshot(db_path)
    with pytest.raises(DuplicateDocumentError) as info:
        store.add_document(TEXT, title="Another title")
    assert info.value.existing_id == first.id
    assert "document 1" in str(info.value)
    assert snapshot(db_path) == before
    assert count(db_path, "documents") == 1


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_a_document_needs_text(store: Store, db_path: Path, text: str) -> None:
    with pytest.raises(AnnotatorError):
        store.add_document(text)
    assert count(db_path, "documents") == 0


def test_document_of_an_unknown_id(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no document 7"):
        store.document(7)


def test_import_file_txt_then_again_is_skipped(store: Store, tmp_path: Path) -> None:
    article = tmp_path / "bridge.txt"
    article.write_bytes(b"Bridge reopens\r\nThe mayor said so.\r\n")
    added = store.import_file(article)
    assert len(added) == 1 and added.skipped == []
    doc = added[0]
    assert doc.text == "Bridge reopens\nThe mayor said so.\n"  # CRLF -> LF
    assert doc.uid == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    assert doc.source == "bridge.txt"

    again = store.import_file(article)
    assert list(again) == []
    assert len(again.skipped) == 1
    assert again.skipped[0].startswith("bridge.txt: ")
    assert f"document {doc.id}" in again.skipped[0]
    assert len(store.documents()) == 1


def test_documents_lists_summaries_with_span_counts(store: Store) -> None:
    a = store.add_document(TEXT, title="Bridge", source="wire")
    b = store.add_document(OTHER)
    store.add_span(a.id, 0, 17, "ACTOR", annotator="alice")
    store.add_span(a.id, 6, 17, "ACTOR", annotator="bob")
    store.add_span(a.id, 26, 31, "DATE", annotator="alice")
    store.add_span(a.id, 37, 59, "CLAIM", annotator="bob")
    store.add_span(a.id, 37, 59, "CLAIM", annotator="alice")

    first, second = store.documents()
    assert (first.id, first.uid, first.title, first.source) == (a.id, a.uid, "Bridge", "wire")
    assert first.length == 60
    assert first.span_counts == {"ACTOR": 2, "DATE": 1, "CLAIM": 2}
    assert first.span_total == 5
    assert not hasattr(first, "text")
    assert (second.id, second.title, second.length) == (b.id, None, 55)
    assert second.span_counts == {} and second.span_total == 0
    # One analyst's layer only.
    assert [d.span_counts for d in store.documents(annotator="bob")] == [
        {"ACTOR": 1, "CLAIM": 1},
        {},
    ]


# -- spans ---------------------------------------------------------------------------


def test_add_span_returns_the_span_with_its_quote(store: Store, doc_id: int) -> None:
    span = store.add_span(
        doc_id, 6, 17, "ACTOR", annotator="alice", note="the mayor", attributes={"role": "mayor"}
    )
    assert isinstance(span, Span) and isinstance(span.id, str) and span.id
    assert (span.document_id, span.start, span.end, span.label) == (doc_id, 6, 17, "ACTOR")
    assert (span.text, span.annotator, span.note) == ("Olena Koval", "alice", "the mayor")
    assert (span.attributes, span.origin) == ({"role": "mayor"}, "manual")
    assert span.created_at and span.updated_at
    assert store.spans(doc_id) == [span]
    assert store.span(span.id) == span


def test_spans_are_sorted_by_start_then_end(store: Store, doc_id: int) -> None:
    for start, end in [(37, 59), (6, 17), (0, 17), (26, 31), (0, 5), (6, 11)]:
        store.add_span(doc_id, start, end, "ACTOR", annotator="alice")
    assert [(s.start, s.end) for s in store.spans(doc_id)] == [
        (0, 5), (0, 17), (6, 11), (6, 17), (26, 31), (37, 59),
    ]  # fmt: skip


def test_spans_of_one_annotator(store: Store, doc_id: int) -> None:
    store.add_span(doc_id, 6, 17, "ACTOR", annotator="alice")
    store.add_span(doc_id, 26, 31, "DATE", annotator="bob")
    store.add_span(doc_id, 0, 5, "ACTOR", annotator="bob")
    assert [(s.start, s.annotator) for s in store.spans(doc_id, annotator="bob")] == [
        (0, "bob"),
        (26, "bob"),
    ]
    assert store.spans(doc_id, annotator="carol") == []


def test_overlapping_and_identical_spans_are_allowed(store: Store, doc_id: int) -> None:
    store.add_span(doc_id, 0, 17, "ACTOR", annotator="alice")
    store.add_span(doc_id, 6, 31, "CLAIM", annotator="alice")
    store.add_span(doc_id, 0, 17, "ACTOR", annotator="bob")
    store.add_span(doc_id, 0, 17, "ACTOR", annotator="bob")
    quotes = [s.text for s in store.spans(doc_id)]
    assert sorted(quotes) == sorted(["Mayor Olena Koval"] * 3 + ["Olena Koval said on 3 May"])


def test_add_spans_is_one_transaction_and_one_history_step(
    store: Store, doc_id: int, db_path: Path
) -> None:
    events_before = count(db_path, "events")
    added = store.add_spans(
        doc_id,
        [
            {"start": 37, "end": 59, "label": "CLAIM", "annotator": "alice", "note": "n"},
            {"start": 6, "end": 17, "label": "ACTOR", "annotator": "alice", "id": "my-id"},
            Span("span-obj", doc_id, "alice", "DATE", 26, 31, "ignored quote"),
        ],
    )
    assert [s.text for s in added] == ["the bridge will reopen", "Olena Koval", "3 May"]
    assert added[1].id == "my-id" and added[2].id == "span-obj"
    assert count(db_path, "spans") == 3
    assert count(db_path, "events") == events_before + 1
    assert query(db_path, "SELECT action, annotator FROM events ORDER BY id DESC LIMIT 1") == [
        ("add_spans", "alice")
    ]
    assert store.add_spans(doc_id, []) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"start": 5, "end": 3, "label": "ACTOR", "annotator": "alice"},
        {"start": 0, "end": 3, "label": "PERSON", "annotator": "alice"},
        {"start": 0, "end": 3, "label": "ACTOR", "annotator": ""},
        {"start": 6, "end": 17, "label": "ACTOR", "annotator": "alice", "id": "dup"},
    ],
)
def test_add_spans_writes_nothing_when_one_item_is_bad(
    store: Store, doc_id: int, db_path: Path, bad: dict[str, Any]
) -> None:
    before = snapshot(db_path)
    good = {"start": 6, "end": 17, "label": "ACTOR", "annotator": "alice", "id": "dup"}
    with pytest.raises(InvalidSpanError):
        store.add_spans(doc_id, [good, bad])
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("document", "start", "end", "label", "annotator", "error"),
    [
        ("known", 5, 5, "ACTOR", "alice", InvalidSpanError),  # empty
        ("known", 9, 4, "ACTOR", "alice", InvalidSpanError),  # reversed
        ("known", -1, 4, "ACTOR", "alice", InvalidSpanError),  # negative
        ("known", 50, 61, "ACTOR", "alice", InvalidSpanError),  # one past the end (60)
        ("known", 60, 61, "ACTOR", "alice", InvalidSpanError),  # wholly beyond
        ("known", 0, 5, "PERSON", "alice", InvalidSpanError),  # unknown label
        ("known", 0, 5, "actor", "alice", InvalidSpanError),  # labels are exact
        ("known", True, 5, "ACTOR", "alice", InvalidSpanError),  # bool is not an offset
        ("known", 0, 5.0, "ACTOR", "alice", InvalidSpanError),  # float is not an offset
        ("known", "0", 5, "ACTOR", "alice", InvalidSpanError),  # str is not an offset
        ("known", 0, 5, "ACTOR", "", InvalidSpanError),  # empty analyst
        ("known", 0, 5, "ACTOR", "  ", InvalidSpanError),  # blank analyst
        ("missing", 0, 5, "ACTOR", "alice", NotFoundError),  # unknown document
    ],
)
def test_invalid_span_raises_and_changes_nothing(
    store: Store, doc_id: int, db_path: Path, document: str, start: Any, end: Any,
    label: str, annotator: str, error: type[AnnotatorError],
) -> None:  # fmt: skip
    target = doc_id if document == "known" else doc_id + 41
    before = snapshot(db_path)
    with pytest.raises(error):
        store.add_span(target, start, end, label, annotator=annotator)
    assert issubclass(error, AnnotatorError)
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"note": 5},
        {"attributes": ["not", "a", "mapping"]},
        {"attributes": {"x": {1, 2}}},
        {"origin": "guess"},
    ],  # fmt: skip
)
def test_span_note_attributes_and_origin_are_checked(
    store: Store, doc_id: int, db_path: Path, kwargs: dict[str, Any]
) -> None:
    before = snapshot(db_path)
    with pytest.raises(InvalidSpanError):
        store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice", **kwargs)
    assert snapshot(db_path) == before


def test_span_at_the_very_end_of_the_text(store: Store, doc_id: int) -> None:
    assert store.add_span(doc_id, 59, 60, "CLAIM", annotator="alice").text == "."


# -- update and delete ---------------------------------------------------------------


def test_update_span_changes_each_field_and_keeps_the_rest(
    store: Store, doc_id: int, db_path: Path
) -> None:
    span = store.add_span(doc_id, 0, 17, "ACTOR", annotator="alice", note="first",
                          attributes={"k": 1})  # fmt: skip

    moved = store.update_span(span.id, start=6)
    assert (moved.start, moved.end, moved.text) == (6, 17, "Olena Koval")
    assert (moved.label, moved.note, moved.attributes) == ("ACTOR", "first", {"k": 1})

    relabelled = store.update_span(span.id, label="CLAIM", end=31)
    assert (relabelled.label, relabelled.text) == ("CLAIM", "Olena Koval said on 3 May")

    noted = store.update_span(span.id, note="second", attributes={"k": 2, "checked": True})
    assert (noted.note, noted.attributes) == ("second", {"k": 2, "checked": True})
    assert noted.created_at == span.created_at
    assert noted.updated_at >= span.created_at

    assert store.update_span(span.id, note=None).note is None
    store.update_span(span.id, note="third")
    assert store.update_span(span.id, note="").note is None

    row = query(db_path, 'SELECT label, start, "end", text, note, attributes FROM spans')
    assert row == [("CLAIM", 6, 31, "Olena Koval said on 3 May", None,
                    json.dumps({"k": 2, "checked": True}))]  # fmt: skip
    assert store.spans(doc_id) == [store.span(span.id)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": 17},
        {"end": 61},
        {"start": -2},
        {"label": "PERSON"},
        {"start": 1.5},
        {"note": 3},
    ],  # fmt: skip
)
def test_invalid_update_changes_nothing(
    store: Store, doc_id: int, db_path: Path, kwargs: dict[str, Any]
) -> None:
    span = store.add_span(doc_id, 6, 17, "ACTOR", annotator="alice")
    before = snapshot(db_path)
    with pytest.raises(InvalidSpanError):
        store.update_span(span.id, **kwargs)
    assert snapshot(db_path) == before


def test_update_and_delete_of_an_unknown_span(store: Store, doc_id: int, db_path: Path) -> None:
    before = snapshot(db_path)
    with pytest.raises(NotFoundError):
        store.update_span("no-such-span", label="DATE")
    with pytest.raises(NotFoundError):
        store.delete_span("no-such-span")
    with pytest.raises(NotFoundError):
        store.delete_relation("no-such-relation")
    assert snapshot(db_path) == before


def test_delete_span_also_deletes_its_relations(store: Store, doc_id: int, db_path: Path) -> None:
    claim = store.add_span(doc_id, 37, 59, "CLAIM", annotator="alice")
    actor = store.add_span(doc_id, 6, 17, "ACTOR", annotator="alice")
    date = store.add_span(doc_id, 26, 31, "DATE", annotator="alice")
    store.add_relation(doc_id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    kept = store.add_relation(doc_id, claim.id, date.id, "DATED", annotator="bob")

    store.delete_span(actor.id)
    assert query(db_path, "SELECT id FROM spans ORDER BY start") == [(date.id,), (claim.id,)]
    assert query(db_path, "SELECT id FROM relations") == [(kept.id,)]
    assert store.relations(doc_id) == [kept]

    store.delete_span(claim.id)
    assert count(db_path, "relations") == 0
    assert [s.id for s in store.spans(doc_id)] == [date.id]


# -- relations -----------------------------------------------------------------------


@pytest.fixture
def linked(store: Store, doc_id: int) -> dict[str, Span]:
    return {
        "claim": store.add_span(doc_id, 37, 59, "CLAIM", annotator="alice"),
        "actor": store.add_span(doc_id, 6, 17, "ACTOR", annotator="alice"),
        "date": store.add_span(doc_id, 26, 31, "DATE", annotator="alice"),
        "citation": store.add_span(doc_id, 0, 5, "CITATION", annotator="alice"),
    }


def test_add_relation_of_each_allowed_type(
    store: Store, doc_id: int, linked: dict[str, Span]
) -> None:
    made = [
        store.add_relation(doc_id, linked["claim"].id, linked[end].id, kind, annotator="alice")
        for end, kind in (("actor", "ATTRIBUTED_TO"), ("citation", "SOURCED_FROM"),
                          ("date", "DATED"))
    ]  # fmt: skip
    assert [(r.type, r.from_span, r.to_span, r.annotator, r.document_id) for r in made] == [
        ("ATTRIBUTED_TO", linked["claim"].id, linked["actor"].id, "alice", doc_id),
        ("SOURCED_FROM", linked["claim"].id, linked["citation"].id, "alice", doc_id),
        ("DATED", linked["claim"].id, linked["date"].id, "alice", doc_id),
    ]
    assert sorted(r.id for r in store.relations(doc_id)) == sorted(r.id for r in made)
    assert [r.type for r in store.relations(doc_id, annotator="bob")] == []


@pytest.mark.parametrize(
    ("from_key", "to_key", "kind", "annotator"),
    [
        ("actor", "claim", "ATTRIBUTED_TO", "alice"),  # wrong direction
        ("claim", "actor", "DATED", "alice"),  # type not allowed between these labels
        ("claim", "actor", "KNOWS", "alice"),  # type not in the schema
        ("claim", "claim", "ATTRIBUTED_TO", "alice"),  # the same span
        ("claim", "missing", "ATTRIBUTED_TO", "alice"),  # unknown span
        ("claim", "actor", "ATTRIBUTED_TO", ""),  # no analyst
        ("claim", "elsewhere", "ATTRIBUTED_TO", "alice"),  # span of another document
    ],
)
def test_refused_relation_changes_nothing(
    store: Store, doc_id: int, db_path: Path, linked: dict[str, Span],
    from_key: str, to_key: str, kind: str, annotator: str,
) -> None:  # fmt: skip
    other = store.add_document(OTHER)
    ids = {k: s.id for k, s in linked.items()}
    ids["missing"] = "no-such-span"
    ids["elsewhere"] = store.add_span(other.id, 36, 43, "ACTOR", annotator="alice").id
    before = snapshot(db_path)
    with pytest.raises(InvalidRelationError):
        store.add_relation(doc_id, ids[from_key], ids[to_key], kind, annotator=annotator)
    assert snapshot(db_path) == before


def test_relation_named_under_the_wrong_document_is_refused(
    store: Store, doc_id: int, db_path: Path, linked: dict[str, Span]
) -> None:
    other = store.add_document(OTHER)
    before = snapshot(db_path)
    with pytest.raises(InvalidRelationError):
        store.add_relation(
            other.id, linked["claim"].id, linked["actor"].id, "ATTRIBUTED_TO", annotator="alice"
        )
    assert snapshot(db_path) == before


@pytest.mark.parametrize(
    ("end", "label"), [("actor", "DATE"), ("claim", "ACTOR")]  # the relation's "to", its "from"
)
def test_a_label_that_would_not_fit_a_relation_is_refused(
    store: Store, doc_id: int, db_path: Path, linked: dict[str, Span], end: str, label: str
) -> None:
    # ATTRIBUTED_TO goes from a CLAIM to an ACTOR (schemas/default.json): neither
    # CLAIM -> DATE nor ACTOR -> ACTOR is allowed.
    rel = store.add_relation(
        doc_id, linked["claim"].id, linked["actor"].id, "ATTRIBUTED_TO", annotator="alice"
    )
    before = snapshot(db_path)
    # TEXT[6:17] is "Olena Koval", TEXT[37:59] "the bridge will reopen".
    actor, claim = "ACTOR “Olena Koval”", "CLAIM “the bridge will reopen”"
    this, that = (actor, claim) if end == "actor" else (claim, actor)
    ends = "CLAIM to DATE" if end == "actor" else "ACTOR to ACTOR"
    with pytest.raises(InvalidSpanError) as refused:
        store.update_span(linked[end].id, label=label, by="bob")
    assert str(refused.value) == (f"{this} is linked to {that} by ATTRIBUTED_TO, which cannot go"
                                  f" from {ends}: delete that link first")  # fmt: skip
    assert rel.id not in str(refused.value)
    assert snapshot(db_path) == before
    store.update_span(linked["date"].id, label="CITATION", by="bob")  # unlinked: free to change
    assert store.check() == []


def test_delete_relation(store: Store, doc_id: int, db_path: Path, linked: dict[str, Span]) -> None:
    rel = store.add_relation(
        doc_id, linked["claim"].id, linked["actor"].id, "ATTRIBUTED_TO", annotator="alice"
    )
    store.delete_relation(rel.id)
    assert store.relations(doc_id) == []
    assert count(db_path, "relations") == 0
    assert count(db_path, "spans") == 4


# -- names and values that are not what they claim to be ----------------------------------


@pytest.mark.parametrize("who", ["", "   ", 7, None])
def test_a_change_under_no_analysts_name_is_refused(
    store: Store, doc_id: int, db_path: Path, who: Any
) -> None:
    span = store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice")
    before = snapshot(db_path)
    changes: list[Callable[[], Any]] = [
        lambda: store.rename_document(doc_id, "New title", by=who),
        lambda: store.set_done(doc_id, who),
        lambda: store.delete_document(doc_id, by=who),
    ]
    if who:  # by=None (or "") means "the span's own analyst"
        changes += [lambda: store.update_span(span.id, label="CLAIM", by=who),
                    lambda: store.delete_span(span.id, by=who)]  # fmt: skip
    for change in changes:
        with pytest.raises(InvalidSpanError, match="a change needs the analyst's name"):
            change()
        assert snapshot(db_path) == before


def test_a_span_id_already_taken_is_a_core_error(
    store: Store, doc_id: int, db_path: Path
) -> None:
    span = store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice")
    before = snapshot(db_path)
    fresh = {"start": 6, "end": 10, "label": "ACTOR", "annotator": "alice", "id": span.id}
    with pytest.raises(InvalidSpanError, match=f"span id {span.id} is taken: leave 'id' out"):
        store.add_spans(doc_id, [fresh])
    assert snapshot(db_path) == before


def test_titles_and_attribute_names_are_text(store: Store, doc_id: int, db_path: Path) -> None:
    before = snapshot(db_path)
    with pytest.raises(InvalidSpanError, match="a document's title is text"):
        store.add_document(OTHER, title=5)  # type: ignore[arg-type]
    with pytest.raises(InvalidSpanError, match="a document's source is text"):
        store.add_document(OTHER, source=["wire"])  # type: ignore[arg-type]
    with pytest.raises(InvalidSpanError, match="span attribute names are text, not 1"):
        store.add_span(doc_id, 0, 5, "ACTOR", annotator="alice",
                       attributes={1: "a", "1": "b"})  # type: ignore[dict-item]  # fmt: skip
    assert snapshot(db_path) == before


def test_no_one_annotates_by_hand_as_the_suggestions_layer(
    store: Store, doc_id: int, db_path: Path
) -> None:
    before = snapshot(db_path)
    with pytest.raises(InvalidSpanError, match="'suggest' is the layer of machine suggestions"):
        store.add_span(doc_id, 0, 5, "ACTOR", annotator="suggest")  # would miss every export
    assert snapshot(db_path) == before
    store.add_span(doc_id, 0, 5, "ACTOR", annotator="suggest", origin="rule")  # as suggest does
