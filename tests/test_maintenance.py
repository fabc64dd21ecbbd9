"""`annotator backup` and `annotator check`, on real files and a real second process."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli_helpers import assert_error
from click.testing import CliRunner

from annotator import open_store
from annotator.cli import cli

TEXT = "Mayor Ana Ruiz said the bridge reopens on Monday."


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


def count(db: Path, sql: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_backup_while_another_process_writes(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
    # A second process keeps adding spans while we back up.
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            from annotator import open_store
            with open_store({str(db)!r}) as store:
                for i in range(400):
                    store.add_span({doc.id}, 0, 5, "ACTOR", annotator="w", note=str(i))
        """)],
    )  # fmt: skip
    copies: list[Path] = []
    try:
        # Back up over and over while the writer is busy (from its 20th span on).
        while count(db, "SELECT count(*) FROM spans") < 20:
            assert writer.poll() is None, "the writer ended before it wrote 20 spans"
        while writer.poll() is None or not copies:
            copy = tmp_path / f"copy{len(copies)}.db"
            result = run("backup", "--db", str(db), "--out", str(copy))
            assert result.exit_code == 0, result.output
            copies.append(copy)
    finally:
        assert writer.wait(timeout=120) == 0
    sizes = [count(c, "SELECT count(*) FROM spans") for c in copies]
    assert any(0 < n < 400 for n in sizes), sizes  # some copies were taken mid-way
    for copy in copies:
        with closing(sqlite3.connect(copy)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            notes = [int(r[0]) for r in conn.execute("SELECT note FROM spans ORDER BY rowid")]
        # Consistent: the copy holds exactly the first k spans the writer committed.
        assert notes == list(range(len(notes)))
        assert count(copy, "SELECT count(*) FROM events WHERE action = 'add_span'") == len(notes)
    assert count(db, "SELECT count(*) FROM spans") == 400


def test_backup_default_name_and_output(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "team.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    result = run("backup", "--db", str(db))
    assert result.exit_code == 0, result.output
    made = sorted(tmp_path.glob("team.backup-*.db"))
    assert len(made) == 1
    assert result.output == f"Backed up {db} to {made[0]}\n"
    with open_store(made[0]) as copy:
        assert [d.title for d in copy.documents()] == [None]


def test_an_empty_out_or_a_folder_is_refused_saying_so(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    listing = sorted(tmp_path.iterdir())
    for out, said in (("", "--out is empty: give a file name for the backup"),
                      (str(tmp_path), f"{tmp_path} is a folder: give a file name in it, such as"
                                      f" {tmp_path / 'backup.db'}")):  # fmt: skip
        for force in ([], ["--force"]):
            assert_error(run("backup", "--db", str(db), "--out", out, *force), said)
    assert sorted(tmp_path.iterdir()) == listing


def test_two_backups_in_one_second_are_two_files_named_in_utc(tmp_path: Path) -> None:
    # The second backup must not replace the first (it holds an older state).
    db = tmp_path / "team.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        assert run("backup", "--db", str(db)).exit_code == 0
        store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
        assert run("backup", "--db", str(db)).exit_code == 0
    before = datetime.now(UTC)
    made = sorted(tmp_path.glob("team.backup-*.db"))
    assert len(made) == 2
    names = [re.fullmatch(r"team\.backup-(\d{8}-\d{6}-\d{6})Z\.db", p.name) for p in made]
    stamps = [datetime.strptime(m[1], "%Y%m%d-%H%M%S-%f").replace(tzinfo=UTC)
              for m in names if m is not None]  # fmt: skip
    assert len(stamps) == 2
    assert all(before - timedelta(minutes=5) < stamp <= before for stamp in stamps)
    assert [count(p, "SELECT count(*) FROM spans") for p in made] == [0, 1]  # oldest first


def test_backup_replaces_a_file_only_with_force_and_never_an_open_database(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    older = tmp_path / "friday.db"
    older.write_bytes(b"an older backup")
    result = run("backup", "--db", str(db), "--out", str(older))
    assert_error(result, f"{older} already exists: choose another --out, or add --force to"
                         " replace it")  # fmt: skip
    assert older.read_bytes() == b"an older backup"
    assert run("backup", "--db", str(db), "--out", str(older), "--force").exit_code == 0
    assert count(older, "SELECT count(*) FROM documents") == 1
    # Another database, open in a window (its -wal file is there): not even with --force.
    with open_store(tmp_path / "alice.db") as alice:
        alice.add_document("Alice's own article, still open.")
        result = run("backup", "--db", str(db), "--out", str(alice.path), "--force")
        assert_error(result, f"{alice.path} is a database in use (its -wal file is beside it):"
                             " choose another --out")  # fmt: skip
        assert [d.title for d in alice.documents()] == [None]
        assert alice.document(1).text == "Alice's own article, still open."
    # The database itself: never, and said in the backup's own words.
    result = run("backup", "--db", str(db), "--out", str(db), "--force")
    assert_error(result, f"a backup cannot replace the database itself ({db}): give another"
                         " --out")  # fmt: skip
    assert count(db, "SELECT count(*) FROM documents") == 1


def test_check_of_a_healthy_database(tmp_path: Path) -> None:
    db = tmp_path / "ok.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 6, 14, "ACTOR", annotator="alice")
    result = run("check", "--db", str(db))
    assert result.exit_code == 0
    assert result.output == "OK: 1 document, 1 span, no problem found\n"


def test_check_names_text_that_is_not_utf8_instead_of_stopping_at_it(tmp_path: Path) -> None:
    # Bytes cast to text by a tool outside annotator: check read every column as
    # text and stopped at the first with "the database could not be written".
    db = tmp_path / "bytes.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT, title="Kyiv")
        span = store.add_span(doc.id, 6, 14, "ACTOR", annotator="alice", note="n")
        store.add_span(doc.id, 20, 48, "CLAIM", annotator="alice")  # left as it is
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE documents SET title = CAST(x'4b79ff' AS TEXT)")
        conn.execute("UPDATE spans SET label = CAST(x'41ff' AS TEXT), note = CAST(x'ff' AS TEXT)"
                     " WHERE id = ?", [span.id])  # fmt: skip
        conn.commit()
    result = run("check", "--db", str(db))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"utf8: document {doc.id}: its title is not UTF-8 text (bytes cast to text outside"
        " annotator): no export can write it",
        f"utf8: span {span.id}: its label and note are not UTF-8 text (bytes cast to text"
        " outside annotator): no export can write it",
    ]


def test_check_finds_bytes_that_are_not_utf8_wherever_the_row_is(tmp_path: Path) -> None:
    # Two values that are not UTF-8 alone but make a character when joined (in one
    # row, and across two rows); a row at a negative rowid; an earlier text of a
    # document; and a row at a rowid near 2**63, which a walk over every rowid
    # from 0 would never reach.
    db = tmp_path / "bytes.db"
    with open_store(db) as store:
        one = store.add_document(TEXT)
        two = store.add_document("Second article about Kyiv.")
        three = store.add_document("Third article.")
        store.replace_text(three.id, "Third article, corrected.", by="alice")
        span = store.add_span(one.id, 6, 14, "ACTOR", annotator="alice")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE documents SET title = CAST(x'e282' AS TEXT),"
                     " source = CAST(x'ac' AS TEXT) WHERE id = ?", [one.id])  # fmt: skip
        conn.execute("UPDATE documents SET created_at = CAST(x'c3' AS TEXT) WHERE id = ?",
                     [two.id])  # fmt: skip
        conn.execute("UPDATE documents SET uid = CAST(x'a9' AS TEXT) || uid WHERE id = ?",
                     [three.id])  # fmt: skip
        conn.execute("UPDATE spans SET rowid = -7, note = CAST(x'ff' AS TEXT) WHERE id = ?",
                     [span.id])  # fmt: skip
        conn.execute("UPDATE revisions SET text = CAST(x'4b79ff' AS TEXT)")
        conn.execute("UPDATE revisions SET id = 9223372036854775000")
        conn.commit()
    with open_store(db) as store:
        found = [(breach.message.split(":")[0], breach.ids) for breach in store.check()]
    assert found == [
        (f"document {one.id}", (str(one.id),)),  # title and source
        (f"document {two.id}", (str(two.id),)),  # created_at
        (f"document {three.id}", (str(three.id),)),  # uid
        (f"span {span.id}", (span.id,)),  # note, at rowid -7
        ("revision 9223372036854775000", ("9223372036854775000",)),  # text
    ]


def test_check_reports_each_breach_with_its_ids(tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    with open_store(db) as store:
        one = store.add_document(TEXT)
        two = store.add_document("Second article about Kyiv.")
        actor = store.add_span(one.id, 6, 14, "ACTOR", annotator="alice")
        claim = store.add_span(one.id, 20, 48, "CLAIM", annotator="alice")
        kyiv = store.add_span(two.id, 21, 25, "ACTOR", annotator="alice")
        rel = store.add_relation(one.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    # Break four promises behind the store's back, as a careless script would (the
    # relation then breaks two: documents, and the labels its type allows).
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE spans SET text = 'Ana Ruis' WHERE id = ?", [actor.id])
        conn.execute('UPDATE spans SET "end" = 99 WHERE id = ?', [claim.id])
        conn.execute("UPDATE spans SET label = 'PLACE' WHERE id = ?", [kyiv.id])
        conn.execute("UPDATE relations SET to_span = ? WHERE id = ?", [kyiv.id, rel.id])
        conn.commit()
    result = run("check", "--db", str(db))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"offsets: span {claim.id} [20, 99) is not inside document {one.id} (0..49)",
        f"quote: span {actor.id} of document {one.id} quotes 'Ana Ruis' but the text at"
        " [6, 14) is 'Ana Ruiz'",
        f"label: 1 span(s) use label 'PLACE', which the schema does not have"
        f" (for example span {kyiv.id})",
        f"relation: relation {rel.id} of document {one.id} links spans of documents"
        f" {one.id} and {two.id}",
        f"relation: relation {rel.id} is ATTRIBUTED_TO from CLAIM to PLACE, which the schema"
        " does not allow (an export of it cannot be imported)",
    ]
    assert result.stderr == (
        "Error: 5 problems found: restore a backup or fix the rows named above\n"
    )


def test_check_reports_a_documents_own_fields_kept_in_its_meta(tmp_path: Path) -> None:
    # Before add_document refused them, the API let meta hold "title" and friends,
    # which every native export overwrites.  Made here behind the store's back.
    db = tmp_path / "meta.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT, meta={"desk": "politics"})
    with closing(sqlite3.connect(db)) as conn:
        meta = '{"desk": "politics", "source": "wire", "created_at": "x"}'
        conn.execute("UPDATE documents SET meta = ? WHERE id = ?", [meta, doc.id])
        conn.commit()
    result = run("check", "--db", str(db))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"meta: document {doc.id} keeps 'source', 'created_at' in its meta: every native"
        " export replaces them with the document's own fields"
    ]


def test_check_reports_a_relation_its_labels_no_longer_allow(tmp_path: Path) -> None:
    # Before update_span refused it, a label change could leave such a relation;
    # made here behind the store's back.  "Mayor Ana Ruiz" [0, 14), "said the bridge
    # reopens on Monday" [15, 49).
    db = tmp_path / "rel.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        actor = store.add_span(doc.id, 0, 14, "ACTOR", annotator="alice")
        claim = store.add_span(doc.id, 15, 49, "CLAIM", annotator="alice")
        rel = store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE spans SET label = 'DATE' WHERE id = ?", [actor.id])
        conn.commit()
    result = run("check", "--db", str(db))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"relation: relation {rel.id} is ATTRIBUTED_TO from CLAIM to DATE, which the schema"
        " does not allow (an export of it cannot be imported)"
    ]


def test_check_reports_an_attribute_value_the_schema_does_not_allow(tmp_path: Path) -> None:
    # Imports refuse such a value now (test_import_checks), but a database written by
    # an older version, or by hand, may hold one (the schema's stance is one of
    # supports, refutes, neutral, unclear); check names the span.  "said the bridge
    # reopens on Monday" is [15, 49) of TEXT.
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps({"text": TEXT, "offset_unit": "codepoint", "spans": [
        {"id": "c", "start": 15, "end": 49, "label": "CLAIM", "annotator": "alice",
         "attributes": {"stance": "unclear"}}]}) + "\n", encoding="utf-8")  # fmt: skip
    db = tmp_path / "attr.db"
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("""UPDATE spans SET attributes = '{"stance": "bogus"}' WHERE id = 'c'""")
    result = run("check", "--db", str(db))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "attribute: span c: CLAIM attribute 'stance' cannot be 'bogus': use one of supports,"
        " refutes, neutral, unclear"
    ]


