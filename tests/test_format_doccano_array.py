"""A doccano array written on one line reads like a pretty-printed one."""

from __future__ import annotations

import json
from pathlib import Path

from hostile import count, run

from annotator import open_store


def test_a_doccano_array_on_one_line_imports_as_pretty_printed(tmp_path: Path) -> None:
    # "Alpha" 0..5, "Beta" 11..15 (by hand); the second record has no spans.
    records = [{"text": "Alpha said Beta.", "label": [[0, 5, "ACTOR"], [11, 15, "ACTOR"]]},
               {"text": "Gamma stayed.", "label": []}]  # fmt: skip
    for indent in (None, 1):  # json.dump's one line, and pretty-printed
        source, db = tmp_path / f"arr{indent}.json", tmp_path / f"t{indent}.db"
        source.write_text(json.dumps(records, indent=indent) + "\n")
        result = run("import", str(source), "--annotator", "ana", "--db", str(db))
        assert result.exit_code == 0, result.output
        assert result.output.splitlines()[-1] == "2 documents added, 0 skipped, 2 spans added"
        with open_store(db) as store:
            first = store.document(1)
            assert [first.text[s.start : s.end] for s in store.spans(1)] == ["Alpha", "Beta"]
            assert store.document(2).text == "Gamma stayed."
    # An array on the first line with more lines after it is no whole-file array.
    source, db = tmp_path / "two.jsonl", tmp_path / "t.db"
    source.write_text('[{"text": "Alpha said Beta.", "label": []}]\n{"text": "Gamma."}\n')
    result = run("import", str(source), "--format", "doccano", "--db", str(db))
    assert (result.exit_code, result.output) == (
        1, "Error: two.jsonl line 1: is not a JSON object: each line must be one doccano record\n"
    )
    assert count(db, "documents") == 0
