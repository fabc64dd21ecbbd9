"""Hostile and broken input: each is refused cleanly or kept verbatim, and nothing leaks.

* A web page full of active content imports as its article text only, and a
  loopback HTTP server that the page points at sees no request at all.
* Huge, deeply nested, badly encoded and binary files are refused with one
  clear line (or read in bounded time), leaving the database as it was.
* Strings built to break SQL, JSON or line-based formats come back verbatim.
* A ``--db`` that is not ours, cut short, or from a newer release is refused
  with one line, and its bytes stay as they were.
* An export never replaces a file without ``--force``, and one killed half-way
  leaves no half file under the final name.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from annotator import migrations, open_store
from annotator.cli import cli
from annotator.formats import registry

TEXT = "Mayor Ana Ruiz said on Monday that the bridge in Kyiv reopens next week."


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(db: Path, table: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def everything_stored(db: Path) -> str:
    """Every value of every table, as one string (to look for what must not be there)."""
    with closing(sqlite3.connect(db)) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        values = [
            str(value)
            for table in tables
            for row in conn.execute(f'SELECT * FROM "{table}"')  # names from sqlite_master
            for value in row
        ]
    return "\n".join(values)


def console_script() -> list[str]:
    """The installed `annotator` command beside this Python, else the module."""
    found = shutil.which("annotator", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "ui.cli"]


def without_display() -> dict[str, str]:
    """The environment of a machine with no screen: the core's commands need none."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    return {k: v for k, v in os.environ.items() if k not in hidden}


# -- a loopback server that records every connection -------------------------------


class Recorder(http.server.BaseHTTPRequestHandler):
    timeout = 2  # a client that connects and says nothing cannot hold the server
    seen: list[str]

    def setup(self) -> None:
        self.seen.append("connection")
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        body = b"FETCHED-CONTENT"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def loopback_server() -> Iterator[tuple[str, Any]]:
    """``(base URL, seen)``: a real HTTP server on 127.0.0.1 in a thread.

    One request at a time, in arrival order, so after a probe has been answered
    every earlier connection has been recorded.
    """
    seen: list[str] = []
    handler = type("Handler", (Recorder,), {"seen": seen})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def probe(base: str, path: str) -> None:
    with urllib.request.urlopen(f"{base}{path}", timeout=10) as answer:
        assert answer.read() == b"FETCHED-CONTENT"


def hostile_page(base: str, charset: str = "utf-8") -> str:
    """Active content of every kind, each pointing at ``base``; markers say XX-...-XX."""
    return f"""<!DOCTYPE html SYSTEM "{base}/doctype.dtd" [
<!ENTITY remote SYSTEM "{base}/entity.txt"> <!ENTITY local SYSTEM "file:///etc/passwd">]>
<?xml-stylesheet href="{base}/pi.xsl"?>
<html><head><meta charset="{charset}"><title>Bridge news</title>
<meta http-equiv="refresh" content="0;url={base}/refresh">
<link rel="stylesheet" href="{base}/style.css"><link rel="preload" href="{base}/font.woff2">
<base href="{base}/base/">
<script src="{base}/script.js">XX-SCRIPT-SRC-XX()</script>
<script>fetch("{base}/fetch"); document.write("XX-SCRIPT-XX")</script>
<style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }} XX-STYLE-XX</style>
</head>
<body onload="XX-ONLOAD-XX()" background="{base}/body.png">
<article>
<h1 onclick="XX-ONCLICK-XX()" onmouseover="fetch('{base}/hover')">Bridge reopens in Kyiv</h1>
<p style="background: url({base}/inline.png)">The mayor said the café reopens on Monday,
<img src="{base}/img.png" srcset="{base}/img2.png 2x" alt="XX-ALT-XX" onerror="XX-ONERROR-XX()">
according to city officials &remote; &local;.</p>
<iframe src="{base}/iframe.html">XX-IFRAME-XX</iframe>
<iframe srcdoc="<p>XX-SRCDOC-XX</p><img src={base}/srcdoc.png>"></iframe>
<object data="{base}/object.swf" type="application/x-shockwave-flash">XX-OBJECT-XX</object>
<embed src="{base}/embed.swf">
<p>Read the <a href="javascript:fetch('{base}/js')" onclick="XX-LINK-XX()">statement</a>
on the city site.</p>
<svg><image href="{base}/svg.png"/><script>XX-SVG-XX</script></svg>
<picture><source srcset="{base}/pic.webp"><img src="{base}/pic.png"></picture>
<video src="{base}/v.mp4" poster="{base}/poster.png"></video>
<form action="{base}/form"><input type="image" src="{base}/input.png"><button>XX-BUTTON-XX</button></form>
<noscript><img src="{base}/noscript.png">XX-NOSCRIPT-XX</noscript>
<template><img src="{base}/template.png">XX-TEMPLATE-XX</template>
<p>Traffic resumes at noon.</p>
</article></body></html>
"""  # noqa: E501


