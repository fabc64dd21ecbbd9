"""Suggestions in the store: the suggest layer, accept, reject, accept all, undo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from annotator.errors import InvalidSpanError
from annotator.store import Store
from annotator.suggest.apply import (
    SUGGEST,
    accept,
    accept_all,
    is_pending,
    pending,
    reference_date,
    reject,
    suggest_document,
    suggestion_info,
)

TEXT = (
    "Talks resumed on 3 March 2025 in Kessel, according to the Harbour Ministry. "
    "[citation: Daily Ledger] Marta Olsberg said a deal could follow on 9-10 June. "
    "Officials met last Tuesday. [citation: Freight Weekly]"
)


@pytest.fixture
def doc(store: Store) -> int:
    return store.add_document(TEXT, title="Talks", meta={"published": "2025-03-07"}).id


def quotes(spans: list) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in spans]


def test_reference_date_comes_from_the_meta() -> None:
    assert reference_date({"published": "2025-03-07T10:00:00Z"}) == dt.date(2025, 3, 7)
    assert reference_date({"date": "not a date"}) is None
    assert reference_date({}) is None
    # Part of a date would be completed with today's month or day: no reference.
    for partial in ("2025", "March 2025", "Tuesday"):
        assert reference_date({"published": partial}) is None
    assert reference_date({"published": "12 March 2025"}) == dt.date(2025, 3, 12)


def test_suggestions_are_a_layer_of_their_own(store: Store, doc: int) -> None:
    added = suggest_document(store, doc)
    assert {s.annotator for s in added} == {SUGGEST}
    assert {s.origin for s in added} == {"rule"}
    got = {(s.label, s.text): s.attributes for s in store.spans(doc, annotator=SUGGEST)}
    assert got[("DATE", "3 March 2025")]["normalized"] == "2025-03-03"
    assert got[("DATE", "9-10 June")]["normalized"] == "2025-06-09/2025-06-10"
    assert got[("DATE", "last Tuesday")]["normalized"] == "2025-03-04"  # from meta "published"
    assert ("CITATION", "[citation: Daily Ledger]") in got
    assert ("CITATION", "Harbour Ministry") in got
    assert ("ACTOR", "Marta Olsberg") in got
    for span in store.spans(doc, annotator=SUGGEST):
        info = suggestion_info(span)
        assert info is not None
        confidence, reason = info
        assert 0 < confidence <= 1 and reason
    assert got[("ACTOR", "Marta Olsberg")] == {"kind": "person"}
    assert got[("CITATION", "Harbour Ministry")] == {}  # its kind "attribution" is not the schema's
    assert not store.spans(doc, annotator="alice")  # nothing in anyone's layer behind their back


def test_running_twice_adds_nothing_new(store: Store, doc: int) -> None:
    first = suggest_document(store, doc)
    assert first and suggest_document(store, doc) == []
    assert len(store.spans(doc, annotator=SUGGEST)) == len(first)


def test_a_span_an_analyst_already_has_is_not_suggested(store: Store, doc: int) -> None:
    start = TEXT.index("3 March 2025")
    store.add_span(doc, start, start + len("3 March 2025"), "DATE", annotator="alice")
    assert ("DATE", "3 March 2025") not in quotes(suggest_document(store, doc))


def test_accept_copies_into_the_analyst_layer_and_undo_takes_it_back(
    store: Store, doc: int
) -> None:
    suggest_document(store, doc)
    date = next(s for s in pending(store, doc) if s.text == "3 March 2025")
    mine = accept(store, date.id, "alice")
    assert (mine.annotator, mine.label, mine.text, mine.origin) == (
        "alice",
        "DATE",
        "3 March 2025",
        "rule",
    )
    assert mine.attributes == {"normalized": "2025-03-03"} and mine.note is None
    assert date.id not in {s.id for s in pending(store, doc)}
    assert accept(store, date.id, "alice").id == mine.id  # twice: no duplicate
    store.undo("alice")
    assert not store.spans(doc, annotator="alice")
    assert date.id in {s.id for s in pending(store, doc)}


def test_reject_is_remembered_and_undo_restores_it(store: Store, doc: int) -> None:
    suggest_document(store, doc)
    marker = next(s for s in pending(store, doc) if s.text == "[citation: Daily Ledger]")
    reject(store, marker.id, "alice")
    assert marker.id not in {s.id for s in store.spans(doc)}
    assert suggest_document(store, doc) == []  # not proposed again
    store.undo("alice")  # the rejection is undone: the very suggestion is back
    assert marker.id in {s.id for s in pending(store, doc)}
    store.redo("alice")
    assert marker.id not in {s.id for s in store.spans(doc)}
    assert suggest_document(store, doc) == []


def test_a_rejection_undone_then_deleted_by_hand_is_still_a_rejection(
    store: Store, doc: int
) -> None:
    suggest_document(store, doc)
    marker = next(s for s in pending(store, doc) if s.label == "ACTOR")
    reject(store, marker.id, "alice")
    store.undo("alice")
    reject(store, marker.id, "bob")
    assert suggest_document(store, doc) == []


def test_accept_all_of_a_label_is_one_undo_step(store: Store, doc: int) -> None:
    suggest_document(store, doc)
    want = [s.text for s in pending(store, doc, label="CITATION")]
    assert len(want) >= 3
    accepted = accept_all(store, doc, "CITATION", "alice")
    assert [s.text for s in accepted] == want
    assert {s.label for s in store.spans(doc, annotator="alice")} == {"CITATION"}
    assert not pending(store, doc, label="CITATION", analyst="alice")
    assert pending(store, doc, label="DATE", analyst="alice")
    assert accept_all(store, doc, "CITATION", "alice") == []  # nothing pending: nothing written
    store.undo("alice")
    assert not store.spans(doc, annotator="alice")
    assert [s.text for s in pending(store, doc, label="CITATION")] == want


def test_the_suggestion_run_itself_is_one_undo_step(store: Store, doc: int) -> None:
    assert suggest_document(store, doc)
    store.undo(SUGGEST)
    assert not store.spans(doc)


def test_only_suggestions_can_be_accepted_or_rejected(store: Store, doc: int) -> None:
    mine = store.add_span(doc, 0, 5, "CLAIM", annotator="alice")
    with pytest.raises(InvalidSpanError):
        accept(store, mine.id, "bob")
    with pytest.raises(InvalidSpanError):
        reject(store, mine.id, "bob")
    assert store.spans(doc, annotator="alice") == [mine]


def test_the_gazetteer_can_be_extended_by_the_user(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.suggest import actors

    (tmp_path / "organisation.txt").write_text("# mine\nHarbour Ministry\n", encoding="utf-8")
    (tmp_path / "person.txt").write_text("Olsberg\n", encoding="utf-8")
    text = "The Harbour Ministry met Olsberg in Denmark; Olsbergs were absent."
    default = {(text[s.start : s.end], s.attributes["kind"]) for s in actors.suggest(text)}
    assert default == {("Denmark", "country")}
    monkeypatch.setenv(actors.ENV, str(tmp_path))
    got = {(text[s.start : s.end], s.attributes["kind"]) for s in actors.suggest(text)}
    assert got == {("Harbour Ministry", "organisation"), ("Olsberg", "person"),
                   ("Denmark", "country")}  # fmt: skip


def test_is_pending_agrees_with_pending_for_one_suggestion(store: Store, doc: int) -> None:
    """``is_pending`` reads only the spans of the suggestion's range (``spans_at``)."""
    made = suggest_document(store, doc, reference=dt.date(2025, 3, 7))
    first, second = made[0], made[1]
    store.add_span(doc, first.start, first.end, first.label, annotator="alice")
    store.add_span(doc, second.start, second.end, "CLAIM", annotator="alice")  # another label
    store.add_span(doc, second.start, second.end, second.label, annotator="bob")
    reject(store, made[2].id, "alice")
    for who in ("alice", "bob"):
        expected = {s.id for s in pending(store, doc, analyst=who)}
        assert {s.id for s in made if is_pending(store, s.id, who)} == expected
    assert not is_pending(store, first.id, "alice") and is_pending(store, second.id, "alice")
    assert not is_pending(store, made[2].id, "alice")  # deleted
    here = store.spans_at(doc, second.start, second.end)
    assert sorted((s.annotator, s.label) for s in here) == sorted(
        [("alice", "CLAIM"), ("bob", second.label), (SUGGEST, second.label)]
    )


def test_a_rejection_outlives_a_new_version_of_the_text(store: Store, doc: int) -> None:
    """Rejected, then the text gets a new first sentence (19 characters): the date,
    now 19 further on, is still rejected; the others stay where they were."""
    made = suggest_document(store, doc)
    date = next(s for s in made if s.text == "3 March 2025")
    assert (date.start, date.end) == (17, 29)
    reject(store, date.id, "alice")
    store.replace_text(doc, "UPDATE: new facts. " + TEXT, by="alice")
    assert suggest_document(store, doc) == []  # nothing new: the rest is there already
    spans = {(s.start, s.end, s.text) for s in store.spans(doc, annotator=SUGGEST)}
    assert (36, 48, "3 March 2025") not in spans
