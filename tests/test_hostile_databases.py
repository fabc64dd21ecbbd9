"""A ``--db`` that is not ours, cut short, or from a newer release is refused
with one line and its bytes stay as they were; an export never replaces a file
without ``--force``, and one killed half-way leaves no half file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from hostile import TEXT, console_script, run, sha256, without_display

from annotator import migrations, open_store
from annotator.formats import registry

# -- database files that are not (or no longer) ours ----------------------------------


_REAL: list[bytes] = []


def _real(path: Path) -> None:
    """A real database of ~600 KB (made once, then copied)."""
    if not _REAL:
        with open_store(path) as store:
            for n in range(60):
                doc = store.add_document(f"Article {n}. " + TEXT * 20)
                store.add_spans(doc.id, [{"start": i, "end": i + 4, "label": "ACTOR",
                                          "annotator": "a"} for i in range(0, 400, 5)])  # fmt: skip
        _REAL.append(path.read_bytes())
    else:
        path.write_bytes(_REAL[0])


def _not_sqlite(path: Path) -> None:
    path.write_text("name,title\nOlena,Mayor\n")


def _png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)


def _truncated(path: Path) -> None:
    _real(path)
    size = path.stat().st_size
    assert size > 100_000
    with open(path, "r+b") as f:
        f.truncate(size // 2)


def _newer(path: Path) -> None:
    _real(path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
        conn.commit()


def _other_program(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()


BAD_FILES = {
    "not SQLite": (_not_sqlite, "is not a SQLite database: choose an annotator .db file"),
    "an image": (_png, "is not a SQLite database: choose an annotator .db file"),
    "truncated": (_truncated, "is damaged (database disk image is malformed)"),
    "newer": (_newer, f"was written by a newer annotator (layout {migrations.LATEST + 1}"),
    "another program's": (_other_program, "is a SQLite file of another program"),
}
COMMANDS = {
    "list": ["list"],
    "stats": ["stats"],
    "check": ["check"],
    "export": ["export", "--out", "{dir}/out.jsonl"],
    "import": ["import", "{dir}/article.txt"],
    "backup": ["backup", "--out", "{dir}/copy.db"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_database_file_is_refused_in_one_line_and_left_as_it_was(
    tmp_path: Path, kind: str, command: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    db = tmp_path / "team.db"
    make, message = BAD_FILES[kind]
    make(db)
    (work / "article.txt").write_text(TEXT)
    before = sha256(db)
    listing = sorted(p.name for p in tmp_path.rglob("*"))
    args = [a.replace("{dir}", str(work)) for a in COMMANDS[command]]
    result = run(*args, "--db", str(db))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {db} {message}")
    assert result.output.count("\n") == 1, result.output
    assert sha256(db) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == listing  # no -wal, no output


@pytest.mark.parametrize(
    ("args", "log"),
    [
        (["backup", "--db", "{db}", "--out", "{db}-wal", "--force"], "wal"),
        (["import", "{dir}/article.txt", "--db", "{db}-wal"], "wal"),
        (["merge", "{dir}/alice.db", "--into", "{db}-shm"], "shm"),
        (["list", "--db", "{db}-wal"], "wal"),
    ],
    ids=["backup", "import", "merge", "list"],
)
def test_a_databases_own_log_is_never_written_as_a_database(
    tmp_path: Path, args: list[str], log: str
) -> None:
    # An open database's log holds committed work: a file written over it (or a
    # database made there) would lose that work and leave the database damaged.
    db = tmp_path / "team.db"
    with open_store(db) as store:  # kept open: its -wal and -shm are beside it
        store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 0, 5, "ACTOR", annotator="carol")
        with open_store(tmp_path / "alice.db") as alice:
            alice.add_document(TEXT + " Alice's copy.")
        (tmp_path / "article.txt").write_text(TEXT + " Another.")
        wal = sha256(Path(f"{db}-wal"))  # the -shm is an index other connections touch
        result = run(*[a.replace("{db}", str(db)).replace("{dir}", str(tmp_path)) for a in args])
        assert result.exit_code == 1
        said = f"Error: {db}-{log} is the {log} file of the database team.db"
        assert result.output.startswith(said)
        assert result.output.count("\n") == 1, result.output
        assert sha256(Path(f"{db}-wal")) == wal and Path(f"{db}-shm").stat().st_size > 0
        assert [s.annotator for s in store.spans(doc.id)] == ["carol"]


def test_a_database_another_program_holds_locked_is_called_locked_not_damaged(
    tmp_path: Path,
) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "c.execute('PRAGMA locking_mode = EXCLUSIVE'); c.execute('BEGIN EXCLUSIVE')\n"
         "c.execute('UPDATE documents SET title = title'); print('locked', flush=True)\n"
         "time.sleep(60)", str(db)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        before = sha256(db)
        result = run("list", "--db", str(db))
        assert result.exit_code == 1
        assert result.output.startswith(f"Error: {db} is locked by another program")
        assert "damaged" not in result.output and result.output.count("\n") == 1
        assert sha256(db) == before
    finally:
        holder.kill()
        holder.wait()


# -- exports: never over a file without --force, never half a file -------------------


@pytest.mark.parametrize("fmt", registry.EXPORT_FORMATS)
def test_an_export_never_replaces_a_file_without_force(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 0, 14, "ACTOR", annotator="alice")
    target = tmp_path / ("out" if fmt == "brat" else "out.file")
    if fmt == "brat":
        target.mkdir()
        (target / "keep.txt").write_text("an earlier export")
        precious = target / "keep.txt"
    else:
        target.write_text("an earlier export")
        precious = target
    result = run("export", "--format", fmt, "--db", str(db), "--out", str(target))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {target} already exists: choose another --out, or add --force to replace it\n"
    )
    assert precious.read_text() == "an earlier export"
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["t.db", target.name])


EXPORT_DOCS, EXPORT_CHARS = 30, 1_000_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 60 MB: an export of it takes long enough to be caught half-way."""
    db = tmp_path_factory.mktemp("big") / "big.db"
    line = "Mayor Ana Ruiz said the bridge in Kyiv reopens on Monday 🇺🇦. "
    with open_store(db) as store:
        for n in range(EXPORT_DOCS):
            text = f"Article {n}. " + line * (EXPORT_CHARS // len(line))
            doc = store.add_document(text)
            store.add_spans(doc.id, [{"start": i, "end": i + 5, "label": "ACTOR",
                                      "annotator": "a"} for i in range(0, 2000, 20)])  # fmt: skip
    return db


def kill_export_half_way(db: Path, out: Path, *extra: str) -> int:
    """Start `annotator export`, SIGKILL it once its temporary file holds data."""
    proc = subprocess.Popen(
        [*console_script(), "export", "--db", str(db), "--out", str(out), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=without_display(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "the export never started writing"
            assert proc.poll() is None, "the export finished before it could be killed"
            temps = list(out.parent.glob(f".{out.name}.*.tmp"))
            if temps and temps[0].stat().st_size > 0:
                break
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        return temps[0].stat().st_size
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_an_export_killed_half_way_leaves_no_file(tmp_path: Path, big_db: Path) -> None:
    out = tmp_path / "export.jsonl"
    kill_export_half_way(big_db, out)
    assert not out.exists()  # no half file under the final name
    (temp,) = tmp_path.glob(".export.jsonl.*.tmp")  # what it had written: a part only
    partial = temp.read_bytes()
    assert partial and partial.count(b"\n") < EXPORT_DOCS


def test_an_export_killed_half_way_leaves_the_previous_file(tmp_path: Path, big_db: Path) -> None:
    out = tmp_path / "export.jsonl"
    assert run("export", "--db", str(big_db), "--out", str(out)).exit_code == 0
    previous = sha256(out)
    kill_export_half_way(big_db, out, "--force")
    assert sha256(out) == previous  # the earlier complete export, untouched


def test_the_next_export_removes_what_a_killed_one_left(tmp_path: Path, big_db: Path) -> None:
    out = tmp_path / "export.jsonl"
    kill_export_half_way(big_db, out)
    (left,) = tmp_path.glob(".export.jsonl.*.tmp")
    # A write of the same file going on in a live process (this one) is left alone.
    live = tmp_path / f".export.jsonl.{os.getpid()}.abcd.tmp"
    live.write_text("being written")
    assert run("export", "--db", str(big_db), "--out", str(out)).exit_code == 0
    assert not left.exists() and live.exists()
    assert out.read_bytes().count(b"\n") == EXPORT_DOCS


# -- rows written outside annotator ------------------------------------------------------


@pytest.mark.parametrize("body", ["'{}'", "'null'", "'{'", "'[]'"])
def test_a_damaged_label_schema_is_one_line_for_every_command(tmp_path: Path, body: str) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(f"UPDATE schema SET body = {body}")
        conn.commit()
    for command in (["list"], ["check"], ["export", "--out", "-"]):
        result = run(*command, "--db", str(db))
        assert result.exit_code == 1, (command, result.output)
        assert result.output.startswith(f"Error: {db} is damaged (its label schema cannot be read")
        assert result.output.count("\n") == 1
        assert isinstance(result.exception, SystemExit)  # no traceback: a clean exit


def _written_outside(tmp_path: Path, sql: str) -> Path:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(sql)
        conn.commit()
    return db


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "brat"])
def test_an_offset_that_is_no_whole_number_is_named_by_check_and_refused_by_exports(
    tmp_path: Path, fmt: str
) -> None:
    db = _written_outside(tmp_path, "UPDATE spans SET start = 1.5")
    (span_id,) = [s.id for s in open_store(db).spans(1)]
    checked = run("check", "--db", str(db))
    assert checked.exit_code == 1
    assert f"offsets: span {span_id} has the offsets 1.5, 5: offsets are whole numbers" in (
        checked.output.splitlines())  # fmt: skip
    out = tmp_path / "out"
    result = run("export", "--db", str(db), "--format", fmt, "--out", str(out))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: span {span_id} of document 1 has the offsets 1.5, 5, not whole numbers: run"
        " `annotator check`; nothing was written\n"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    ("stored", "problem"),
    [("'[1]'", "[1] (not a JSON object)"), ("""'{"a": 1'""", """'{"a": 1' (not JSON)"""),
     # Python's parser reads NaN, SQLite's does not: neither may export it.
     ("""'{"a": NaN}'""", """'{"a": NaN}' (not JSON)"""),
     ("5", "5 (not a JSON object)")],
    ids=["array", "malformed", "nan", "integer"],
)  # fmt: skip
def test_attributes_that_are_no_object_are_refused_by_the_native_export(
    tmp_path: Path, stored: str, problem: str
) -> None:
    db = _written_outside(tmp_path, f"UPDATE spans SET attributes = {stored}")
    out = tmp_path / "out.jsonl"
    result = run("export", "--db", str(db), "--out", str(out))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: the database holds {problem} as the"
                                    " attributes of span ")  # fmt: skip
    assert result.output.count("\n") == 1 and not out.exists()
    checked = run("check", "--db", str(db))
    assert checked.exit_code == 1 and problem in checked.output


