"""A native JSONL file is read while it is stored (``annotator.formats.jsonl_stream``):
each line parsed on the import's preparing thread.  What is stored, refused or
reported must be exactly what the careful read (the whole file parsed and
checked first) gives; the careful read, with streaming switched off, is the
reference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from test_import_ahead import dump, fixed_time, import_into, mixed_file, record  # noqa: F401

from annotator import AnnotatorError, open_store
from annotator.formats import jsonl, jsonl_stream

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def parsed_on(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that parse the streamed lines, one per line."""
    threads: list[str] = []
    real = jsonl_stream.StreamedRecords._record

    def parse(self: Any, index: int) -> Any:
        threads.append(threading.current_thread().name)
        return real(self, index)

    monkeypatch.setattr(jsonl_stream.StreamedRecords, "_record", parse)
    return threads


@pytest.fixture
def careful_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the careful read parsed."""
    names: list[str] = []
    real = jsonl.read

    def read(path: Any, **options: Any) -> Any:
        names.append(Path(path).name)
        return real(path, **options)

    monkeypatch.setattr(jsonl, "read", read)
    return names


def careful_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl_stream, "stream", lambda *args: None)


@pytest.mark.usefixtures("fixed_time")
def test_a_streamed_import_stores_what_the_careful_read_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parsed_on: list[str],
    careful_reads: list[str],
) -> None:  # fmt: skip
    path, _ = mixed_file(tmp_path / "mixed.jsonl")
    lines = len(path.read_text("utf-8").splitlines())
    streamed = import_into(tmp_path / "streamed.db", path)
    # The first and last lines were looked at first; then every line was parsed
    # on the preparing thread, and the file was never read whole.
    assert parsed_on == ["MainThread"] * 2 + ["import-ahead"] * lines
    assert careful_reads == []
    careful_only(monkeypatch)
    careful = import_into(tmp_path / "careful.db", path)
    assert careful_reads == ["mixed.jsonl"]
    assert [d.id for d in streamed] == [d.id for d in careful]
    assert (streamed.skipped, streamed.notes) == (careful.skipped, careful.notes)
    assert (streamed.spans_added, streamed.relations_added) == (
        careful.spans_added, careful.relations_added)  # fmt: skip
    assert dump(tmp_path / "streamed.db") == dump(tmp_path / "careful.db")


def _spoilt(n: int, how: str) -> Any:
    """Record ``n`` with one thing the stream must leave to the careful read."""
    rec = record(n, 3)
    if how == "label":
        rec["spans"][0]["label"] = f"PERSON{n % 2}"  # two unknown labels in the file
    elif how == "relation":
        rec["relations"] = [{"id": f"rel-{n}", "type": "QUOTES", "from": f"r{n}-s0",
                             "to": f"r{n}-s1"}]  # fmt: skip
    elif how == "title":
        rec["meta"]["title"] = ["not", "a", "string"]
    elif how == "unit":
        rec["offset_unit"] = "utf16"
    return rec


@pytest.mark.usefixtures("fixed_time")
@pytest.mark.parametrize("how", ["json", "label", "relation", "title", "unit"])
def test_a_line_the_stream_cannot_take_is_named_by_the_careful_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, careful_reads: list[str]
) -> None:
    records = [record(n, 3) for n in range(50)]
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    for n in (41, 46):  # late in the file: records before them are stored, then rolled back
        lines[n] = '{"id": "broken", "text": ' if how == "json" else json.dumps(_spoilt(n, how))
    path = tmp_path / "late.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")

    def refusal(name: str) -> tuple[str, Any]:
        db = tmp_path / name
        with open_store(db) as store:
            store.add_document("An article already here.", uid="doc-here")
        before = dump(db)
        with open_store(db) as store, pytest.raises(AnnotatorError) as caught:
            store.import_file(path)
        assert dump(db) == before  # nothing of the file is kept
        return str(caught.value), before

    message, _ = refusal("streamed.db")
    assert careful_reads == ["late.jsonl"]  # the stream stopped and handed over
    careful_only(monkeypatch)
    assert refusal("careful.db")[0] == message
    expected = {
        "json": "late.jsonl line 42 is not valid JSON",
        "label": "late.jsonl uses labels the schema does not have: PERSON0, PERSON1",
        "relation": "late.jsonl uses relation types the schema does not have: QUOTES",
        "title": "late.jsonl line 42: title ['not', 'a', 'string'] is not a string",
        "unit": "late.jsonl line 42 counts offsets in 'utf16'",
    }[how]
    assert message.startswith(expected)


@pytest.mark.parametrize(
    "content",
    [b'{"text": "caf\xe9"}\n', b'{"text": "\\ud83c alone"}\n', b"\n  \n"],
    ids=["not-utf8", "half-pair", "no-line"],
)
def test_files_the_stream_does_not_start_on(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(content)
    with open_store(tmp_path / "t.db") as store:
        assert jsonl_stream.stream(path, None, store.schema) is None


@pytest.mark.parametrize("records", [2, 40])  # on the importing thread, and ahead of it
def test_the_files_own_problem_is_named_before_the_stores(tmp_path: Path, records: int) -> None:
    """Line 1 has a span outside its text (the store finds it); the last line a
    label the schema lacks (the careful read finds it before storing anything)."""
    lines = [record(n, 2) for n in range(records)]
    lines[0]["spans"][0]["end"] = 999
    lines[-1]["spans"][0]["label"] = "PERSON"
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), "utf-8")
    with open_store(tmp_path / "t.db") as store, pytest.raises(AnnotatorError) as caught:
        store.import_file(path)
    assert str(caught.value).startswith(
        "two.jsonl uses labels the schema does not have: PERSON;"
    )
    with open_store(tmp_path / "t.db") as store:
        assert store.documents() == []


def test_a_file_cut_short_is_refused_before_any_work(
    tmp_path: Path, careful_reads: list[str]
) -> None:
    lines = [json.dumps(record(n, 2)) for n in range(50)]
    path = tmp_path / "cut.jsonl"
    path.write_text("\n".join(lines)[:-20], "utf-8")  # an interrupted copy
    with open_store(tmp_path / "t.db") as store:
        assert jsonl_stream.stream(path, None, store.schema) is None
        with pytest.raises(AnnotatorError, match=r"^cut\.jsonl line 50 is not valid JSON"):
            store.import_file(path)
    assert careful_reads == ["cut.jsonl"]


def test_a_big_file_is_read_the_careful_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, careful_reads: list[str]
) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(record(n, 2)) + "\n" for n in range(40)), "utf-8")
    monkeypatch.setattr(jsonl_stream, "STREAM_AT_MOST", path.stat().st_size - 1)
    with open_store(tmp_path / "t.db") as store:
        assert len(store.import_file(path)) == 40
    assert careful_reads == ["big.jsonl"]


def test_a_named_pipe_with_a_bad_line_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A pipe can be read once: it is read the careful way from the start (the
    stream would have used it up, and the careful read then waited for a writer)."""
    pipe = tmp_path / "fifo"
    os.mkfifo(pipe)
    lines = [json.dumps(record(n, 2)) for n in range(5)]
    lines[2] = '{"text": "broken'
    script = (
        "import sys\nfrom annotator import open_store, AnnotatorError\n"
        "with open_store(sys.argv[1]) as store:\n"
        "    try:\n        store.import_file(sys.argv[2], format='jsonl')\n"
        "    except AnnotatorError as exc:\n        print(exc)\n"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "t.db"), str(pipe)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    with open(pipe, "w", encoding="utf-8") as f:  # waits for the reader to open it
        f.write("\n".join(lines) + "\n")
    out, _ = reader.communicate(timeout=60)
    assert out.startswith("fifo line 3 is not valid JSON")
