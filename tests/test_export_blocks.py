"""The native export over many documents: built in blocks, put back in order.

The export builds documents in blocks of ``jsonl.BLOCK`` (fewer when they
are long), some of the blocks in a helper process when the export is big
(each test runs both ways, the helper as a real subprocess); these tests span
several blocks, with gaps in the document ids (deleted documents) and
documents without spans, and compare the lines with what the test itself put
into the database.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from export_helpers import article, as_tuples, helper_fixture, records  # noqa: F401  (a fixture)

from annotator import ExportError, Store, open_store
from annotator.formats import jsonl
from annotator.store import documents as documents_module
from annotator.store import export_helper
from annotator.store import exporting as export
from annotator.store.exporting import export_blocks

DOCS = 3 * jsonl.BLOCK + 3  # four blocks, the last one short


def build(store: Store) -> dict[str, list[tuple[int, int, str, str, str]]]:
    """Documents with spans of two analysts; returns the expected spans per uid."""
    expected: dict[str, list[tuple[int, int, str, str, str]]] = {}
    for n in range(DOCS):
        text = article(n)
        doc = store.add_document(text, title=f"Report {n}")
        if n % 5 == 3:  # some documents have no spans at all
            expected[doc.uid] = []
            continue
        # "Zoë Ångström" starts after the flag (2), a space, "Report n: " and the
        # firefighter (4) and " Minister ": found with str.index, then checked by hand once.
        actor = text.index("Zoë")
        spans = [(actor, actor + len("Zoë Ångström"), "ACTOR", "alice")]
        if n % 2:
            claim = text.index("talks")
            spans.append((claim, len(text) - 1, "CLAIM", "bob"))
        for start, end, label, who in spans:
            store.add_span(doc.id, start, end, label, annotator=who)
        expected[doc.uid] = sorted((s, e, lab, text[s:e], who) for s, e, lab, who in spans)
    return expected


@pytest.fixture
def corpus(tmp_path: Path, helper: bool) -> Iterator[tuple[Store, dict[str, list[Any]]]]:
    store = open_store(tmp_path / "many.db")
    expected = build(store)
    # Gaps in the ids: delete two documents, one inside a block and one at a block's end.
    for doc_id in (2, jsonl.BLOCK * 2):
        uid = store.document(doc_id).uid
        store.delete_document(doc_id, by="alice")
        del expected[uid]
    yield store, expected
    store.close()


def test_the_first_article_is_counted_by_hand() -> None:
    # 🇺🇦 0-1, " " 2, "Report 0:" 3-11, " " 12, 👨🏻‍🚒 13-16, " Minister " 17-26, "Zoë" 27-29
    assert article(0).index("Zoë") == 27
    assert article(0)[27:39] == "Zoë Ångström"


def test_every_document_in_order_with_its_own_spans(corpus: Any, tmp_path: Path) -> None:
    store, expected = corpus
    target = tmp_path / "all.jsonl"
    report = store.export_jsonl(target)
    lines = records(target.read_text(encoding="utf-8"))
    assert [r["id"] for r in lines] == list(expected)  # insertion order = id order
    assert {r["id"]: as_tuples(r) for r in lines} == expected
    assert report.documents == DOCS - 2
    assert report.spans == sum(len(v) for v in expected.values())


@pytest.mark.parametrize(
    ("lengths", "blocks"),
    [
        # ids 1-3 and 5-7 (4 deleted): two documents or 250 characters per block at most
        ({1: 100, 2: 100, 3: 300, 5: 50, 6: 50, 7: 50}, [(1, 2), (3, 3), (5, 6), (7, 7)]),
        ({1: 200, 2: 100, 3: 100}, [(1, 1), (2, 3)]),  # 200 + 100 would pass 250
        ({1: 250, 2: 1}, [(1, 1), (2, 2)]),
        ({}, []),
    ],
)
def test_blocks_hold_a_few_documents_or_one_long_one(
    lengths: dict[int, int], blocks: list[tuple[int, int]]
) -> None:
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, length INTEGER NOT NULL)")
        conn.executemany("INSERT INTO documents VALUES (?, ?)", lengths.items())
        assert export_blocks(conn, 2, 250) == blocks


def test_blocks_cut_by_length_keep_every_document_in_order(
    corpus: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Room for two articles per block (they are 67-69 characters long): the
    # blocks are cut by length, not by count, and the lines are the same.
    monkeypatch.setattr(jsonl, "BLOCK_CHARS", 2 * len(article(DOCS)))
    store, expected = corpus
    target = tmp_path / "by-length.jsonl"
    store.export_jsonl(target)
    lines = records(target.read_text(encoding="utf-8"))
    assert [r["id"] for r in lines] == list(expected)
    assert {r["id"]: as_tuples(r) for r in lines} == expected


def test_one_layer_over_many_blocks(corpus: Any) -> None:
    store, expected = corpus
    out = io.StringIO()  # a text stream without a byte buffer beneath
    store.export_jsonl(out, annotator="bob")
    lines = records(out.getvalue())
    assert {r["id"]: as_tuples(r) for r in lines} == {
        uid: [s for s in spans if s[4] == "bob"] for uid, spans in expected.items()
    }


def test_a_corrupt_quote_in_a_late_block_stops_the_export(corpus: Any, tmp_path: Path) -> None:
    store, _expected = corpus
    last = DOCS  # the last document's id, in the short last block
    with closing(sqlite3.connect(store.path)) as conn:
        conn.execute(
            "UPDATE spans SET text = 'Zoe Angstrom' WHERE document_id = ? AND label = 'ACTOR'",
            [last],
        )
        conn.commit()
    target = tmp_path / "late.jsonl"
    with pytest.raises(ExportError, match=f"of document {last} quotes 'Zoe Angstrom'"):
        store.export_jsonl(target)
    assert list(tmp_path.glob("*late.jsonl*")) == []


def test_a_helper_that_read_an_older_state_is_not_used(
    corpus: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process adds a span right after the helper took its snapshot: this
    # process reads the newer state, so the helper is handed no block.
    store, expected = corpus
    monkeypatch.setattr(jsonl, "HELPER_SPANS", 0)
    monkeypatch.setattr(export_helper, "JOIN_WAIT", 60)
    handed: list[tuple[int, int]] = []

    class Racing(export_helper.Helper):
        def __init__(self, db: Path, annotator: str | None) -> None:
            super().__init__(db, annotator)
            assert self.started_on(timeout=60) is not None  # its snapshot is taken
            with open_store(db) as other:
                doc = other.document(1)
                other.add_span(doc.id, 0, 2, "ACTOR", annotator="carol")  # the flag 🇺🇦
                expected[doc.uid] = sorted([*expected[doc.uid], (0, 2, "ACTOR", "🇺🇦", "carol")])

        def send(self, block: tuple[int, int]) -> None:
            handed.append(block)
            super().send(block)

    monkeypatch.setattr(jsonl, "Helper", Racing)
    out = io.StringIO()
    store.export_jsonl(out)
    assert handed == []
    assert {r["id"]: as_tuples(r) for r in records(out.getvalue())} == expected


@pytest.mark.parametrize("folder", ["any", "a checkout of another version"])
def test_a_helper_on_the_same_state_is_handed_blocks(
    corpus: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    store, expected = corpus
    monkeypatch.setattr(jsonl, "HELPER_SPANS", 0)
    monkeypatch.setattr(export_helper, "JOIN_WAIT", 60)
    if folder != "any":  # an analyst exports from inside another copy of annotator,
        # which `python -m` would put first on the helper's path: it must run this one
        other = tmp_path / "checkout"
        (other / "annotator").mkdir(parents=True)
        (other / "annotator" / "__init__.py").write_text("raise SystemExit('another copy')\n")
        monkeypatch.chdir(other)
    handed: list[tuple[int, int]] = []

    class Counted(export_helper.Helper):
        def send(self, block: tuple[int, int]) -> None:
            handed.append(block)
            super().send(block)

    monkeypatch.setattr(jsonl, "Helper", Counted)
    out = io.StringIO()
    store.export_jsonl(out)
    assert handed  # (how many depends on which process is faster)
    assert {r["id"]: as_tuples(r) for r in records(out.getvalue())} == expected


def test_the_helper_process_starts_without_the_records_or_the_store() -> None:
    # It joins an export once started: the dataclasses of annotator.model (slow
    # to make), the store and sqlite-utils would delay that by tens of milliseconds.
    code = (
        "import sys, annotator.store.export_helper\n"
        "print(sorted(m for m in ('annotator.model', 'annotator.store.store', 'sqlite_utils',"
        " 'subprocess') if m in sys.modules))"
    )
    root = Path(export_helper.__file__).resolve().parents[2]
    result = subprocess.run([sys.executable, "-P", "-c", code], capture_output=True, text=True,
                            timeout=60, env={**os.environ, "PYTHONPATH": str(root)})  # fmt: skip
    assert result.stdout.split("\n")[0] == "[]", result.stderr


def test_readers_start_on_one_state_however_fast_others_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A colleague commits between the start of the first reader and of the
    # second, every time they can: the readers must still see one state.
    with open_store(tmp_path / "busy.db") as store:
        store.add_document(article(0))
        colleague = sqlite3.connect(store.path, timeout=0, isolation_level=None)
        commits = 0

        def commit_between(statement: str) -> None:
            nonlocal commits
            if statement == "BEGIN":
                try:
                    colleague.execute("INSERT INTO events (at, annotator, action) VALUES"
                                      " ('2026-11-28T00:00:00.000Z', 'bob', 'note')")  # fmt: skip
                    commits += 1
                except sqlite3.OperationalError:  # locked: the readers are being started
                    pass

        real_connect = sqlite3.connect

        def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
            conn = real_connect(*args, **kwargs)
            conn.set_trace_callback(commit_between)
            return conn

        monkeypatch.setattr(documents_module.sqlite3, "connect", connect)
        readers = store.snapshot_readers(2)
        monkeypatch.undo()
        marks = {export.snapshot_mark(conn) for conn in readers}
        for conn in readers:
            conn.close()
        colleague.close()
    assert len(marks) == 1
    assert commits >= 6  # the colleague did commit between readers, on every lock-free try


def test_the_helper_names_a_wrong_quote_in_its_blocks(tmp_path: Path) -> None:
    # Document 2 is in block 1: the helper's.  Its message reaches the caller whole.
    with open_store(tmp_path / "h.db") as store:
        for n in range(jsonl.BLOCK + 1):
            doc = store.add_document(article(n))
            last = store.add_span(doc.id, 27, 39, "ACTOR", annotator="alice")
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE spans SET text = 'Zoe' WHERE document_id = ?", [jsonl.BLOCK + 1])
            conn.commit()
        helper = export_helper.Helper(store.path, None)
        try:
            helper.send((jsonl.BLOCK + 1, jsonl.BLOCK + 1))
            with pytest.raises(ExportError) as info:
                helper.next_block()
        finally:
            helper.close()
    assert str(info.value) == (
        f"span {last.id} of document {jsonl.BLOCK + 1} quotes 'Zoe' but"
        " the text at [27, 39) is 'Zoë Ångström': run `annotator check`; nothing was written"
    )


def test_without_a_helper_process_this_one_does_all_the_work(
    corpus: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A Python that cannot start (or a helper that dies at once) costs speed, not the export.
    store, expected = corpus
    monkeypatch.setattr(jsonl, "HELPER_SPANS", 0)
    broken = tmp_path / "python-that-exits"
    broken.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setattr(export_helper.sys, "executable", str(broken))
    out = io.StringIO()
    store.export_jsonl(out)
    assert {r["id"]: as_tuples(r) for r in records(out.getvalue())} == expected


class SlowHelper:
    """A helper double whose results arrive only after a few polls; it builds
    what it is sent with the same function as this process."""

    def __init__(self, build: Any, polls_before_ready: int) -> None:
        self.build, self.polls, self.wait = build, polls_before_ready, polls_before_ready
        self.sent: list[tuple[int, int]] = []

    def send(self, block: tuple[int, int]) -> None:
        self.sent.append(block)

    def ready(self) -> bool:
        self.wait -= 1
        return self.wait < 0

    def next_block(self) -> list[tuple[int, bytes, int]]:
        self.wait = self.polls
        return self.build(*self.sent.pop(0))


@pytest.mark.parametrize("polls", [0, 2, 100])
def test_blocks_come_in_order_whoever_builds_them(polls: int) -> None:
    blocks = [(n * 10, n * 10 + 9) for n in range(12)]
    ours: list[tuple[int, int]] = []

    def build(first: int, last: int) -> list[tuple[int, bytes, int]]:
        return [(first, f"[{first}..{last}]".encode(), last - first + 1)]

    def build_here(first: int, last: int) -> list[tuple[int, bytes, int]]:
        ours.append((first, last))
        return build(first, last)

    helper = SlowHelper(build, polls)
    built = export_helper.OrderedBlocks(blocks, build_here, helper, depth=2, ahead=4)  # type: ignore[arg-type]
    got = [built.get(i) for i in range(len(blocks))]
    assert got == [[(f, f"[{f}..{last}]".encode(), 10)] for f, last in blocks]
    handed = len(blocks) - len(ours)
    assert sorted(ours + [b for b in blocks if b not in ours]) == blocks  # each built once
    if polls == 0:  # a helper that is always ready does all but nothing here
        assert ours == []
    elif polls == 100:  # a stuck helper: this process builds ahead, up to its limit
        assert handed >= 2 and len(ours) >= 4
    else:
        assert ours and handed >= 2


def test_a_helper_only_for_as_many_spans_as_the_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 12 spans of bob and 3 of alice, then 10 of bob's deleted: 5 spans left, with
    # rowids up to 15.  With a threshold of 5, all layers need a helper; alice's
    # layer (3) does not; after one more deletion (4 left) nothing does.
    monkeypatch.setattr(jsonl, "HELPER_SPANS", 5)
    started: list[str | None] = []

    class Counted(export_helper.Helper):
        def __init__(self, db: Path, annotator: str | None) -> None:
            started.append(annotator)
            super().__init__(db, annotator)

    monkeypatch.setattr(jsonl, "Helper", Counted)
    with open_store(tmp_path / "h.db") as store:
        doc = store.add_document(article(1))
        bob = [store.add_span(doc.id, 3, 9, "ACTOR", annotator="bob") for _ in range(12)]
        for _ in range(3):
            store.add_span(doc.id, 27, 39, "ACTOR", annotator="alice")
        for span in bob[:10]:
            store.delete_span(span.id)
        store.export_jsonl(io.StringIO())
        store.export_jsonl(io.StringIO(), annotator="alice")
        store.delete_span(bob[10].id)
        store.export_jsonl(io.StringIO())
    assert started == [None]


def test_a_helper_that_opened_another_file_at_the_path_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync tool puts back a copy after this process's readers started: the
    helper, starting later, opens the copy, whose mark (as many changes) is equal."""
    monkeypatch.setattr(jsonl, "HELPER_SPANS", 0)
    monkeypatch.setattr(export_helper, "JOIN_WAIT", 60)
    base, here, copy = tmp_path / "base.db", tmp_path / "here.db", tmp_path / "copy.db"
    with open_store(base) as store:
        for n in range(jsonl.BLOCK * 3):
            doc = store.add_document(article(n))
            store.add_span(doc.id, 27, 39, "ACTOR", annotator="alice")
    for path, label, note in ((here, "ACTOR", "only here"), (copy, "DATE", "only in the copy")):
        shutil.copyfile(base, path)
        with open_store(path) as store:
            store.add_span(1, 0, 2, label, annotator="carol", note=note)
    swap = tmp_path / "python-after-a-swap"
    swap.write_text(f"#!/bin/sh\nsleep 0.3\ncp '{copy}' '{tmp_path}/t.db' && mv '{tmp_path}/t.db'"
                    f" '{here}'\nexec '{sys.executable}' \"$@\"\n")  # fmt: skip
    swap.chmod(0o755)
    with open_store(here) as store:
        monkeypatch.setattr(export_helper.sys, "executable", str(swap))
        out = io.StringIO()
        store.export_jsonl(out)
    notes = [s["note"] for r in records(out.getvalue()) for s in r["spans"] if s["note"]]
    assert notes == ["only here"]