HOSTILE_TEXT = (
    "Bridge reopens in Kyiv\n\n"
    "The mayor said the café reopens on Monday, according to city officials &remote; &local;.\n\n"
    "Read the statement on the city site.\n\n"
    "Traffic resumes at noon."
)


def assert_nothing_active_was_kept(db: Path, base: str) -> None:
    with open_store(db) as store:
        (doc,) = store.documents()
        article = store.document(doc.id)
    # Unknown entities stay literal text, exactly as a browser shows them.
    assert article.text == HOSTILE_TEXT
    assert article.title == "Bridge news"
    stored = everything_stored(db)
    assert "XX-" not in stored and base.split("//")[1] not in stored
    assert "root:" not in stored  # nothing of file:///etc/passwd


@pytest.mark.parametrize("charset", ["utf-8", "windows-1252"])
def test_a_hostile_page_imported_in_process_fetches_nothing(
    tmp_path: Path, charset: str
) -> None:
    db, page = tmp_path / "t.db", tmp_path / "page.html"
    with loopback_server() as (base, seen):
        probe(base, "/before")  # the server really answers
        # windows-1252 is not UTF-8: the page is read a second time for its <meta> charset.
        page.write_bytes(hostile_page(base, charset).encode(charset))
        result = run("import", str(page), "--db", str(db))
        probe(base, "/after")
    assert result.exit_code == 0, result.output
    assert seen == ["connection", "/before", "connection", "/after"]
    assert_nothing_active_was_kept(db, base)


