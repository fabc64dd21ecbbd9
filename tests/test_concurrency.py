"""Two processes writing one database file at the same time lose nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from annotator import Span, open_store
from annotator.formats import registry
from annotator.merge import read_records

WRITER = textwrap.dedent("""
    import sys
    from annotator import open_store
    db, doc_id, who, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    with open_store(db) as store:
        open(go + "." + who, "w").close()          # ready
        while not __import__("os").path.exists(go):  # start together
            pass
        for i in range(500):
            store.add_span(doc_id, i % 40, i % 40 + 5, "ACTOR", annotator=who, note=str(i))
            if i % 50 == 0:
                store.undo(who); store.redo(who)   # history writes too
    print("done", who)
""")


def test_two_processes_writing_500_spans_each(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with open_store(db) as store:
        doc = store.add_document("x" * 60)
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), str(doc.id), who, str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        for who in ("alice", "bob")
    ]
    while not all((tmp_path / f"go.{who}").exists() for who in ("alice", "bob")):
        assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    assert [o.strip() for o, _ in outputs] == ["done alice", "done bob"]
    with closing(sqlite3.connect(db)) as conn:
        per_analyst = dict(conn.execute("SELECT annotator, count(*) FROM spans GROUP BY 1"))
        notes = {
            who: sorted(int(n) for (n,) in conn.execute(
                "SELECT note FROM spans WHERE annotator = ?", [who]))
            for who in ("alice", "bob")
        }  # fmt: skip
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert per_analyst == {"alice": 500, "bob": 500}
    assert notes == {"alice": list(range(500)), "bob": list(range(500))}


COLLEAGUE = textwrap.dedent("""
    import sys
    from annotator import open_store
    with open_store(sys.argv[1]) as store:
        if sys.argv[3] == "span":
            store.add_span(int(sys.argv[2]), 0, 5, "ACTOR", annotator="bob")
        else:
            store.replace_text(int(sys.argv[2]), "Later: Mayor Ana Ruiz spoke.", by="bob")
""")


def _colleague(db: Path, doc_id: int, what: str) -> None:
    subprocess.run([sys.executable, "-c", COLLEAGUE, str(db), str(doc_id), what], check=True,
                   timeout=120)  # fmt: skip


def test_a_second_store_on_the_file_keeps_the_first_ones_work_safe(tmp_path: Path) -> None:
    # The window opens more stores on its file (backups, Tag all, big undos).  Opening
    # one must not drop the locks of the first (closing any descriptor of the file
    # would): else a colleague's process, closing, takes itself for the last user
    # and deletes the log the window still writes to, and the window's spans are
    # lost to everyone else.
    db = tmp_path / "team.db"
    with open_store(db) as window:
        doc = window.add_document("Mayor Olena Koval said the bridge reopens on Friday.")
        window.add_span(doc.id, 6, 17, "ACTOR", annotator="alice")  # Olena Koval
        with open_store(db) as backup:
            assert len(backup.spans(doc.id)) == 1
        _colleague(db, doc.id, "span")  # bob adds one and closes
        assert (tmp_path / "team.db-wal").exists() and (tmp_path / "team.db-shm").exists()
        window.add_span(doc.id, 45, 51, "DATE", annotator="alice")  # Friday
        seen = subprocess.run(
            [sys.executable, "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1])"
             ".execute('SELECT count(*) FROM spans').fetchone()[0])", str(db)],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout.strip()  # fmt: skip
        assert seen == "3"  # another process sees alice's later span, and bob's


@pytest.mark.parametrize("fmt", ["doccano", "prodigy", "labelstudio", "conll", "brat"])
def test_an_export_is_one_snapshot_while_a_colleague_writes(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three articles with one span of alice each.  While the export reads the
    # first, a colleague's process tags the third and replaces the second's
    # text: the export shows neither (it began before both).
    db = tmp_path / "team.db"
    with open_store(db) as store:
        for n in range(3):
            doc = store.add_document(f"Mayor Ana Ruiz spoke, article {n}.")
            store.add_span(doc.id, 6, 14, "ACTOR", annotator="alice")  # "Ana Ruiz"
    with open_store(db) as store:
        real_spans = store.spans

        def spans_then_colleague(document_id: int, **kwargs: object) -> list[Span]:
            found = real_spans(document_id, **kwargs)  # type: ignore[arg-type]
            if document_id == 1:
                _colleague(db, 3, "span")
                _colleague(db, 2, "retext")
            return found

        monkeypatch.setattr(store, "spans", spans_then_colleague)
        out = tmp_path / ("out" if fmt == "brat" else "out.txt")
        report = registry.module(fmt).write(store, out)
    assert report.documents == 3 and report.spans == 3  # alice's three, bob's none
    with open_store(db) as store:  # the colleague's work did land
        assert [len(store.spans(d)) for d in (1, 2, 3)] == [1, 1, 2]
        assert store.document(2).text.startswith("Later: ")


LINKER = textwrap.dedent("""
    import sys
    from annotator import open_store
    with open_store(sys.argv[1]) as store:
        (claim,) = [s for s in store.spans(1) if s.label == "CLAIM"]
        actor = store.add_span(1, 0, 5, "ACTOR", annotator="alice")  # "Mayor"
        store.add_relation(1, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
""")


def test_a_merge_reads_a_file_its_analyst_is_writing_in_one_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between the merge's reading of the spans and of the relations, alice's
    # window (another process) tags "Mayor" and links her claim to it.
    db = tmp_path / "alice.db"
    with open_store(db) as store:
        doc = store.add_document("Mayor Ana Ruiz said the bridge reopens.")
        store.add_span(doc.id, 15, 38, "CLAIM", annotator="alice")
    with open_store(db) as store:
        real_spans = store.spans

        def spans_then_link(document_id: int, **kwargs: object) -> list[Span]:
            found = real_spans(document_id, **kwargs)  # type: ignore[arg-type]
            subprocess.run([sys.executable, "-c", LINKER, str(db)], check=True, timeout=120)
            return found

        monkeypatch.setattr(store, "spans", spans_then_link)
        (record,) = read_records(store)
    assert [s["text"] for s in record.spans] == ["said the bridge reopens"]
    assert record.relations == []  # the link came after the snapshot, with its span
