"""The core never imports Qt or the GUI: import-linter, and a second independent check.

The second check runs in a fresh interpreter: it imports every module under
``annotator/`` (found by walking the folder, not from a list) and then looks at
``sys.modules``; a blocker makes PySide6, shiboken6 and ``ui`` unimportable, so
the core is also shown to import and work where Qt is missing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
FORBIDDEN = ("PySide6", "shiboken6", "ui")

CHECK = r"""
import importlib, json, sys
modules, block = json.loads(sys.argv[1]), sys.argv[2] == "block"

class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("PySide6", "shiboken6", "ui"):
            raise ModuleNotFoundError(f"blocked: {name}")
        return None

if block:
    sys.meta_path.insert(0, Blocker())
for name in modules:
    importlib.import_module(name)
if block:
    # Not only importable: working.  A store, a span, an export, the CLI group.
    import io, tempfile, pathlib
    from annotator import open_store
    from annotator.cli import cli
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(pathlib.Path(tmp) / "t.db") as store:
            doc = store.add_document("Kyiv is a city.")
            store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice")
            out = io.StringIO()
            store.export_jsonl(out)
            record = json.loads(out.getvalue())
            assert [s["text"] for s in record["spans"]] == ["Kyiv"]
    assert "import" in cli.commands
loaded = sorted(n for n in sys.modules if n.split(".")[0] in ("PySide6", "shiboken6", "ui"))
print(json.dumps(loaded))
"""


def core_modules() -> list[str]:
    names = []
    for path in sorted((ROOT / "annotator").rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


def forbidden_loaded(modules: list[str], *, block: bool) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", CHECK, json.dumps(modules), "block" if block else "free"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_import_linter_contract_holds() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The core never imports Qt or the GUI KEPT" in result.stdout
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def test_import_linter_sees_a_real_import(tmp_path: Path) -> None:
    # A control: a contract this repository breaks (ui.cli imports annotator.cli)
    # is reported broken, so a kept contract above means something.
    config = tmp_path / "control.ini"
    config.write_text(
        "[importlinter]\nroot_packages =\n    annotator\n    ui\n"
        "include_external_packages = True\n\n"
        "[importlinter:contract:control]\nname = control\ntype = forbidden\n"
        "source_modules = ui\nforbidden_modules = annotator\n",
        encoding="utf-8",
    )
    lint = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint), "--config", str(config)], capture_output=True, text=True, cwd=ROOT,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "control BROKEN" in result.stdout
    assert "ui.cli -> annotator.cli" in result.stdout


def test_the_walk_finds_the_whole_core() -> None:
    found = core_modules()
    for name in ("annotator", "annotator.cli", "annotator.store", "annotator.store.base",
                 "annotator.store.undo", "annotator.formats.jsonl", "annotator.importing",
                 "annotator.offsets", "annotator.migrations", "annotator.history"):  # fmt: skip
        assert name in found
    assert not any(n.startswith("ui") for n in found)


def test_importing_every_core_module_loads_no_qt_and_no_gui() -> None:
    assert forbidden_loaded(core_modules(), block=False) == []


def test_the_core_imports_and_works_with_qt_blocked() -> None:
    assert forbidden_loaded(core_modules(), block=True) == []


def test_the_check_would_see_qt_if_the_core_loaded_it() -> None:
    # A control: the same check does report a GUI module when one is imported.
    assert "ui" in forbidden_loaded(["annotator", "ui.cli"], block=False)
