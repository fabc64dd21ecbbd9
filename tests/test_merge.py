"""Merging real database files built through the store's API.

Counts are worked out by hand from what each file holds; what the merge wrote is
read back both through the API and through a plain sqlite3 connection.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from annotator import DatabaseFileError, open_store
from annotator.merge import Conflict, MergeError, merge
from annotator.resources import schema_file

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
TEXT2 = "Second article: nothing happened in Velmora on Tuesday."
EDITED = "Mayor Olena Koval said on 4 May that the bridge will reopen."  # 3 -> 4


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def span_rows(path: Path) -> list[tuple[Any, ...]]:
    """Every span with its document's uid instead of the (file-local) document id."""
    return rows(
        path,
        'SELECT s.id, d.uid, s.annotator, s.label, s.start, s."end", s.text, s.note,'
        " s.attributes, s.origin, s.created_at, s.updated_at"
        " FROM spans s JOIN documents d ON d.id = s.document_id ORDER BY s.id",
    )


def relation_rows(path: Path) -> list[tuple[Any, ...]]:
    return rows(
        path,
        "SELECT r.id, d.uid, r.annotator, r.type, r.from_span, r.to_span, r.attributes,"
        " r.created_at FROM relations r JOIN documents d ON d.id = r.document_id ORDER BY r.id",
    )


@pytest.fixture
def alice_db(tmp_path: Path) -> Path:
    """doc-1 with alice's CLAIM, ACTOR (a note, an attribute) and an ATTRIBUTED_TO relation."""
    path = tmp_path / "alice.db"
    with open_store(path) as store:
        doc = store.add_document(TEXT, title="Bridge", source="Ledger", uid="doc-1",
                                 meta={"section": "city"})  # fmt: skip
        claim = store.add_span(doc.id, 37, 59, "CLAIM", annotator="alice", note="check")
        actor = store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice",
                               attributes={"role": "mayor"}, origin="rule")  # fmt: skip
        store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    return path


@pytest.fixture
def bob_db(tmp_path: Path) -> Path:
    """doc-1 (same text) with bob's CLAIM and DATE; doc-2 with bob's DATE."""
    path = tmp_path / "bob.db"
    with open_store(path) as store:
        doc = store.add_document(TEXT, title="Bridge", uid="doc-1")
        store.add_span(doc.id, 41, 60, "CLAIM", annotator="bob")
        store.add_span(doc.id, 26, 31, "DATE", annotator="bob")
        other = store.add_document(TEXT2, title="Nothing", uid="doc-2")
        store.add_span(other.id, 47, 54, "DATE", annotator="bob")
    return path


def test_merging_two_files_into_a_new_one(tmp_path: Path, alice_db: Path, bob_db: Path) -> None:
    team = tmp_path / "team.db"
    report = merge([alice_db, bob_db], team)
    assert report.created
    # alice: doc-1, 2 spans, 1 relation.  bob: doc-1 is already there (same uid and text),
    # doc-2 is new: 1 document, 2 + 1 = 3 spans.
    added = [(s.path, s.documents_added, s.spans_added, s.relations_added, s.conflicts)
             for s in report.sources]  # fmt: skip
    assert added == [(alice_db, 1, 2, 1, []), (bob_db, 1, 3, 0, [])]
    assert (report.documents_added, report.spans_added, report.relations_added) == (2, 5, 1)
    # Every span and relation arrived unchanged: ids, analysts, notes, attributes, origins
    # and time stamps.
    assert span_rows(team) == sorted(span_rows(alice_db) + span_rows(bob_db))
    assert relation_rows(team) == relation_rows(alice_db)
    with open_store(team) as store:
        assert [(d.uid, d.title) for d in store.documents()] == [("doc-1", "Bridge"),
                                                                  ("doc-2", "Nothing")]  # fmt: skip
        doc = store.document_by_uid("doc-1")
        assert doc is not None
        assert (doc.source, doc.meta) == ("Ledger", {"section": "city"})
        assert store.annotators() == ["alice", "bob"]
        assert len(store.spans(doc.id, annotator="bob")) == 2
    with open_store(alice_db) as store:
        created = store.document_by_uid("doc-1")
    assert created is not None and doc.created_at == created.created_at
    assert rows(team, "SELECT body FROM schema") == rows(alice_db, "SELECT body FROM schema")


