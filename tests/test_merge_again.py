"""Merging a file again after its analyst went on working in it: changes and
deletions made there since the last merge reach the team file; work the file
never had, and changes made in the team file more recently, stay.

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen.", counted by
hand: "Mayor" [0, 5), "Olena Koval" [6, 17), "3 May" [26, 31), "3 May that"
[26, 36), "the bridge will reopen" [37, 59).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import open_store
from annotator.cli import cli
from annotator.merge import merge

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."


def layer(path: Path, who: str) -> list[tuple[str, str]]:
    with open_store(path) as store:
        (doc,) = store.documents()
        return [(s.label, s.text) for s in store.spans(doc.id, annotator=who)]


@pytest.fixture
def merged(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """alice.db (Mayor CITATION by mistake, Olena Koval ACTOR, 3 May DATE, a claim
    linked to Olena Koval) and bob.db (Olena Koval ACTOR), merged into team.db."""
    alice, bob, team = tmp_path / "alice.db", tmp_path / "bob.db", tmp_path / "team.db"
    ids = {}
    with open_store(alice) as store:
        doc = store.add_document(TEXT, uid="doc-1")
        ids["mayor"] = store.add_span(doc.id, 0, 5, "CITATION", annotator="alice").id
        ids["koval"] = store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice").id
        ids["date"] = store.add_span(doc.id, 26, 31, "DATE", annotator="alice").id
        ids["claim"] = store.add_span(doc.id, 37, 59, "CLAIM", annotator="alice").id
        ids["link"] = store.add_relation(
            doc.id, ids["claim"], ids["koval"], "ATTRIBUTED_TO", annotator="alice"
        ).id
    with open_store(bob) as store:
        doc = store.add_document(TEXT, uid="doc-1")
        store.add_span(doc.id, 6, 17, "ACTOR", annotator="bob")
    merge([alice, bob], team)
    return alice, team, ids


def test_changes_and_deletions_since_the_last_merge_reach_the_team_file(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(alice) as store:
        store.delete_span(ids["mayor"], by="alice")
        store.update_span(ids["date"], end=36, by="alice")  # "3 May that"
        store.delete_relation(ids["link"], by="alice")
        store.update_span(ids["koval"], label="CITATION", by="alice")
    report = merge([alice], team)
    (part,) = report.sources
    assert (part.spans_added, part.spans_updated, part.spans_deleted,
            part.relations_deleted) == (0, 2, 1, 1)  # fmt: skip
    assert layer(team, "alice") == [
        ("CITATION", "Olena Koval"), ("DATE", "3 May that"), ("CLAIM", "the bridge will reopen")
    ]
    assert layer(team, "bob") == [("ACTOR", "Olena Koval")]  # never in alice's file: kept
    with open_store(team) as store:
        assert store.relations(1) == []
        store.undo("merge")  # one step: the team file as before this merge
        assert [(s.label, s.text) for s in store.spans(1, annotator="alice")] == [
            ("CITATION", "Mayor"), ("ACTOR", "Olena Koval"), ("DATE", "3 May"),
            ("CLAIM", "the bridge will reopen"),
        ]
        assert [r.id for r in store.relations(1)] == [ids["link"]]
    # The undone step stays undone: the file's changes are not applied again, nor
    # the relation deleted again, until its analyst changes those spans again.
    again = merge([alice], team).sources[0]
    assert (again.spans_updated, again.relations_deleted) == (0, 0)
    with open_store(alice) as store:
        store.update_span(ids["date"], note="checked", by="alice")
    assert merge([alice], team).sources[0].spans_updated == 1
    assert [(s.label, s.text) for s in open_store(team).spans(1, annotator="alice")][2] == (
        "DATE", "3 May that")  # fmt: skip


def test_a_change_made_here_more_recently_is_kept_and_reported(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(alice) as store:
        store.update_span(ids["date"], label="CLAIM", by="alice")
    with open_store(team) as store:  # a reviewer corrects the team copy afterwards
        store.update_span(ids["date"], end=36, by="reviewer")
    (part,) = merge([alice], team).sources
    assert part.spans_updated == 0
    assert part.notes == [
        "alice.db document 1: 1 span differs from its version here, which is more recent (or"
        " was deleted there before it was changed here): kept as it is here"
    ]
    assert ("DATE", "3 May that") in layer(team, "alice")


def test_a_span_deleted_there_but_corrected_here_since_is_kept(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(alice) as store:
        store.delete_span(ids["date"], by="alice")
    with open_store(team) as store:  # the lead corrects it afterwards
        store.update_span(ids["date"], end=36, by="lead")
    (part,) = merge([alice], team).sources
    assert (part.spans_deleted, part.notes) == (0, [
        "alice.db document 1: 1 span differs from its version here, which is more recent (or"
        " was deleted there before it was changed here): kept as it is here"
    ])  # fmt: skip
    assert ("DATE", "3 May that") in layer(team, "alice")


def test_a_later_edit_merged_from_a_copy_first_still_wins(
    merged: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    # A merged span keeps the time its analyst changed it: merging an older copy of
    # her file first must not make the team's version look newer than her last edit.
    alice, team, ids = merged
    copy = tmp_path / "alice-copy.db"
    with open_store(alice) as store:
        store.update_span(ids["date"], note="first thought", by="alice")
    shutil.copy(alice, copy)  # closed: its log is in the file
    with open_store(alice) as store:
        store.update_span(ids["date"], label="CLAIM", note="final", by="alice")
    merge([copy], team)
    merge([alice], team)
    with open_store(team) as store:
        span = store.span(ids["date"])
    assert (span.label, span.note) == ("CLAIM", "final")


def test_work_added_in_the_team_file_under_the_same_name_stays(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, _ids = merged
    with open_store(team) as store:
        store.add_span(1, 37, 47, "CLAIM", annotator="alice")  # "the bridge", in the team file
    (part,) = merge([alice], team).sources
    assert (part.spans_updated, part.spans_deleted) == (0, 0)
    assert ("CLAIM", "the bridge") in layer(team, "alice")


def test_the_command_says_what_changed(merged: tuple[Path, Path, dict[str, str]]) -> None:
    alice, team, ids = merged
    with open_store(alice) as store:
        store.delete_span(ids["mayor"], by="alice")
    result = CliRunner().invoke(cli, ["merge", str(alice), "--into", str(team)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"{alice}: 0 documents, 0 spans, 0 relations added",
        "  changed there since the last merge: 0 spans updated, 1 span and 0 relations deleted"
        " (one step each document: undo as analyst merge)",
    ]


NEW = "Mayor Olena Koval said on 4 May that the bridge will reopen soon."


def replaced_in_alices_file(tmp_path: Path) -> tuple[Path, Path, Path]:
    """alice.db and bob.db with the same ACTOR and DATE, then alice's text replaced."""
    alice, bob, team = tmp_path / "alice.db", tmp_path / "bob.db", tmp_path / "team.db"
    for path, who in ((alice, "alice"), (bob, "bob")):
        with open_store(path) as store:
            doc = store.add_document(TEXT, uid="doc-1")
            store.add_span(doc.id, 6, 17, "ACTOR", annotator=who)
            store.add_span(doc.id, 26, 31, "DATE", annotator=who)
    with open_store(alice) as store:
        store.replace_text(1, NEW, by="alice")
    return alice, bob, team