def test_check_reports_time_stamps_not_in_the_stores_form(tmp_path: Path) -> None:
    """Older imports kept any text as a time; merge and review compare times as text."""
    db = tmp_path / "times.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        span = store.add_span(doc.id, 15, 49, "CLAIM", annotator="alice")
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE spans SET created_at = 'yesterday',"
                     " updated_at = '2026-11-28T09:30:00Z' WHERE id = ?", [span.id])  # fmt: skip
    result = run("check", "--db", str(db))
    assert result.exit_code == 1
    help_ = "an ISO-8601 time with its zone, such as 2026-11-28T09:30:00.000Z"
    assert result.stdout.splitlines() == [
        f"time: span {span.id}: created_at 'yesterday' is not a time in the store's form ({help_})",
        f"time: span {span.id}: updated_at '2026-11-28T09:30:00Z' is not a time in the store's"
        f" form ({help_})",
    ]


def _left_open(db: Path) -> None:
    """A process that writes to ``db`` and dies without closing it: its -wal and
    -shm files stay beside the file."""
    script = (f"from annotator import open_store; import os\ns = open_store({str(db)!r})\n"
              "s.add_document('Left open.'); os._exit(0)\n")  # fmt: skip
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def test_a_backup_never_lands_beside_a_log_left_by_another_database(tmp_path: Path) -> None:
    db, out = tmp_path / "team.db", tmp_path / "copy.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    _left_open(out)
    out.unlink()  # the database is gone; its -wal and -shm are not
    result = run("backup", "--db", str(db), "--out", str(out))
    assert_error(result, f"copy.db-wal or -shm lies beside {out} (left by a database"
                         " that was open there): choose another --out, or move those files"
                         " away")  # fmt: skip
    assert not out.exists()


