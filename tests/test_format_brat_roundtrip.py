"""brat exports read back exactly: spans with a line break at an edge, a text that
starts with U+FEFF, and every analyst's layer at once.  Offsets are counted by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from brat_helpers import write_pair
from test_format_brat_export import build_store, layer

from annotator import open_store
from annotator.formats import brat


def places(store: Any, doc_id: int) -> list[tuple[int, int, str, str]]:
    return sorted((s.start, s.end, s.label, s.annotator) for s in store.spans(doc_id))


def test_span_with_a_line_break_at_an_edge_is_listed_and_read_back_exactly(
    tmp_path: Path,
) -> None:
    with open_store(tmp_path / "a.db") as store:
        # "First sentence here." 0-19, LF 20, "Second one." 21-31, LF 32
        doc = store.add_document("First sentence here.\nSecond one.\n")
        store.add_span(doc.id, 0, 21, "CLAIM", annotator="alice")  # ends with the LF
        store.add_span(doc.id, 20, 32, "CLAIM", annotator="bob")  # starts with the LF
        store.add_span(doc.id, 6, 14, "ACTOR", annotator="carol")  # "sentence": no break
        # "Line one" 0-7, CR 8, LF 9, "then" 10-13; "ab" 0-1, NEL 2, "nel" 3-5
        crlf = store.add_document("Line one\r\nthen")
        store.add_span(crlf.id, 0, 10, "CLAIM", annotator="alice")
        nel = store.add_document("ab\x85nel")
        store.add_span(nel.id, 2, 6, "ACTOR", annotator="alice")
        report = brat.write(store, tmp_path / "out")
        ann = (tmp_path / "out" / f"{doc.uid}.ann").read_text(encoding="utf-8")
        assert ann.split("\n") == [
            "T1\tCLAIM 0 20\tFirst sentence here.",  # what brat shows: the LF left out
            "T2\tACTOR 6 14\tsentence",
            "T3\tCLAIM 21 32\tSecond one.",
            "#1\tAnalyst T1\talice",
            "#2\tOffsets T1\t0 21",
            "#3\tAnalyst T2\tcarol",
            "#4\tAnalyst T3\tbob",
            "#5\tOffsets T3\t20 32",
            "",
        ]
        assert "T1\tCLAIM 0 8\tLine one\n" in (tmp_path / "out" / f"{crlf.uid}.ann").read_text()
        assert "T1\tACTOR 3 6\tnel\n" in (tmp_path / "out" / f"{nel.uid}.ann").read_text()
        # every span whose edges brat's offsets move is named in the report
        assert report.lost[0] == ("4 spans with a line break or tab at an edge: brat's offsets"
                                  " leave it out (an Offsets note keeps the exact edges for our"
                                  " import)")  # fmt: skip
        listed = report.lost[1:5]
        assert f"  {doc.uid[:16]}: CLAIM [0, 21) 'First sentence here.\\n' (alice) -> [0, 20)" in (
            listed
        )
        assert f"  {doc.uid[:16]}: CLAIM [20, 32) '\\nSecond one.' (bob) -> [21, 32)" in listed
        assert f"  {crlf.uid[:16]}: CLAIM [0, 10) 'Line one\\r\\n' (alice) -> [0, 8)" in listed
        assert f"  {nel.uid[:16]}: ACTOR [2, 6) '\\x85nel' (alice) -> [3, 6)" in listed
        # read back into its own database: nothing new, no near-duplicates
        result = store.import_records(brat.read(tmp_path / "out").records)
        assert (result.spans_added, len(result)) == (0, 0)
        assert places(store, doc.id) == [
            (0, 21, "CLAIM", "alice"), (6, 14, "ACTOR", "carol"), (20, 32, "CLAIM", "bob"),
        ]  # fmt: skip
    with open_store(tmp_path / "b.db") as fresh:
        fresh.import_records(brat.read(tmp_path / "out").records)
        (copy,) = [d for d in fresh.documents() if d.uid == doc.uid]
        assert places(fresh, copy.id) == [
            (0, 21, "CLAIM", "alice"), (6, 14, "ACTOR", "carol"), (20, 32, "CLAIM", "bob"),
        ]  # fmt: skip


def test_offsets_note_that_no_longer_fits_its_span_is_ignored(tmp_path: Path) -> None:
    # The span was moved in brat after our export: brat's offsets win.
    # "Kyiv" 0-3, LF 4, "said" 5-8
    path = write_pair(tmp_path, "moved", b"Kyiv\nsaid", "T1\tACTOR 5 9\tsaid\n"
                      "#1\tAnalyst T1\talice\n#2\tOffsets T1\t0 5\n")  # fmt: skip
    result = brat.read(path)
    (record,) = result.records
    assert [(s["start"], s["end"], s["annotator"]) for s in record.spans] == [(5, 9, "alice")]
    assert result.notes == [
        "moved.ann: not imported (no place here): 1 Offsets unlike the span's place (ignored) (T1)"
    ]


def test_text_starting_with_u_feff_survives_a_round_trip(tmp_path: Path) -> None:
    # U+FEFF 0, "Alice" 1-5, " " 6, "met" 7-9, " " 10, "Bob" 11-13, "." 14
    text = "\ufeffAlice met Bob."
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(text)
        store.add_span(doc.id, 0, 6, "ACTOR", annotator="alice")  # covers the U+FEFF
        store.add_span(doc.id, 1, 6, "ACTOR", annotator="bob")
        store.add_span(doc.id, 11, 14, "ACTOR", annotator="alice")
        brat.write(store, tmp_path / "out")
        # a BOM before the text's own U+FEFF; brat counts the BOM, so offsets are one more
        txt = (tmp_path / "out" / f"{doc.uid}.txt").read_bytes()
        assert txt == b"\xef\xbb\xbf" + b"\xef\xbb\xbf" + b"Alice met Bob."
        ann = (tmp_path / "out" / f"{doc.uid}.ann").read_text(encoding="utf-8")
        assert ann.split("\n")[:3] == [
            "T1\tACTOR 1 7\t\ufeffAlice", "T2\tACTOR 2 7\tAlice", "T3\tACTOR 12 15\tBob",
        ]  # fmt: skip
        (record,) = brat.read(tmp_path / "out").records
        assert record.text == text
        result = store.import_records(brat.read(tmp_path / "out").records)
        assert (result.spans_added, len(result), len(store.documents())) == (0, 0, 1)
        assert places(store, doc.id) == [
            (0, 6, "ACTOR", "alice"), (1, 6, "ACTOR", "bob"), (11, 14, "ACTOR", "alice"),
        ]  # fmt: skip


def test_export_of_every_analyst_read_back_adds_nothing(tmp_path: Path) -> None:
    with build_store(tmp_path / "a.db") as store:
        before = {doc.id: places(store, doc.id) for doc in store.documents()}
        brat.write(store, tmp_path / "all")  # no --annotator: alice's and bob's layers
        read = brat.read(tmp_path / "all")  # no --annotator: the file names each analyst
        result = store.import_records(read.records)
        assert (result.spans_added, result.relations_added, len(result)) == (0, 0, 0)
        assert {doc.id: places(store, doc.id) for doc in store.documents()} == before
        with open_store(tmp_path / "b.db") as fresh:
            fresh.import_records(brat.read(tmp_path / "all").records)
            for doc in store.documents():
                twin = fresh.document_by_uid(doc.uid)
                assert twin is not None
                for who in ("alice", "bob"):
                    assert layer(fresh, twin.id, who) == layer(store, doc.id, who)


def test_analyst_note_names_the_analyst_and_annotator_fills_in_the_rest(tmp_path: Path) -> None:
    # "Kyiv" 0-3, " " 4, "said" 5-8
    path = write_pair(tmp_path, "who", b"Kyiv said", "T1\tACTOR 0 4\tKyiv\nT2\tCLAIM 5 9\tsaid\n"
                      "R1\tATTRIBUTED_TO Arg1:T2 Arg2:T1\t\n"
                      "#1\tAnalyst T1\tolena\n#2\tAnalyst R1\tolena\n")  # fmt: skip
    (record,) = brat.read(path, annotator="petro").records
    assert [(s["start"], s["annotator"]) for s in record.spans] == [(0, "olena"), (5, "petro")]
    assert [r["annotator"] for r in record.relations] == ["olena"]
    assert all(s.get("note") is None for s in record.spans)  # not a note of the span
