"""Importing several files at once, or a folder: what is left out is named, and an
import that stops part-way says what it imported before it stopped."""

from __future__ import annotations

from pathlib import Path

from cli_helpers import lines, rows, run


def test_a_folder_import_names_what_it_leaves_out(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "fold"
    (folder / "sub" / "br").mkdir(parents=True)
    (folder / "sub" / "br" / "x.txt").write_text("Inside a subfolder.\n")
    (folder / "a.txt").write_text("Alpha story\nbody one\n")
    (folder / "e.jsonld").write_text("{}\n")  # a W3C export: no format we import
    (folder / "notes.csv").write_text("a,b\n")
    result = run("import", str(folder), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert lines(result.stdout) == [
        'Imported a.txt: document 1 "Alpha story" (21 characters)',
        "Note: Left out of folder fold: e.jsonld (not a format annotator imports),"
        " notes.csv (not a format annotator imports), sub/ (a folder)",
        "1 document added, 0 skipped, 0 spans added",
    ]
    assert rows(db, "SELECT title FROM documents") == [("Alpha story",)]


def test_several_files_that_stop_part_way_say_what_was_imported(db: Path, tmp_path: Path) -> None:
    good, bad, later = tmp_path / "good.jsonl", tmp_path / "bad.jsonl", tmp_path / "c.txt"
    good.write_text('{"text": "Alpha said Beta.", "offset_unit": "codepoint"}\n')
    bad.write_text('{"text": \n')  # column 10: the value is missing
    later.write_text("Gamma story\n")
    result = run("import", str(good), str(bad), str(later), "--db", str(db))
    assert result.exit_code == 1
    assert lines(result.stdout) == ["Imported good.jsonl: document 1 (untitled) (16 characters)"]
    assert result.stderr == (
        "Error: bad.jsonl line 1 is not valid JSON (Expecting value at column 10): fix or remove"
        " it (the import stopped at bad.jsonl: 1 file (good.jsonl) imported before it, 1 file"
        " (c.txt) not imported)\n"
    )
    assert rows(db, "SELECT text FROM documents") == [("Alpha said Beta.",)]
    # Stopped at the last file: nothing came after it.
    result = run("import", str(later), str(bad), "--db", str(db))
    assert result.stderr.endswith(
        " (the import stopped at bad.jsonl: 1 file (c.txt) imported before it)\n"
    )
    # One file alone says nothing of others.
    result = run("import", str(bad), "--db", str(db))
    assert result.stderr == (
        "Error: bad.jsonl line 1 is not valid JSON (Expecting value at column 10): fix or remove"
        " it\n"
    )


def test_a_brat_pair_that_stops_the_import_is_named_by_the_file_given(
    db: Path, tmp_path: Path
) -> None:
    """a.txt has a.ann beside it: it is read as that pair, and its refusal speaks of
    a.ann; the note says the import stopped at a.txt, the file named on the line."""
    z, a, ann = tmp_path / "z.txt", tmp_path / "a.txt", tmp_path / "a.ann"
    z.write_text("Zeta story\n")
    a.write_text("Kyiv bridge\n")
    ann.write_text("T1\tACTOR 0 4\tKyiv\nA1\tkind T1 alien\n")
    result = run("import", str(z), str(a), str(ann), "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        " (the import stopped at a.txt: 1 file (z.txt) imported before it, 1 file (a.ann) not"
        " imported)\n"
    )
    assert rows(db, "SELECT title FROM documents") == [("Zeta story",)]


def test_the_summary_counts_skipped_documents_with_thousands_separated(
    db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(f'{{"id": "u{n}", "text": "Story {n}."}}\n' for n in range(1200)))
    assert run("import", str(path), "--db", str(db)).exit_code == 0
    again = run("import", str(path), "--db", str(db))
    assert lines(again.stdout)[-1] == "0 documents added, 1,200 skipped, 0 spans added"
