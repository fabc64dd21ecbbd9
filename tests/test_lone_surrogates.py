"""Half a UTF-16 pair without its other half: JSON can escape one ("\\ud800"),
Python can hold one, UTF-8 and SQLite cannot.  Such text is refused with one line
that says where, before anything is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import run, snapshot
from hypothesis import given
from hypothesis import strategies as st

from annotator import InvalidSpanError, open_store
from annotator.errors import ImportRefusedError
from annotator.formats.common import refuse_lone_surrogates

# Pieces of JSON string bodies: escapes of high and low halves, escaped backslashes,
# an emoji's whole pair, and plain characters.
PIECES = ["\\ud83d", "\\ude00", "\\ud800", "\\udfff", "\\\\", "\\u00e9", "a", "u", "d8", " ",
          "ud83d"]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=12))
def test_the_check_agrees_with_json_and_utf8(pieces: list[str]) -> None:
    body = '"' + "".join(pieces) + '"'
    try:
        value = json.loads(body)
    except json.JSONDecodeError:
        return  # a trailing lone backslash: not JSON at all, the parser says so
    try:
        value.encode("utf-8")
        storable = True
    except UnicodeEncodeError:
        storable = False
    try:
        refuse_lone_surrogates(body, "x.jsonl")
        passed = True
    except ImportRefusedError:
        passed = False
    assert passed == storable


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("native.jsonl", ['{"text": "Kyiv talks.", "spans": [], "offset_unit": "codepoint"}',
                          '{"text": "Kyiv \\ud800 talks.", "spans": [],'
                          ' "offset_unit": "codepoint"}']),
        ("doccano.jsonl", ['{"text": "Kyiv talks.", "label": [[0, 4, "ACTOR"]]}',
                           '{"text": "Lviv talks.", "label": [[0, 4, "ACTOR\\udc00"]]}']),
        ("studio.json", ['[{"data": {"text": "Kyiv talks."}, "annotations": []},',
                         ' {"data": {"text": "Lviv \\ud83d."}, "annotations": []}]']),
    ],
)  # fmt: skip
def test_an_import_names_the_line(tmp_path: Path, name: str, lines: list[str]) -> None:
    source = tmp_path / name
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "t.db"
    open_store(db).close()
    before = snapshot(db)
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    escape = {"native.jsonl": "\\ud800", "doccano.jsonl": "\\udc00", "studio.json": "\\ud83d"}
    assert result.stderr == (
        f"Error: {name} line 2 holds {escape[name]}, half of a UTF-16 pair without its other"
        " half (not a character): fix the file and import again\n"
    )
    assert snapshot(db) == before


def test_the_api_refuses_it_with_a_core_error(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        doc = store.add_document("Kyiv talks resumed.")
        before = snapshot(db)
        with pytest.raises(InvalidSpanError, match="U\\+D800, half of a UTF-16 pair"):
            store.add_document("Lviv \ud800 talks.")
        with pytest.raises(InvalidSpanError, match="U\\+DC00, half of a UTF-16 pair"):
            store.add_span(doc.id, 0, 4, "ACTOR", annotator="alice", note="\udc00")
        assert snapshot(db) == before


def test_an_escaped_backslash_before_a_pairs_first_half_is_no_pair() -> None:
    # JSON "\\ud83d\ude00": a backslash, the letters "ud83d", then a low half alone.
    body = '"\\\\ud83d\\ude00"'
    with pytest.raises(UnicodeEncodeError):
        json.loads(body).encode("utf-8")
    with pytest.raises(ImportRefusedError, match="holds \\\\ude00, half"):
        refuse_lone_surrogates(body, "x.jsonl")