def test_a_file_with_an_earlier_text_has_its_spans_carried_to_the_current_one(
    tmp_path: Path,
) -> None:
    # alice replaced the text in her file ("3 May" became "4 May"); bob's file still
    # has the first text.  His "Olena Koval" [6, 17) is found exactly in the new text
    # (nothing before it changed); his "3 May" is not there any more: an orphan.
    alice, bob, team = replaced_in_alices_file(tmp_path)
    report = merge([alice, bob], team)
    assert report.conflicts == []
    assert report.sources[1].moved == [("bob.db document 1", 1, 1, 1)]
    with open_store(team) as store:
        assert [(s.label, s.start, s.end, s.text) for s in store.spans(1, annotator="bob")] == [
            ("ACTOR", 6, 17, "Olena Koval")
        ]
        (orphan,) = store.orphans(1, annotator="bob")
        assert (orphan.span.label, orphan.span.text) == ("DATE", "3 May")
        assert store.document(1).text == NEW and len(store.revisions(1)) == 1
    with open_store(team) as store:
        events = len(store.history(limit=1000))
    assert merge([alice, bob], team).spans_added == 0  # again: nothing twice
    with open_store(team) as store:
        assert len(store.history(limit=1000)) == events  # not even an empty event


def test_the_command_says_where_the_spans_of_an_earlier_text_went(tmp_path: Path) -> None:
    alice, bob, team = replaced_in_alices_file(tmp_path)
    result = CliRunner().invoke(cli, ["merge", str(alice), str(bob), "--into", str(team)])
    assert result.exit_code == 0, result.output
    assert (
        f"  bob.db document 1 has an earlier text of document 1 in {team}: its spans were"
        " carried to the current text (1 placed, 1 waiting in the Orphans panel)"
    ) in result.output.splitlines()


