"""Huge, deeply nested, badly encoded, binary and malformed files are refused
with one clear line (or read in bounded time), leaving the database as it was.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from hostile import count, doccano_line, everything_stored, run

from annotator import ImportRefusedError, open_store

# -- size, depth, encoding -----------------------------------------------------------

WATCH_OPENS = textwrap.dedent("""
    import sys, time
    db, targets = sys.argv[1], sys.argv[2:]
    opened = []
    def watch(event, args):
        if event == "open" and args and str(args[0]) in targets:
            opened.append(args[0])
    sys.addaudithook(watch)
    import click
    from annotator.cli import cli
    for target in targets:
        began, opened[:] = time.perf_counter(), []
        try:
            cli.main(["import", target, "--db", db], prog_name="annotator", standalone_mode=False)
        except click.ClickException as exc:
            print("Error: " + exc.format_message())
        print(f"opened {len(opened)} times in {time.perf_counter() - began:.3f} s")
""")


def test_a_100_mb_article_is_refused_without_being_read(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    names = ["huge.txt", "huge.html", "huge.md"]
    for name in names:
        with open(tmp_path / name, "wb") as f:
            f.truncate(100 * 1024 * 1024)  # sparse: 100 MB on paper, nothing on disk
    proc = subprocess.run(
        [sys.executable, "-c", WATCH_OPENS, str(db), *(str(tmp_path / n) for n in names)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    for name, error, report in zip(names, lines[::2], lines[1::2], strict=True):
        assert error == (
            f"Error: {name} is 100.0 MB (104,857,600 bytes), over the import limit of 50.0 MB:"
            " split it into smaller files and import again"
        )
        opened, seconds = report.split(" times in ")
        assert opened == "opened 0"  # the audit hook saw no open() of it: sized by stat
        assert float(seconds.removesuffix(" s")) < 5
    assert count(db, "documents") == 0


def native_line() -> bytes:
    record = {"text": "Kyiv bridge", "offset_unit": "codepoint",
              "spans": [{"start": 0, "end": 4, "label": "ACTOR", "annotator": "a"}]}  # fmt: skip
    return (json.dumps(record) + "\n").encode()


def test_an_annotation_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # 1.5 GB on paper (sparse): one record, then what would be blank lines.
    huge = tmp_path / "huge.jsonl"
    with open(huge, "wb") as f:
        f.write(native_line())
        f.truncate(1536 * 1024 * 1024)
    with open_store(tmp_path / "t.db") as store:
        with pytest.raises(ImportRefusedError) as info:
            store.import_file(huge)
        assert store.document_count() == 0
    assert str(info.value) == (
        "huge.jsonl is 1536.0 MB, over the limit of 1024.0 MB for annotation files: split it,"
        " or raise the limit with --max-annotation-size"
    )


def test_the_annotation_limit_is_set_on_the_command_line(tmp_path: Path) -> None:
    news, db = tmp_path / "news.jsonl", tmp_path / "t.db"
    news.write_bytes(native_line() + b"\n" * (1024 * 1024))  # 1 MB and a line
    result = run("import", str(news), "--max-annotation-size", "0.5", "--db", str(db))
    assert (result.exit_code, result.output) == (1, (
        "Error: news.jsonl is 1.0 MB, over the limit of 0.5 MB for annotation files: split it,"
        " or raise the limit with --max-annotation-size\n"))  # fmt: skip
    assert count(db, "documents") == 0
    result = run("import", str(news), "--max-annotation-size", "2", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert (count(db, "documents"), count(db, "spans")) == (1, 1)


NESTED = textwrap.dedent("""
    import resource, sys, time
    kind, page, db = sys.argv[1], sys.argv[2], sys.argv[3]
    if kind == "divs":
        html = "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>"
    else:  # 2,000 nested articles of five paragraphs: under libxml2's depth limit
        html = "<html><body>" + "".join(
            "<article>" + "".join(f"<p>Paragraph {a}.{p}</p>" for p in range(5))
            for a in range(2_000)) + "</article>" * 2_000 + "</body></html>"
    open(page, "w").write(html)
    import click
    from annotator.cli import cli
    began = time.perf_counter()
    try:
        cli.main(["import", page, "--db", db], prog_name="annotator", standalone_mode=False)
    except click.ClickException as exc:
        print("Error: " + exc.format_message())
    seconds = time.perf_counter() - began
    try:  # this process's own peak (ru_maxrss would include the parent's, kept over exec)
        status = open("/proc/self/status").read().split("VmHWM:")[1]
        peak = int(status.split()[0])  # KiB
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.3f} {peak}")
""")


def test_100_000_nested_divs_are_refused_in_bounded_time_and_memory(tmp_path: Path) -> None:
    page, db = tmp_path / "nested.html", tmp_path / "t.db"
    proc = subprocess.run(
        [sys.executable, "-c", NESTED, "divs", str(page), str(db)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    error, measures = proc.stdout.splitlines()
    assert error == ("Error: nested.html: the HTML could not be read to the end (its elements"
                     " are nested more than 2,048 deep): simplify the page or save its text as"
                     " .txt")  # not libxml2's "use XML_PARSE_HUGE", which the user cannot do
    seconds, peak_kib = measures.split()
    assert float(seconds) < 10 and int(peak_kib) < 400 * 1024
    assert count(db, "documents") == 0


def test_2_000_nested_articles_import_in_bounded_time(tmp_path: Path) -> None:
    # Choosing the longest article was quadratic: 2,000 nested articles of ten
    # paragraphs (0.4 MB) took 79 s; of five, as here, over 20 s.
    page, db = tmp_path / "nested.html", tmp_path / "t.db"
    proc = subprocess.run(
        [sys.executable, "-c", NESTED, "articles", str(page), str(db)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    *_, measures = proc.stdout.splitlines()
    seconds, peak_kib = measures.split()
    assert float(seconds) < 10 and int(peak_kib) < 400 * 1024
    with open_store(db) as store:
        text = store.document(1).text
    assert text == "\n\n".join(f"Paragraph {a}.{p}" for a in range(2_000) for p in range(5))


BAD_UTF8 = b"Kyiv bridge\xff\xfe reopens \xc3("


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("article.txt", BAD_UTF8, "article.txt is not valid UTF-8 (byte 11)"),
        ("article.md", BAD_UTF8, "article.md is not valid UTF-8 (byte 11)"),
        ("page.html", b"<p>" + BAD_UTF8 + b"</p>", "page.html is not valid UTF-8 (byte 14)"),
        ("native.jsonl", b'{"text": "' + BAD_UTF8 + b'", "offset_unit": "codepoint"}\n',
         "native.jsonl is not valid UTF-8 (byte 21)"),
        ("doccano.jsonl", doccano_line("Kyiv bridge") + b'{"text": "\xff"}\n',
         "doccano.jsonl cannot be read ("),
        ("studio.json", b'[{"data": {"text": "' + BAD_UTF8 + b'"}}]',
         "studio.json cannot be read ("),
    ],
)  # fmt: skip
def test_invalid_utf8_is_refused_naming_the_file(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source, db = tmp_path / name, tmp_path / "t.db"
    source.write_bytes(content)
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}") and result.output.count("\n") == 1
    assert count(db, "documents") == 0


def test_invalid_utf8_far_into_a_file_is_located_from_its_first_byte(tmp_path: Path) -> None:
    # Readers decode 8 KiB at a time; the byte named must count from the file's start.
    source, db = tmp_path / "late.jsonl", tmp_path / "t.db"
    line = b'{"text": "Kyiv bridge", "offset_unit": "codepoint"}\n'
    data = b"\xef\xbb\xbf" + line * 400 + b'{"text": "\xff"}\n'  # a BOM, then 20,800 bytes
    source.write_bytes(data)
    assert data.index(b"\xff") == 3 + 400 * len(line) + 10 == 20_813
    result = run("import", str(source), "--db", str(db))
    assert result.output == (
        "Error: late.jsonl is not valid UTF-8 (byte 20813): save it as UTF-8 and import again\n"
    )
    assert count(db, "documents") == 0


def test_invalid_utf8_in_a_brat_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "doc.txt").write_text("Kyiv bridge reopens.")
    (tmp_path / "doc.ann").write_bytes(b"T1\tACTOR 0 4\tKyiv\n#1\tAnnotatorNotes T1\t\xff\n")
    db = tmp_path / "t.db"
    result = run("import", str(tmp_path / "doc.ann"), "--db", str(db))
    assert result.exit_code == 1
    # byte 39: "T1\tACTOR 0 4\tKyiv\n" is 18 bytes, "#1\tAnnotatorNotes T1\t" 21 more
    assert result.output.startswith("Error: doc.ann is not UTF-8 (byte 39)")
    assert count(db, "documents") == 0


@pytest.mark.parametrize("name", ["binary.txt", "binary.html"])
def test_nul_bytes_in_an_article_mean_binary(tmp_path: Path, name: str) -> None:
    source, db = tmp_path / name, tmp_path / "t.db"
    source.write_bytes(b"Kyiv\x00\x00bridge")
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {name} looks like a binary file (it contains NUL bytes):"
        " import a text file (.txt, .md, .html) instead\n"
    )


def test_nul_characters_inside_json_strings_are_kept(tmp_path: Path) -> None:
    source, db, out = tmp_path / "nul.jsonl", tmp_path / "t.db", tmp_path / "out.jsonl"
    text = "Kyiv\x00bridge \x00 reopens"
    record = {"id": "doc\x00one", "text": text, "offset_unit": "codepoint",
              "meta": {"title": "a\x00b", "k\x00ey": "v\x00"},
              "spans": [{"id": "s\x001", "start": 5, "end": 11, "label": "ACTOR",
                         "text": "bridge", "annotator": "an\x00na", "note": "x\x00y",
                         "attributes": {"n\x00": "\x00"}}]}  # fmt: skip
    source.write_text(json.dumps(record) + "\n")
    assert run("import", str(source), "--db", str(db)).exit_code == 0
    assert run("export", "--db", str(db), "--out", str(out)).exit_code == 0
    (line,) = out.read_text(encoding="utf-8").splitlines()
    back = json.loads(line)
    assert back["text"] == text and back["id"] == "doc\x00one"
    assert back["meta"]["title"] == "a\x00b" and back["meta"]["k\x00ey"] == "v\x00"
    (span,) = back["spans"]
    assert (span["id"], span["annotator"], span["note"], span["attributes"]) == (
        "s\x001", "an\x00na", "x\x00y", {"n\x00": "\x00"})  # fmt: skip
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT text FROM documents").fetchone()[0] == text
    # A brat .txt holding a NUL would read back as a binary file: that document is
    # left out, and said so, so the folder written imports back.
    (tmp_path / "plain.txt").write_text("Lviv museum reopens.\n", encoding="utf-8")
    assert run("import", str(tmp_path / "plain.txt"), "--db", str(db)).exit_code == 0
    brat = run("export", "--format", "brat", "--db", str(db), "--out", str(tmp_path / "b"))
    assert brat.exit_code == 0, brat.output
    assert ("Not carried by brat: 1 document whose text holds a NUL character, not written"
            in brat.stdout.splitlines())  # fmt: skip
    again = run("import", str(tmp_path / "b"), "--db", str(tmp_path / "b.db"))
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[-1] == "1 document added, 0 skipped, 0 spans added"


def test_nan_and_infinity_are_refused_as_not_json(tmp_path: Path) -> None:
    # Python's json reads them; stored, they would break every later export.
    source, db = tmp_path / "nan.jsonl", tmp_path / "t.db"
    source.write_text(
        '{"text": "Kyiv bridge", "offset_unit": "codepoint", "meta": {"score": NaN}}\n'
        '{"text": "Lviv bridge", "offset_unit": "codepoint", "spans": [{"start": 0, "end": 4,'
        ' "label": "ACTOR", "annotator": "a", "attributes": {"p": Infinity}}]}\n'
    )
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1
    assert result.output == (
        "Error: nan.jsonl line 1: meta {'score': nan} is not a JSON object"
        " (NaN and Infinity are not JSON): fix the record\n"
    )
    result = run("import", str(source), "--skip-invalid", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "Skipped nan.jsonl line 2: span 1: attributes are not plain JSON" in result.output
    assert count(db, "documents") == 0
    assert run("export", "--db", str(db), "--out", str(tmp_path / "out.jsonl")).exit_code == 0


# Records that crashed a reader or the store with a traceback before (ids that are
# lists or objects, a count that is a number, a field of the wrong type).
MALFORMED = {
    "doccano-ids.jsonl": (
        {"text": "Kyiv bridge", "entities": [
            {"id": [1], "start_offset": 0, "end_offset": 4, "label": "CLAIM"},
            {"id": {"k": 2}, "start_offset": 5, "end_offset": 11, "label": "ACTOR"}],
         "relations": [{"from_id": [1], "to_id": {"k": 2}, "type": "ATTRIBUTED_TO"}]},
        (2, 1, None),
    ),
    "doccano-bad-link.jsonl": (
        {"text": "Kyiv bridge", "entities": [
            {"id": [1], "start_offset": 0, "end_offset": 4, "label": "ACTOR"}],
         "relations": [{"from_id": [1], "to_id": {"a": 1}, "type": "X"}]},
        (0, 0, 'doccano-bad-link.jsonl line 1: relation {\'from_id\': [1], \'to_id\': {\'a\': 1},'
               ' \'type\': \'X\'} does not link two ids of "entities": fix the ids'),
    ),
    "studio-ids.json": (
        [{"data": {"text": "Kyiv bridge"}, "drafts": 2, "annotations": [{"result": [
            {"id": ["r", 1], "type": "labels",
             "value": {"start": 0, "end": 4, "labels": ["CLAIM"]}},
            {"id": {"r": 2}, "type": "labels", "meta": {"text": [1, "two"]},
             "value": {"start": 5, "end": 11, "labels": ["ACTOR"]}},
            {"type": "relation", "from_id": ["r", 1], "to_id": {"r": 2},
             "labels": ["ATTRIBUTED_TO"]},
            {"type": "relation", "from_id": ["r", 1], "to_id": {"r": 2}, "labels": 3}]}]}],
        (2, 1, None),
    ),
    "native-span-id.jsonl": (
        {"text": "Kyiv bridge", "offset_unit": "codepoint",
         "spans": [{"id": ["x"], "start": 0, "end": 4, "label": "ACTOR"}]},
        (0, 0, "native-span-id.jsonl line 1: span 1: id ['x'] is not a string: fix the record"),
    ),
    "native-no-label.jsonl": (
        {"text": "Kyiv bridge", "offset_unit": "codepoint", "spans": [{"start": 0, "end": 4}]},
        (0, 0, "native-no-label.jsonl line 1: span 1: label None is not a label name:"
               " fix the record"),
    ),
    "native-title.jsonl": (
        {"text": "Kyiv bridge", "offset_unit": "codepoint", "meta": {"title": {"a": 1}}},
        (0, 0, "native-title.jsonl line 1: title {'a': 1} is not a string: fix the record"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_records_are_refused_in_one_line_or_read(tmp_path: Path, name: str) -> None:
    record, (spans, relations, error) = MALFORMED[name]
    source, db = tmp_path / name, tmp_path / "t.db"
    source.write_text(json.dumps(record) + "\n")
    fmt = ["--format", "doccano"] if name.startswith("doccano") else []
    result = run("import", str(source), *fmt, "--db", str(db))
    if error is None:
        assert result.exit_code == 0, result.output
    else:
        assert (result.exit_code, result.output) == (1, f"Error: {error}\n")
    assert (count(db, "spans"), count(db, "relations")) == (spans, relations)
    if name == "studio-ids.json":
        with closing(sqlite3.connect(db)) as conn:
            assert conn.execute("SELECT note FROM spans WHERE label = 'ACTOR'").fetchall() == [
                ("1\ntwo",)
            ]


# -- JSON that Python's parser cannot read: nesting and integer digits ------------------

# '{"text": "abc def", "meta": {"x": ' is 34 characters: the 100,000th "[" (the
# deepest, 2 + 100,000 levels) is character 34 + 99,999, column 100,034.
DEEP = '{"text": "abc def", "meta": {"x": ' + "[" * 100_000 + "]" * 100_000 + '}, "spans": []}'
DEEP_PROBLEM = (
    "too deeply nested to read: 100,002 levels of arrays and objects, the deepest at column 100034"
)
# '{"text": "abc def", "spans": [{"start": 0, "end": ' is 50 characters: column 51.
LONG_INT = '{"text": "abc def", "spans": [{"start": 0, "end": ' + "9" * 5_000 + ', "label": "A"}]}'
LONG_PROBLEM = "a 5,000-digit number, over the 4,300 digits that can be read, starting at column 51"
# What each reader says around the parser's problem, for line 1 of "bad" + suffix.
NOT_JSON = {
    "jsonl": "{name} line 1 is not valid JSON ({problem}): fix or remove it",
    "doccano": "{name} line 1: not valid JSON ({problem}): fix or remove the line",
    "prodigy": "{name} line 1: not valid JSON ({problem}): fix or remove the line",
    "labelstudio": "{name} line 1: not valid JSON ({problem}): a Label Studio export is one"
    " JSON array of tasks; export it again",
}


@pytest.mark.parametrize("content", [DEEP, LONG_INT], ids=["deep", "long-integer"])
@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".jsonl", None), (".json", None), (".jsonl", "jsonl"), (".jsonl", "doccano"),
     (".jsonl", "prodigy"), (".json", "labelstudio")],
)  # fmt: skip
def test_json_too_deep_or_too_long_for_python_is_refused_in_one_line(
    tmp_path: Path, content: str, suffix: str, fmt: str | None
) -> None:
    source, db = tmp_path / f"bad{suffix}", tmp_path / "t.db"
    source.write_text(content + "\n")
    run("import", str(write_plain(tmp_path)), "--db", str(db))
    before = everything_stored(db)
    result = run("import", str(source), *(["--format", fmt] if fmt else []), "--db", str(db))
    # Recognised by no reader, a .jsonl goes to the native one, a .json to Label Studio's.
    reader = fmt or ("jsonl" if suffix == ".jsonl" else "labelstudio")
    problem = DEEP_PROBLEM if content is DEEP else LONG_PROBLEM
    message = NOT_JSON[reader].format(name=source.name, problem=problem)
    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert everything_stored(db) == before


def write_plain(folder: Path) -> Path:
    article = folder / "plain.txt"
    article.write_text("Kyiv bridge reopens.\n")
    return article


def test_json_too_deep_is_refused_by_the_api_naming_its_line(tmp_path: Path) -> None:
    # A pretty-printed Label Studio file: the deep value starts on line 3.
    source = tmp_path / "tasks.json"
    source.write_text('[\n{"data": {"text": "abc def"},\n "meta": ' + "[" * 100_000
                      + "]" * 100_000 + "}\n]\n")  # fmt: skip
    with open_store(tmp_path / "t.db") as store:
        with pytest.raises(ImportRefusedError) as info:
            store.import_file(source)
        assert store.document_count() == 0
    # The file's "[", the task's "{" and 100,000 more; ' "meta": ' is 9 characters,
    # so the 100,000th "[" is column 9 + 100,000.
    assert str(info.value) == (
        "tasks.json line 3: not valid JSON (too deeply nested to read: 100,002 levels of"
        " arrays and objects, the deepest at column 100009): a Label Studio export is one"
        " JSON array of tasks; export it again"
    )


def test_a_4_000_digit_offset_is_shortened_in_the_message(tmp_path: Path) -> None:
    native, doccano, db = tmp_path / "far.jsonl", tmp_path / "far2.jsonl", tmp_path / "t.db"
    native.write_text('{"text": "abc def", "offset_unit": "codepoint", "spans": [{"start": 0,'
                      ' "end": ' + "9" * 4_000 + ', "label": "ACTOR"}]}\n')  # fmt: skip
    doccano.write_text('{"text": "abc def", "label": [[-' + "8" * 4_000 + ', 3, "ACTOR"]]}\n')
    result = run("import", str(native), "--db", str(db))
    assert (result.exit_code, result.output) == (1, (
        "Error: far.jsonl line 1: span [0, 999999…9999 (4,000 digits)) is not inside the text"
        " (0..7 code points, start < end): fix the offsets\n"))  # fmt: skip
    result = run("import", str(doccano), "--db", str(db))
    assert (result.exit_code, result.output) == (1, (
        "Error: far2.jsonl line 1: span [-888888…8888 (4,000 digits), 3) ACTOR is not inside"
        " the text (0..7 UTF-16 units, start < end): fix the offsets\n"))  # fmt: skip
    assert count(db, "documents") == 0
