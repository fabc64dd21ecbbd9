"""doccano JSONL: real files written by doccano, small files in the same shape, round trips.

Expected offsets are laid out by hand in code points; UTF-16 offsets are computed
here from Python's own encoder, never with ``annotator.offsets``.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from annotator import ExportError, open_store
from annotator.errors import ImportRefusedError
from annotator.formats import doccano, jsonl, labelstudio, prodigy
from annotator.formats.base import DEFAULT_ANNOTATOR

DATA = Path(__file__).parent / "data" / "doccano"
from texts import HARD, HARD_SPANS, PROBE, PROBE_SPANS, spans_of, u16  # noqa: E402


def write_lines(path: Path, records: list[Any]) -> Path:
    path.write_text(
        "".join(
            (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
        ),
        encoding="utf-8",
        newline="\n",
    )
    return path


def test_the_hand_layout_is_right() -> None:
    assert len(HARD) == 83 and HARD[52:54] == "\r\n"
    assert all(HARD[s:e] == quote for s, e, _, quote in HARD_SPANS)
    assert all(PROBE[s:e] == quote for s, e, _, quote in PROBE_SPANS)


# -- real doccano files ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["false", "true"])
def test_emoji_probe_each_variant_with_its_unit(name: str) -> None:
    path = DATA / f"dc-1.8.4-emoji-probe-export-grapheme_mode-{name}.jsonl"
    raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert raw[1]["label"][0][:2] == [u16(PROBE, 10), u16(PROBE, 18)] == [13, 21]

    as_utf16 = doccano.read(path)  # the default: doccano's interface unit
    utf16_variant = as_utf16.records[1]
    assert utf16_variant.text == PROBE + " " and utf16_variant.meta["variant"] == "utf16"
    assert spans_of(utf16_variant) == PROBE_SPANS
    assert utf16_variant.where == f"{path.name} line 2"

    as_cp = doccano.read(path, offsets="codepoint", skip_invalid=True)
    (py_variant,) = as_cp.records
    # The UTF-16 variant's (Reuters) ends past the text in code points: said, not stored.
    assert as_cp.skipped == [
        f"{path.name} line 2: span [78, 87) CITATION is not inside the text (0..86 code"
        " points, start < end): they fit in UTF-16 units: use --offsets utf16"
    ]
    assert py_variant.text == PROBE and py_variant.meta["variant"] == "py"
    assert spans_of(py_variant) == PROBE_SPANS
    assert py_variant.meta["doccano_id"] == {"false": 3001, "true": 3003}[name]
    assert "comments" not in py_variant.meta  # "Comments": [] holds nothing
    assert {s["annotator"] for s in py_variant.spans} == {DEFAULT_ANNOTATOR}
    assert {s["origin"] for s in py_variant.spans} == {"import"}


def test_each_record_is_read_in_the_unit_its_span_edges_fit() -> None:
    # The probe file holds one record in code points ("py": Zelensky [10, 18)) and
    # one in UTF-16 units ("utf16": [13, 21)).  Read as UTF-16 units, the first would
    # shift to [8, 15) "𝔘 Zelen" (the flag takes 4 units, 𝔘 two): its edges fall
    # inside words that way, and between words as code points.
    path = DATA / "dc-1.8.4-emoji-probe-export-grapheme_mode-false.jsonl"
    result = doccano.read(path)
    py_variant, utf16_variant = result.records
    assert spans_of(py_variant) == PROBE_SPANS
    assert spans_of(utf16_variant) == PROBE_SPANS  # [13, 21) in UTF-16 is [10, 18)
    assert result.notes == [
        "1 record read with code point offsets: their spans fit the text that way, not as"
        " UTF-16 units (--offsets utf16 reads them so anyway)",
        "2 records name no analyst: their spans are credited to 'imported' (give --annotator"
        " NAME)",
    ]
    # Asked for, UTF-16 units it is: the shifted spans of the first record.
    as_utf16 = doccano.read(path, offsets="utf16", skip_invalid=True)
    assert spans_of(as_utf16.records[0])[0] == (8, 15, "ACTOR", "𝔘 Zelen")


def test_doccano_184_export_sample() -> None:
    path = DATA / "dc-1.8.4-export-100-sample.jsonl"
    result = doccano.read(path, annotator="admin")
    (record,) = result.records
    assert len(record.spans) == 50 and record.meta == {"doccano_id": 1}
    spans = spans_of(record)
    assert spans[:4] == [
        (24, 49, "CLAIM", "the talks were productive"),
        (88, 92, "ACTOR", "NATO"),
        (175, 187, "DATE", "last Tuesday"),
        (223, 232, "CITATION", "(Reuters)"),
    ]
    assert spans[-1][:3] == (2993, 3004, "ACTOR")
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))  # no overlaps
    assert {s["annotator"] for s in record.spans} == {"admin"}
    assert not result.notes and not result.skipped


def test_pretty_printed_relation_example_is_read_whole() -> None:
    path = DATA / "repo-export-example-relation_extraction.jsonl"
    assert path.read_text().startswith("{\n")  # not JSONL at all
    (record,) = doccano.read(path).records
    assert record.where == f"{path.name} record 1"
    assert spans_of(record) == [
        (0, 6, "ORG", "Google"),
        (22, 39, "DATE", "September 4, 1998"),
        (44, 54, "PERSON", "Larry Page"),
        (59, 70, "PERSON", "Sergey Brin"),
    ]
    text_of = {s["id"]: record.text[s["start"] : s["end"]] for s in record.spans}
    assert [(r["type"], text_of[r["from"]], text_of[r["to"]]) for r in record.relations] == [
        ("foundedAt", "Google", "September 4, 1998"),
        ("foundedBy", "Google", "Larry Page"),
        ("foundedBy", "Google", "Sergey Brin"),
    ]


def test_relation_import_example_without_relation_ids_gives_the_same_ids() -> None:
    compact = doccano.read(DATA / "repo-import-example-relation_extraction.jsonl").records[0]
    pretty = doccano.read(DATA / "repo-export-example-relation_extraction.jsonl").records[0]
    assert compact.spans == pretty.spans and compact.relations == pretty.relations
    assert len({r["id"] for r in compact.relations}) == 3


def test_sequence_labelling_example() -> None:
    records = doccano.read(DATA / "repo-export-example-sequence_labeling.jsonl").records
    assert [spans_of(r) for r in records] == [
        [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German")],
        [(0, 15, "PERSON", "Peter Blackburn")],
        [(10, 15, "PERSON", "Obama")],
    ]


def test_import_example_placeholders_are_refused_with_what_to_do() -> None:
    with pytest.raises(ImportRefusedError) as info:
        doccano.read(DATA / "repo-import-example-sequence_labeling.jsonl")
    message = str(info.value)
    assert message.startswith("repo-import-example-sequence_labeling.jsonl line 1:")
    assert "column_data" in message and '"text" and "label"' in message


def test_identical_overlapping_spans_are_both_kept_with_their_own_ids() -> None:
    (record,) = doccano.read(DATA / "repo-import-test-example_overlapping.jsonl").records
    assert spans_of(record) == [(0, 1, "LOC", "e"), (0, 1, "LOC", "e")]
    assert len({s["id"] for s in record.spans}) == 2
    assert record.meta == {"wikiPageID": 1}


# -- small files in the same shape -----------------------------------------------------


def hard_line(unit: str, **extra: Any) -> dict[str, Any]:
    conv = (lambda cp: u16(HARD, cp)) if unit == "utf16" else (lambda cp: cp)
    return {
        "text": HARD,
        "label": [[conv(s), conv(e), lab] for s, e, lab, _ in HARD_SPANS],
        **extra,
    }


@pytest.mark.parametrize("unit", ["utf16", "codepoint"])
def test_hard_characters_in_each_unit(tmp_path: Path, unit: str) -> None:
    path = write_lines(tmp_path / "hard.jsonl", [hard_line(unit, username="olga")])
    (record,) = doccano.read(path, offsets=unit).records
    assert record.text == HARD  # CRLF, combining accent and ZWJ kept as they are
    assert spans_of(record) == [(s, e, lab, q) for s, e, lab, q in HARD_SPANS]
    assert {s["annotator"] for s in record.spans} == {"olga"}


def test_relation_shape_in_utf16(tmp_path: Path) -> None:
    line = {
        "id": 7,
        "text": HARD,
        "entities": [
            {
                "id": 10,
                "start_offset": u16(HARD, 31),
                "end_offset": u16(HARD, 51),
                "label": "CLAIM",
            },
            {
                "id": 11,
                "start_offset": u16(HARD, 14),
                "end_offset": u16(HARD, 25),
                "label": "ACTOR",
            },
        ],
        "relations": [{"id": 3, "from_id": 10, "to_id": 11, "type": "ATTRIBUTED_TO"}],
        "Comments": ["check the date"],
        "meta": {"title": "Kyiv", "desk": "east"},
    }
    (record,) = doccano.read(write_lines(tmp_path / "rel.jsonl", [line]), annotator="ivan").records
    assert spans_of(record) == [
        (31, 51, "CLAIM", "the \U0001d518-bridge reopens"),
        (14, 25, "ACTOR", "Olena Koval"),
    ]
    (rel,) = record.relations
    assert (rel["from"], rel["to"]) == (record.spans[0]["id"], record.spans[1]["id"])
    assert rel["annotator"] == "ivan" and rel["type"] == "ATTRIBUTED_TO"
    assert record.title == "Kyiv"
    assert record.meta == {"comments": ["check the date"], "desk": "east", "doccano_id": 7}


def test_malformed_line_3_refuses_the_file_or_is_skipped(tmp_path: Path) -> None:
    lines = [
        hard_line("utf16"),
        {"text": "Second.", "label": [[0, 6, "CLAIM"]]},
        "{not json",
        {"text": "Fourth.", "label": []},
    ]
    path = write_lines(tmp_path / "bad.jsonl", lines)
    with pytest.raises(ImportRefusedError) as info:
        doccano.read(path)
    assert str(info.value).startswith("bad.jsonl line 3: not valid JSON")
    result = doccano.read(path, skip_invalid=True)
    assert [r.where for r in result.records] == [
        "bad.jsonl line 1",
        "bad.jsonl line 2",
        "bad.jsonl line 4",
    ]
    assert len(result.skipped) == 1 and result.skipped[0].startswith("bad.jsonl line 3:")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ([[5, 2, "CLAIM"]], "is not inside the text"),
        ([[0, 200, "CLAIM"]], "is not inside the text"),
        ([[1, 5, "CLAIM"]], "splits a character above U+FFFF"),  # 1 is inside the flag's first half
        ([["0", 5, "CLAIM"]], "must be integers"),
        ([[0, 5]], "is not [start, end"),
        ("CLAIM 0 5", "must be a list"),
    ],
)
def test_bad_spans_are_reported_with_their_line(tmp_path: Path, label: Any, expected: str) -> None:
    path = write_lines(
        tmp_path / "spans.jsonl", [{"text": "ok", "label": []}, {"text": HARD, "label": label}]
    )
    with pytest.raises(ImportRefusedError, match=re.escape(expected)) as info:
        doccano.read(path)
    assert str(info.value).startswith("spans.jsonl line 2: ")


def test_analyst_comes_from_the_file_then_the_argument_then_the_default(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "who.jsonl",
        [
            {"text": "One.", "label": [[0, 3, "CLAIM"]], "username": "uma"},
            {"text": "Two.", "label": [[0, 3, "CLAIM"]], "user": 4},
            {"text": "Six.", "label": [[0, 3, "CLAIM"]]},
        ],
    )
    named = doccano.read(path, annotator="zed").records
    assert [r.spans[0]["annotator"] for r in named] == ["uma", "user-4", "zed"]
    unnamed = doccano.read(path)
    assert unnamed.records[2].spans[0]["annotator"] == DEFAULT_ANNOTATOR
    assert any("--annotator" in note for note in unnamed.notes)


def test_sniff() -> None:
    for name in [
        "dc-1.8.4-export-100-sample.jsonl",
        "repo-export-example-relation_extraction.jsonl",
        "repo-import-example-relation_extraction.jsonl",
        "repo-import-example-sequence_labeling.jsonl",
    ]:
        assert doccano.sniff((DATA / name).read_text(encoding="utf-8")[:65536]), name
    native = json.dumps({"id": "x", "text": "a", "spans": [], "offset_unit": "codepoint"})
    assert not doccano.sniff(native)
    assert not doccano.sniff(
        (DATA.parent / "prodigy" / "annotated_reddit-PRODUCT-ner.first15.jsonl").read_text()
    )
    assert not doccano.sniff(
        (DATA.parent / "labelstudio" / "ls-1.23.2-emoji-probe-export-JSON_MIN.json").read_text()
    )
    assert not jsonl.sniff((DATA / "dc-1.8.4-export-100-sample.jsonl").read_text().splitlines()[0])
    assert not prodigy.sniff((DATA / "dc-1.8.4-export-100-sample.jsonl").read_text())
    assert not labelstudio.sniff(
        (DATA / "repo-export-example-relation_extraction.jsonl").read_text()
    )


# -- writing and round trips -----------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> Any:
    """Two analysts on the hard text (one relation, one note, one attribute), and a plain text."""
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(HARD, title="Kyiv", source="wire")
        made = {}
        analysts = ["bob", "alice", "alice", "alice", "bob", "bob", "bob"]
        for (s, e, label, _), who in zip(HARD_SPANS, analysts, strict=True):
            note = "check spelling" if s == 14 else None
            attributes = {"confidence": "low"} if s == 60 else None
            made[(s, e)] = store.add_span(
                doc.id, s, e, label, annotator=who, note=note, attributes=attributes
            )
        store.add_relation(
            doc.id, made[(31, 51)].id, made[(14, 25)].id, "ATTRIBUTED_TO", annotator="alice"
        )
        store.add_document("Plain text with nothing marked.")
        yield store


def originals(store: Any) -> set[tuple[str, int, int, str, str]]:
    return {
        (store.document(d.id).text, s.start, s.end, s.label, s.annotator)
        for d in store.documents()
        for s in store.spans(d.id)
    }


def read_back(records: list[Any]) -> set[tuple[str, int, int, str, str]]:
    return {
        (r.text, s["start"], s["end"], s["label"], s["annotator"]) for r in records for s in r.spans
    }


def test_round_trip_in_utf16(filled: Any, tmp_path: Path) -> None:
    target = tmp_path / "out" / "doccano.jsonl"
    report = doccano.write(filled, target)
    assert (report.documents, report.spans, report.relations) == (2, 7, 1)
    assert report.path == str(target)
    assert "notes of 1 span (doccano has no span notes)" in report.lost
    assert "attributes of 1 span (doccano has none)" in report.lost
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [(line.get("username"), "entities" in line, "label" in line) for line in lines] == [
        ("alice", True, False),
        ("bob", True, False),  # one shape for the whole file: alice has a relation
        (None, True, False),
    ]
    alice = lines[0]
    assert alice["id"] == filled.documents()[0].uid and alice["meta"] == {
        "title": "Kyiv",
        "source": "wire",
    }
    offsets = {(e["start_offset"], e["end_offset"]) for e in alice["entities"]}
    assert (u16(HARD, 31), u16(HARD, 51)) in offsets and (u16(HARD, 9), u16(HARD, 13)) in offsets
    assert alice["relations"] == [{"id": 0, "from_id": 2, "to_id": 1, "type": "ATTRIBUTED_TO"}]
    back = doccano.read(target)
    assert read_back(back.records) == originals(filled)
    rel = back.records[0].relations[0]
    ends = {s["id"]: (s["start"], s["end"]) for s in back.records[0].spans}
    assert (ends[rel["from"]], ends[rel["to"]], rel["type"]) == (
        (31, 51),
        (14, 25),
        "ATTRIBUTED_TO",
    )


def test_round_trip_in_code_points_through_a_second_store(filled: Any, tmp_path: Path) -> None:
    buffer = io.StringIO()
    doccano.write(filled, buffer, offsets="codepoint")
    first = json.loads(buffer.getvalue().splitlines()[1])  # bob's line
    placed = [[e["start_offset"], e["end_offset"], e["label"]] for e in first["entities"]]
    assert [31, 51, "CLAIM"] not in placed and [0, 7, "ACTOR"] in placed
    path = tmp_path / "cp.jsonl"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    records = doccano.read(path, offsets="codepoint").records
    with open_store(tmp_path / "b.db") as other:
        added = other.import_records(records)
        assert added.spans_added == 7 and added.relations_added == 1
        assert originals(other) == originals(filled)
        again = other.import_records(doccano.read(path, offsets="codepoint").records)
        assert again.spans_added == 0 and again.relations_added == 0  # stable ids


def test_one_analyst_layer(filled: Any) -> None:
    buffer = io.StringIO()
    report = doccano.write(filled, buffer, annotator="bob")
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert report.spans == 4 and report.relations == 0
    assert {line.get("username") for line in lines} == {"bob", None}
    # bob has no relations: every line in the sequence-labelling shape
    assert [sorted(k for k in line if k in ("label", "entities", "relations")) for line in lines] \
        == [["label"], ["label"]]


def test_a_file_with_one_relation_uses_the_relation_shape_on_every_line(tmp_path: Path) -> None:
    """doccano reads one shape per project: a relation-extraction project reads only
    "entities", so bob's DATE and alice's ACTOR on the second text must be there too."""
    text = "Alice said on Monday that taxes rose."
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(text, uid="d1")
        claim = store.add_span(doc.id, 0, 36, "CLAIM", annotator="alice")
        actor = store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice")
        store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
        store.add_span(doc.id, 14, 20, "DATE", annotator="bob")
        other = store.add_document("Bob agreed.", uid="d2")
        store.add_span(other.id, 0, 3, "ACTOR", annotator="alice")
        target = tmp_path / "out.jsonl"
        report = doccano.write(store, target)
    assert (report.documents, report.spans, report.relations) == (2, 4, 1)
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [(line["id"], line["username"]) for line in lines] == [
        ("d1", "alice"), ("d1", "bob"), ("d2", "alice")
    ]
    assert all("label" not in line for line in lines)
    assert lines[0]["entities"] == [
        {"id": 0, "start_offset": 0, "end_offset": 5, "label": "ACTOR"},
        {"id": 1, "start_offset": 0, "end_offset": 36, "label": "CLAIM"},
    ]
    assert lines[0]["relations"] == [{"id": 0, "from_id": 1, "to_id": 0, "type": "ATTRIBUTED_TO"}]
    date = {"id": 0, "start_offset": 14, "end_offset": 20, "label": "DATE"}
    assert lines[1]["entities"] == [date]
    assert lines[1]["relations"] == []
    assert lines[2]["entities"] == [{"id": 0, "start_offset": 0, "end_offset": 3, "label": "ACTOR"}]
    assert lines[2]["relations"] == []


def test_a_corrupt_span_stops_the_export_and_keeps_the_old_file(
    filled: Any, tmp_path: Path
) -> None:
    target = tmp_path / "keep.jsonl"
    target.write_text("old\n")
    with closing(sqlite3.connect(filled.path)) as conn:
        conn.execute("UPDATE spans SET text = 'Olena Kovalenko' WHERE text = 'Olena Koval'")
        conn.commit()
    with pytest.raises(ExportError, match="Olena Kovalenko"):
        doccano.write(filled, target)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")] == []


def test_an_unknown_offset_unit_is_refused(filled: Any, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown offset unit"):
        doccano.write(filled, tmp_path / "x.jsonl", offsets="bytes")
    with pytest.raises(ImportRefusedError, match="unknown offset unit"):
        doccano.read(DATA / "repo-export-example-sequence_labeling.jsonl", offsets="bytes")


def test_labels_key_and_category_labels(tmp_path: Path) -> None:
    line = {"text": HARD, "labels": [[u16(HARD, 73), u16(HARD, 75), "ACTOR"], "war", "east"]}
    result = doccano.read(write_lines(tmp_path / "labels.jsonl", [line]), annotator="ann")
    (record,) = result.records
    assert spans_of(record) == [(73, 75, "ACTOR", "李明")]
    assert record.meta == {"categories": ["war", "east"]}
    assert '2 document categories kept in meta "categories", not as spans' in result.notes


def test_the_unit_warning_counts_records(tmp_path: Path) -> None:
    # "🇺🇦 ab cd ef": as code points, 5 is the space after "ab" and 8 the space after
    # "cd"; as UTF-16 units, [5, 8) is code points [3, 6), "ab " (both edges between
    # words too).  A tie: the file's unit stays, and so does the warning.
    text = "🇺🇦 ab cd ef"
    assert (text[5], text[8], text[3:6]) == (" ", " ", "ab ")
    path = write_lines(tmp_path / "two.jsonl", [
        {"text": text, "label": [[5, 8, "CLAIM"]], "username": who} for who in ("alice", "bob")
    ])  # fmt: skip
    result = doccano.read(path)
    assert result.notes == [
        "2 records have characters above U+FFFF (emoji, 𝔘) and spans without a quote: their"
        " offsets were read as utf16 units; if spans look shifted, import again with"
        " --offsets codepoint"
    ]


def test_a_unit_given_is_no_guess_to_warn_about(tmp_path: Path) -> None:
    text = "🇺🇦 ab cd ef"  # the tie above, with the unit given either way
    path = write_lines(tmp_path / "one.jsonl", [{"text": text, "label": [[5, 8, "CLAIM"]]}])
    for unit, quote in (("utf16", "ab "), ("codepoint", " cd")):
        result = doccano.read(path, offsets=unit, annotator="alice")
        assert [s["start"] for s in result.records[0].spans] == [text.index(quote)]
        assert not [note for note in result.notes if "--offsets" in note], result.notes


def test_one_sub_word_span_is_too_little_to_change_the_unit(tmp_path: Path) -> None:
    # "🔥🔥 ab cd": UTF-16 [5, 6) is "a" (code points [3, 4)).  Read as code points
    # it would be the space at [5, 6), both edges "between words": by chance.
    text = "🔥🔥 ab cd"
    assert (text[3:4], text[5:6], u16(text, 3)) == ("a", " ", 5)
    path = write_lines(tmp_path / "one.jsonl", [{"text": text, "label": [[5, 6, "ACTOR"]]}])
    result = doccano.read(path, annotator="alice")
    assert spans_of(result.records[0]) == [(3, 4, "ACTOR", "a")]
