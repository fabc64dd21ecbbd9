"""Two processes writing one database file at the same time lose nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

from annotator import open_store

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
