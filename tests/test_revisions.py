"""Replacing a document's text: revisions, re-anchored spans, orphans, undo, `update`.

Real database files in tmp_path; offsets counted by hand (code points): 👨🏻‍🚒 is 4
code points (man, skin tone, ZWJ, fire engine), 𝔘 is 1.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator import open_store
from annotator.cli import cli
from annotator.cli_revisions import report_lines
from annotator.errors import (
    DuplicateDocumentError,
    HistoryConflictError,
    InvalidSpanError,
    NotFoundError,
    TextChangedError,
)
from annotator.store import Store

# OLD: 👨🏻‍🚒 0..4, " 𝔘 " 4..7, The 7..10, mayor 11..16, said 17..21, "the goverment"
#      22..35, "would reopen the bridge" 36..59, ". " 59..61, "Officials in Lviv praised
#      him." 61..91 (Lviv 74..78), " " 91, "Kyiv residents" 92..106, " cheered.\n": 116.
OLD = (
    "👨🏻‍🚒 𝔘 The mayor said the goverment would reopen the bridge."
    " Officials in Lviv praised him. Kyiv residents cheered.\n"
)
# NEW: "The " (4) became "On Monday the " (14): +10; "government" is one letter longer:
#      +11 after it; "Officials in Lviv praised him. " (31) removed: 11 - 31 = -20 after.
#      mayor 21..26, "the government" 32..46, "would reopen the bridge" 47..70,
#      "Kyiv residents" 72..86; 116 + 11 - 31 = 96 code points.
NEW = (
    "👨🏻‍🚒 𝔘 On Monday the mayor said the government would reopen the bridge."
    " Kyiv residents cheered.\n"
)


@pytest.fixture
def doc(store: Store) -> dict[str, Any]:
    """The old article with spans of alice and bob and two relations; their ids."""
    doc_id = store.add_document(OLD, title="Kyiv bridge").id
    add = store.add_span
    ids = {
        "mayor": add(doc_id, 11, 16, "ACTOR", annotator="alice").id,
        "mayor_bob": add(doc_id, 11, 16, "ACTOR", annotator="bob").id,
        "typo": add(doc_id, 22, 35, "ACTOR", annotator="alice", note="check").id,
        "claim": add(doc_id, 36, 59, "CLAIM", annotator="alice").id,
        "removed": add(doc_id, 61, 91, "CLAIM", annotator="alice").id,
        "lviv": add(doc_id, 74, 78, "ACTOR", annotator="alice").id,
        "kyiv": add(doc_id, 92, 106, "ACTOR", annotator="alice").id,
    }
    rel = store.add_relation
    ids["live_rel"] = rel(doc_id, ids["claim"], ids["mayor"], "ATTRIBUTED_TO", annotator="alice").id
    ids["cut_rel"] = rel(doc_id, ids["removed"], ids["kyiv"], "ATTRIBUTED_TO", annotator="alice").id
    return {"id": doc_id, **ids}


def tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("documents", "spans", "relations", "revisions")}  # fmt: skip


def placed(store: Store, doc_id: int) -> dict[str, tuple[int, int, str]]:
    return {s.id: (s.start, s.end, s.text) for s in store.spans(doc_id)}


def test_replace_text_keeps_the_old_text_and_moves_every_span(store, doc) -> None:
    uid = store.document(doc["id"]).uid
    report = store.replace_text(doc["id"], NEW, by="carol")
    document = store.document(doc["id"])
    assert (document.id, document.uid, document.text) == (doc["id"], uid, NEW)
    assert store.documents()[0].length == 96
    [revision] = store.revisions(doc["id"])
    assert (revision.id, revision.number, revision.length, revision.replaced_by) == (
        report.revision_id, 1, 116, "carol",
    )  # fmt: skip
    assert store.revision_text(revision.id) == OLD
    assert placed(store, doc["id"]) == {
        doc["mayor"]: (21, 26, "mayor"),
        doc["mayor_bob"]: (21, 26, "mayor"),
        doc["typo"]: (32, 46, "the government"),
        doc["claim"]: (47, 70, "would reopen the bridge"),
        doc["kyiv"]: (72, 86, "Kyiv residents"),
    }
    # The typo fixed inside the quote: flagged, 13 of 14 letters: 2 * 13 / 27 = 0.963.
    typo = store.span(doc["typo"])
    assert typo.attributes == {"anchoring": "fuzzy", "anchoring_score": 0.963}
    assert typo.note == "check"
    assert [s.id for s in store.fuzzy_spans(doc["id"])] == [doc["typo"]]
    assert {s.span_id: s.kind for s in report.spans} == {
        doc["mayor"]: "exact", doc["mayor_bob"]: "exact", doc["typo"]: "fuzzy",
        doc["claim"]: "exact", doc["removed"]: "orphan", doc["lviv"]: "orphan",
        doc["kyiv"]: "exact",
    }  # fmt: skip


def test_orphans_keep_their_old_place_and_are_left_out_everywhere(store, doc, tmp_path) -> None:
    report = store.replace_text(doc["id"], NEW, by="carol")
    orphans = store.orphans(doc["id"])
    assert [(o.span.id, o.span.start, o.span.end, o.span.text, o.revision_id) for o in orphans] == [
        (doc["removed"], 61, 91, "Officials in Lviv praised him.", report.revision_id),
        (doc["lviv"], 74, 78, "Lviv", report.revision_id),
    ]
    assert store.orphans(doc["id"], annotator="bob") == []
    live = {s.id for s in store.spans(doc["id"])}
    assert doc["removed"] not in live and doc["lviv"] not in live
    # Counts: alice had ACTOR x4 and CLAIM x2; one of each is now an orphan.
    summary = store.documents()[0]
    assert summary.span_counts == {"ACTOR": 4, "CLAIM": 1}
    assert summary.analyst_counts == {"alice": 4, "bob": 1}
    assert store.stats() == {"ACTOR": {"alice": 3, "bob": 1}, "CLAIM": {"alice": 1}}
    assert store.span_count() == 5
    # The relation with an orphaned end is kept and marked, and follows nowhere else.
    assert [r.id for r in store.relations(doc["id"])] == [doc["live_rel"]]
    assert [r.id for r in store.orphaned_relations(doc["id"])] == [doc["cut_rel"]]
    assert report.orphaned_relations == (doc["cut_rel"],)
    assert {r.id for r in store.relations(doc["id"], include_orphaned=True)} == {
        doc["live_rel"], doc["cut_rel"],
    }  # fmt: skip
    out = tmp_path / "out.jsonl"
    written = store.export_jsonl(out)
    assert written.left_out == [  # both of alice's orphans, the cut link, the earlier text
        "2 orphaned spans (of earlier texts: placed or dropped in the window's Orphans panel,"
        " they stay in the database)",
        "1 relation with an orphaned end (back when the orphan is placed)",
        "1 earlier text of edited documents (a record holds the current text)",
    ]
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == NEW
    assert {s["id"] for s in record["spans"]} == live
    assert all(NEW[s["start"] : s["end"]] == s["text"] for s in record["spans"])
    assert [r["id"] for r in record["relations"]] == [doc["live_rel"]]
    assert store.check() == []


def test_an_orphan_is_never_moved_by_the_ordinary_span_calls(store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="carol")
    for call in (
        lambda: store.update_span(doc["lviv"], start=72, end=76),
        lambda: store.delete_span(doc["lviv"]),
        lambda: store.span(doc["lviv"]),
    ):
        with pytest.raises(InvalidSpanError, match="orphan"):
            call()


def test_check_finds_an_orphan_that_does_not_quote_its_revision(store, doc, db_path) -> None:
    store.replace_text(doc["id"], NEW, by="carol")
    with closing(sqlite3.connect(db_path)) as conn, conn:
        conn.execute("UPDATE spans SET text = 'Lvov' WHERE id = ?", [doc["lviv"]])
    [breach] = store.check()
    assert breach.kind == "orphan"
    assert breach.message == (
        f"orphan span {doc['lviv']} of document {doc['id']} quotes 'Lvov' but its revision 1"
        " has 'Lviv' at [74, 78)"
    )


def test_undo_of_replace_text_restores_everything_exactly(store, doc, db_path) -> None:
    before = tables(db_path)
    store.replace_text(doc["id"], NEW, by="carol")
    after = tables(db_path)
    assert store.undo("carol").action == "replace_text"
    assert tables(db_path) == before
    assert store.document(doc["id"]).text == OLD  # not a stale cached text
    assert store.check() == []
    assert store.redo("carol").action == "replace_text"
    assert tables(db_path) == after
    assert store.check() == []


def test_undo_refuses_to_put_spans_on_the_wrong_text(store, doc, db_path) -> None:
    store.delete_span(doc["kyiv"], by="alice")  # [92, 106) of OLD
    store.replace_text(doc["id"], NEW, by="carol")
    state = tables(db_path)
    # NEW has only 96 code points: the deleted span belongs to the old text.
    with pytest.raises(HistoryConflictError, match="another version of the text"):
        store.undo("alice")
    # A span added to the new text (dave's "Kyiv", 72..76) blocks undoing the replacement.
    store.add_span(doc["id"], 72, 76, "ACTOR", annotator="dave")
    with pytest.raises(HistoryConflictError, match="another version of the text"):
        store.undo("carol")
    assert tables(db_path)["documents"] == state["documents"]
    assert store.check() == []


def test_place_orphan_and_undo_it(store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="carol")
    span = store.place_orphan(doc["lviv"], 72, 76, by="alice")  # "Kyiv" of NEW
    assert (span.start, span.end, span.text, span.annotator) == (72, 76, "Kyiv", "alice")
    assert [o.span.id for o in store.orphans(doc["id"])] == [doc["removed"]]
    store.place_orphan(doc["removed"], 47, 70, by="alice")
    assert {r.id for r in store.relations(doc["id"])} == {doc["live_rel"], doc["cut_rel"]}
    assert store.check() == []
    store.undo("alice")
    store.undo("alice")
    orphans = store.orphans(doc["id"])
    assert [(o.span.id, o.span.start, o.span.end, o.span.text) for o in orphans] == [
        (doc["removed"], 61, 91, "Officials in Lviv praised him."),
        (doc["lviv"], 74, 78, "Lviv"),
    ]
    store.redo("alice")
    assert store.span(doc["lviv"]).text == "Kyiv"
    with pytest.raises(InvalidSpanError, match="not inside"):
        store.place_orphan(doc["removed"], 90, 120, by="alice")
    with pytest.raises(InvalidSpanError, match="not an orphan"):
        store.place_orphan(doc["kyiv"], 72, 76, by="alice")


def test_drop_orphan_and_undo_it(store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="carol")
    store.drop_orphan(doc["removed"], by="alice")
    assert [o.span.id for o in store.orphans(doc["id"])] == [doc["lviv"]]
    assert store.relations(doc["id"], include_orphaned=True)[0].id == doc["live_rel"]
    assert len(store.relations(doc["id"], include_orphaned=True)) == 1
    store.undo("alice")
    assert len(store.orphans(doc["id"])) == 2
    assert [r.id for r in store.orphaned_relations(doc["id"])] == [doc["cut_rel"]]
    with pytest.raises(NotFoundError):
        store.drop_orphan("no-such-span", by="alice")


def test_confirm_a_fuzzy_placement_and_undo_it(store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="carol")
    assert store.confirm_anchor(doc["typo"], by="alice").attributes == {}
    assert store.fuzzy_spans(doc["id"]) == []
    store.undo("alice")
    assert store.span(doc["typo"]).attributes["anchoring"] == "fuzzy"
    with pytest.raises(InvalidSpanError, match="not placed fuzzily"):
        store.confirm_anchor(doc["mayor"], by="alice")


def test_a_second_replacement_leaves_earlier_orphans_with_their_revision(store, doc) -> None:
    first = store.replace_text(doc["id"], NEW, by="carol")
    second = store.replace_text(doc["id"], NEW.replace("cheered", "cheered loudly"), by="carol")
    assert [r.number for r in store.revisions(doc["id"])] == [1, 2]
    assert {o.revision_id for o in store.orphans(doc["id"])} == {first.revision_id}
    assert len(second.spans) == 5  # the live spans only
    assert store.check() == []


def test_an_orphan_is_placed_when_a_later_text_has_its_quote_again(store, doc) -> None:
    store.replace_text(doc["id"], NEW, by="carol")
    assert {o.span.id for o in store.orphans(doc["id"])} == {doc["removed"], doc["lviv"]}
    # The sentence comes back after "bridge." (70): "Officials in Lviv praised him."
    # 72..102, "Lviv" 85..89, counted by hand.
    third = NEW[:71] + " Officials in Lviv praised him." + NEW[71:]
    assert third[72:102] == "Officials in Lviv praised him." and third[85:89] == "Lviv"
    report = store.replace_text(doc["id"], third, by="carol")
    assert store.orphans(doc["id"]) == []
    assert {k: v for k, v in placed(store, doc["id"]).items()
            if k in (doc["removed"], doc["lviv"])} == {
        doc["removed"]: (72, 102, "Officials in Lviv praised him."), doc["lviv"]: (85, 89, "Lviv")}
    kinds = {s.span_id: s.kind for s in report.spans}
    assert (kinds[doc["removed"]], kinds[doc["lviv"]]) == ("exact", "exact")
    assert sorted(report.placed_again) == sorted([doc["removed"], doc["lviv"]])
    assert "Orphans of earlier texts placed again: 2 (counted above as moved)" in report_lines(
        report, "Kyiv bridge")
    assert doc["cut_rel"] in {r.id for r in store.relations(doc["id"])}  # linked again
    assert store.check() == []
    store.undo("carol")  # the third text goes: they wait again, in their own revision
    first_revision = store.revisions(doc["id"])[0].id
    assert {(o.span.id, o.revision_id) for o in store.orphans(doc["id"])} == {
        (doc["removed"], first_revision), (doc["lviv"], first_revision)}
    assert store.check() == []


def test_delete_document_and_undo_bring_back_revisions_and_orphans(store, doc, db_path) -> None:
    store.replace_text(doc["id"], NEW, by="carol")
    state = tables(db_path)
    store.delete_document(doc["id"], by="carol")
    assert tables(db_path)["revisions"] == []
    store.undo("carol")
    assert tables(db_path) == state
    assert store.check() == []


def test_replace_text_refusals_change_nothing(store, doc, db_path) -> None:
    state = tables(db_path)
    with pytest.raises(InvalidSpanError, match="already has this text"):
        store.replace_text(doc["id"], OLD, by="carol")
    with pytest.raises(InvalidSpanError, match="empty"):
        store.replace_text(doc["id"], " \n", by="carol")
    with pytest.raises(NotFoundError, match="there is no document 9"):
        store.replace_text(9, NEW, by="carol")
    other = store.add_document("Another article.", title="Other").id
    with pytest.raises(DuplicateDocumentError, match=f"already document {other}"):
        store.replace_text(doc["id"], "Another article.", by="carol")
    assert {t: rows for t, rows in tables(db_path).items() if t != "documents"} == {
        t: rows for t, rows in state.items() if t != "documents"
    }


# -- the command ------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


def test_update_prints_the_report(doc, db_path, tmp_path) -> None:
    new_file = tmp_path / "corrected.txt"
    new_file.write_text(NEW, encoding="utf-8")
    result = run("update", str(doc["id"]), str(new_file), "--by", "carol", "--db", str(db_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        'Document 1 "Kyiv bridge": text replaced (116 -> 96 characters), the old one kept as'
        " revision 1",
        "Moved exactly: 4 spans (0 more in place)",
        "Moved fuzzily: 1 span, flagged for review until confirmed",
        '  ACTOR [32, 46) "the government" (was "the goverment" at [22, 35)), score 0.963, alice',
        "Orphaned: 2 spans, kept until placed or dropped",
        '  CLAIM [61, 91) "Officials in Lviv praised him.", alice',
        '  ACTOR [74, 78) "Lviv", alice',
        "Relations with an orphaned end: 1, kept but not exported until placed",
    ]
    with open_store(db_path) as fresh:
        assert fresh.history(limit=1)[0].annotator == "carol"
        assert fresh.document(doc["id"]).text == NEW


def test_update_verbose_lists_exact_moves_and_errors_are_one_line(doc, db_path, tmp_path) -> None:
    new_file = tmp_path / "corrected.txt"
    new_file.write_text(NEW, encoding="utf-8")
    result = run("update", "1", str(new_file), "-v", "--by", "carol", "--db", str(db_path))
    assert '  ACTOR [72, 86) "Kyiv residents" (was [92, 106)), alice' in result.stdout.splitlines()
    again = run("update", "1", str(new_file), "--by", "carol", "--db", str(db_path))
    assert (again.exit_code, again.stdout) == (1, "")
    assert again.stderr == "Error: document 1 already has this text: nothing to replace\n"
    missing = run("update", "1", str(tmp_path / "nope.txt"), "--db", str(db_path))
    assert missing.exit_code == 1
    assert missing.stderr == "Error: nope.txt does not exist: check the path and import again\n"
    unknown = run("update", "7", str(new_file), "--db", str(db_path))
    assert unknown.stderr == "Error: there is no document 7: see `annotator list`\n"
    here = run("update", "1", ".", "--db", str(db_path))  # "." has no name of its own
    assert here.stderr == "Error: . is a folder, not a file: choose a file inside it\n"


def test_offsets_taken_from_the_old_text_are_refused(store: Store, db_path: Path) -> None:
    # A window shows OLD and takes offsets from it ("mayor" 11..16); meanwhile the
    # text became NEW, where 11..16 is "n Mon".
    old_sha = store.add_document(OLD).text_sha256
    doc_id = 1
    span = store.add_span(doc_id, 11, 16, "ACTOR", annotator="alice", seen=old_sha)
    store.replace_text(doc_id, NEW, by="bob")
    before = tables(db_path)
    with pytest.raises(TextChangedError, match="was changed elsewhere since it was shown"):
        store.add_span(doc_id, 11, 16, "ACTOR", annotator="alice", seen=old_sha)
    with pytest.raises(TextChangedError):
        store.add_spans(doc_id, [{"start": 11, "end": 16, "label": "ACTOR",
                                  "annotator": "alice"}], seen=old_sha)  # fmt: skip
    with pytest.raises(TextChangedError):
        store.update_span(span.id, start=7, end=16, seen=old_sha)
    assert tables(db_path) == before
    # With the new text's digest, the same calls are made.
    new_sha = store.document(doc_id).text_sha256
    assert store.add_span(doc_id, 7, 16, "DATE", annotator="alice", seen=new_sha).text == (
        "On Monday")  # fmt: skip
    assert store.update_span(span.id, end=26, start=17, seen=new_sha).text == "the mayor"


def test_a_review_verdict_holds_when_its_spans_only_moved_with_the_text(tmp_path: Path) -> None:
    # A line added at the top moves "mayor" from [4, 9) to [21, 26): the same quote
    # and label, so the lead's accept stands; a span fixed fuzzily asks again.
    from annotator.adjudication import ACCEPT_BOTH, ReviewSession

    with open_store(tmp_path / "r.db") as store:
        doc = store.add_document("The mayor said the bridge will reopen on Friday.\n").id
        for who in ("alice", "bob"):
            store.add_span(doc, 4, 9, "ACTOR", annotator=who)
            store.add_span(doc, 41, 47, "DATE", annotator=who)  # "Friday"
        session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
        for row in range(len(session.pairs)):
            session.decide(row, ACCEPT_BOTH)
        new = "Kyiv (Reuters) - The mayor said the bridge will reopen on Fryday.\n"
        store.replace_text(doc, new, by="alice")
        session = ReviewSession.load(store, doc, "alice", "bob", reviewer="lead")
        a_spans = [pair.a for pair in session.pairs]
        rows = {span.text: r for r, span in enumerate(a_spans) if span is not None}
        assert set(rows) == {"mayor", "Fryday"}  # "Friday" fixed fuzzily: 2 * 5 / 12
        mayor = a_spans[rows["mayor"]]
        assert mayor is not None and mayor.start == 21 and new[21:26] == "mayor"
        assert session.decided_earlier(rows["mayor"]) is False
        assert session.decided_earlier(rows["Fryday"]) is True
        assert session.progress()[:2] == (1, 2)


@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_exports_say_they_leave_out_relations_with_an_orphaned_end(
    tmp_path: Path, fmt: str
) -> None:
    # "Lviv" becomes "Kyiv": the CITATION is orphaned, and the claim's link to it
    # is in no export until the orphan is placed.
    db = tmp_path / "r.db"
    with open_store(db) as store:
        doc = store.add_document("The minister said in Lviv that the bridge reopened.").id
        actor = store.add_span(doc, 0, 12, "ACTOR", annotator="alice")
        lviv = store.add_span(doc, 21, 25, "CITATION", annotator="alice")
        claim = store.add_span(doc, 31, 50, "CLAIM", annotator="alice")
        store.add_relation(doc, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
        store.add_relation(doc, claim.id, lviv.id, "SOURCED_FROM", annotator="alice")
        store.replace_text(doc, "The minister said in Kyiv that the bridge reopened.", by="alice")
        assert [o.span.id for o in store.orphans(doc)] == [lviv.id]
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", fmt,
                                      "--out", str(tmp_path / f"out.{fmt}")])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("1 document, 2 spans, 1 relation to " + str(tmp_path / f"out.{fmt}"))
    assert "Left out: 1 relation with an orphaned end (back when the orphan is placed)" in lines


def test_update_by_an_empty_name_is_refused_not_credited_to_the_user(
    doc, db_path, tmp_path
) -> None:
    new_file = tmp_path / "corrected.txt"
    new_file.write_text(NEW, encoding="utf-8")
    for name in ("", "  "):
        result = run("update", str(doc["id"]), str(new_file), "--by", name, "--db", str(db_path))
        assert result.exit_code == 1
        assert result.output == "Error: say who replaces the text (an analyst name)\n"
    with open_store(db_path) as fresh:
        assert fresh.document(doc["id"]).text != NEW
