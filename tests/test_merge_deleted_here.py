"""Merging a file again does not bring back what was deleted in the team file
since the earlier merge, unless its analyst changed it after that.

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen.", counted by
hand: "Mayor" [0, 5), "Olena Koval" [6, 17), "the bridge will reopen" [37, 59).
"""

from __future__ import annotations

import shutil
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import open_store
from annotator.cli import cli
from annotator.merge import merge

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."


@pytest.fixture
def merged(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """alice.db (Mayor ACTOR, Olena Koval ACTOR, a claim linked to Olena Koval),
    merged into team.db."""
    alice, team = tmp_path / "alice.db", tmp_path / "team.db"
    ids = {}
    with open_store(alice) as store:
        doc = store.add_document(TEXT, uid="doc-1", title="Bridge")
        ids["mayor"] = store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice").id
        ids["koval"] = store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice").id
        ids["claim"] = store.add_span(doc.id, 37, 59, "CLAIM", annotator="alice").id
        ids["link"] = store.add_relation(
            doc.id, ids["claim"], ids["koval"], "ATTRIBUTED_TO", annotator="alice"
        ).id
    merge([alice], team)
    return alice, team, ids


def spans_in(path: Path) -> list[tuple[str, str]]:
    with open_store(path) as store:
        return [(s.label, s.text) for d in store.documents() for s in store.spans(d.id)]


def test_spans_and_relations_deleted_in_the_team_file_stay_deleted(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(team) as store:
        store.delete_span(ids["mayor"], by="reviewer")
        store.delete_span(ids["koval"], by="reviewer")  # its relation goes with it
    (part,) = merge([alice], team).sources
    assert (part.spans_added, part.relations_added) == (0, 0)
    assert spans_in(team) == [("CLAIM", "the bridge will reopen")]
    with open_store(team) as store:
        assert store.relations(1) == []
    assert part.notes == [
        "alice.db document 1: 2 spans and 1 relation deleted here since an earlier merge:"
        " not brought back"
    ]


def test_a_relation_deleted_in_the_team_file_stays_deleted(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(team) as store:
        store.delete_relation(ids["link"], by="reviewer")
    (part,) = merge([alice], team).sources
    assert part.relations_added == 0
    with open_store(team) as store:
        assert store.relations(1) == []
    assert len(spans_in(team)) == 3


def test_a_span_changed_there_after_it_was_deleted_here_comes_back(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(team) as store:
        store.delete_span(ids["mayor"], by="reviewer")
    time.sleep(0.005)  # time stamps count milliseconds
    with open_store(alice) as store:
        store.update_span(ids["mayor"], label="CITATION", by="alice")
    (part,) = merge([alice], team).sources
    assert part.spans_added == 1
    assert ("CITATION", "Mayor") in spans_in(team)
    assert part.notes == [
        "alice.db document 1: 1 span deleted here was changed there since: brought back"
    ]


def test_a_document_deleted_in_the_team_file_is_not_merged_again(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, _ = merged
    with open_store(team) as store:
        store.delete_document(1, by="reviewer")
    with closing(sqlite3.connect(team)) as conn:
        (day,) = conn.execute("SELECT substr(at, 1, 10) FROM events"
                              " WHERE action = 'delete_document'").fetchone()  # fmt: skip
    result = CliRunner().invoke(cli, ["merge", str(alice), "--into", str(team)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"{alice}: 0 documents, 0 spans, 0 relations added",
        f"  alice.db document 1: deleted here on {day}, and not worked on there since: not"
        " brought back (import an export of that file to have it again)",
    ]
    with open_store(team) as store:
        assert store.documents() == []


def test_work_deleted_in_the_file_itself_and_in_the_team_file_is_not_named(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    for path in (alice, team):
        with open_store(path) as store:
            store.delete_span(ids["mayor"], by="someone")
    (part,) = merge([alice], team).sources
    assert (part.spans_added, part.spans_deleted, part.notes) == (0, 0, [])


def test_a_document_deleted_here_but_worked_on_there_since_comes_back(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(team) as store:
        store.delete_document(1, by="reviewer")
    time.sleep(0.005)  # time stamps count milliseconds
    with open_store(alice) as store:
        store.add_span(1, 18, 22, "CLAIM", annotator="alice")  # "said"
    (part,) = merge([alice], team).sources
    assert (part.documents_added, part.spans_added) == (1, 4)
    assert ("CLAIM", "said") in spans_in(team)
    assert part.notes[0].endswith(", but worked on there since: merged again")


def test_a_deletion_the_analyst_undid_reaches_the_team_file(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """The team file deleted "Mayor" only to follow alice's file; she undid it since."""
    alice, team, ids = merged
    with open_store(alice) as store:
        store.delete_span(ids["mayor"], by="alice")
    assert merge([alice], team).sources[0].spans_deleted == 1
    with open_store(alice) as store:
        store.undo("alice")
    (part,) = merge([alice], team).sources
    assert (part.spans_added, part.notes) == (1, [
        "alice.db document 1: 1 span deleted here was changed there since: brought back"
    ])
    assert ("ACTOR", "Mayor") in spans_in(team)


def test_a_span_brought_back_brings_the_relations_its_deletion_took(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """Deleting "Olena Koval" here took the claim's link to it; alice notes on the
    span since: both come back."""
    alice, team, ids = merged
    with open_store(team) as store:
        store.delete_span(ids["koval"], by="reviewer")
        assert store.relations(1) == []
    time.sleep(0.005)  # time stamps count milliseconds
    with open_store(alice) as store:
        store.update_span(ids["koval"], note="the mayor", by="alice")
    (part,) = merge([alice], team).sources
    assert (part.spans_added, part.relations_added) == (1, 1)
    with open_store(team) as store:
        assert [r.id for r in store.relations(1)] == [ids["link"]]


def test_a_relation_made_there_to_a_span_deleted_here_is_left_out_and_named(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    alice, team, ids = merged
    with open_store(team) as store:
        store.delete_span(ids["mayor"], by="reviewer")
    with open_store(alice) as store:
        store.add_relation(1, ids["claim"], ids["mayor"], "ATTRIBUTED_TO", annotator="alice")
    (part,) = merge([alice], team).sources
    assert part.relations_added == 0
    assert part.notes == [
        "alice.db document 1: 1 span deleted here since an earlier merge: not brought back",
        "alice.db document 1: 1 relation made there to a span deleted here: left out",
    ]


def test_a_span_deleted_here_is_not_counted_as_carried_to_a_newer_text(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """The team file's text was replaced (every span stays: "3 May" became "4 May",
    no span holds it) and "Mayor" deleted; alice's file still has the first text."""
    alice, team, ids = merged
    with open_store(team) as store:
        store.replace_text(1, TEXT.replace("3 May", "4 May"), by="reviewer")
        store.delete_span(ids["mayor"], by="reviewer")
    (part,) = merge([alice], team).sources
    assert (part.spans_added, part.moved) == (0, [])
    assert part.notes == [
        "alice.db document 1: 1 span deleted here since an earlier merge: not brought back"
    ]


def test_another_files_stale_copy_does_not_bring_back_what_its_analyst_deleted(
    tmp_path: Path,
) -> None:
    """alice and bob start from one pre-annotated file, merged once; then alice
    deletes "Mayor", bob never touches it.  In either order, and merged again,
    "Mayor" stays deleted."""
    start = tmp_path / "start.db"
    with open_store(start) as store:
        doc = store.add_document(TEXT, uid="doc-1")
        mayor = store.add_span(doc.id, 0, 5, "ACTOR", annotator="lead").id
        store.add_span(doc.id, 6, 17, "ACTOR", annotator="lead")
    for order in (("alice", "bob"), ("bob", "alice")):
        folder = tmp_path / "-".join(order)
        folder.mkdir()
        files = {who: folder / f"{who}.db" for who in order}
        for path in files.values():
            shutil.copy(start, path)
        team = folder / "team.db"
        merge([files[who] for who in order], team)
        with open_store(files["alice"]) as store:
            store.delete_span(mayor, by="alice")
        for _ in range(2):
            merge([files[who] for who in order], team)
            assert spans_in(team) == [("ACTOR", "Olena Koval")], order


def test_an_undo_in_the_team_file_of_a_merges_deletion_is_kept(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """The team file undid the merge step that followed alice's deletion of "Mayor":
    the next merge keeps "Mayor" (a change made here since) and says so."""
    alice, team, ids = merged
    with open_store(alice) as store:
        store.delete_span(ids["mayor"], by="alice")
    merge([alice], team)
    time.sleep(0.005)  # time stamps count milliseconds
    with open_store(team) as store:
        store.undo("merge")
    (part,) = merge([alice], team).sources
    assert part.spans_deleted == 0
    assert ("ACTOR", "Mayor") in spans_in(team)
    assert part.notes[0].endswith("kept as it is here")


def test_a_team_relation_that_goes_with_a_span_its_file_deleted_is_named(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """The lead links alice's claim to "Mayor" in the team file; alice deletes
    "Mayor": the merge follows her, and the lead's link goes with it, named."""
    alice, team, ids = merged
    with open_store(team) as store:
        store.add_relation(1, ids["claim"], ids["mayor"], "ATTRIBUTED_TO", annotator="lead")
    with open_store(alice) as store:
        store.delete_span(ids["mayor"], by="alice")
    (part,) = merge([alice], team).sources
    assert (part.spans_deleted, part.relations_deleted) == (1, 0)
    assert part.notes == [
        "alice.db document 1: 1 relation to the spans deleted there went with them (another"
        " analyst's or the team file's: undo as analyst merge to have it back)"
    ]
    with open_store(team) as store:
        assert [r.id for r in store.relations(1)] == [ids["link"]]


def test_a_document_brought_back_leaves_out_what_was_deleted_of_it_before(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """The lead deleted "Mayor", then the whole document; alice worked on it since:
    it comes back without "Mayor"."""
    alice, team, ids = merged
    with open_store(team) as store:
        store.delete_span(ids["mayor"], by="reviewer")
        time.sleep(0.005)  # time stamps count milliseconds
        store.delete_document(1, by="reviewer")
    time.sleep(0.005)
    with open_store(alice) as store:
        store.add_span(1, 18, 22, "CLAIM", annotator="alice")  # "said"
    (part,) = merge([alice], team).sources
    assert (part.documents_added, part.spans_added) == (1, 3)
    assert ("ACTOR", "Mayor") not in spans_in(team) and ("CLAIM", "said") in spans_in(team)
    assert part.notes[1] == (
        "alice.db document 1: 1 span deleted here since an earlier merge: not brought back"
    )


def test_an_undo_in_the_team_file_of_a_merges_update_and_relation_deletion_is_kept(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """alice notes "Mayor" and deletes her link; the merge follows her; the team file
    undoes that merge step.  Merging alice's unchanged file again must not apply
    the note or delete the link a second time."""
    alice, team, ids = merged
    with open_store(alice) as store:
        store.update_span(ids["mayor"], note="later")
        store.delete_relation(ids["link"], by="alice")
    (part,) = merge([alice], team).sources
    assert (part.spans_updated, part.relations_deleted) == (1, 1)
    time.sleep(0.005)  # time stamps count milliseconds
    with open_store(team) as store:
        store.undo("merge")
        assert store.span(ids["mayor"]).note is None and len(store.relations(1)) == 1
    (part,) = merge([alice], team).sources
    assert (part.spans_updated, part.relations_deleted) == (0, 0)
    with open_store(team) as store:
        assert store.span(ids["mayor"]).note is None
        assert [r.id for r in store.relations(1)] == [ids["link"]]


def test_a_relation_the_team_deleted_to_follow_a_file_comes_back_with_its_undo(
    merged: tuple[Path, Path, dict[str, str]],
) -> None:
    """alice deletes her link, the merge follows; alice undoes the deletion in her
    file: the next merge brings the link back, as it does a span, and says so."""
    alice, team, ids = merged
    with open_store(alice) as store:
        store.delete_relation(ids["link"], by="alice")
    merge([alice], team)
    time.sleep(0.005)
    with open_store(alice) as store:
        store.undo("alice")
    (part,) = merge([alice], team).sources
    assert part.relations_added == 1
    assert "1 relation deleted here was put back there since: brought back" in part.notes[0]
    with open_store(team) as store:
        assert [r.id for r in store.relations(1)] == [ids["link"]]
