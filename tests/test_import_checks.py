"""Imports check what ``add_span`` checks: attribute values the label schema
forbids and time stamps that are no time are refused, naming the record, the
span and the field; a re-imported span that differs from its version here is
reported, not passed over as "already in the database".

Expected values are worked out by hand from the default schema
(annotator/schemas/default.json) and BRIDGE: "Olena Koval" is [0, 11),
"the bridge reopens" [17, 35), "Friday" [39, 45).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import BRIDGE, assert_error, rows, run, snapshot

from annotator import open_store
from annotator.schema import default_schema_body

KINDS = "person, organisation, country, other"
STAMP_HELP = "use an ISO-8601 time with its zone, such as 2026-11-28T09:30:00.000Z"


def span(start: int, end: int, label: str, **fields: Any) -> dict[str, Any]:
    return {"id": f"s{start}", "start": start, "end": end, "label": label,
            "annotator": "alice", **fields}  # fmt: skip


def write_jsonl(path: Path, *records: dict[str, Any]) -> Path:
    lines = [json.dumps({"text": BRIDGE, "offset_unit": "codepoint", **r}) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database holding one other article, so that "nothing stored" is visible."""
    path = tmp_path / "team.db"
    with open_store(path) as store:
        store.add_document("Delegates met on Tuesday in Velmora.", title="Summit")
    return path


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (span(0, 11, "ACTOR", attributes={"kind": "alien"}),
         f"span s0 [0, 11): ACTOR attribute 'kind' cannot be 'alien': use one of {KINDS}"),
        (span(39, 45, "DATE", attributes={"normalized": "Monday"}),
         "span s39 [39, 45): DATE attribute 'normalized' cannot be 'Monday': use an ISO-8601"
         " date YYYY, YYYY-MM or YYYY-MM-DD, or two of those joined by '/'"),
        (span(17, 35, "CITATION", attributes={"url": "see the ministry site"}),
         "span s17 [17, 35): CITATION attribute 'url' cannot be 'see the ministry site': use an"
         " http:// or https:// URL with a host"),
        (span(17, 35, "CLAIM", attributes={"checkworthy": 1}),
         "span s17 [17, 35): CLAIM attribute 'checkworthy' must be true or false (yes/no),"
         " not 1"),
    ],
)  # fmt: skip
def test_a_forbidden_attribute_value_refuses_the_record(
    db: Path, tmp_path: Path, bad: dict[str, Any], message: str
) -> None:
    good = span(0, 5, "ACTOR", attributes={"kind": "person", "brat_id": "T1"})
    source = write_jsonl(tmp_path / "a.jsonl", {"spans": [good, bad]})
    before = snapshot(db)
    assert_error(run("import", str(source), "--db", str(db)), f"a.jsonl line 1: {message}")
    assert snapshot(db) == before


