"""The native export to an open stream (standard output, a file object, a binary
file): the lines are the same as in a file, and a refusal after some lines went
out says how many went where (a file target gets nothing at all)."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from annotator import DatabaseFileError, ExportError, Store, open_store
from annotator.formats.jsonl import BLOCK


def articles(store: Store, n: int) -> list[str]:
    """``n`` articles with "Kyiv" at [12, 16) and one span on it each; their span ids."""
    ids = []
    for k in range(n):
        doc = store.add_document(f"Article {k:02}: Kyiv talks resumed.")
        ids.append(store.add_span(doc.id, 12, 16, "ACTOR", annotator="alice").id)
    return ids


def test_a_binary_file_gets_the_bytes_a_file_target_gets(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        articles(store, BLOCK + 2)
        store.export_jsonl(tmp_path / "out.jsonl")
        binary = io.BytesIO()
        store.export_jsonl(binary)
    assert binary.getvalue() == (tmp_path / "out.jsonl").read_bytes()
    assert binary.getvalue().count(b"\n") == BLOCK + 2


def test_a_refusal_after_lines_went_out_names_the_stream_and_counts_them(
    tmp_path: Path,
) -> None:
    # The last article's attributes are no JSON object (written outside annotator):
    # the export finds it in the second block, when the first block's lines are out.
    with open_store(tmp_path / "a.db") as store:
        last = articles(store, BLOCK + 2)[-1]
        with closing(sqlite3.connect(store.path)) as conn:
            conn.execute("UPDATE spans SET attributes = '[1]' WHERE id = ?", [last])
            conn.commit()
        buffer = io.StringIO()
        with pytest.raises(DatabaseFileError) as unnamed:
            store.export_jsonl(buffer)
        named = tmp_path / "latin.jsonl"
        with open(named, "w", encoding="latin-1") as f, pytest.raises(DatabaseFileError) as info:
            store.export_jsonl(f)
        with pytest.raises(DatabaseFileError) as target:
            store.export_jsonl(tmp_path / "out.jsonl")
    head = (f"the database holds [1] (not a JSON object) as the attributes of span {last}"
            " (changed outside annotator?): run `annotator check` to see every such row, and"
            " correct them or restore a backup")  # fmt: skip
    went = f"the lines of the first {BLOCK} documents went to"
    assert str(unnamed.value) == f"{head}; {went} the stream"
    assert buffer.getvalue().count("\n") == BLOCK
    assert str(info.value) == f"{head}; {went} {named}"
    assert named.read_text(encoding="latin-1").count("\n") == BLOCK
    assert str(target.value) == head and list(tmp_path.glob("*out.jsonl*")) == []


def test_a_stream_in_an_encoding_that_cannot_hold_the_text_is_named(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        articles(store, 2)
        store.add_document("Київ: переговори відновилися.")
        named = tmp_path / "latin.jsonl"
        with open(named, "w", encoding="latin-1") as f, pytest.raises(ExportError) as info:
            store.export_jsonl(f)
    assert str(info.value) == (
        f"{named} is open as latin-1, which cannot hold every character of the articles: open it"
        f" as UTF-8; the lines of the first 2 documents went to {named}"
    )
