"""Label schemas: loading, validating and turning them into ``Schema`` records."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from .errors import SchemaError
from .model import Label, RelationType, Schema
from .resources import schema_file


@cache
def _meta_schema() -> dict[str, Any]:
    with open(schema_file("schema.schema.json"), encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]


def validate_schema(body: Any, *, where: str = "schema") -> None:
    """Raise ``SchemaError`` when ``body`` is not a valid label schema."""
    import jsonschema  # imported here: only schema files from users need it

    validator = jsonschema.Draft202012Validator(_meta_schema())
    error = next(iter(sorted(validator.iter_errors(body), key=lambda e: list(e.path))), None)
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SchemaError(f"{where} is not a valid label schema at {path}: {error.message}")
    names = [label["name"] for label in body["labels"]]
    keys = [label["key"] for label in body["labels"]]
    for what, values in (("label name", names), ("key", keys)):
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise SchemaError(f"{where} uses the same {what} twice: {', '.join(repeated)}")
    for rel in body.get("relations", []):
        for end in ("from", "to"):
            if rel[end] not in names:
                raise SchemaError(
                    f"{where}: relation {rel['type']} names unknown label {rel[end]!r}"
                )


def schema_from_dict(body: dict[str, Any]) -> Schema:
    return Schema(
        name=body["name"],
        version=body["version"],
        labels=tuple(
            Label(
                name=lab["name"],
                key=lab["key"],
                color=lab["color"],
                description=lab.get("description", ""),
                attributes=lab.get("attributes", {}),
            )
            for lab in body["labels"]
        ),
        relations=tuple(
            RelationType(
                type=rel["type"],
                from_label=rel["from"],
                to_label=rel["to"],
                description=rel.get("description", ""),
            )
            for rel in body.get("relations", [])
        ),
        raw=body,
    )


def load_schema_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a schema file; returns its JSON body."""
    from .formats.common import loads  # deep nesting: a JSONDecodeError, not a RecursionError

    path = Path(path)
    try:
        body = loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaError(f"schema file {path} does not exist: check the path") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaError(f"schema file {path} is not valid JSON: {exc}") from None
    validate_schema(body, where=f"schema file {path.name}")
    return body  # type: ignore[no-any-return]


def default_schema_body() -> dict[str, Any]:
    """The bundled default schema, read without validating it: the tests hold it to
    every rule (importing jsonschema costs ~0.1 s of a new database's first start)."""
    with open(schema_file("default.json"), encoding="utf-8") as f:
        return json.load(f)  # type: ignore[no-any-return]