def test_merging_twice_adds_nothing_twice(tmp_path: Path, alice_db: Path, bob_db: Path) -> None:
    team = tmp_path / "team.db"
    merge([alice_db, bob_db], team)
    before = (span_rows(team), relation_rows(team), rows(team, "SELECT * FROM documents"))
    again = merge([alice_db, bob_db, alice_db], team)
    assert not again.created
    assert [(s.documents_added, s.spans_added, s.relations_added) for s in again.sources] == [
        (0, 0, 0), (0, 0, 0), (0, 0, 0),
    ]  # fmt: skip
    assert (span_rows(team), relation_rows(team), rows(team, "SELECT * FROM documents")) == before


def test_new_spans_of_a_known_document_are_added(
    tmp_path: Path, alice_db: Path, bob_db: Path
) -> None:
    team = tmp_path / "team.db"
    merge([alice_db], team)
    with open_store(bob_db) as store:
        store.add_span(1, 0, 5, "ACTOR", annotator="bob")  # bob annotates doc-1 once more
    report = merge([bob_db], team)
    # doc-1 known; its 2 + 1 bob spans are new; doc-2 with 1 span is new.
    assert (report.documents_added, report.spans_added) == (1, 4)
    assert merge([bob_db], team).spans_added == 0


def test_a_conflicting_text_is_reported_and_the_original_kept(
    tmp_path: Path, alice_db: Path
) -> None:
    team = tmp_path / "team.db"
    merge([alice_db], team)
    edited = tmp_path / "edited.db"
    with open_store(edited) as store:
        doc = store.add_document(EDITED, title="Bridge (edited)", uid="doc-1")
        store.add_span(doc.id, 26, 31, "DATE", annotator="carol")
        other = store.add_document(TEXT2, title="Nothing", uid="doc-2")
        store.add_span(other.id, 47, 54, "DATE", annotator="carol")
    before = span_rows(team)
    report = merge([edited], team)
    # doc-1 is a conflict (document 1 of team.db); doc-2 and its span go in as usual.
    assert report.conflicts == [Conflict("doc-1", "Bridge (edited)", 1)]
    assert (report.documents_added, report.spans_added) == (1, 1)
    with open_store(team) as store:
        kept = store.document_by_uid("doc-1")
        assert kept is not None and (kept.text, kept.title) == (TEXT, "Bridge")
        assert [s.annotator for s in store.spans(kept.id)] == ["alice", "alice"]
    assert [r for r in span_rows(team) if r[1] == "doc-1"] == before
    # Reported again on every merge, and still nothing overwritten.
    assert merge([edited], team).conflicts == [Conflict("doc-1", "Bridge (edited)", 1)]
    assert rows(team, "SELECT text FROM documents WHERE uid = 'doc-1'") == [(TEXT,)]


def test_merging_a_file_into_itself_is_refused(alice_db: Path) -> None:
    before = span_rows(alice_db)
    with pytest.raises(MergeError) as info:
        merge([alice_db], alice_db)
    assert str(info.value) == f"cannot merge {alice_db} into itself: choose another --into file"
    # The same file by another name.
    other_name = alice_db.parent / "." / alice_db.name
    with pytest.raises(MergeError, match="into itself"):
        merge([other_name], alice_db)
    assert span_rows(alice_db) == before


def test_labels_the_target_schema_lacks_are_an_error(tmp_path: Path, alice_db: Path) -> None:
    schema = json.loads(rows(alice_db, "SELECT body FROM schema")[0][0])
    schema["labels"].append(
        {"name": "EVENT", "key": "5", "color": "#000000", "description": "An event."}
    )
    schema["labels"].append(
        {"name": "PLACE", "key": "6", "color": "#111111", "description": "A place."}
    )
    custom = tmp_path / "custom.db"
    with open_store(custom, schema=schema) as store:
        doc = store.add_document(TEXT2, uid="doc-2")
        store.add_span(doc.id, 24, 32, "EVENT", annotator="dan")
        store.add_span(doc.id, 36, 43, "PLACE", annotator="dan")
    team = tmp_path / "team.db"
    merge([alice_db], team)
    before = span_rows(team)
    with pytest.raises(MergeError) as info:
        merge([alice_db, custom], team)
    assert str(info.value) == (
        "custom.db uses labels that the schema of team.db does not have: EVENT, PLACE:"
        " add them to the schema or merge into another file"
    )
    assert span_rows(team) == before  # checked before anything was written
    # A new target takes the first source's schema, so the same file merges into one.
    fresh = tmp_path / "fresh.db"
    assert merge([custom, alice_db], fresh).spans_added == 4
    with open_store(fresh) as store:
        assert store.schema.label_names == ("CLAIM", "ACTOR", "DATE", "CITATION", "EVENT", "PLACE")