def test_a_span_written_outside_annotator_is_exported_with_its_record(tmp_path: Path) -> None:
    """The export joins records SQLite keeps for each row: a row inserted or
    changed by another program has its record too, made from its columns."""
    db = _written_outside(tmp_path, "UPDATE spans SET note = 'checked', label = 'CLAIM'")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(
            'INSERT INTO spans (id, document_id, annotator, label, start, "end", text,'
            " attributes, origin, created_at, updated_at) VALUES ('by-sql', 1, 'bob',"
            " 'DATE', 6, 11, ?, '{\"k\": [1, 2]}', 'rule', 'then', 'now')", [TEXT[6:11]]
        )  # fmt: skip
        conn.commit()
    out = tmp_path / "out.jsonl"
    assert run("export", "--db", str(db), "--out", str(out)).exit_code == 0
    spans = json.loads(out.read_text(encoding="utf-8"))["spans"]
    assert [(s["label"], s["note"]) for s in spans] == [("CLAIM", "checked"), ("DATE", None)]
    assert spans[1] == {"id": "by-sql", "start": 6, "end": 11, "label": "DATE",
                        "text": TEXT[6:11], "annotator": "bob", "note": None,
                        "attributes": {"k": [1, 2]}, "origin": "rule", "created_at": "then",
                        "updated_at": "now"}  # fmt: skip


def test_the_refusal_names_an_exported_span_not_an_orphan(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice")  # "Mayor": it stays
        store.add_span(doc.id, 10, 14, "ACTOR", annotator="alice")  # "Ruiz": orphaned
        store.replace_text(doc.id, TEXT.replace("Ana Ruiz", "Ana"), by="alice")
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE spans SET id = 'a-orphan' WHERE orphan_revision IS NOT NULL")
        conn.execute("UPDATE spans SET id = 'b-live' WHERE orphan_revision IS NULL")
        conn.execute("UPDATE spans SET attributes = '[1]'")
        conn.commit()
    result = run("export", "--db", str(db), "--out", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: the database holds [1] (not a JSON object) as the attributes of span b-live"
    )