def test_a_hostile_page_imported_by_the_command_fetches_nothing(tmp_path: Path) -> None:
    db, page = tmp_path / "t.db", tmp_path / "page.html"
    env = without_display() | {"PYTHONPROFILEIMPORTTIME": "1"}
    with loopback_server() as (base, seen):
        probe(base, "/before")
        page.write_text(hostile_page(base), encoding="utf-8")
        proc = subprocess.run(
            [*console_script(), "import", str(page), "--db", str(db)],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
        probe(base, "/after")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "1 document added, 0 skipped, 0 spans added"
    assert "import time:" in proc.stderr and " click" in proc.stderr  # the list of imports
    assert " PySide6" not in proc.stderr  # ... holds no Qt: no display needed
    assert seen == ["connection", "/before", "connection", "/after"]
    assert_nothing_active_was_kept(db, base)


def test_an_embed_does_not_swallow_the_rest_of_the_article(tmp_path: Path) -> None:
    # libxml2 parses the void <embed> as a container of everything after it.
    page = tmp_path / "embed.html"
    page.write_text(
        "<html><body><article><p>First paragraph.</p><embed src=video.swf>"
        "<p>Second paragraph.</p><p>Third <embed src=x.swf> and last.</p></article></body></html>"
    )
    db = tmp_path / "t.db"
    assert run("import", str(page), "--db", str(db)).exit_code == 0
    with open_store(db) as store:
        text = store.document(1).text
    assert text == "First paragraph.\n\nSecond paragraph.\n\nThird and last."


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
    assert error.startswith("Error: nested.html: the HTML could not be read to the end (")
    assert error.endswith("): simplify the page or save its text as .txt")
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


def _doccano_line(text: str) -> bytes:
    return json.dumps({"text": text, "label": [[0, 4, "ACTOR"]]}).encode() + b"\n"


BAD_UTF8 = b"Kyiv bridge\xff\xfe reopens \xc3("


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("article.txt", BAD_UTF8, "article.txt is not valid UTF-8 (byte 11)"),
        ("article.md", BAD_UTF8, "article.md is not valid UTF-8 (byte 11)"),
        ("page.html", b"<p>" + BAD_UTF8 + b"</p>", "page.html is not valid UTF-8 (byte 14)"),
        ("native.jsonl", b'{"text": "' + BAD_UTF8 + b'", "offset_unit": "codepoint"}\n',
         "native.jsonl is not valid UTF-8 (byte 21)"),
        ("doccano.jsonl", _doccano_line("Kyiv bridge") + b'{"text": "\xff"}\n',
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


# -- strings made to break things -------------------------------------------------------

LONG = ("'; DROP TABLE spans; -- \"quoted\" 🇺🇦 e\u0301 \n" * 300)[:10_000]
HOSTILE = [
    "'; DROP TABLE spans; --",
    "Robert'); DROP TABLE documents;--",
    "She said \"no\" and 'yes' and `maybe`",
    "line one\nline two\r\nline three\rlast",
    "\\ backslash \\n \\u0041 not escapes",
    "%s %d {} {0} ? ?1 :name $1 @x",
    "tab\there\u2028line separator\u2029paragraph\u0085next line",
    "\u202eright-to-left override\u202c",
    "</script><script>alert(1)</script>",
    "T1\tACTOR 0 4\tKyiv",  # a brat line
    LONG,
]
assert len(LONG) == 10_000


def test_hostile_strings_are_stored_and_exported_verbatim(tmp_path: Path) -> None:
    db, out = tmp_path / "t.db", tmp_path / "out.jsonl"
    with open_store(db) as store:
        doc = store.add_document(TEXT, title=LONG, source=HOSTILE[0],
                                 meta={h: h for h in HOSTILE})  # fmt: skip
        for n, hostile in enumerate(HOSTILE):
            store.add_span(doc.id, n, n + 5, "ACTOR", annotator=hostile, note=hostile,
                           attributes={hostile: [hostile, {hostile: hostile}]})  # fmt: skip
    # A plain read of the file, no Store involved.
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT annotator, note, attributes FROM spans ORDER BY start")
        assert [(a, n, json.loads(attrs)) for a, n, attrs in rows] == [
            (h, h, {h: [h, {h: h}]}) for h in HOSTILE
        ]
        title, source, meta = conn.execute("SELECT title, source, meta FROM documents").fetchone()
        assert (title, source, json.loads(meta)) == (LONG, HOSTILE[0], {h: h for h in HOSTILE})
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == len(HOSTILE)
    result = run("export", "--db", str(db), "--out", str(out))
    assert result.exit_code == 0, result.output
    # One line: JSON Lines end at "\n" only (U+2028 and friends may stand in strings).
    (line,) = out.read_text(encoding="utf-8").removesuffix("\n").split("\n")
    record = json.loads(line)
    assert record["meta"] == {**{h: h for h in HOSTILE}, "title": LONG, "source": HOSTILE[0],
                              "sha256": doc.text_sha256, "created_at": doc.created_at}  # fmt: skip
    spans = sorted(record["spans"], key=lambda s: s["start"])
    assert [(s["annotator"], s["note"], s["attributes"]) for s in spans] == [
        (h, h, {h: [h, {h: h}]}) for h in HOSTILE
    ]


def test_hostile_strings_survive_an_import_verbatim(tmp_path: Path) -> None:
    source, db, out = tmp_path / "in.jsonl", tmp_path / "t.db", tmp_path / "out.jsonl"
    spans = [{"id": h, "start": 0, "end": 5, "label": "CLAIM", "text": TEXT[:5], "annotator": h,
              "note": h, "attributes": {h: h}} for h in HOSTILE]  # fmt: skip
    spans.append({"id": "actor", "start": 6, "end": 14, "label": "ACTOR", "annotator": "a"})
    relations = [{"id": h, "type": "ATTRIBUTED_TO", "from": h, "to": "actor", "annotator": h,
                  "attributes": {h: h}} for h in HOSTILE]  # fmt: skip
    record = {"id": HOSTILE[1], "text": TEXT, "offset_unit": "codepoint",
              "meta": {"title": HOSTILE[0], **{h: h for h in HOSTILE[2:]}},
              "spans": spans, "relations": relations}  # fmt: skip
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(db)) as conn:
        stored = conn.execute("SELECT id, annotator, note, attributes FROM spans WHERE id != ?",
                              ["actor"]).fetchall()  # fmt: skip
        assert sorted((i, a, n, json.loads(at)) for i, a, n, at in stored) == sorted(
            (h, h, h, {h: h}) for h in HOSTILE
        )
        rels = conn.execute("SELECT id, annotator, from_span, attributes FROM relations")
        assert sorted((i, a, f, json.loads(at)) for i, a, f, at in rels) == sorted(
            (h, h, h, {h: h}) for h in HOSTILE
        )
        uid, title = conn.execute("SELECT uid, title FROM documents").fetchone()
        assert (uid, title) == (HOSTILE[1], HOSTILE[0])
    assert run("export", "--db", str(db), "--out", str(out)).exit_code == 0
    back = json.loads(out.read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in back["spans"]}
    assert all((by_id[h]["note"], by_id[h]["annotator"], by_id[h]["attributes"]) == (h, h, {h: h})
               for h in HOSTILE)  # fmt: skip
    assert sorted(r["id"] for r in back["relations"]) == sorted(HOSTILE)


def test_a_hostile_analyst_name_on_the_command_line(tmp_path: Path) -> None:
    source, db = tmp_path / "d.jsonl", tmp_path / "t.db"
    source.write_bytes(_doccano_line("Kyiv bridge reopens"))
    result = run("import", str(source), "--annotator", HOSTILE[0], "--db", str(db))
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT annotator FROM spans").fetchall() == [(HOSTILE[0],)]
    out = run("export", "--db", str(db), "--annotator", HOSTILE[0], "--out", "-")
    assert json.loads(out.stdout)["spans"][0]["annotator"] == HOSTILE[0]


def test_mapping_onto_a_hostile_label_is_refused_cleanly(tmp_path: Path) -> None:
    source, db = tmp_path / "d.jsonl", tmp_path / "t.db"
    with open_store(db) as store:
        store.add_document(TEXT)
    source.write_bytes(_doccano_line("Kyiv bridge reopens"))
    before = sha256(db)
    result = run("import", str(source), "--map", f"ACTOR={HOSTILE[0]}", "--db", str(db))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: d.jsonl uses labels the schema does not have: {HOSTILE[0]};"
        f" map them, e.g. --map {HOSTILE[0]}=CLAIM (the schema has CLAIM, ACTOR, DATE, CITATION)\n"
    )
    assert sha256(db) == before and count(db, "spans") == 0 and count(db, "documents") == 1


