"""A web page full of active content imports as its article text only, and a
loopback HTTP server that the page points at sees no request at all.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hostile import console_script, everything_stored, run, without_display

from annotator import open_store

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
def test_a_hostile_page_imported_in_process_fetches_nothing(tmp_path: Path, charset: str) -> None:
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