def test_skip_invalid_skips_the_record_with_a_forbidden_value(db: Path, tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "a.jsonl",
        {"spans": [span(0, 11, "ACTOR", attributes={"kind": "alien"})]},
        {"text": "Kyiv talks resumed.",
         "spans": [span(0, 4, "ACTOR", attributes={"kind": "country", "x": [1]})]},
    )  # fmt: skip
    result = run("import", str(source), "--skip-invalid", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert [ln for ln in result.stdout.splitlines() if ln.startswith("Skipped")] == [
        f"Skipped a.jsonl line 1: span s0 [0, 11): ACTOR attribute 'kind' cannot be 'alien':"
        f" use one of {KINDS}"
    ]
    assert result.stdout.splitlines()[-1] == "1 document added, 1 skipped, 1 span added"
    assert rows(db, "SELECT text, attributes FROM spans") == [
        ("Kyiv", '{"kind": "country", "x": [1]}')  # undeclared names are kept as they are
    ]
    with open_store(db) as store:
        assert store.check() == []


def brat_pair(folder: Path, ann: str) -> Path:
    folder.mkdir()
    (folder / "doc.txt").write_text(BRIDGE, encoding="utf-8")
    (folder / "doc.ann").write_text(ann, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("a_line", "message"),
    [
        ("A1\tkind T1", f"ACTOR attribute 'kind' cannot be True: use one of {KINDS}"),
        ("A1\tkind T1 alien", f"ACTOR attribute 'kind' cannot be 'alien': use one of {KINDS}"),
    ],
)
def test_a_brat_attribute_the_schema_forbids_is_refused(
    db: Path, tmp_path: Path, a_line: str, message: str
) -> None:
    folder = brat_pair(tmp_path / "brat", f"T1\tACTOR 0 11\tOlena Koval\n{a_line}\n")
    (folder / "allowed.txt").write_text(BRIDGE, encoding="utf-8")  # the same text: another
    (folder / "allowed.ann").write_text(  # analyst's values the schema allows
        "T1\tACTOR 0 11\tOlena Koval\nA1\tkind T1 person\nT2\tDATE 39 45\tFriday\n"
        "A2\tnormalized T2 2026-11\n", encoding="utf-8")  # fmt: skip
    result = run("import", str(folder), "--skip-invalid", "--db", str(db))
    assert result.exit_code == 0, result.output
    (skipped,) = [ln for ln in result.stdout.splitlines() if ln.startswith("Skipped")]
    assert skipped == f"Skipped doc.ann: span T1 [0, 11): {message}"  # the file's own name
    found = rows(db, "SELECT text, attributes FROM spans ORDER BY start")
    assert [(text, json.loads(a)) for text, a in found] == [
        ("Olena Koval", {"kind": "person"}),  # a one-piece span keeps no brat id
        ("Friday", {"normalized": "2026-11"}),
    ]


def test_merge_refuses_values_the_targets_schema_forbids(tmp_path: Path) -> None:
    body = default_schema_body()
    actor = next(lab for lab in body["labels"] if lab["name"] == "ACTOR")
    actor["attributes"]["kind"]["values"].append("alien")  # allowed in this file only
    alice = tmp_path / "alice.db"
    with open_store(alice, schema=body) as store:
        doc = store.add_document(BRIDGE, uid="bridge")
        store.add_span(doc.id, 0, 11, "ACTOR", annotator="alice", attributes={"kind": "alien"})
        store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice", attributes={"kind": "alien"})
    team = tmp_path / "team.db"
    with open_store(team) as store:
        store.add_document("Delegates met on Tuesday in Velmora.", title="Summit")
    before = snapshot(team)
    assert_error(run("merge", str(alice), "--into", str(team)),
                 "alice.db has attribute values that the schema of team.db does not allow:"
                 f" ACTOR attribute 'kind' cannot be 'alien': use one of {KINDS}: change them"
                 " in alice.db or merge into a file whose schema has them")  # fmt: skip
    assert snapshot(team) == before


def test_merge_refuses_time_stamps_that_are_no_times_before_writing_any_file(
    tmp_path: Path,
) -> None:
    """bob.db holds a time an older import kept as it was: merging alice.db and bob.db
    writes neither, though alice.db comes first and is fine."""
    alice, bob, team = tmp_path / "alice.db", tmp_path / "bob.db", tmp_path / "team.db"
    for path, who in ((alice, "alice"), (bob, "bob")):
        with open_store(path) as store:
            doc = store.add_document(BRIDGE, uid="bridge")
            store.add_span(doc.id, 0, 5, "ACTOR", annotator=who)
    with closing(sqlite3.connect(bob)) as conn, conn:
        (span_id,) = conn.execute("SELECT id FROM spans").fetchone()
        conn.execute("UPDATE spans SET updated_at = 'yesterday'")
    with open_store(team) as store:
        store.add_document("Delegates met on Tuesday in Velmora.", title="Summit")
    before = snapshot(team)
    assert_error(run("merge", str(alice), str(bob), "--into", str(team)),
                 f"bob.db has time stamps that are no times: span {span_id} updated_at"
                 " 'yesterday': `annotator check --db bob.db` lists them; correct them there"
                 " before merging")  # fmt: skip
    assert snapshot(team) == before


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2026-11-28T09:30:00Z", "2026-11-28T09:30:00.000Z"),
        ("2026-11-28T09:30:00.123456+00:00", "2026-11-28T09:30:00.123Z"),
        ("2026-11-28T01:30:00-08:00", "2026-11-28T09:30:00.000Z"),  # 01:30 + 8 hours
        ("2026-11-29T00:30:00+01:00", "2026-11-28T23:30:00.000Z"),  # the day before in UTC
    ],
)
def test_times_are_stored_in_the_stores_form(
    db: Path, tmp_path: Path, given: str, stored: str
) -> None:
    first = span(0, 11, "ACTOR", created_at=given, updated_at=given)
    second = span(17, 35, "CLAIM", created_at="2026-11-27T08:00:00.000Z", updated_at=given)
    source = write_jsonl(tmp_path / "a.jsonl", {"spans": [first, second],
                                                 "meta": {"created_at": given}})  # fmt: skip
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    assert rows(db, "SELECT created_at, updated_at FROM spans ORDER BY start") == [
        (stored, stored), ("2026-11-27T08:00:00.000Z", stored)
    ]
    assert rows(db, "SELECT created_at FROM documents WHERE id = 2") == [(stored,)]