@pytest.mark.parametrize("name", [HOSTILE[0], "ACTOR\nDATE", "actor", "A" * 10_000 + "-"])
def test_a_schema_with_a_hostile_label_name_is_refused(tmp_path: Path, name: str) -> None:
    schema, db, article = tmp_path / "s.json", tmp_path / "new.db", tmp_path / "a.txt"
    article.write_text(TEXT)
    schema.write_text(json.dumps({"name": "x", "version": 1, "labels": [
        {"name": name, "key": "1", "color": "#000000"}], "relations": []}))  # fmt: skip
    result = run("import", str(article), "--schema", str(schema), "--db", str(db))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert not db.exists()


# -- database files that are not (or no longer) ours ----------------------------------


_REAL: list[bytes] = []


def _real(path: Path) -> None:
    """A real database of ~600 KB (made once, then copied)."""
    if not _REAL:
        with open_store(path) as store:
            for n in range(60):
                doc = store.add_document(f"Article {n}. " + TEXT * 20)
                store.add_spans(doc.id, [{"start": i, "end": i + 4, "label": "ACTOR",
                                          "annotator": "a"} for i in range(0, 400, 5)])  # fmt: skip
        _REAL.append(path.read_bytes())
    else:
        path.write_bytes(_REAL[0])


def _not_sqlite(path: Path) -> None:
    path.write_text("name,title\nOlena,Mayor\n")


def _png(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)


