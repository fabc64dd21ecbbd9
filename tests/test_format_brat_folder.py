"""The brat export's folder appears whole or not at all: written under a hidden
temporary name beside the target, renamed into place when complete; --force
replaces an earlier folder whole, and a killed export leaves nothing under the
target's name that the next export would trip over."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import run

from annotator import open_store

ROOT = Path(__file__).parent.parent

# Two databases with hand-picked document uids, so the file names are known:
# a brat export names each pair after its document's uid.
T_DOCS = {"t-one": "Olena Koval said the bridge reopens on Friday.",
          "t-two": "Mayor Ana Ruiz met delegates in Kyiv."}  # fmt: skip
S_DOCS = {"s-one": "Delegates met on Tuesday in Velmora."}
T_NAMES = ["t-one.ann", "t-one.txt", "t-two.ann", "t-two.txt"]
S_NAMES = ["s-one.ann", "s-one.txt"]


def database(path: Path, docs: dict[str, str]) -> Path:
    with open_store(path) as store:
        for uid, text in docs.items():
            doc = store.add_document(text, uid=uid)
            store.add_span(doc.id, 0, 8, "ACTOR", annotator="alice")
    return path


def export(db: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = run("export", "--format", "brat", "--db", str(db), "--out", str(out), *extra)
    return result.exit_code, result.output


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name -> bytes), hidden ones too."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


# The child process: the real command, held after the first document's .txt and
# .ann are written (the second call of brat._ann) until the test kills it.
HELD_EXPORT = """
import os, sys, time
from annotator.formats import brat
real, calls = brat._ann, []
def held(*args, **kwargs):
    calls.append(1)
    if len(calls) == 2:
        open(os.environ["BRAT_HELD"], "w").close()
        time.sleep(600)
    return real(*args, **kwargs)
