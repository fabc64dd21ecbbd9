"""A file imported with the wrong --format is refused in one line naming the format
it looks like, never imported with its spans dropped or its rejected suggestions
kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import count, everything_stored, run

DATA = Path(__file__).parent / "data"
# 15 Prodigy tasks: 4 accepted (Google, Windows, Kleenex, iPhoto), 10 rejected, 1 ignored.
REDDIT = DATA / "prodigy" / "annotated_reddit-PRODUCT-ner.first15.jsonl"
# One doccano record (line 1) with 50 "label" spans.
DOCCANO = DATA / "doccano" / "dc-1.8.4-export-100-sample.jsonl"
PRODIGY = "it looks like a Prodigy record; import it with --format prodigy (or without --format)"
DOCCANO_TOO = (
    "it looks like a doccano record; import it with --format doccano (or without --format)"
)

LS_JSON = DATA / "labelstudio" / "ls-1.23.2-export-100-JSON-sample.json"
LS_MIN = DATA / "labelstudio" / "ls-1.23.2-export-100-JSON_MIN-sample.json"
TEXTCAT = DATA / "prodigy" / "annotated_github-issues-DOCUMENTATION-textcat.first6.jsonl"
PRETTY = DATA / "doccano" / "repo-export-example-relation_extraction.jsonl"  # one object
LABEL_STUDIO = "import it with --format labelstudio (or without --format)"


def imported_into(tmp_path: Path) -> Path:
    """A database holding one article, to show that a refusal changes nothing."""
    db, article = tmp_path / "t.db", tmp_path / "bridge.txt"
    article.write_text("Kyiv bridge reopens.\n")
    assert run("import", str(article), "--db", str(db)).exit_code == 0
    return db


@pytest.mark.parametrize(
    ("source", "fmt", "message"),
    [
        (REDDIT, "jsonl", f'{REDDIT.name} line 1 has "answer" but no "offset_unit": it is a'
         " Prodigy record, not native JSONL; import it with --format prodigy (or without"
         " --format)"),
        (REDDIT, "doccano",
         f'{REDDIT.name} line 1: has "spans" but no "label" or "entities": {PRODIGY}'),
        (DOCCANO, "prodigy", f'{DOCCANO.name} line 1: has "label" but no "spans": {DOCCANO_TOO}'),
        (DOCCANO, "labelstudio",
         f'{DOCCANO.name} record 1: has "label" but no Label Studio regions: {DOCCANO_TOO}'),
        # JSON Lines of many records, to the reader of one JSON array.
        (REDDIT, "labelstudio", f"{REDDIT.name} line 1: {PRODIGY}"),
        # Read as doccano's array of records, each a Label Studio task or region list.
        (LS_JSON, "doccano", f"{LS_JSON.name} record 1: it looks like a Label Studio record;"
         f" {LABEL_STUDIO}"),
        (LS_MIN, "doccano", f"{LS_MIN.name} record 1: it looks like a Label Studio (JSON_MIN)"
         f" record; {LABEL_STUDIO}"),
        (TEXTCAT, "doccano", f"{TEXTCAT.name} line 1: {PRODIGY}"),
        (TEXTCAT, "jsonl", f'{TEXTCAT.name} line 1 has "label" but no "spans": {PRODIGY}'),
        (DOCCANO, "jsonl", f'{DOCCANO.name} line 1 has "label" but no "spans": {DOCCANO_TOO}'),
        # One JSON array or object over many lines, given to a reader of one per line.
        (LS_JSON, "jsonl", f"{LS_JSON.name}: it is one JSON array of Label Studio records,"
         f" not one record per line; {LABEL_STUDIO}"),
        (LS_MIN, "prodigy", f"{LS_MIN.name} line 1: it is one JSON array of Label Studio"
         f" (JSON_MIN) records, not one record per line; {LABEL_STUDIO}"),
        (PRETTY, "prodigy", f"{PRETTY.name} line 1: it is one JSON object over several lines"
         " (a doccano record), not one record per line; import it with --format doccano"
         " (or without --format)"),
    ],
    ids=["prodigy-as-jsonl", "prodigy-as-doccano", "doccano-as-prodigy", "doccano-as-labelstudio",
         "prodigy-lines-as-labelstudio", "ls-as-doccano", "ls-min-as-doccano",
         "textcat-as-doccano", "textcat-as-jsonl", "doccano-as-jsonl", "ls-array-as-jsonl",
         "ls-min-array-as-prodigy", "pretty-doccano-as-prodigy"],
)  # fmt: skip
def test_a_file_read_with_another_tools_format_is_refused(
    tmp_path: Path, source: Path, fmt: str, message: str
) -> None:
    db = imported_into(tmp_path)
    before = everything_stored(db)
    result = run("import", str(source), "--format", fmt, "--map", "PRODUCT=ACTOR", "--db", str(db))
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert everything_stored(db) == before


def test_without_format_the_prodigy_file_imports_only_what_was_accepted(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    refused = run("import", str(REDDIT), "--format", "jsonl", "--map", "PRODUCT=ACTOR",
                  "--db", str(db))  # fmt: skip
    assert refused.exit_code == 1 and count(db, "documents") == 0
    result = run("import", str(REDDIT), "--map", "PRODUCT=ACTOR", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "4 documents added, 0 skipped, 4 spans added"
    stored = everything_stored(db)
    assert "Kleenex" in stored and "Stranger" not in stored  # an accepted and a rejected one


@pytest.mark.parametrize(
    ("record", "fmt", "message"),
    [
        ({"text": "Kyiv bridge", "offset_unit": "codepoint",
          "spans": [{"start": 0, "end": 4, "label": "ACTOR"}]}, "doccano",
         'has "spans" but no "label" or "entities": it looks like a native JSONL record;'
         " import it with --format jsonl (or without --format)"),
        ({"text": "Kyiv bridge", "answer": "accept",
          "spans": [{"start": 0, "end": 4, "label": "ACTOR"}]}, "labelstudio",
         f'has "spans" but no Label Studio regions: {PRODIGY}'),
        ({"text": "Kyiv bridge", "entities": [
            {"id": 1, "start_offset": 0, "end_offset": 4, "label": "ACTOR"}]}, "prodigy",
         f'has "entities" but no "spans": {DOCCANO_TOO}'),
        # Both keep "spans": read as Prodigy's, ids, analysts and notes would be lost.
        ({"text": "Kyiv bridge", "offset_unit": "codepoint", "spans": [
            {"id": "s1", "start": 0, "end": 4, "label": "ACTOR", "annotator": "alice",
             "note": "the city"}]}, "prodigy",
         'has "offset_unit": it is an annotator JSONL record; import it with --format jsonl'
         " (or without --format)"),
    ],
    ids=["native-as-doccano", "prodigy-as-labelstudio", "doccano-entities-as-prodigy",
         "native-as-prodigy"],
)  # fmt: skip
def test_a_record_with_only_another_tools_spans_is_refused(
    tmp_path: Path, record: dict[str, object], fmt: str, message: str
) -> None:
    source, db = tmp_path / "one.json", tmp_path / "t.db"
    source.write_text(json.dumps(record) + "\n")
    result = run("import", str(source), "--format", fmt, "--db", str(db))
    where = "record 1" if fmt == "labelstudio" else "line 1"
    assert (result.exit_code, result.output) == (1, f"Error: one.json {where}: {message}\n")
    assert count(db, "documents") == 0


def test_only_records_whose_spans_would_be_dropped_are_refused(tmp_path: Path) -> None:
    source, db = tmp_path / "plain.jsonl", tmp_path / "t.db"
    source.write_text('{"text": "Kyiv bridge reopens.", "label": [[0, 4, "ACTOR"]]}\n')
    result = run("import", str(source), "--format", "prodigy", "--db", str(db))
    assert (result.exit_code, count(db, "documents")) == (1, 0)
    # Nothing to drop: a doccano line without labels, a Prodigy task without spans.
    source.write_text('{"text": "Kyiv bridge reopens.", "label": []}\n')
    assert run("import", str(source), "--format", "prodigy", "--db", str(db)).exit_code == 0
    source.write_text('{"text": "Lviv bridge reopens.", "answer": "accept", "spans": []}\n')
    assert run("import", str(source), "--format", "doccano", "--db", str(db)).exit_code == 0
    assert (count(db, "documents"), count(db, "spans")) == (2, 0)


def test_a_line_that_is_no_json_in_a_file_of_lines_is_still_named_as_such(
    tmp_path: Path,
) -> None:
    source, db = tmp_path / "cut.jsonl", tmp_path / "t.db"
    source.write_text('[{"text": "Kyiv"}\n')  # an array cut short: no whole file to name
    result = run("import", str(source), "--format", "jsonl", "--db", str(db))
    assert result.output == (
        "Error: cut.jsonl line 1 is not valid JSON (Expecting ',' delimiter at column 18):"
        " fix or remove it\n"
    )


def test_a_record_naming_no_tool_keeps_the_readers_own_refusal(tmp_path: Path) -> None:
    source, db = tmp_path / "odd.jsonl", tmp_path / "t.db"
    source.write_text('{"answer": [], "label": {"a": 1}}\n')  # no tool writes these values
    result = run("import", str(source), "--format", "doccano", "--db", str(db))
    assert result.output == (
        'Error: odd.jsonl line 1: has no "text" string: is this a doccano JSONL export?\n'
    )


def test_hints_send_the_analyst_to_another_format_only_when_it_would_read_the_file(
    tmp_path: Path,
) -> None:
    def refusal(name: str, content: str, fmt: str) -> str:
        source = tmp_path / name
        source.write_text(content)
        result = run("import", str(source), "--format", fmt, "--db", str(tmp_path / "t.db"))
        assert result.exit_code == 1
        return result.output

    # A doccano record keeps the columns it came with, Prodigy's among them: its own
    # error is the one to fix, and Prodigy's reader sends it back to doccano.
    doccano = json.dumps({"text": "Bob left.", "label": [[0, 3, "ACTOR"], [4, 40, "ACTOR"]],
                          "_input_hash": 1, "answer": "accept"})  # fmt: skip
    assert refusal("d.jsonl", doccano + "\n", "doccano") == (
        "Error: d.jsonl line 1: span [4, 40) ACTOR is not inside the text (0..9 UTF-16 units,"
        " start < end): fix the offsets\n"
    )
    assert refusal("d.jsonl", doccano + "\n", "prodigy").endswith(f": {DOCCANO_TOO}\n")
    # The reader's own records in one array: nothing to gain from another --format.
    native = {"text": "Bob left.", "offset_unit": "codepoint", "spans": []}
    assert refusal("n.jsonl", json.dumps([native], indent=1), "jsonl") == (
        "Error: n.jsonl: it is one JSON array, not one record per line: write each record on"
        " a line of its own\n"
    )
    # A Label Studio export written on one line.
    one_line = json.dumps(json.loads(LS_JSON.read_text(encoding="utf-8")))
    assert refusal("ls.json", one_line, "jsonl") == (
        "Error: ls.json line 1: it is one JSON array of Label Studio records, not one record"
        f" per line; {LABEL_STUDIO}\n"
    )
    # A tool annotator does not read at all.
    assert refusal("cas.json", json.dumps({"%TYPES": {}, "%FEATURE_STRUCTURES": []}, indent=1),
                   "prodigy") == (  # fmt: skip
        "Error: cas.json line 1: it is UIMA CAS JSON (INCEpTION, DKPro), which annotator cannot"
        " import: export the annotations from that tool as brat, doccano, Label Studio or"
        " Prodigy, then import that file\n"
    )


def test_prodigy_decisions_given_to_the_doccano_reader_are_refused(tmp_path: Path) -> None:
    """A rejected Prodigy task, or a choice task, read as doccano would be imported
    with the analyst's decision turned into meta; Prodigy's reader leaves the
    rejected one out.  An accepted task without spans has nothing to lose."""
    db = imported_into(tmp_path)
    before = everything_stored(db)
    choice = {"text": "Kyiv bridge reopens.", "options": [{"id": "POS", "text": "good"}],
              "accept": ["POS"], "answer": "accept", "_input_hash": 7, "_task_hash": 8}
    rejected = {"text": "Lviv bridge reopens.", "answer": "reject", "_input_hash": 9}
    for name, record in (("choice.jsonl", choice), ("rejected.jsonl", rejected)):
        source = tmp_path / name
        source.write_text(json.dumps(record) + "\n")
        result = run("import", str(source), "--format", "doccano", "--db", str(db))
        assert (result.exit_code, result.output) == (1, f"Error: {name} line 1: {PRODIGY}\n")
    assert everything_stored(db) == before
    # A doccano line without labels keeps columns it came with: still doccano's.
    own = tmp_path / "own.jsonl"
    own.write_text(json.dumps({"text": "Odesa port.", "label": [], "answer": "reject"}) + "\n")
    assert run("import", str(own), "--format", "doccano", "--db", str(db)).exit_code == 0


def test_the_prodigy_reader_says_it_leaves_choice_answers_out(tmp_path: Path) -> None:
    source, db = tmp_path / "choice.jsonl", tmp_path / "t.db"
    source.write_text(json.dumps({"text": "Kyiv bridge reopens.", "accept": ["POS", "NEW"],
                                  "answer": "accept", "_input_hash": 7}) + "\n")  # fmt: skip
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert '1 choice answer (a top-level "accept" list) not kept: spans only' in result.output
    assert (count(db, "documents"), count(db, "spans")) == (1, 0)