def test_a_backup_killed_midway_leaves_nothing_the_next_one_keeps(tmp_path: Path) -> None:
    db, out = tmp_path / "team.db", tmp_path / "copy.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    # What a backup killed midway leaves: its temporary copy and SQLite's journal
    # of it, named with the dead process's id (above any pid this system gives).
    dead = [tmp_path / f".copy.db.999999999.x1.tmp{end}" for end in ("", "-journal")]
    for path in dead:
        path.write_bytes(b"part of a copy")
    assert run("backup", "--db", str(db), "--out", str(out)).exit_code == 0
    assert not any(p.exists() for p in dead)
    assert count(out, "SELECT count(*) FROM documents") == 1


def test_a_backup_to_a_full_disk_names_the_backup_not_the_database(tmp_path: Path) -> None:
    db, out = tmp_path / "team.db", tmp_path / "copy.db"
    with open_store(db) as store:
        store.add_document("A long article. " * 20_000)  # 320 KB
    # The child may write files of 64 KB at most: the copy cannot be finished.
    script = textwrap.dedent(f"""
        import resource, signal, sys
        from annotator.cli import cli
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, resource.RLIM_INFINITY))
        sys.argv = ["annotator", "backup", "--db", {str(db)!r}, "--out", {str(out)!r}]
        cli()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 1
    # SQLite says "disk I/O error" for a file over the limit, "database or disk is full"
    # for a full disk: either way the message names the backup.
    assert done.stderr.startswith(f"Error: the backup could not be written to {out} (")
    assert done.stderr.endswith("): free some space on that disk, or choose another --out\n")
    assert done.stderr.count("\n") == 1
    assert not out.exists() and not list(tmp_path.glob(".copy.db.*"))
    assert count(db, "SELECT count(*) FROM documents") == 1


def test_a_damaged_file_is_one_line_from_every_command(tmp_path: Path) -> None:
    # Three pages of spans in the middle of the file overwritten with zeros.
    db = tmp_path / "team.db"
    with open_store(db) as store:
        for n in range(3):
            doc = store.add_document(f"Article {n}: " + TEXT * 50)
            store.add_spans(doc.id, [{"start": i, "end": i + 4, "label": "CLAIM",
                                      "annotator": "alice"} for i in range(2000)])  # fmt: skip
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    with open(db, "r+b") as f:
        f.seek(size // 2 // 4096 * 4096)
        f.write(b"\0" * 4096 * 3)
    checked = run("check", "--db", str(db))
    assert checked.exit_code == 1
    assert isinstance(checked.exception, SystemExit)  # an exit code, not a crash
    assert checked.stdout.startswith("integrity: ")
    result = run("export", "--out", "-", "--db", str(db))  # reads every span: meets the damage
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the database file is damaged (")
    assert result.stderr.endswith("): `annotator check` shows where; restore a backup"
                                  " (the window keeps five in backups/ beside the database)\n")


def test_check_reports_rows_changed_outside_annotator_that_exports_cannot_read(
    tmp_path: Path,
) -> None:
    """JSON columns that hold no JSON object, an origin no import takes, and a
    recorded length that is not the text's (with a span inside the recorded
    length but past the text): each a breach; every export then fails in one
    line that sends the analyst to `annotator check`, without a traceback."""
    db = tmp_path / "edited.db"
    with open_store(db) as store:
        one = store.add_document(TEXT)  # 49 characters
        two = store.add_document("Second article about Kyiv.")
        three = store.add_document("Third article, on Lviv.")
        actor = store.add_span(one.id, 6, 14, "ACTOR", annotator="alice")
        claim = store.add_span(one.id, 20, 48, "CLAIM", annotator="alice")
        kyiv = store.add_span(two.id, 21, 25, "ACTOR", annotator="alice")
        rel = store.add_relation(one.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE spans SET attributes = '[1]' WHERE id = ?", [actor.id])
        conn.execute("UPDATE spans SET origin = 'alien' WHERE id = ?", [kyiv.id])
        conn.execute("UPDATE relations SET attributes = 'x' WHERE id = ?", [rel.id])
        conn.execute("UPDATE documents SET meta = '[1]' WHERE id = ?", [two.id])
        conn.execute("UPDATE documents SET meta = 'not json' WHERE id = ?", [three.id])
        conn.execute("UPDATE documents SET length = 149 WHERE id = ?", [one.id])
        conn.execute('UPDATE spans SET "end" = 60 WHERE id = ?', [claim.id])
        conn.commit()
    result = run("check", "--db", str(db))
    assert result.exit_code == 1
    assert sorted(result.stdout.splitlines()) == sorted([
        f"length: document {one.id} records a length of 149 but its text has 49 characters",
        f"offsets: span {claim.id} [20, 60) is not inside document {one.id} (0..49)",
        f"attribute: span {actor.id}: its attributes are [1] (not a JSON object)",
        f"origin: span {kyiv.id} has the origin 'alien': an origin is one of manual, rule,"
        " model, import, adjudicated",
        f"attribute: relation {rel.id}: its attributes are 'x' (not JSON)",
        f"meta: document {two.id}: its meta is [1] (not a JSON object)",
        f"meta: document {three.id}: its meta is 'not json' (not JSON)",
    ])  # fmt: skip
    for fmt in ("jsonl", "doccano", "brat", "conll"):
        out = tmp_path / f"out-{fmt}"
        exported = run("export", "--format", fmt, "--out", str(out), "--db", str(db))
        assert exported.exit_code == 1, (fmt, exported.output)
        assert exported.stderr.count("\n") == 1 and "`annotator check`" in exported.stderr, (
            fmt, exported.stderr)  # fmt: skip
        assert not out.exists()


def test_a_refused_export_quotes_a_long_piece_of_text_shortened(tmp_path: Path) -> None:
    """A span running past a long article: the refusal shows what it found there in
    a few words, not the rest of the article."""
    db, article = tmp_path / "long.db", "Kyiv talks resumed. " * 150  # 3,000 characters
    with open_store(db) as store:
        doc = store.add_document(article)
        span = store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute('UPDATE spans SET "end" = 2990 WHERE id = ?', [span.id])
        conn.commit()
    for fmt in ("jsonl", "doccano"):
        result = run("export", "--format", fmt, "--out", str(tmp_path / fmt), "--db", str(db))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: span {span.id} of document {doc.id} quotes 'Kyiv'"
                                        " but the text at [0, 2990) is 'Kyiv talks resumed.")
        assert len(result.stderr) < 300 and "`annotator check`" in result.stderr
