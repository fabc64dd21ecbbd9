"""The package's public names, loaded on first use (``annotator/__init__.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> list[str]:
    result = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=ROOT, env={"PYTHONPATH": str(ROOT)})  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_every_public_name_is_listed_and_loads_in_a_fresh_process() -> None:
    # dir() feeds completion and help(): names loaded on first use must be in it.
    assert run(
        "import annotator\n"
        "print(sorted(set(annotator.__all__) - set(dir(annotator))))\n"
        "print(all(getattr(annotator, name) is not None for name in annotator.__all__))\n"
        "print(annotator.Span.__module__, annotator.Store.__module__)"
    ) == ["[]", "True", "annotator.model annotator.store.store"]


def test_the_records_module_is_there_after_a_plain_import() -> None:
    # Scripts wrote annotator.model.SUGGEST when importing the package loaded it.
    code = "import annotator\nprint(annotator.model.SUGGEST, annotator.model.Span.__name__)"
    assert run(code) == ["suggest Span"]


def test_a_misspelt_name_is_an_attribute_error() -> None:
    assert run(
        "import annotator\n"
        "try:\n    annotator.Spna\n"
        "except AttributeError as exc:\n    print(exc)"
    ) == ["module 'annotator' has no attribute 'Spna'"]