brat._ann = held
from ui.cli import main
main()
"""


def kill_export_after_one_document(db: Path, out: Path, ready: Path, *extra: str) -> Path:
    """Run `annotator export --format brat` in a child, SIGKILL it while it is
    held after writing its first document; returns the folder it was writing."""
    args = ["export", "--format", "brat", "--db", str(db), "--out", str(out), *extra]
    proc = subprocess.Popen(
        [sys.executable, "-c", HELD_EXPORT, *args], cwd=ROOT,
        env={**os.environ, "BRAT_HELD": str(ready)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the export never reached its second document"
            time.sleep(0.01)
        (writing,) = out.parent.glob(f".{out.name}.{proc.pid}.*.tmp")
        assert sorted(p.name for p in writing.iterdir()) == ["t-one.ann", "t-one.txt"]
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        return writing
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def test_a_killed_export_leaves_no_folder_and_the_next_one_needs_no_force(
    tmp_path: Path,
) -> None:
    db = database(tmp_path / "t.db", T_DOCS)
    out = tmp_path / "exports" / "kb"
    left = kill_export_after_one_document(db, out, tmp_path / "ready")
    assert not out.exists()  # nothing under the target's name, not even a folder
    assert [p.name for p in out.parent.iterdir()] == [left.name]
    assert sorted(p.name for p in left.iterdir()) == ["t-one.ann", "t-one.txt"]
    code, output = export(db, out)  # no --force: there is nothing to replace
    assert code == 0, output
    assert output.splitlines()[0] == f"Exported 2 documents, 2 spans, 0 relations to {out}"
    assert [p.name for p in out.parent.iterdir()] == ["kb"]  # the killed one's folder is gone
    assert sorted(files(out)) == T_NAMES  # and no temporary file inside
    assert files(out)["t-two.txt"] == T_DOCS["t-two"].encode("utf-8")


def test_a_killed_forced_export_leaves_the_earlier_export_whole(tmp_path: Path) -> None:
    t_db = database(tmp_path / "t.db", T_DOCS)
    out = tmp_path / "kb"
    assert export(t_db, out)[0] == 0
    before = files(out)
    kill_export_after_one_document(t_db, out, tmp_path / "ready", "--force")
    assert files(out) == before
    s_db = database(tmp_path / "s.db", S_DOCS)
    assert export(s_db, out, "--force")[0] == 0
    assert sorted(files(out)) == S_NAMES
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_force_replaces_an_export_of_another_database_whole(tmp_path: Path) -> None:
    t_db, s_db = database(tmp_path / "t.db", T_DOCS), database(tmp_path / "s.db", S_DOCS)
    out = tmp_path / "bf"
    assert export(t_db, out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == T_NAMES
    old = os.umask(0o022)
    try:
        code, output = export(s_db, out, "--force")
    finally:
        os.umask(old)
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == S_NAMES  # none of T's files
    assert files(out)["s-one.txt"] == b"Delegates met on Tuesday in Velmora."
    assert stat.S_IMODE(out.stat().st_mode) == 0o755  # what mkdir gives, not mkdtemp's 0700
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bf", "s.db", "t.db"]
    # Imported, the folder gives back S's document only.
    back = tmp_path / "back.db"
    assert run("import", str(out), "--format", "brat", "--db", str(back)).exit_code == 0
    with open_store(back) as store:
        assert [store.document(d.id).text for d in store.documents()] == [S_DOCS["s-one"]]


def make_file(target: Path) -> None:
    target.write_text("an earlier report, not an export")


def make_export(target: Path) -> None:
    target.mkdir()
    (target / "t-one.txt").write_text(T_DOCS["t-one"])
    (target / "t-one.ann").write_text("T1\tACTOR 0 8\tOlena Ko\n")


def make_brat_project(target: Path) -> None:
    make_export(target)
    (target / "annotation.conf").write_text("[entities]\nACTOR\n")
    (target / "more").mkdir()
    (target / "more" / "b.ann").write_text("")


def make_link(target: Path) -> None:
    make_export(target.with_name("real"))
    target.symlink_to(target.with_name("real"), target_is_directory=True)


@pytest.mark.parametrize(
    ("make", "force", "message"),
    [
        (make_file, "", "{out} is a file: brat export needs a folder (--out DIR)"),
        (make_file, "--force", "{out} is a file: brat export needs a folder (--out DIR)"),
        (make_export, "", "{out} already exists: choose another --out, or add --force to"
                          " replace it"),
        (make_brat_project, "--force", "{out} holds more than a brat export (annotation.conf,"
                                       " more): choose another --out, or move those away first"),
        (make_link, "--force", "{out} is a link: give the folder itself, or another --out"),
    ],
    ids=["file", "file-force", "folder", "foreign-folder-force", "link-force"],
)  # fmt: skip
def test_a_target_that_may_not_be_replaced_is_refused_in_one_line_and_left_alone(
    tmp_path: Path, make: Callable[[Path], None], force: str, message: str
) -> None:
    db = database(tmp_path / "t.db", T_DOCS)
    work = tmp_path / "work"
    work.mkdir()
    out = work / "kb"
    make(out)
    before = {p.relative_to(work).as_posix(): (p.is_symlink(), p.is_file() and p.read_bytes())
              for p in sorted(work.rglob("*"))}  # fmt: skip
    code, output = export(db, out, *[force] * bool(force))
    assert code == 1
    assert output == "Error: " + message.format(out=out) + "\n"
    after = {p.relative_to(work).as_posix(): (p.is_symlink(), p.is_file() and p.read_bytes())
             for p in sorted(work.rglob("*"))}  # fmt: skip
    assert after == before


def test_the_next_export_removes_a_dead_writers_folder_and_spares_a_live_ones(
    tmp_path: Path,
) -> None:
    db = database(tmp_path / "t.db", T_DOCS)
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()  # its process id now belongs to no process
    dead = tmp_path / f".kb.{finished.pid}.abcd.tmp"
    aside = tmp_path / f".kb.{finished.pid}.abcd.old.tmp"  # an old export moved aside
    live = tmp_path / f".kb.{os.getpid()}.efgh.tmp"  # being written right now
    for folder in (dead, aside, live):
        folder.mkdir()
        (folder / "t-one.txt").write_text("half")
    assert export(db, tmp_path / "kb")[0] == 0
    assert not dead.exists() and not aside.exists() and live.exists()
    assert sorted(p.name for p in (tmp_path / "kb").iterdir()) == T_NAMES
