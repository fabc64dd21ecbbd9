"""brat standoff: the real brat example files, hand-written pairs, and round trips.

The fixtures in tests/data/brat/ are byte-exact copies of nlplab/brat example
data (see ../shared/fixtures/README.md).  Expected offsets are counted by hand
below or re-derived in the test from the raw bytes, never taken from the reader.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from annotator import ExportError, ImportRefusedError, open_store
from annotator.formats import brat
from annotator.formats.base import DEFAULT_ANNOTATOR

DATA = Path(__file__).parent / "data" / "brat"

# Hand-laid text with CRLF line ends; code points, counting every CR:
#   🇺🇦 0-1, " " 2, "Kyiv" 3-6, CR 7, LF 8, 👨🏻‍🚒 9-12, " " 13, "Olena Koval" 14-24,
#   ":" 25, " " 26, 𝔘 27, "-bridge" 28-34, CR 35, LF 36, "cafe" + U+0301 37-41,
#   " " 42, "李明" 43-44, " " 45, "agreed" 46-51, "." 52, CR 53, LF 54 -> 55 code points.
HARD = (
    "\U0001f1fa\U0001f1e6 Kyiv\r\n\U0001f468\U0001f3fb\u200d\U0001f692 Olena Koval: "
    "\U0001d518-bridge\r\ncafe\u0301 李明 agreed.\r\n"
)
HARD_SPANS = [  # (brat id, label, start, end, quote)
    ("T1", "ACTOR", 0, 7, "\U0001f1fa\U0001f1e6 Kyiv"),
    ("T2", "ACTOR", 9, 13, "\U0001f468\U0001f3fb\u200d\U0001f692"),
    ("T3", "ACTOR", 14, 25, "Olena Koval"),
    ("T4", "CLAIM", 27, 35, "\U0001d518-bridge"),
    ("T5", "ACTOR", 37, 42, "cafe\u0301"),
    ("T6", "ACTOR", 43, 45, "李明"),
]


def write_pair(folder: Path, stem: str, text: bytes, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_bytes(text)
    (folder / f"{stem}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{stem}.ann"


def by_offsets(record: Any) -> dict[tuple[int, int], dict[str, Any]]:
    return {(s["start"], s["end"]): s for s in record.spans}


def utf16(text: str, cp: int) -> int:
    """UTF-16 offset computed independently of annotator.offsets."""
    return len(text[:cp].encode("utf-16-le")) // 2


# -- the real brat files -------------------------------------------------------------------


def test_introduction_has_every_kind_read_or_reported() -> None:
    result = brat.read(DATA / "000-introduction.ann")
    (record,) = result.records
    text = (DATA / "000-introduction.txt").read_bytes().decode("utf-8")
    assert record.text == text
    spans = by_offsets(record)
    expected = {  # from the .ann, each checked against the text below
        (418, 426): ("Organization", "Citibank"),
        (456, 468): ("Money", "$100 million"),
        (443, 449): ("Transfer-money", "moving"),
        (473, 496): ("Person", "Raul Salinas de Gortari"),
        (511, 535): ("Person", "former Mexican president"),
        (540, 545): ("Organization", "banks"),
        (549, 560): ("GPE", "Switzerland"),
    }
    assert {k: (s["label"], s["text"]) for k, s in spans.items()} == expected
    assert all(text[s:e] == quote for (s, e), (_, quote) in expected.items())
    assert all(s["origin"] == "import" and s["annotator"] == DEFAULT_ANNOTATOR
               for s in record.spans)  # fmt: skip
    assert spans[(456, 468)]["note"] == "100000000 USD"
    assert spans[(473, 496)]["attributes"] == {"Mention": "Name", "Individual": True}
    assert spans[(511, 535)]["attributes"] == {"Mention": "Nominal", "Individual": True}
    ids = {(s["start"], s["end"]): s["id"] for s in record.spans}
    rels = {(r["type"], r["from"], r["to"]) for r in record.relations}
    assert rels == {
        ("Origin", ids[(540, 545)], ids[(549, 560)]),  # R2: banks -> Switzerland
        ("Family", ids[(473, 496)], ids[(511, 535)]),  # R1: Raul Salinas -> president
    }
    (note,) = result.notes
    assert "1 event (E1)" in note and "1 normalisation (N1)" in note
    assert "1 attribute on event (A5)" in note
    assert result.skipped == []


def test_wn071_finnish_by_code_point_with_notes_kept_exactly() -> None:
    result = brat.read(DATA / "wn071.txt", annotator="kaisa")
    (record,) = result.records
    raw = (DATA / "wn071.txt").read_bytes()
    text = raw.decode("utf-8")
    lines = (DATA / "wn071.ann").read_text(encoding="utf-8").split("\n")
    t_lines = [ln.split("\t") for ln in lines if ln.startswith("T")]
    assert len(t_lines) == 74 and len(record.spans) == 74
    spans = by_offsets(record)
    by_bytes = 0
    for _tid, head, quote in t_lines:
        label, start, end = head.split()
        span = spans[(int(start), int(end))]
        assert (
            (span["label"], span["text"])
            == (label, quote)
            == (label, text[span["start"] : span["end"]])
        )
        by_bytes += raw[int(start) : int(end)].decode("utf-8", "replace") == quote
    assert by_bytes < 74  # the offsets are code points, not UTF-8 bytes
    assert spans[(72, 78)]["text"] == "tänään" and spans[(72, 78)]["note"] == " tänään"
    assert spans[(109, 122)]["text"] == "Nelipäiväisen"
    assert spans[(109, 122)]["note"] == " neli|päivä"
    assert spans[(0, 7)]["attributes"] == {
        "brat_note_type": "Lemma", "SUBCAT": "Prop", "NUM": "Sg", "CASE": "Nom",
        "CASECHANGE": "cap",
    }  # fmt: skip
    assert all(s["note"].startswith(" ") for s in record.spans)
    n_attrs = sum(len(s["attributes"]) - 1 for s in record.spans)  # less brat_note_type
    assert n_attrs == 227
    assert len(record.relations) == 72
    rel = {(r["type"], r["from"], r["to"]) for r in record.relations}
    assert ("advmod", spans[(62, 71)]["id"], spans[(72, 78)]["id"]) in rel  # R10 T8 -> T9
    assert all(r["annotator"] == "kaisa" for r in record.relations)
    assert result.notes == [] and result.skipped == []


def test_spanish_conll2002_sample() -> None:
    (record,) = brat.read(DATA / "esp.train-doc-29.ann").records
    spans = by_offsets(record)
    assert len(spans) == 13
    assert spans[(361, 397)]["text"] == "Nobel de Literatura Camilo José Cela"
    assert spans[(4, 17)]["label"] == "PER" and spans[(18, 24)]["label"] == "LOC"
    assert [s["label"] for s in record.spans].count("PER") == 7
    assert record.meta["filename"] == "esp.train-doc-29.txt"


def test_folder_of_pairs_recursive_and_lonely_txt_reported(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "es").mkdir(parents=True)
    for name in ("000-introduction", "wn071"):
        for suffix in (".txt", ".ann"):
            shutil.copy(DATA / f"{name}{suffix}", corpus / f"{name}{suffix}")
    for suffix in (".txt", ".ann"):
        shutil.copy(DATA / f"esp.train-doc-29{suffix}", corpus / "es" / f"esp.train-doc-29{suffix}")
    (corpus / "README.txt").write_text("About this corpus\n", encoding="utf-8")
    result = brat.read(corpus)
    assert [r.where for r in result.records] == [
        "000-introduction.ann", "es/esp.train-doc-29.ann", "wn071.ann",
    ]  # fmt: skip
    assert [len(r.spans) for r in result.records] == [7, 13, 74]
    assert any("README.txt" in n and "without an .ann" in n for n in result.notes)


def test_records_store_once_with_stable_ids(tmp_path: Path) -> None:
    labels = [{"name": n, "key": str(i), "color": "#000000", "description": n}
              for i, n in enumerate(("PER", "LOC", "ORG", "MISC"), 1)]  # fmt: skip
    schema = {"name": "conll", "version": 1, "labels": labels, "relations": []}
    with open_store(tmp_path / "a.db", schema=schema) as store:
        first = store.import_records(brat.read(DATA / "esp.train-doc-29.ann").records)
        again = store.import_records(brat.read(DATA / "esp.train-doc-29.ann").records)
        (doc,) = first
        assert first.spans_added == 13 and again.spans_added == 0
        assert [(s.start, s.end) for s in store.spans(doc.id)][:2] == [(4, 17), (18, 24)]


# -- hand-written pairs ----------------------------------------------------------------


def test_hard_characters_and_crlf_kept(tmp_path: Path) -> None:
    assert all(HARD[s:e] == q for _, _, s, e, q in HARD_SPANS)  # the hand count
    ann = "".join(f"{t}\t{lab} {s} {e}\t{q}\n" for t, lab, s, e, q in HARD_SPANS)
    path = write_pair(tmp_path, "hard", HARD.encode("utf-8"), ann)
    (record,) = brat.read(path, annotator="olena").records
    assert record.text == HARD  # CRLF kept: brat counts the CRs
    assert record.meta["newlines"] == "crlf"
    assert [(s["label"], s["start"], s["end"], s["text"]) for s in record.spans] == [
        (lab, s, e, q) for _, lab, s, e, q in HARD_SPANS
    ]


def test_utf16_offsets_option(tmp_path: Path) -> None:
    ann = "".join(f"{t}\t{lab} {utf16(HARD, s)} {utf16(HARD, e)}\t{q}\n"
                  for t, lab, s, e, q in HARD_SPANS)  # fmt: skip
    assert "T4\tCLAIM 32 41\t" in ann  # five astral characters before 𝔘, which is one more
    path = write_pair(tmp_path, "u16", HARD.encode("utf-8"), ann)
    (record,) = brat.read(path, offsets="utf16").records
    assert [(s["start"], s["end"]) for s in record.spans] == [
        (s, e) for _, _, s, e, _ in HARD_SPANS
    ]
    with pytest.raises(ImportRefusedError, match="line 1: T1 quotes"):
        brat.read(path)  # read as code points, the quotes no longer match


def test_bom_is_dropped_and_counted_as_brat_does(tmp_path: Path) -> None:
    path = write_pair(tmp_path, "bom", b"\xef\xbb\xbfKyiv said.\n", "T1\tACTOR 1 5\tKyiv\n")
    result = brat.read(path)
    (record,) = result.records
    assert record.text == "Kyiv said.\n"
    assert (record.spans[0]["start"], record.spans[0]["end"]) == (0, 4)


def test_discontinuous_span_is_linked_fragments(tmp_path: Path) -> None:
    text = "Olena Koval said the bridge reopens.\n"
    # "Olena" 0-4, "reopens" 28-34 (hand count); brat joins fragments with a space.
    path = write_pair(tmp_path, "disc", text.encode(), "T1\tCLAIM 0 5;28 35\tOlena reopens\n"
                      "#1\tAnnotatorNotes T1\tsplit claim\nA1\tHedged T1\n")  # fmt: skip
    (record,) = brat.read(path).records
    assert [
        (s["start"], s["end"], s["text"], s["note"], s["attributes"]) for s in record.spans
    ] == [
        (0, 5, "Olena", "split claim", {"brat_id": "T1", "fragment": 0, "Hedged": True}),
        (28, 35, "reopens", "split claim", {"brat_id": "T1", "fragment": 1, "Hedged": True}),
    ]
    with open_store(tmp_path / "a.db") as store:
        store.import_records([record])
        report = brat.write(store, tmp_path / "out")
        (ann,) = (tmp_path / "out").glob("*.ann")
        assert ann.read_text(encoding="utf-8").split("\n") == [
            "T1\tCLAIM 0 5;28 35\tOlena reopens",
            "A1\tHedged T1",
            "#1\tAnnotatorNotes T1\tsplit claim",
            "",
        ]
        assert report.spans == 2
        (again,) = brat.read(ann).records
        assert [s["id"] for s in again.spans] == [s["id"] for s in record.spans]


def test_malformed_line_named_and_skippable(tmp_path: Path) -> None:
    ann = "T1\tACTOR 0 7\t\U0001f1fa\U0001f1e6 Kyiv\nT2\tACTOR 14 25\tOlena Koval\n"
    ann += "T3\tACTOR x 25\tKoval\n"
    path = write_pair(tmp_path, "bad", HARD.encode(), ann)
    with pytest.raises(ImportRefusedError, match=r"bad\.ann line 3"):
        brat.read(path)
    result = brat.read(path, skip_invalid=True)
    assert len(result.skipped) == 1 and "bad.ann line 3" in result.skipped[0]
    assert [s["text"] for s in result.records[0].spans] == [
        "\U0001f1fa\U0001f1e6 Kyiv",
        "Olena Koval",
    ]


def test_quote_mismatch_reported_with_its_dependants(tmp_path: Path) -> None:
    ann = ("T1\tACTOR 0 7\t\U0001f1fa\U0001f1e6 Kyiv\nT2\tCLAIM 13 24\tOlena Koval\n"
           "R1\tATTRIBUTED_TO Arg1:T2 Arg2:T1\t\n#1\tAnnotatorNotes T2\tcheck\n")  # fmt: skip
    path = write_pair(tmp_path, "shift", HARD.encode(), ann)
    with pytest.raises(ImportRefusedError, match=r"shift\.ann line 2: T2 quotes 'Olena Koval'"):
        brat.read(path)
    result = brat.read(path, skip_invalid=True)
    assert [s.split(":")[0] for s in result.skipped] == [
        "shift.ann line 2", "shift.ann line 3", "shift.ann line 4",
    ]  # fmt: skip
    assert len(result.records[0].spans) == 1 and result.records[0].relations == []


def test_other_kinds_and_legacy_modifiers(tmp_path: Path) -> None:
    ann = ("T1\tACTOR 14 25\tOlena Koval\nT2\tACTOR 43 45\t李明\nE1\tMeet:T1 Who:T2\n"
           "N1\tReference T2 Wikidata:Q1\tLi Ming\nN2\tReference T1 Wikidata:Q2\tOlena\n"
           "*\tEquiv T1 T2\nM1\tNegated T1\nA1\tConfidence E1 High\n")  # fmt: skip
    result = brat.read(write_pair(tmp_path, "k", HARD.encode(), ann))
    assert result.records[0].spans[0]["attributes"] == {"Negated": True}  # M is brat's old A
    (note,) = result.notes
    for part in ("1 event (E1)", "2 normalisation (N1, N2)", "1 equivalence (line 6)",
                 "1 attribute on event (A1)"):  # fmt: skip
        assert part in note


def test_unknown_target_and_missing_partner_refused(tmp_path: Path) -> None:
    path = write_pair(tmp_path, "u", HARD.encode(), "T1\tACTOR 14 25\tOlena Koval\nA1\tX T9\n")
    with pytest.raises(ImportRefusedError, match=r"u\.ann line 2: A1 refers to T9, not in"):
        brat.read(path)
    (tmp_path / "lonely.ann").write_text("T1\tACTOR 0 1\tx\n", encoding="utf-8")
    with pytest.raises(ImportRefusedError, match="lonely.txt does not exist"):
        brat.read(tmp_path / "lonely.ann")


def test_sniff() -> None:
    for name in ("000-introduction.ann", "wn071.ann", "esp.train-doc-29.ann"):
        assert brat.sniff((DATA / name).read_text(encoding="utf-8")[:500])
    assert not brat.sniff((DATA / "wn071.txt").read_text(encoding="utf-8"))
    assert not brat.sniff('{"text": "T1\\tX 0 1"}')


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
        assert "10 spans: ids, analyst names, origin and time stamps" in lost


def test_span_across_a_line_break_becomes_fragments(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document("Velmora summit\r\nDelegates met on Tuesday.\r\n")
        store.add_span(doc.id, 8, 25, "CLAIM", annotator="alice")  # "summit\r\nDelegates"
        report = brat.write(store, tmp_path / "out")
        ann = (tmp_path / "out" / f"{doc.uid}.ann").read_text(encoding="utf-8")
        assert ann == "T1\tCLAIM 8 14;16 25\tsummit Delegates\n"
        assert "1 span crossing a line break or tab, written as brat fragments" in report.lost


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
    real = brat._Parse.record

    def lossy(self: Any, ann_text: str) -> Any:
        record = real(self, ann_text)
        record.spans = record.spans[1:]  # as if the .ann had lost its first span
        return record

    monkeypatch.setattr(brat._Parse, "record", lossy)
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
    """A crash during the export leaves either the old files or whole new ones:
    each staged file is synced, and only then are they renamed into place."""
    steps: list[tuple[str, str]] = []
    real_fsync, real_replace = brat.os.fsync, brat.os.replace

    def fsync(fd: int) -> None:
        steps.append(("sync", Path(os.readlink(f"/proc/self/fd/{fd}")).name))
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        steps.append(("rename", Path(src).name))
        real_replace(src, dst)

    monkeypatch.setattr(brat.os, "fsync", fsync)
    monkeypatch.setattr(brat.os, "replace", replace)
    with build_store(tmp_path / "a.db") as store:
        brat.write(store, tmp_path / "out", annotator="alice")
    synced = [name for kind, name in steps if kind == "sync"]
    renamed = [name for kind, name in steps if kind == "rename"]
    assert len(renamed) == 4  # two documents, a .txt and an .ann each
    assert sorted(synced) == sorted(renamed)
    assert [kind for kind, _ in steps] == ["sync"] * 4 + ["rename"] * 4
    suffixes = sorted(p.suffix for p in (tmp_path / "out").iterdir())
    assert suffixes == [".ann", ".ann", ".txt", ".txt"]  # and no temporary file left


def test_a_pair_finds_its_article_imported_before_as_a_txt(tmp_path: Path) -> None:
    # The article import turns CR LF into LF; brat counts the CRs.  By hand: in
    # "Kyiv talks\r\nresumed on Monday.\r\n" Monday is [23, 29), in the LF text [22, 28);
    # T3 is the CR of the first line end alone, [10, 11).
    text = b"Kyiv talks\r\nresumed on Monday.\r\n"
    pair = tmp_path / "pair"
    pair.mkdir()
    (pair / "a.txt").write_bytes(text)
    (pair / "a.ann").write_text(
        "T1\tACTOR 0 4\tKyiv\nT2\tDATE 23 29\tMonday\nT3\tCLAIM 10 11\n", encoding="utf-8"
    )
    article = tmp_path / "article.txt"
    article.write_bytes(text)
    with open_store(tmp_path / "t.db") as store:
        (doc,) = store.import_file(article)
        assert doc.text == "Kyiv talks\nresumed on Monday.\n"
        result = store.import_file(pair / "a.txt", format="brat", annotator="alice")
        assert len(result) == 0 and result.spans_added == 2
        assert result.notes == [
            f"a.ann: document {doc.id} has this text with LF line ends (the file has CR LF):"
            " its spans were placed there; 1 span of a CR alone left out"
        ]
        assert [(s.start, s.end, s.text) for s in store.spans(doc.id)] == [
            (0, 4, "Kyiv"), (22, 28, "Monday")
        ]  # fmt: skip
        assert len(store.documents()) == 1
