"""The wheel: built from this checkout, it carries the schemas and the sample, and an
installed copy (unzipped, imported from there only) finds its schemas and works.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

SHIPPED = [
    "annotator/schemas/default.json",
    "annotator/schemas/export.schema.json",
    "annotator/schemas/schema.schema.json",
    "annotator/sample/summit.txt",
    "annotator/sample/summit.spans.json",
    "ui/cli.py",
]

INSTALLED_CHECK = r"""
import json, sys, pathlib
import annotator
from annotator.resources import schema_file
from annotator import open_store

default = schema_file("default.json")
with open_store(pathlib.Path(sys.argv[1]) / "installed.db") as store:
    doc = store.add_document("Kyiv, 3 May: the mayor spoke.")
    span = store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
    labels = list(store.schema.label_names)
print(json.dumps({
    "annotator": annotator.__file__,
    "default": str(default),
    "default_exists": default.is_file(),
    "export_schema_exists": schema_file("export.schema.json").is_file(),
    "labels": labels,
    "quote": span.text,
}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    # Keep setuptools' build/ and egg-info out of the checkout (others work in it,
    # and a stale build/lib would leak old files into the wheel).
    extra = work / "build.cfg"
    extra.write_text(f"[build]\nbuild_base = {work / 'build'}\n[egg_info]\negg_base = {work}\n",
                     encoding="utf-8")  # fmt: skip
    out = work / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-w", str(out), "."],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "DIST_EXTRA_CONFIG": str(extra), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (built,) = out.glob("annotator-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_ships_schemas_sample_and_the_entry_point(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        assert "annotator = ui.cli:main" in zf.read(entry_points).decode("utf-8")
    for name in SHIPPED:
        assert name in names


@pytest.mark.slow
def test_the_wheel_holds_every_core_module(wheel: Path) -> None:
    # Walk the source folder: a subpackage missing from the packaging list would
    # be missing from the wheel, and `import annotator` would fail once installed.
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for path in (ROOT / "annotator").rglob("*.py"):
        assert path.relative_to(ROOT).as_posix() in names


@pytest.mark.slow
def test_an_installed_copy_finds_its_schemas(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", INSTALLED_CHECK, str(elsewhere)],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(report["annotator"]).is_relative_to(site)  # not the checkout
    assert Path(report["default"]) == site / "annotator" / "schemas" / "default.json"
    assert report["default_exists"] and report["export_schema_exists"]
    assert report["labels"] == ["CLAIM", "ACTOR", "DATE", "CITATION"]
    assert report["quote"] == "Kyiv"
