"""Suggestions not yet accepted stay out of exports of every layer (issue 10: never a
wrong span behind the analyst's back), unless asked for; the store check still sees them."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.formats import doccano
from annotator.store import Store
from ui.exporting import summary

TEXT = "Marta Olsberg said on 3 March that talks resume in Kessel."
# Marta Olsberg 0..13, 3 March 22..29, Kessel 51..57 (counted by hand).


def build(store: Store) -> int:
    doc = store.add_document(TEXT, title="Talks").id
    store.add_span(doc, 0, 13, "ACTOR", annotator="alice")
    store.add_span(doc, 22, 29, "DATE", annotator="suggest", origin="rule")
    store.add_span(doc, 51, 57, "ACTOR", annotator="suggest", origin="rule")
    return doc


def native(store: Store, **kw: str) -> list[tuple[int, int, str, str]]:
    out = io.StringIO()
    store.export_jsonl(out, **kw)
    (record,) = [json.loads(line) for line in out.getvalue().splitlines()]
    return [(s["start"], s["end"], s["label"], s["annotator"]) for s in record["spans"]]


def test_every_layer_means_every_analyst_not_the_suggestions(store: Store) -> None:
    build(store)
    assert native(store) == [(0, 13, "ACTOR", "alice")]
    assert native(store, annotator="suggest") == [(22, 29, "DATE", "suggest"),
                                                  (51, 57, "ACTOR", "suggest")]  # fmt: skip


def test_other_formats_leave_them_out_too(store: Store, tmp_path: Path) -> None:
    build(store)
    doccano.write(store, tmp_path / "all.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    # One line per analyst: alice's only (ASCII text: UTF-16 offsets are code points).
    assert [(line["username"], line["label"]) for line in lines] == [
        ("alice", [[0, 13, "ACTOR"]])]  # fmt: skip


def test_the_command_says_what_it_left_out(store: Store, tmp_path: Path) -> None:
    build(store)
    out = tmp_path / "all.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", str(store.path), "--out", str(out)],
                                prog_name="annotator")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "Left out: 2 suggestions not yet accepted (accept them first, or export"
        " them alone with --annotator suggest)"
    )
    result = CliRunner().invoke(cli, ["export", "--db", str(store.path), "--annotator", "alice",
                                      "--out", str(tmp_path / "a.jsonl")], prog_name="annotator")
    assert "Left out" not in result.output


def test_the_window_says_it_too() -> None:
    from annotator.formats.base import WriteReport

    report = WriteReport(1, 1, 0, "out.jsonl", left_out=["2 suggestions not yet accepted"])
    assert summary("jsonl", report).splitlines()[-1] == (
        "Left out: 2 suggestions not yet accepted.")


def test_the_store_check_still_covers_suggestions(store: Store) -> None:
    build(store)
    with closing(sqlite3.connect(store.path)) as conn:
        conn.execute("UPDATE spans SET text = 'Kassel' WHERE annotator = 'suggest'"
                     " AND start = 51")  # fmt: skip
        conn.commit()
    assert [b.kind for b in store.check()] == ["quote"]


def test_the_count_left_out_skips_orphans_and_counts_every_document(store: Store) -> None:
    first = build(store)
    second = store.add_document("Kessel replied on 4 March.", title="Reply").id
    store.add_span(second, 18, 25, "DATE", annotator="suggest", origin="rule")  # 4 March
    assert store.layer_span_count("suggest") == 3
    # A new version without "Kessel" orphans that suggestion: no longer exported.
    store.replace_text(first, "Marta Olsberg said on 3 March that talks resume.", by="alice")
    assert store.layer_span_count("suggest") == 2
    assert store.layer_span_count("alice") == 1
    assert store.layer_span_count("nobody") == 0


def test_accepted_suggestions_are_neither_pending_nor_counted_twice(
    store: Store, tmp_path: Path
) -> None:
    # bob accepts the DATE: only the ACTOR "Kessel" is still pending; `list` counts
    # the analysts' spans (alice's ACTOR, bob's DATE), not the suggestions too.
    from annotator.suggest.apply import accept

    doc = build(store)
    date = next(s for s in store.spans(doc, annotator="suggest") if s.label == "DATE")
    accept(store, date.id, "bob")
    out = tmp_path / "all.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", str(store.path), "--out", str(out)],
                                prog_name="annotator")  # fmt: skip
    assert result.output.splitlines()[-1].startswith("Left out: 1 suggestion not yet accepted")
    listed = CliRunner().invoke(cli, ["list", "--db", str(store.path)], prog_name="annotator")
    header, row = listed.output.splitlines()
    assert header.split() == ["ID", "TITLE", "CLAIM", "ACTOR", "DATE", "CITATION", "TOTAL"]
    assert row.split()[-5:] == ["0", "1", "1", "0", "2"]
    (summary_,) = store.documents()
    assert summary_.analyst_counts == {"alice": 1, "bob": 1, "suggest": 2}


def test_every_export_says_it_leaves_the_done_marks_out(store: Store, tmp_path: Path) -> None:
    doc = build(store)
    store.set_done(doc, "alice")
    for fmt in ("jsonl", "doccano"):
        result = CliRunner().invoke(cli, ["export", "--db", str(store.path), "--format", fmt,
                                          "--out", str(tmp_path / f"out.{fmt}")])  # fmt: skip
        assert result.exit_code == 0, result.output
        assert 'Left out: 1 "done" mark of the analysts\' progress' in result.output.splitlines()
    store.set_done(doc, "carol")  # carol's mark is not alice's layer's
    alone = CliRunner().invoke(cli, ["export", "--db", str(store.path), "--annotator", "alice",
                                     "--out", str(tmp_path / "alice.jsonl")])  # fmt: skip
    assert 'Left out: 1 "done" mark of the analysts\' progress' in alone.output.splitlines()
