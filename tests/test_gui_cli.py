"""``annotator gui``: no display, first start with the sample, FILE import, lazy Qt."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from click.testing import CliRunner

from annotator.store import open_store
from ui.cli import cli

NO_DISPLAY = (
    "Error: no display found: run it under a virtual screen with  xvfb-run -a annotator gui  "
    "(apt-get install xvfb)\n"
)


def run_gui(*args, env_extra):
    # The window's settings go to a folder of their own, never the user's.
    with tempfile.TemporaryDirectory() as config:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_EXIT_AFTER_PAINT": "1",
               "XDG_CONFIG_HOME": config, **env_extra}  # fmt: skip
        return subprocess.run(
            [sys.executable, "-m", "ui.cli", "gui", *args],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip


def test_no_display_is_one_error_line(monkeypatch, tmp_path):
    if not sys.platform.startswith("linux"):
        return
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["gui", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert result.stderr == NO_DISPLAY
    assert not (tmp_path / "x.db").exists()


def test_first_start_of_the_default_database_opens_the_sample(tmp_path):
    db = tmp_path / "default.db"
    result = run_gui(env_extra={"ANNOTATOR_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("first paint after ")
    with open_store(db) as store:
        (doc,) = store.documents()
        assert doc.title == "Coastal cities pledge joint flood fund at Velmora summit"
        assert doc.span_total == 32
    assert run_gui(env_extra={"ANNOTATOR_DB": str(db)}).returncode == 0
    with open_store(db) as store:
        assert len(store.documents()) == 1  # the sample is added once only


def test_gui_imports_file_into_the_given_database(tmp_path):
    article = tmp_path / "brief.txt"
    article.write_text("Odesa port reopened on Friday, officials said.\n", encoding="utf-8")
    db = tmp_path / "team.db"
    result = run_gui("--db", str(db), "--analyst", "alice", str(article), env_extra={})
    assert result.returncode == 0, result.stderr
    with open_store(db) as store:
        assert [d.source for d in store.documents()] == ["brief.txt"]  # and no sample


def test_other_commands_never_import_qt():
    code = (
        "import sys; from ui.cli import cli\n"
        "try:\n    cli(['--help'], prog_name='annotator')\nexcept SystemExit:\n    pass\n"
        "print('Qt imported' if 'PySide6' in sys.modules else 'no Qt')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.stdout.strip().endswith("no Qt")
    assert "  gui  " in result.stdout


def test_a_file_imported_again_opens_its_document(store, tmp_path):
    from ui.app import first_document

    article = tmp_path / "brief.txt"
    article.write_text("Odesa port reopened on Friday.\n", encoding="utf-8")
    first = first_document(store, article, first_start=False)
    assert first is not None
    assert first_document(store, article, first_start=False) == first
    assert len(store.documents()) == 1