def test_relations_the_target_schema_lacks_are_an_error(tmp_path: Path, alice_db: Path) -> None:
    schema = json.loads(rows(alice_db, "SELECT body FROM schema")[0][0])
    schema["relations"] = []  # same labels, no relation types at all
    team = tmp_path / "team.db"
    open_store(team, schema=schema).close()
    with pytest.raises(MergeError) as info:
        merge([alice_db], team)
    assert str(info.value) == (
        "alice.db has relations that the schema of team.db does not allow:"
        " ATTRIBUTED_TO (CLAIM -> ACTOR): merge into a file whose schema has them"
    )
    assert rows(team, "SELECT count(*) FROM documents") == [(0,)]


def test_a_relation_with_an_orphaned_end_is_checked_against_the_schema_too(
    tmp_path: Path,
) -> None:
    # Two claims linked CONTRADICTS (a type only the source's schema has); a new
    # text orphans the second claim.  The team file's schema has no such type.
    schema = json.loads(schema_file("default.json").read_text(encoding="utf-8"))
    schema["relations"].append({"type": "CONTRADICTS", "from": "CLAIM", "to": "CLAIM",
                                "description": "Says the opposite."})  # fmt: skip
    source, team = tmp_path / "a.db", tmp_path / "team.db"
    with open_store(source, schema=schema) as store:
        text = "The minister said on Monday that inflation fell. Critics disagreed with him."
        doc = store.add_document(text).id
        first = store.add_span(doc, 33, 48, "CLAIM", annotator="a")  # "inflation fell."
        second = store.add_span(doc, 49, 76, "CLAIM", annotator="a")  # "Critics disagreed ..."
        store.add_relation(doc, first.id, second.id, "CONTRADICTS", annotator="a")
        store.replace_text(doc, "The minister said on Monday that inflation fell. Nobody cared.",
                           by="a")  # fmt: skip
        assert [o.span.id for o in store.orphans(doc)] == [second.id]
    open_store(team).close()
    with pytest.raises(MergeError) as info:
        merge([source], team)
    assert str(info.value) == (
        "a.db has relations that the schema of team.db does not allow:"
        " CONTRADICTS (CLAIM -> CLAIM): merge into a file whose schema has them"
    )
    assert rows(team, "SELECT count(*) FROM documents") == [(0,)]


def test_a_refused_merge_creates_no_target(tmp_path: Path, alice_db: Path) -> None:
    missing = tmp_path / "nobody.db"
    with pytest.raises(MergeError, match=f"^{missing} does not exist: check the path$"):
        merge([alice_db, missing], tmp_path / "team.db")
    assert not missing.exists()
    assert not (tmp_path / "team.db").exists()


