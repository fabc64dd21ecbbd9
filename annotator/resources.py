"""Files shipped with the package: label schemas, JSON Schemas, the sample article.

In a wheel the top-level ``schemas/`` folder is installed as ``annotator/schemas``
(see ``[tool.setuptools.package-dir]``); in a source checkout it sits beside the
package.  Both are looked up here, so callers never care which.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def schemas_dir() -> Path:
    for candidate in (_PACKAGE / "schemas", _PACKAGE.parent / "schemas"):
        if (candidate / "default.json").is_file():
            return candidate
    raise FileNotFoundError("the schemas folder is missing: reinstall annotator")


def schema_file(name: str) -> Path:
    """Path of a shipped schema file such as ``default.json``."""
    return schemas_dir() / name


def sample_dir() -> Path:
    return _PACKAGE / "sample"