@pytest.mark.parametrize(
    "bad",
    ["yesterday", "zzzz", "2026-11-28T09:30:00", "2026-02-30T09:30:00.000Z",
     "2026-11-28T24:00:00.000Z", "2026-11-28"],
)  # fmt: skip
def test_a_span_time_that_is_no_time_refuses_the_record(
    db: Path, tmp_path: Path, bad: str
) -> None:
    plain = span(0, 11, "ACTOR", created_at="2026-11-28T09:30:00.000Z")
    source = write_jsonl(tmp_path / "a.jsonl",
                         {"spans": [plain, span(17, 35, "CLAIM", updated_at=bad)]})  # fmt: skip
    before = snapshot(db)
    assert_error(run("import", str(source), "--db", str(db)), "a.jsonl line 1: span s17"
                 f" [17, 35): updated_at {bad!r} is not a time: {STAMP_HELP}")  # fmt: skip
    assert snapshot(db) == before


def test_a_relation_or_document_time_that_is_no_time_is_refused(
    db: Path, tmp_path: Path
) -> None:
    spans = [span(0, 11, "ACTOR"), span(17, 35, "CLAIM")]
    relation = {"id": "r1", "type": "ATTRIBUTED_TO", "from": "s17", "to": "s0",
                "created_at": "last week"}  # fmt: skip
    source = write_jsonl(tmp_path / "a.jsonl", {"spans": spans, "relations": [relation]})
    before = snapshot(db)
    assert_error(run("import", str(source), "--db", str(db)),
                 f"a.jsonl line 1: relation r1: created_at 'last week' is not a time: {STAMP_HELP}")
    source = write_jsonl(tmp_path / "b.jsonl", {"spans": spans, "meta": {"created_at": "soon"}})
    assert_error(run("import", str(source), "--db", str(db)),
                 f"b.jsonl line 1: the document's created_at 'soon' is not a time: {STAMP_HELP}")
    assert snapshot(db) == before


def test_reimporting_spans_changed_under_the_same_ids_says_so(db: Path, tmp_path: Path) -> None:
    with open_store(db) as store:
        doc = store.add_document(BRIDGE, uid="bridge")
        olena = store.add_span(doc.id, 0, 11, "ACTOR", annotator="alice")
        claim = store.add_span(doc.id, 17, 35, "CLAIM", annotator="alice", note="check")
        store.add_span(doc.id, 39, 45, "DATE", annotator="alice")
    export = tmp_path / "out.jsonl"
    assert run("export", "--out", str(export), "--db", str(db)).exit_code == 0
    records = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    spans = {s["id"]: s for s in records[1]["spans"]}
    spans[olena.id].update(attributes={"kind": "organisation"}, note="colleague corrected this",
                           updated_at="2030-01-01T00:00:00.000Z")  # fmt: skip
    spans[claim.id]["label"] = "ACTOR"
    export.write_text("\n".join(map(json.dumps, records)) + "\n", encoding="utf-8")
    before = snapshot(db)
    result = run("import", str(export), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Skipped out.jsonl line 1: already in the database as document 1",
        "Skipped out.jsonl line 2: already in the database as document 2",
        "Note: out.jsonl line 2: 2 spans differ from their version here: kept as here (to"
        " bring an analyst's later changes, merge their database file: annotator merge)",
        "0 documents added, 2 skipped, 0 spans added",
    ]
    assert snapshot(db) == before


@pytest.mark.parametrize("fmt", ["labelstudio", "prodigy"])
def test_a_format_without_notes_or_attributes_read_back_differs_in_nothing(
    db: Path, tmp_path: Path, fmt: str
) -> None:
    """Those formats carry no notes or attributes: read back into the same database,
    its spans are the same spans, not spans that "differ"."""
    with open_store(db) as store:
        doc = store.add_document(BRIDGE, uid="bridge")
        store.add_span(doc.id, 0, 11, "ACTOR", annotator="alice", note="the mayor",
                       attributes={"kind": "person"})  # fmt: skip
    out = tmp_path / f"out-{fmt}.json"
    assert run("export", "--format", fmt, "--out", str(out), "--db", str(db)).exit_code == 0
    result = run("import", str(out), "--format", fmt, "--db", str(db))
    assert result.exit_code == 0, result.output
    assert not [line for line in result.stdout.splitlines() if "differ" in line]
    assert result.stdout.splitlines()[-1].endswith(", 0 spans added")