def test_a_quote_changed_outside_annotator_refuses_the_merge_before_any_file_is_written(
    tmp_path: Path, alice_db: Path
) -> None:
    """The second source holds a span whose quote is not its text (a row edited by
    hand): refused before the first source is written, into an existing target
    and into a new one, which is not left behind."""
    bob = tmp_path / "bob.db"
    with open_store(bob) as store:
        doc = store.add_document(TEXT2, uid="doc-2")
        span = store.add_span(doc.id, 36, 43, "ACTOR", annotator="bob")
    assert TEXT2[36:43] == "Velmora"
    with closing(sqlite3.connect(bob)) as conn:
        conn.execute("UPDATE spans SET text = 'Vilnius' WHERE id = ?", [span.id])
        conn.commit()
    carol = tmp_path / "carol.db"
    with open_store(carol) as store:
        store.add_span(store.add_document(TEXT2 + " More.").id, 0, 6, "ACTOR", annotator="carol")
    message = (f"bob.db document 1: span {span.id} quotes 'Vilnius' but the text there is"
               " 'Velmora': `annotator check --db bob.db` lists such spans; correct them there"
               " before merging")  # fmt: skip
    team = tmp_path / "team.db"
    merge([alice_db], team)
    before = span_rows(team)
    with pytest.raises(MergeError) as info:
        merge([carol, bob], team)
    assert str(info.value) == message
    assert span_rows(team) == before
    with pytest.raises(MergeError):
        merge([carol, bob], tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path, alice_db: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("just some notes")
    with pytest.raises(DatabaseFileError, match="is not a SQLite database"):
        merge([alice_db, notes], tmp_path / "team.db")
    assert not (tmp_path / "team.db").exists()


def test_orphans_and_the_earlier_texts_they_belong_to_are_merged(
    tmp_path: Path, alice_db: Path
) -> None:
    # alice dates her claim, then the article loses "on 3 May": the DATE (26..31 in
    # TEXT) has nowhere to go and waits as an orphan, its DATED relation kept.
    with open_store(alice_db) as store:
        doc = store.document_by_uid("doc-1")
        assert doc is not None
        claim = next(s for s in store.spans(doc.id) if s.label == "CLAIM")
        date = store.add_span(doc.id, 26, 31, "DATE", annotator="alice")
        store.add_relation(doc.id, claim.id, date.id, "DATED", annotator="alice")
        store.replace_text(doc.id, TEXT.replace(" on 3 May", ""), by="alice")
        assert [o.span.id for o in store.orphans(doc.id)] == [date.id]
    team = tmp_path / "team.db"
    first = merge([alice_db], team)
    assert first.spans_added == 2  # the live CLAIM and ACTOR; the orphan is counted apart
    assert first.sources[0].notes == [
        "alice.db document 1: 1 orphan of earlier texts kept, waiting in the Orphans panel"]
    with open_store(team) as store:
        doc = store.document_by_uid("doc-1")
        assert doc is not None and doc.text == "Mayor Olena Koval said that the bridge will reopen."
        (revision,) = store.revisions(doc.id)
        assert (revision.number, store.revision_text(revision.id)) == (1, TEXT)
        (orphan,) = store.orphans(doc.id)
        assert (orphan.span.id, orphan.span.label, orphan.span.start, orphan.span.end,
                orphan.span.text, orphan.revision_id) == (
            date.id, "DATE", 26, 31, "3 May", revision.id)  # fmt: skip
        (cut,) = store.orphaned_relations(doc.id)
        assert (cut.type, cut.from_span, cut.to_span) == ("DATED", claim.id, date.id)
        assert store.check() == []
    before = {t: rows(team, f"SELECT * FROM {t} ORDER BY 1") for t in ("revisions", "spans",
                                                                      "relations")}  # fmt: skip
    merge([alice_db], team)  # again: nothing twice
    assert {t: rows(team, f"SELECT * FROM {t} ORDER BY 1") for t in before} == before


def test_an_orphan_relation_follows_its_live_end_to_the_same_span_in_the_target(
    tmp_path: Path, alice_db: Path
) -> None:
    # The team file already has alice's claim, under another id: the merged claim is
    # that span, and the relation from it to the orphaned date goes with it.
    edited = TEXT.replace(" on 3 May", "")  # the claim "the bridge will reopen" is 28..50
    with open_store(alice_db) as store:
        doc = store.document_by_uid("doc-1")
        assert doc is not None
        claim = next(s for s in store.spans(doc.id) if s.label == "CLAIM")
        date = store.add_span(doc.id, 26, 31, "DATE", annotator="alice")
        store.add_relation(doc.id, claim.id, date.id, "DATED", annotator="alice")
        store.replace_text(doc.id, edited, by="alice")
    team = tmp_path / "team.db"
    with open_store(team) as store:
        here = store.add_document(edited, uid="doc-1")
        theirs = store.add_span(here.id, 28, 50, "CLAIM", annotator="alice")
    merge([alice_db], team)
    with open_store(team) as store:
        assert [s.id for s in store.spans(here.id) if s.label == "CLAIM"] == [theirs.id]
        (cut,) = store.orphaned_relations(here.id)
        assert (cut.from_span, cut.to_span) == (theirs.id, date.id)
        assert store.check() == []


def test_a_merge_that_fails_half_way_leaves_no_new_target_behind(
    tmp_path: Path, alice_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure nobody checked for beforehand (the disk, say) on the second
    source: the new target, which holds the first one's rows, goes again."""
    import annotator.merge as merging

    real, calls = merging._merge_one, []

    def failing(*args: Any) -> Any:
        calls.append(args[1])
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args)

    monkeypatch.setattr(merging, "_merge_one", failing)
    new = tmp_path / "new.db"
    with pytest.raises(OSError):
        merge([alice_db, _copy(alice_db, tmp_path / "again.db")], new)
    assert len(calls) == 2 and not new.exists()
    assert not list(tmp_path.glob("new.db-*"))


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    return target