def _truncated(path: Path) -> None:
    _real(path)
    size = path.stat().st_size
    assert size > 100_000
    with open(path, "r+b") as f:
        f.truncate(size // 2)


def _newer(path: Path) -> None:
    _real(path)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
        conn.commit()


def _other_program(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()


BAD_FILES = {
    "not SQLite": (_not_sqlite, "is not a SQLite database: choose an annotator .db file"),
    "an image": (_png, "is not a SQLite database: choose an annotator .db file"),
    "truncated": (_truncated, "is damaged (database disk image is malformed)"),
    "newer": (_newer, f"was written by a newer annotator (layout {migrations.LATEST + 1}"),
    "another program's": (_other_program, "is a SQLite file of another program"),
}
COMMANDS = {
    "list": ["list"],
    "stats": ["stats"],
    "check": ["check"],
    "export": ["export", "--out", "{dir}/out.jsonl"],
    "import": ["import", "{dir}/article.txt"],
    "backup": ["backup", "--out", "{dir}/copy.db"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_database_file_is_refused_in_one_line_and_left_as_it_was(
    tmp_path: Path, kind: str, command: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    db = tmp_path / "team.db"
    make, message = BAD_FILES[kind]
    make(db)
    (work / "article.txt").write_text(TEXT)
    before = sha256(db)
    listing = sorted(p.name for p in tmp_path.rglob("*"))
    args = [a.replace("{dir}", str(work)) for a in COMMANDS[command]]
    result = run(*args, "--db", str(db))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {db} {message}")
    assert result.output.count("\n") == 1, result.output
    assert sha256(db) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == listing  # no -wal, no output


# -- exports: never over a file without --force, never half a file -------------------


@pytest.mark.parametrize("fmt", registry.EXPORT_FORMATS)
def test_an_export_never_replaces_a_file_without_force(tmp_path: Path, fmt: str) -> None:
    db = tmp_path / "t.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 0, 14, "ACTOR", annotator="alice")
    target = tmp_path / ("out" if fmt == "brat" else "out.file")
    if fmt == "brat":
        target.mkdir()
        (target / "keep.txt").write_text("an earlier export")
        precious = target / "keep.txt"
    else:
        target.write_text("an earlier export")
        precious = target
    result = run("export", "--format", fmt, "--db", str(db), "--out", str(target))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {target} already exists: choose another --out, or add --force to replace it\n"
    )
    assert precious.read_text() == "an earlier export"
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["t.db", target.name])


EXPORT_DOCS, EXPORT_CHARS = 30, 1_000_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 60 MB: an export of it takes long enough to be caught half-way."""
    db = tmp_path_factory.mktemp("big") / "big.db"
    line = "Mayor Ana Ruiz said the bridge in Kyiv reopens on Monday 🇺🇦. "
    with open_store(db) as store:
        for n in range(EXPORT_DOCS):
            text = f"Article {n}. " + line * (EXPORT_CHARS // len(line))
            doc = store.add_document(text)
            store.add_spans(doc.id, [{"start": i, "end": i + 5, "label": "ACTOR",
                                      "annotator": "a"} for i in range(0, 2000, 20)])  # fmt: skip
    return db


def kill_export_half_way(db: Path, out: Path, *extra: str) -> int:
    """Start `annotator export`, SIGKILL it once its temporary file holds data."""
    proc = subprocess.Popen(
        [*console_script(), "export", "--db", str(db), "--out", str(out), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=without_display(),
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            assert time.monotonic() < deadline, "the export never started writing"
            assert proc.poll() is None, "the export finished before it could be killed"
            temps = list(out.parent.glob(f".{out.name}.*.tmp"))
            if temps and temps[0].stat().st_size > 0:
                break
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=60) == -signal.SIGKILL
        return temps[0].stat().st_size
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_an_export_killed_half_way_leaves_no_file(tmp_path: Path, big_db: Path) -> None:
    out = tmp_path / "export.jsonl"
    kill_export_half_way(big_db, out)
    assert not out.exists()  # no half file under the final name
    (temp,) = tmp_path.glob(".export.jsonl.*.tmp")  # what it had written: a part only
    partial = temp.read_bytes()
    assert partial and partial.count(b"\n") < EXPORT_DOCS


def test_an_export_killed_half_way_leaves_the_previous_file(
    tmp_path: Path, big_db: Path
) -> None:
    out = tmp_path / "export.jsonl"
    assert run("export", "--db", str(big_db), "--out", str(out)).exit_code == 0
    previous = sha256(out)
    kill_export_half_way(big_db, out, "--force")
    assert sha256(out) == previous  # the earlier complete export, untouched