def test_a_span_carried_to_a_new_text_before_follows_its_file_there(tmp_path: Path) -> None:
    # bob's file is merged; the team file's text is replaced ("3 May" becomes
    # "4 May": his DATE [26, 31) is moved fuzzily onto "4 May"); bob then relabels
    # his DATE a CLAIM with a note, in his file that still has the first text.
    bob, team = tmp_path / "bob.db", tmp_path / "team.db"
    with open_store(bob) as store:
        doc = store.add_document(TEXT, uid="doc-1")
        store.add_span(doc.id, 6, 17, "ACTOR", annotator="bob")
        date = store.add_span(doc.id, 26, 31, "DATE", annotator="bob").id
    merge([bob], team)
    with open_store(team) as store:
        store.replace_text(1, NEW, by="lead")
    with open_store(bob) as store:
        store.update_span(date, label="CLAIM", note="when?", by="bob")
    (part,) = merge([bob], team).sources
    assert (part.moved, part.spans_updated, part.spans_added) == ([], 1, 0)
    with open_store(team) as store:
        span = store.span(date)
        assert (span.label, span.note, span.text) == ("CLAIM", "when?", "4 May")
        assert store.orphans(1) == []


def test_new_offsets_of_a_carried_span_follow_its_file_to_the_new_text(tmp_path: Path) -> None:
    """bob's ACTOR "Olena Koval" [6, 17) is merged; the team file's text gets
    "Update: " before it (8 characters: the ACTOR is at [14, 25) there); bob then
    shortens his ACTOR to "Koval" [12, 17), in his file of the first text.  The
    next merge carries the new offsets: [20, 25) (it kept the old ones, silently)."""
    bob, team = tmp_path / "bob.db", tmp_path / "team.db"
    with open_store(bob) as store:
        actor = store.add_span(store.add_document(TEXT, uid="doc-1").id, 6, 17, "ACTOR",
                               annotator="bob").id  # fmt: skip
    merge([bob], team)
    with open_store(team) as store:
        store.replace_text(1, "Update: " + TEXT, by="lead")
        assert (store.span(actor).start, store.span(actor).end) == (14, 25)
    with open_store(bob) as store:
        assert store.update_span(actor, start=12, by="bob").text == "Koval"
    (part,) = merge([bob], team).sources
    assert (part.spans_updated, part.spans_added) == (1, 0)
    with open_store(team) as store:
        span = store.span(actor)
        assert (span.start, span.end, span.text) == (20, 25, "Koval")
    assert merge([bob], team).sources[0].spans_updated == 0  # again: nothing twice


def test_a_verdict_taken_before_a_merge_changed_its_span_is_of_an_earlier_version(
    merged: tuple[Path, Path, dict[str, str]], tmp_path: Path
) -> None:
    # alice relabels her "3 May" in her file; the lead, not knowing, rejects the
    # pair ("3 May" of alice, nothing of bob's) in the team file; then the merge
    # brings alice's change: the verdict was taken on an earlier version.
    from annotator.adjudication import REJECT, ReviewSession

    alice, team, ids = merged
    with open_store(alice) as store:
        store.update_span(ids["date"], label="CLAIM", by="alice")
    with open_store(team) as store:
        session = ReviewSession.load(store, 1, "alice", "bob", reviewer="lead")
        session.compare()
        (row,) = [r for r, p in enumerate(session.pairs) if p.a and p.a.id == ids["date"]]
        session.decide(row, REJECT)
        assert session.has_verdict(row) and not session.decided_earlier(row)
    merge([alice], team)
    with open_store(team) as store:
        session = ReviewSession.load(store, 1, "alice", "bob", reviewer="lead")
        session.compare()
        (row,) = [r for r, p in enumerate(session.pairs) if p.a and p.a.id == ids["date"]]
        assert session.decided_earlier(row) and not session.has_verdict(row)


def test_a_span_deleted_and_drawn_again_at_the_same_place_reaches_the_team_file(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    # The new span is not "already here": the old one it replaces goes in the same merge.
    alice, team, ids = merged
    with open_store(alice) as store:
        store.delete_span(ids["date"], by="alice")
        again = store.add_span(1, 26, 31, "DATE", annotator="alice", note="redrawn")
    (part,) = merge([alice], team).sources
    assert (part.spans_added, part.spans_deleted) == (1, 1)
    with open_store(team) as store:
        dates = [(s.id, s.note) for s in store.spans(1, annotator="alice") if s.label == "DATE"]
    assert dates == [(again.id, "redrawn")]
