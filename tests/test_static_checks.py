"""The code stays lint-clean (ruff) and type-clean (mypy on annotator/, ui/ and bench/).

Both run as the maintainers run them, in a subprocess, with the settings in
pyproject.toml; mypy keeps its cache in a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)  # fmt: skip


def test_ruff_finds_nothing() -> None:
    done = run("ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_finds_nothing_in_the_packages_and_benchmarks(tmp_path: Path) -> None:
    done = run("mypy", "--cache-dir", str(tmp_path / "mypy-cache"), "annotator", "ui", "bench")
    assert done.returncode == 0, done.stdout + done.stderr
