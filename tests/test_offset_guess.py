"""Which unit a doccano or Label Studio record's offsets count, from its spans.

TEXT, counted by hand: the flag 🇺🇦 is code points 0-1 (4 UTF-16 units), a space,
"Kyiv" 3-6, ":" 7, a space, the firefighter 👨🏻‍🚒 9-12 (three characters above
U+FFFF and a joiner: 7 units), a space, "firefighters" 14-25, "met" 27-29,
"José" 31-34, "and" 36-38, "李明" 40-41, "today" 43-47, "." 48.  So in code
points "🇺🇦 Kyiv" [0, 7), "José" [31, 35), "李明" [40, 42); in UTF-16 units
[0, 9), [36, 40), [45, 47).  Read in the wrong unit, the spans land beside
spaces and inside words: as UTF-16 units the code points give "🇺🇦 Ky", " met",
" a"; as code points the UTF-16 units give "🇺🇦 Kyiv: " and so on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from annotator.formats import doccano, labelstudio

sys.path.insert(0, str(Path(__file__).parent))
from texts import spans_of  # noqa: E402

TEXT = "🇺🇦 Kyiv: 👨🏻‍🚒 firefighters met José and 李明 today."
IN_CODE_POINTS = [(0, 7, "ACTOR", "🇺🇦 Kyiv"), (31, 35, "ACTOR", "José"), (40, 42, "ACTOR", "李明")]
IN_UTF16 = [(0, 9), (36, 40), (45, 47)]


def write(path: Path, content: Any, lines: bool = False) -> Path:
    text = "\n".join(json.dumps(c, ensure_ascii=False) for c in content) if lines else json.dumps(
        content, ensure_ascii=False
    )
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_the_hand_counts_are_right() -> None:
    assert len(TEXT) == 49 and [TEXT[s:e] for s, e, _, _ in IN_CODE_POINTS] == [
        q for *_, q in IN_CODE_POINTS
    ]
    utf16 = TEXT.encode("utf-16-le")
    assert [utf16[2 * s : 2 * e].decode("utf-16-le") for s, e in IN_UTF16] == [
        q for *_, q in IN_CODE_POINTS
    ]


def test_a_doccano_record_in_code_points_is_read_so(tmp_path: Path) -> None:
    """doccano's default is UTF-16 units; these spans sit on words only as code points
    (as UTF-16 units 4 of their 6 edges still fall between words or beside spaces)."""
    record = {"text": TEXT, "label": [[s, e, label] for s, e, label, _ in IN_CODE_POINTS]}
    result = doccano.read(write(tmp_path / "cp.jsonl", [record], lines=True), annotator="ana")
    assert spans_of(result.records[0]) == IN_CODE_POINTS
    assert result.notes[0].startswith("1 record read with code point offsets")


def test_a_label_studio_task_in_utf16_units_without_quotes_is_read_so(tmp_path: Path) -> None:
    regions = [
        {"id": f"r{n}", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": s, "end": e, "labels": ["ACTOR"]}}
        for n, (s, e) in enumerate(IN_UTF16)
    ]  # fmt: skip
    task = {"data": {"text": TEXT}, "annotations": [{"result": regions}]}
    result = labelstudio.read(write(tmp_path / "u.json", [task]), annotator="ana")
    assert spans_of(result.records[0]) == IN_CODE_POINTS
    assert result.notes[0].startswith("1 record read with UTF-16 offsets")


def test_a_span_a_unit_cannot_hold_rules_that_unit_out(tmp_path: Path) -> None:
    """"firefighters" [14, 26) and "met" [27, 30) in code points.  As UTF-16 units,
    14 is the second half of 🏻 (which starts at unit 13): no span can start there."""
    assert len("🇺🇦 Kyiv: 👨".encode("utf-16-le")) // 2 == 13
    spans = [(14, 26, "ACTOR", "firefighters"), (27, 30, "ACTOR", "met")]
    assert [TEXT[s:e] for s, e, _, _ in spans] == ["firefighters", "met"]
    record = {"text": TEXT, "label": [[s, e, label] for s, e, label, _ in spans]}
    result = doccano.read(write(tmp_path / "cp.jsonl", [record], lines=True), annotator="ana")
    assert spans_of(result.records[0]) == spans


def test_spans_that_fit_either_unit_alike_leave_the_default(tmp_path: Path) -> None:
    """Three spans before the first emoji tell nothing: doccano's UTF-16 stays, and
    the usual warning says how to read them otherwise."""
    text = "Kyiv and Odesa met Lviv 🇺🇦 today"
    record = {"text": text, "label": [[0, 4, "ACTOR"], [9, 14, "ACTOR"], [19, 23, "ACTOR"]]}
    result = doccano.read(write(tmp_path / "x.jsonl", [record], lines=True), annotator="ana")
    assert [q for *_, q in spans_of(result.records[0])] == ["Kyiv", "Odesa", "Lviv"]
    assert not any("read with" in note for note in result.notes)


def test_a_span_through_half_an_emoji_makes_the_other_unit_the_one(tmp_path: Path) -> None:
    # "Hi 😀 there Alice.": [3, 4) in UTF-16 units ends inside 😀 (units 3-4), which no
    # span can; as code points it is the 😀 itself.  One span is no edge evidence,
    # but a unit that cannot hold it is no unit for it.
    text = "Hi 😀 there Alice."
    path = write(tmp_path / "e.jsonl", [{"text": text, "label": [[3, 4, "ACTOR"]]}], lines=True)
    result = doccano.read(path, annotator="ana")
    assert spans_of(result.records[0]) == [(3, 4, "ACTOR", "😀")]
    assert result.notes[0].startswith("1 record read with code point offsets")


def test_a_file_is_read_in_the_unit_its_records_show_together(tmp_path: Path) -> None:
    # Line 1 can only be code points (as UTF-16 units, 14 is inside 🏻); line 2's one
    # span fits either way: "b" [5, 6) as code points, "a" as UTF-16 units.  Read
    # alone it would take doccano's UTF-16 units: the file says code points.
    records = [{"text": TEXT, "label": [[s, e, label] for s, e, label, _ in IN_CODE_POINTS]
                                        + [[14, 26, "ACTOR"]]},
               {"text": "🇺🇦 a b c", "label": [[5, 6, "ACTOR"]]}]  # fmt: skip
    assert TEXT[14:26] == "firefighters"
    result = doccano.read(write(tmp_path / "two.jsonl", records, lines=True), annotator="ana")
    assert [spans_of(r) for r in result.records] == [
        [*IN_CODE_POINTS, (14, 26, "ACTOR", "firefighters")],  # in the file's order
        [(5, 6, "ACTOR", "b")],
    ]
    assert result.notes == [
        "2 records read with code point offsets: their spans fit the text that way, not as"
        " UTF-16 units (--offsets utf16 reads them so anyway)"
    ]
