"""Helpers shared by the hostile-input tests (tests/test_hostile_*.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner, Result

from annotator.cli import cli

TEXT = "Mayor Ana Ruiz said on Monday that the bridge in Kyiv reopens next week."


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, table: str) -> int:
    if not db.exists():  # a refused import into a new path makes no database
        return 0
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def everything_stored(db: Path) -> str:
    """Every value of every table, as one string (to look for what must not be there)."""
    if not db.exists():  # no database was made: nothing is stored
        return ""
    with closing(sqlite3.connect(db)) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        values = [
            str(value)
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{table}"')  # names from sqlite_master
            for value in row
        ]
    return "\n".join(values)


def console_script() -> list[str]:
    """The installed `annotator` command beside this Python, else the module."""
    found = shutil.which("annotator", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "ui.cli"]


def without_display() -> dict[str, str]:
    """The environment of a machine with no screen: the core's commands need none."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    return {k: v for k, v in os.environ.items() if k not in hidden}


def doccano_line(text: str) -> bytes:
    return json.dumps({"text": text, "label": [[0, 4, "ACTOR"]]}).encode() + b"\n"
