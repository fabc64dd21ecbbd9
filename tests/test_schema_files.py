"""Checks on the bundled data files: label schemas and the sample annotation."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

ROOT = Path(__file__).parent.parent
SCHEMAS = ROOT / "schemas"
SAMPLE = ROOT / "annotator" / "sample"


def _load(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    assert isinstance(data, dict), path
    return data


@pytest.fixture(scope="module")
def meta_schema() -> dict[str, Any]:
    schema = _load(SCHEMAS / "schema.schema.json")
    Draft202012Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def validator(meta_schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(meta_schema)


@pytest.fixture(scope="module")
def default_schema() -> dict[str, Any]:
    return _load(SCHEMAS / "default.json")


@pytest.fixture(scope="module")
def sample_text() -> str:
    with open(SAMPLE / "summit.txt", encoding="utf-8", newline="") as fh:
        return fh.read()


@pytest.fixture(scope="module")
def sample_spans() -> dict[str, Any]:
    return _load(SAMPLE / "summit.spans.json")


# --------------------------------------------------------------------------
# schema files


def test_meta_schema_has_metadata(meta_schema: dict[str, Any]) -> None:
    assert meta_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    for key in ("$id", "title", "description"):
        assert isinstance(meta_schema[key], str) and meta_schema[key]


def test_default_schema_is_valid(
    validator: Draft202012Validator, default_schema: dict[str, Any]
) -> None:
    errors = [e.message for e in validator.iter_errors(default_schema)]
    assert errors == []


def test_the_bundled_default_passes_every_rule_of_user_schemas() -> None:
    # A new database reads the bundled default without validating it at run time.
    from annotator.schema import default_schema_body, schema_file, validate_schema

    body = default_schema_body()
    validate_schema(body, where="the bundled default")  # raises on any broken rule
    assert body == json.loads(schema_file("default.json").read_text(encoding="utf-8"))


def test_default_schema_contents(default_schema: dict[str, Any]) -> None:
    assert default_schema["name"] == "default"
    labels = {lab["name"]: lab for lab in default_schema["labels"]}
    assert list(labels) == ["CLAIM", "ACTOR", "DATE", "CITATION"]
    assert [lab["key"] for lab in labels.values()] == ["1", "2", "3", "4"]
    assert [lab["color"] for lab in labels.values()] == [
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#CC79A7",
    ]
    for lab in labels.values():
        assert lab["description"].strip()
    relations = {(r["type"], r["from"], r["to"]) for r in default_schema["relations"]}
    assert relations == {
        ("ATTRIBUTED_TO", "CLAIM", "ACTOR"),
        ("SOURCED_FROM", "CLAIM", "CITATION"),
        ("DATED", "CLAIM", "DATE"),
    }


def test_schema_with_attributes_is_valid(
    validator: Draft202012Validator, default_schema: dict[str, Any]
) -> None:
    schema = copy.deepcopy(default_schema)
    schema["labels"][0]["attributes"] = {
        "stance": {
            "type": "enum",
            "values": ["supports", "disputes", "neutral"],
            "description": "How the claim relates to the article's thesis.",
        },
        "verified": {"type": "boolean", "description": "Fact-checked."},
        "note": {"type": "string"},
        "checked_on": {"type": "date", "description": "When it was checked."},
    }
    assert [e.message for e in validator.iter_errors(schema)] == []


Mutation = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(schema: dict[str, Any]) -> None:
        target: Any = schema
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple[Any, ...]) -> Mutation:
    def mutate(schema: dict[str, Any]) -> None:
        target: Any = schema
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


BAD_SCHEMAS: dict[str, Mutation] = {
    "missing labels": _delete(("labels",)),
    "missing relations": _delete(("relations",)),
    "missing name": _delete(("name",)),
    "empty name": _set(("name",), ""),
    "version zero": _set(("version",), 0),
    "version not integer": _set(("version",), "1"),
    "empty labels": _set(("labels",), []),
    "bad colour word": _set(("labels", 0, "color"), "orange"),
    "bad colour short hex": _set(("labels", 0, "color"), "#E69"),
    "bad colour no hash": _set(("labels", 0, "color"), "E69F00"),
    "lowercase label name": _set(("labels", 0, "name"), "claim"),
    "label name with space": _set(("labels", 0, "name"), "BIG CLAIM"),
    "label name starts with digit": _set(("labels", 0, "name"), "1CLAIM"),
    "two-character key": _set(("labels", 0, "key"), "12"),
    "empty key": _set(("labels", 0, "key"), ""),
    "label missing description": _delete(("labels", 0, "description")),
    "extra top-level property": _set(("author",), "someone"),
    "extra label property": _set(("labels", 0, "shortcut"), "Ctrl+1"),
    "extra relation property": _set(("relations", 0, "weight"), 2),
    "lowercase relation type": _set(("relations", 0, "type"), "attributed_to"),
    "relation missing to": _delete(("relations", 0, "to")),
    "unknown attribute type": _set(("labels", 0, "attributes"), {"stance": {"type": "number"}}),
    "enum attribute without values": _set(
        ("labels", 0, "attributes"), {"stance": {"type": "enum"}}
    ),
    "values on non-enum attribute": _set(
        ("labels", 0, "attributes"),
        {"verified": {"type": "boolean", "values": ["yes", "no"]}},
    ),
    "extra attribute property": _set(
        ("labels", 0, "attributes"),
        {"note": {"type": "string", "default": ""}},
    ),
}


@pytest.mark.parametrize("mutation", list(BAD_SCHEMAS.values()), ids=list(BAD_SCHEMAS))
def test_bad_schema_is_rejected(
    validator: Draft202012Validator,
    default_schema: dict[str, Any],
    mutation: Mutation,
) -> None:
    schema = copy.deepcopy(default_schema)
    mutation(schema)
    assert not validator.is_valid(schema)


# --------------------------------------------------------------------------
# sample article and its reference annotation


def test_sample_text_shape(sample_text: str) -> None:
    assert "\r" not in sample_text
    assert sample_text.endswith("\n") and not sample_text.endswith("\n\n")
    lines = sample_text.split("\n")
    assert lines[0].strip() and lines[1] == ""
    # at least one character outside the Basic Multilingual Plane
    assert any(ord(ch) > 0xFFFF for ch in sample_text)


def test_sample_spans_match_text(sample_text: str, sample_spans: dict[str, Any]) -> None:
    assert sample_spans["annotator"] == "sample"
    spans = sample_spans["spans"]
    assert 20 <= len(spans) <= 40
    for i, span in enumerate(spans):
        start, end = span["start"], span["end"]
        assert isinstance(start, int) and isinstance(end, int), i
        assert 0 <= start < end <= len(sample_text), i
        assert sample_text[start:end] == span["text"], (i, span)


def test_sample_labels_are_in_default_schema(
    default_schema: dict[str, Any], sample_spans: dict[str, Any]
) -> None:
    known = {lab["name"] for lab in default_schema["labels"]}
    used = {span["label"] for span in sample_spans["spans"]}
    assert used <= known
    assert used == known  # the sample exercises every default label


def test_sample_citations_cover_whole_markers(
    sample_text: str, sample_spans: dict[str, Any]
) -> None:
    citations = [s for s in sample_spans["spans"] if s["label"] == "CITATION"]
    assert len({s["text"] for s in citations}) >= 3
    for span in citations:
        assert span["text"].startswith("[citation: ")
        assert span["text"].endswith("]")


def test_sample_relations_are_valid(
    default_schema: dict[str, Any], sample_spans: dict[str, Any]
) -> None:
    spans = sample_spans["spans"]
    allowed = {r["type"]: (r["from"], r["to"]) for r in default_schema["relations"]}
    relations = sample_spans["relations"]
    assert relations
    for rel in relations:
        assert rel["type"] in allowed, rel
        src, dst = rel["from"], rel["to"]
        assert isinstance(src, int) and 0 <= src < len(spans), rel
        assert isinstance(dst, int) and 0 <= dst < len(spans), rel
        assert (spans[src]["label"], spans[dst]["label"]) == allowed[rel["type"]], rel
    # every claim is attributed to an actor
    attributed = {r["from"] for r in relations if r["type"] == "ATTRIBUTED_TO"}
    claims = {i for i, s in enumerate(spans) if s["label"] == "CLAIM"}
    assert claims == attributed
