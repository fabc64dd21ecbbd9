"""brat export: round trips through a store, losses listed, UTF-16 offsets, and files
that reach the disk whole or not at all.  Expected offsets are counted by hand."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from brat_helpers import HARD, utf16, write_pair

from annotator import ExportError, ImportRefusedError, open_store
from annotator.formats import brat

# -- round trips through a store ----------------------------------------------------------


def build_store(path: Path) -> Any:
    store = open_store(path)
    kyiv = store.add_document(HARD, title="Kyiv")
    crlf = store.add_document("Velmora summit\r\nDelegates met on Tuesday.\r\n")
    # "Delegates met on Tuesday" 16-39, "Tuesday" 33-39 (hand count, CR included)
    add = store.add_span
    a1 = add(kyiv.id, 27, 35, "CLAIM", annotator="alice", note="bridge claim",
             attributes={"confidence": "high", "checked": True})  # fmt: skip
    a2 = add(kyiv.id, 14, 25, "ACTOR", annotator="alice", note=" leading space kept")
    add(kyiv.id, 37, 42, "ACTOR", annotator="alice")
    b1 = add(kyiv.id, 0, 7, "CLAIM", annotator="bob")
    b2 = add(kyiv.id, 9, 13, "ACTOR", annotator="bob", note="firefighter")
    add(kyiv.id, 43, 45, "ACTOR", annotator="bob")
    add(kyiv.id, 14, 25, "ACTOR", annotator="bob")
    store.add_relation(kyiv.id, a1.id, a2.id, "ATTRIBUTED_TO", annotator="alice")
    store.add_relation(kyiv.id, b1.id, b2.id, "ATTRIBUTED_TO", annotator="bob")
    c1 = add(crlf.id, 16, 40, "CLAIM", annotator="alice")
    c2 = add(crlf.id, 33, 40, "DATE", annotator="alice")
    store.add_relation(crlf.id, c1.id, c2.id, "DATED", annotator="alice")
    return store


def layer(store: Any, doc_id: int, who: str) -> tuple[list[Any], set[Any]]:
    spans = store.spans(doc_id, annotator=who)
    where = {s.id: (s.start, s.end, s.label) for s in spans}
    rels = {
        (r.type, where[r.from_span], where[r.to_span])
        for r in store.relations(doc_id, annotator=who)
    }
    return [(s.start, s.end, s.label, s.text, s.note, s.attributes) for s in spans], rels


def test_export_then_import_gives_back_each_layer(tmp_path: Path) -> None:
    with build_store(tmp_path / "a.db") as a, open_store(tmp_path / "b.db") as b:
        for who in ("alice", "bob"):
            report = brat.write(a, tmp_path / who, annotator=who)
            assert report.documents == 2
            for txt in (tmp_path / who).glob("*.txt"):
                doc = a.document_by_uid(txt.stem)
                assert txt.read_bytes() == doc.text.encode("utf-8")  # CRLF and all, no BOM
            result = brat.read(tmp_path / who, annotator=who)
            assert result.skipped == [] and result.notes == []
            b.import_records(result.records)
        for doc in a.documents():
            twin = b.document_by_uid(doc.uid)
            assert twin is not None and twin.text == a.document(doc.id).text
            for who in ("alice", "bob"):
                assert layer(b, twin.id, who) == layer(a, doc.id, who)
                assert all(s.origin == "import" for s in b.spans(twin.id, annotator=who))


def test_export_is_stable_numbered_and_lists_losses(tmp_path: Path) -> None:
    with build_store(tmp_path / "a.db") as store:
        kyiv = store.documents()[0]
        store.add_span(kyiv.id, 46, 52, "CLAIM", annotator="carol", note="two\nlines",
                       attributes={"score": 0.5, "flag": False})  # fmt: skip
        first = brat.write(store, tmp_path / "one")
        second = brat.write(store, tmp_path / "two")
        ann = (tmp_path / "one" / f"{kyiv.uid}.ann").read_text(encoding="utf-8")
        assert ann == (tmp_path / "two" / f"{kyiv.uid}.ann").read_text(encoding="utf-8")
        lines = ann.split("\n")
        assert lines[:3] == [
            "T1\tCLAIM 0 7\t\U0001f1fa\U0001f1e6 Kyiv",
            "T2\tACTOR 9 13\t\U0001f468\U0001f3fb\u200d\U0001f692",
            "T3\tACTOR 14 25\tOlena Koval",
        ]
        assert "R1\tATTRIBUTED_TO Arg1:T1 Arg2:T2\t" in lines
        assert "#4\tAnnotatorNotes T8\ttwo lines" in lines  # T8: carol's span, the last
        lost = "\n".join(first.lost)
        assert first.lost == second.lost
        assert "1 note with line breaks or tabs, written on one line" in lost
        assert "2 attributes that are not true or one word" in lost
        assert "10 spans: ids, origin and time stamps" in lost
        assert "#5\tAnalyst T1\tbob" in lines and "#12\tAnalyst T8\tcarol" in lines


def test_span_across_a_line_break_becomes_fragments(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document("Velmora summit\r\nDelegates met on Tuesday.\r\n")
        store.add_span(doc.id, 8, 25, "CLAIM", annotator="alice")  # "summit\r\nDelegates"
        report = brat.write(store, tmp_path / "out")
        ann = (tmp_path / "out" / f"{doc.uid}.ann").read_text(encoding="utf-8")
        assert ann == ("T1\tCLAIM 8 14;16 25\tsummit Delegates\n"
                       "#1\tAnalyst T1\talice\n#2\tOffsets T1\t8 25\n")  # fmt: skip
        assert ("1 span crossing a line break or tab, written as brat fragments (an Offsets"
                " note keeps it whole for our import)") in report.lost  # fmt: skip
        # brat shows the two fragments; our import reads the one span back
        (record,) = brat.read(tmp_path / "out").records
        assert [(s["start"], s["end"], s["annotator"]) for s in record.spans] == [
            (8, 25, "alice")
        ]


def test_utf16_export_reads_back(tmp_path: Path) -> None:
    with build_store(tmp_path / "a.db") as store:
        brat.write(store, tmp_path / "u16", annotator="alice", offsets="utf16")
        kyiv = store.documents()[0]
        ann = (tmp_path / "u16" / f"{kyiv.uid}.ann").read_text(encoding="utf-8")
        assert f"T1\tACTOR {utf16(HARD, 14)} {utf16(HARD, 25)}\tOlena Koval" in ann
        (record,) = [r for r in brat.read(tmp_path / "u16", offsets="utf16").records
                     if r.text == HARD]  # fmt: skip
        assert [(s["start"], s["end"]) for s in record.spans] == [(14, 25), (27, 35), (37, 42)]


def test_utf16_offsets_read_as_code_points_say_what_to_do(tmp_path: Path) -> None:
    with build_store(tmp_path / "a.db") as store:
        brat.write(store, tmp_path / "u16", annotator="alice", offsets="utf16")
    with pytest.raises(ImportRefusedError) as refused:
        brat.read(tmp_path / "u16")  # without --offsets utf16
    assert "(read as UTF-16 units they fit: import with --offsets utf16)" in str(refused.value)


def test_an_empty_span_gets_no_advice_about_utf16(tmp_path: Path) -> None:
    """Empty in code points and in UTF-16 units alike: --offsets utf16 would not help."""
    folder = tmp_path / "z"
    folder.mkdir()
    (folder / "z.txt").write_text("Bob said hi.\n", encoding="utf-8")
    (folder / "z.ann").write_text("T1\tACTOR 3 3\t\n", encoding="utf-8")
    with pytest.raises(ImportRefusedError) as refused:
        brat.read(folder / "z.ann")
    assert "UTF-16" not in str(refused.value)


def test_export_target_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file.ann").write_text("", encoding="utf-8")
    with build_store(tmp_path / "a.db") as store, pytest.raises(ExportError, match="folder"):
        brat.write(store, tmp_path / "file.ann")


def test_failed_self_check_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.ann").write_text("T1\tACTOR 0 1\tx\n", encoding="utf-8")
    real = brat.Parse.record

    def lossy(self: Any, ann_text: str) -> Any:
        record = real(self, ann_text)
        record.spans = record.spans[1:]  # as if the .ann had lost its first span
        return record

    monkeypatch.setattr(brat.Parse, "record", lossy)
    with build_store(tmp_path / "a.db") as store, pytest.raises(ExportError, match="read back"):
        brat.write(store, out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.ann"]


def test_empty_txt_is_a_bad_document(tmp_path: Path) -> None:
    write_pair(tmp_path / "c", "good", HARD.encode(), "T1\tACTOR 14 25\tOlena Koval\n")
    write_pair(tmp_path / "c", "blank", b"  \n", "")
    with pytest.raises(ImportRefusedError, match="blank.txt holds no text"):
        brat.read(tmp_path / "c")
    result = brat.read(tmp_path / "c", skip_invalid=True)
    assert [r.where for r in result.records] == ["good.ann"] and len(result.skipped) == 1


def test_an_export_read_back_into_its_own_database_adds_nothing(tmp_path: Path) -> None:
    # brat cannot carry our span ids: the read gives new ones. Spans at the same
    # place with the same label and analyst are the same spans, and so are the
    # relations between them.
    with build_store(tmp_path / "a.db") as store:
        before = {doc.id: layer(store, doc.id, "alice") for doc in store.documents()}
        brat.write(store, tmp_path / "alice", annotator="alice")
        result = store.import_records(brat.read(tmp_path / "alice", annotator="alice").records)
        assert (result.spans_added, result.relations_added, len(result)) == (0, 0, 0)
        kyiv, crlf = store.documents()  # alice has 3 spans on Kyiv, 2 on the CRLF text
        assert sorted(result.notes) == sorted(
            f"{uid}.ann: {n} spans already here (same place, label, analyst): not added again"
            for uid, n in ((kyiv.uid, 3), (crlf.uid, 2))
        )
        assert {doc.id: layer(store, doc.id, "alice") for doc in store.documents()} == before
        # A span of the file that is new is added, and its relation to a known span too.
        ann = next((tmp_path / "alice").glob(f"{kyiv.uid}.ann"))
        claim = next(line.split("\t")[0] for line in ann.read_text().splitlines()
                     if line.startswith("T") and "\tCLAIM " in line)  # fmt: skip
        ann.write_text(ann.read_text() + "T9\tACTOR 0 7\t\U0001f1fa\U0001f1e6 Kyiv\n"
                       f"R9\tATTRIBUTED_TO Arg1:{claim} Arg2:T9\t\n")  # fmt: skip
        result = store.import_records(brat.read(tmp_path / "alice", annotator="alice").records)
        assert (result.spans_added, result.relations_added) == (1, 1)



def test_every_file_reaches_the_disk_before_any_is_renamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash during the export leaves either the old folder or the whole new one:
    each file is synced in the temporary folder, then the folder's own list of
    files, and only then is the folder renamed into place (once)."""
    steps: list[tuple[str, str]] = []
    real_fsync, real_rename = os.fsync, os.rename

    def fsync(fd: int) -> None:
        steps.append(("sync", Path(os.readlink(f"/proc/self/fd/{fd}")).name))
        real_fsync(fd)

    def rename(src: Any, dst: Any) -> None:
        steps.append(("rename", Path(src).name))
        real_rename(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "rename", rename)
    with build_store(tmp_path / "a.db") as store:
        brat.write(store, tmp_path / "out", annotator="alice")
        kyiv, crlf = store.documents()
    monkeypatch.undo()
    pairs = [f"{doc.uid}{suffix}" for doc in (kyiv, crlf) for suffix in (".txt", ".ann")]
    assert [kind for kind, _ in steps] == ["sync"] * 5 + ["rename"]
    assert [name for _, name in steps[:4]] == pairs  # document by document, .txt first
    (staged,) = {name for _, name in steps[4:]}  # the temporary folder, synced then renamed
    assert staged.startswith(f".out.{os.getpid()}.") and staged.endswith(".tmp")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(pairs)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_uid_that_is_another_documents_fallback_name_overwrites_nothing(tmp_path: Path) -> None:
    # Document 1's uid is "doc-2"; document 2's uid is no file name ("a/b"), so its
    # own name would be "doc-2" too: it becomes "doc-2-2", and both texts are there.
    with open_store(tmp_path / "n.db") as store:
        store.add_document("First text.", uid="doc-2")
        store.add_document("Second text.", uid="a/b")
        report = brat.write(store, tmp_path / "out")
    assert report.documents == 2
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "doc-2-2.ann", "doc-2-2.txt", "doc-2.ann", "doc-2.txt"
    ]
    assert (tmp_path / "out" / "doc-2.txt").read_text(encoding="utf-8") == "First text."
    assert (tmp_path / "out" / "doc-2-2.txt").read_text(encoding="utf-8") == "Second text."
