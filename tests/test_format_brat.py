"""brat standoff reading: the real brat example files and hand-written pairs.

The fixtures in tests/data/brat/ are byte-exact copies of nlplab/brat example
data (see ../shared/fixtures/README.md).  Expected offsets are counted by hand
below or re-derived in the test from the raw bytes, never taken from the reader.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from brat_helpers import DATA, HARD, HARD_SPANS, utf16, write_pair

from annotator import ImportRefusedError, open_store
from annotator.formats import brat
from annotator.formats.base import DEFAULT_ANNOTATOR


def by_offsets(record: Any) -> dict[tuple[int, int], dict[str, Any]]:
    return {(s["start"], s["end"]): s for s in record.spans}


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


def test_the_same_article_after_its_crlf_brat_pair_is_not_added_again(tmp_path: Path) -> None:
    """The other order (the .txt first) is ``test_a_pair_finds_its_article_...``:
    either way one document, holding the pair's span."""
    text = "Kyiv talks.\r\nOlena Koval agreed.\r\n"  # "Olena Koval" [13, 24) as brat counts
    assert text[13:24] == "Olena Koval"
    ann = "T1\tACTOR 13 24\tOlena Koval\n"
    pair = write_pair(tmp_path / "pair", "doc", text.encode("utf-8"), ann)
    alone = tmp_path / "alone.txt"
    alone.write_bytes(text.encode("utf-8"))
    with open_store(tmp_path / "t.db") as store:
        store.import_file(pair)
        result = store.import_file(alone)
        assert list(result) == [] and result.skipped == [
            "alone.txt: this article is already in the database as document 1 (Kyiv talks.),"
            " with the file's CR LF line ends (from a brat file): nothing to do"
        ]
        (doc,) = store.documents()
        assert [s.text for s in store.spans(doc.id)] == ["Olena Koval"]


def test_the_same_article_with_cr_line_ends_is_named_so(tmp_path: Path) -> None:
    text = "Kyiv talks.\rOlena Koval agreed.\r"  # "Olena Koval" [12, 23)
    assert text[12:23] == "Olena Koval"
    pair = write_pair(
        tmp_path / "pair", "doc", text.encode("utf-8"), "T1\tACTOR 12 23\tOlena Koval\n"
    )
    alone = tmp_path / "alone.txt"
    alone.write_bytes(text.encode("utf-8"))
    with open_store(tmp_path / "t.db") as store:
        store.import_file(pair)
        assert store.import_file(alone).skipped == [
            "alone.txt: this article is already in the database as document 1 (Kyiv talks.),"
            " with the file's CR line ends (from a brat file): nothing to do"
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
            "#2\tAnalyst T1\timported",
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
