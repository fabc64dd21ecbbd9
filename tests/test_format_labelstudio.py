"""Label Studio JSON and JSON_MIN: real exports of Label Studio 1.23.2, small files, round trips.

Label Studio 1.23.2 draws code-point offsets; UTF-16 offsets are computed here from
Python's own encoder, never with ``annotator.offsets``.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from annotator import open_store
from annotator.errors import ImportRefusedError
from annotator.formats import doccano, labelstudio, prodigy

DATA = Path(__file__).parent / "data" / "labelstudio"
PROBE_JSON = DATA / "ls-1.23.2-emoji-probe-export-JSON.json"
PROBE_MIN = DATA / "ls-1.23.2-emoji-probe-export-JSON_MIN.json"
SAMPLE_JSON = DATA / "ls-1.23.2-export-100-JSON-sample.json"
SAMPLE_MIN = DATA / "ls-1.23.2-export-100-JSON_MIN-sample.json"
from texts import HARD, HARD_SPANS, PROBE, PROBE_SPANS, spans_of, u16  # noqa: E402


def write_json(path: Path, tasks: Any) -> Path:
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def region(rid: str, start: int, end: int, labels: list[str], **value: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, "labels": labels, **value},
    }


def test_the_hand_layout_is_right() -> None:
    assert len(HARD) == 83 and all(HARD[s:e] == q for s, e, _, q in HARD_SPANS)


# -- real Label Studio exports ---------------------------------------------------------


def test_full_json_sample() -> None:
    result = labelstudio.read(SAMPLE_JSON)
    (record,) = result.records
    assert record.where == f"{SAMPLE_JSON.name} record 1" and record.meta == {"labelstudio_id": 1}
    assert len(record.spans) == 50
    assert spans_of(record)[:4] == [
        (24, 49, "CLAIM", "the talks were productive"),
        (88, 92, "ACTOR", "NATO"),
        (175, 187, "DATE", "last Tuesday"),
        (223, 232, "CITATION", "(Reuters)"),
    ]
    assert all(record.text[s["start"] : s["end"]] == s["text"] for s in record.spans)
    assert {s["annotator"] for s in record.spans} == {"user-1"}  # completed_by: 1
    assert {s["origin"] for s in record.spans} == {"import"}
    assert not result.skipped and not result.notes


def test_json_min_sample_gives_the_same_spans() -> None:
    full = labelstudio.read(SAMPLE_JSON).records[0]
    (minimal,) = (result := labelstudio.read(SAMPLE_MIN)).records
    assert minimal.text == full.text
    assert [(s["start"], s["end"], s["label"], s["annotator"]) for s in minimal.spans] == [
        (s["start"], s["end"], s["label"], s["annotator"]) for s in full.spans
    ]
    assert minimal.meta == {"labelstudio_id": 1}
    assert any("JSON_MIN" in note and "no relations" in note for note in result.notes)


@pytest.mark.parametrize("path", [PROBE_JSON, PROBE_MIN])
def test_emoji_probe_each_task_in_the_unit_its_spans_fit(path: Path) -> None:
    # Record 3 holds UTF-16 offsets and no quotes: as code points (Reuters) would end
    # past the text, as UTF-16 units every span fits between words.  The others are
    # code points (two of them with quotes that say so).
    result = labelstudio.read(path)
    assert [r.meta["variant"] for r in result.records] == [
        "py-offsets-with-text",
        "py-offsets-no-text",
        "utf16-offsets-no-text",
        "py-offsets-prediction",
    ]
    with_text, no_text, utf16, prediction = result.records
    assert spans_of(with_text) == spans_of(no_text) == spans_of(utf16) == PROBE_SPANS
    assert [s.get("text") for s in with_text.spans] == [q for *_, q in PROBE_SPANS]
    assert all("text" not in s for s in no_text.spans)  # no value.text: nothing to check
    assert prediction.spans == [] and prediction.text == PROBE
    assert (
        "1 record read with UTF-16 offsets: their spans fit the text that way, not as code"
        " points (--offsets codepoint reads them so anyway)"
    ) in result.notes
    if path == PROBE_JSON:
        assert "1 prediction listed only by id: nothing to import" in result.notes
    # Code points asked for: record 3 is refused, with the hint.
    with pytest.raises(ImportRefusedError) as info:
        labelstudio.read(path, offsets="codepoint")
    assert str(info.value) == (
        f"{path.name} record 3: span [78, 87) CITATION is not inside the text (0..85 code"
        " points, start < end): they fit in UTF-16 units: use --offsets utf16"
    )


@pytest.mark.parametrize("path", [PROBE_JSON, PROBE_MIN])
def test_emoji_probe_in_utf16(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))[2]
    value = raw["annotations"][0]["result"][0]["value"] if path == PROBE_JSON else raw["label"][0]
    assert (value["start"], value["end"]) == (u16(PROBE, 10), u16(PROBE, 18)) == (13, 21)
    result = labelstudio.read(path, offsets="utf16", skip_invalid=True)
    by_variant = {r.meta["variant"]: r for r in result.records}
    assert spans_of(by_variant["utf16-offsets-no-text"]) == PROBE_SPANS
    # Record 1 quotes its text: read as UTF-16 the quote fails, and the reader says why.
    assert result.skipped == [
        f"{path.name} record 1: span [10, 18) ACTOR quotes 'Zelensky' but the text there is"
        " '𝔘 Zelen': the quote matches when the offsets are code points: use --offsets codepoint"
    ]


def test_sniff() -> None:
    for path in (PROBE_JSON, PROBE_MIN, SAMPLE_JSON, SAMPLE_MIN):
        head = path.read_text(encoding="utf-8")[:65536]
        assert labelstudio.sniff(head) and not doccano.sniff(head) and not prodigy.sniff(head)
    assert labelstudio.sniff(SAMPLE_JSON.read_text(encoding="utf-8")[:4000])  # cut mid-task
    assert labelstudio.sniff(SAMPLE_MIN.read_text(encoding="utf-8")[:4000])
    assert not labelstudio.sniff('[{"text": "a", "label": [[0, 1, "X"]]}]')
    assert not labelstudio.sniff(json.dumps({"text": "a", "offset_unit": "codepoint"}))


# -- small files in the same shape -----------------------------------------------------


def hard_task() -> dict[str, Any]:
    return {
        "id": 41,
        "data": {"text": HARD, "title": "Kyiv", "desk": "east"},
        "meta": {"batch": 2},
        "annotations": [
            {
                "completed_by": {"id": 7, "email": "olga@example.org"},
                "created_at": "2026-01-02T03:04:05.000Z",
                "result": [
                    region("claimRegion1", 31, 51, ["CLAIM"], text=HARD[31:51]),
                    region("actorRegion1", 14, 25, ["ACTOR"], text="Olena Koval")
                    | {"meta": {"text": ["spelling?"]}},
                    region("r9", 73, 75, ["ACTOR", "CITATION"]),
                    {"from_id": "actorRegion1", "to_id": "claimRegion1", "type": "relation",
                     "direction": "left", "labels": ["ATTRIBUTED_TO"]},
                    {"from_id": "claimRegion1", "to_id": "r9", "type": "relation"},
                    {"id": "c1", "type": "choices", "value": {"choices": ["war"]}},
                ],
            },
            {"completed_by": 3, "was_cancelled": True, "result": []},
        ],
        "predictions": [{"model_version": "v1", "result": [region("p0", 0, 7, ["ACTOR"])]}],
        "drafts": [{"result": []}],
    }  # fmt: skip


def test_hard_characters_and_every_kind_of_result(tmp_path: Path) -> None:
    result = labelstudio.read(write_json(tmp_path / "hard.json", [hard_task()]))
    (record,) = result.records
    assert record.text == HARD and record.title == "Kyiv"
    assert record.meta == {"desk": "east", "batch": 2, "labelstudio_id": 41}
    assert spans_of(record) == [
        (31, 51, "CLAIM", HARD[31:51]),
        (14, 25, "ACTOR", "Olena Koval"),
        (73, 75, "ACTOR", "李明"),
        (73, 75, "CITATION", "李明"),
        (0, 7, "ACTOR", "\U0001f1fa\U0001f1e6 Kyiv"),
    ]
    claim, actor, li_actor, li_citation, predicted = record.spans
    assert (claim["id"], actor["id"]) == ("claimRegion1", "actorRegion1")  # long, unique ids
    assert li_actor["id"] != "r9" and li_citation["id"] != li_actor["id"]  # short: stable ids
    assert actor["note"] == "spelling?" and actor["created_at"] == "2026-01-02T03:04:05.000Z"
    assert {s["annotator"] for s in record.spans[:4]} == {"olga@example.org"}
    assert (predicted["annotator"], predicted["origin"]) == ("prediction", "model")
    (relation,) = record.relations  # direction "left": from the claim to the actor
    assert (relation["from"], relation["to"], relation["type"]) == (
        "claimRegion1",
        "actorRegion1",
        "ATTRIBUTED_TO",
    )
    assert set(result.notes) == {
        "1 region with several labels split into one span per label",
        "1 relation without a label not kept (a relation needs a type)",
        "1 result of type 'choices' not kept (only labels and relations)",
        "1 cancelled (skipped) annotation not imported",
        "1 draft not imported",
    }  # the spans fit the text as code points: no warning that they may be shifted


def test_a_mismatched_quote_is_reported(tmp_path: Path) -> None:
    task = {
        "data": {"text": HARD},
        "annotations": [{"result": [region("a", 31, 51, ["CLAIM"], text="the bridge")]}],
    }
    with pytest.raises(ImportRefusedError) as info:
        labelstudio.read(write_json(tmp_path / "q.json", [task]))
    assert str(info.value).startswith("q.json record 1: span [31, 51) CLAIM quotes 'the bridge'")


def test_malformed_record_3_refuses_the_file_or_is_skipped(tmp_path: Path) -> None:
    good = {"data": {"text": "Kyiv."}, "annotations": [{"result": [region("a", 0, 4, ["ACTOR"])]}]}
    dangling = {"type": "relation", "from_id": "b", "to_id": "zz", "labels": ["X"]}
    bad = {
        "data": {"text": "Lviv."},
        "annotations": [{"result": [region("b", 0, 4, ["X"]), dangling]}],
    }
    path = write_json(tmp_path / "bad.json", [good, {"data": {"text": "Two."}}, bad, {"data": {}}])
    with pytest.raises(ImportRefusedError, match=r"^bad\.json record 3: relation 'b' -> 'zz'"):
        labelstudio.read(path)
    result = labelstudio.read(path, skip_invalid=True, annotator="kim")
    assert [r.where for r in result.records] == ["bad.json record 1", "bad.json record 2"]
    assert [s.split(":")[0] for s in result.skipped] == ["bad.json record 3", "bad.json record 4"]
    assert result.records[0].spans[0]["annotator"] == "kim"


def test_a_file_that_is_not_json_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('[\n {"data": {"text": "a"}},\n oops\n]\n', encoding="utf-8")
    with pytest.raises(ImportRefusedError, match=r"^broken\.json line 3: not valid JSON"):
        labelstudio.read(path)


# -- writing and round trips -----------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> Any:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(HARD, title="Kyiv", meta={"desk": "east"})
        made = {}
        analysts = ["bob", "alice", "alice", "alice", "bob", "bob", "prediction"]
        for (s, e, label, _), who in zip(HARD_SPANS, analysts, strict=True):
            note = "check spelling" if s == 14 else None
            attributes = {"confidence": "low"} if s == 60 else None
            made[s] = store.add_span(
                doc.id, s, e, label, annotator=who, note=note, attributes=attributes
            )
        store.add_relation(doc.id, made[31].id, made[14].id, "ATTRIBUTED_TO", annotator="alice")
        store.add_document("Plain text with nothing marked.")
        yield store


def originals(store: Any) -> set[tuple[str, int, int, str, str, str | None]]:
    return {
        (store.document(d.id).text, s.start, s.end, s.label, s.annotator, s.note)
        for d in store.documents()
        for s in store.spans(d.id)
    }


def test_round_trip_keeps_analysts_notes_relations_and_span_ids(
    filled: Any, tmp_path: Path
) -> None:
    target = tmp_path / "ls.json"
    report = labelstudio.write(filled, target)
    assert (report.documents, report.spans, report.relations) == (2, 7, 1)
    assert "attributes of 1 span (Label Studio regions have none)" in report.lost
    assert not any("notes" in line for line in report.lost)
    tasks = json.loads(target.read_text(encoding="utf-8"))
    first = tasks[0]
    assert first["data"] == {"text": HARD, "uid": filled.documents()[0].uid, "title": "Kyiv"}
    assert first["meta"] == {"desk": "east"}
    assert [a["annotator"] for a in first["annotations"]] == ["alice", "bob"]
    assert [r["value"]["labels"] for r in first["predictions"][0]["result"]] == [["ACTOR"]]
    relation = first["annotations"][0]["result"][-1]
    assert relation["type"] == "relation" and relation["labels"] == ["ATTRIBUTED_TO"]
    back = labelstudio.read(target).records
    got = {
        (r.text, s["start"], s["end"], s["label"], s["annotator"], s.get("note"))
        for r in back
        for s in r.spans
    }
    assert got == originals(filled)
    ids = {s.id for d in filled.documents() for s in filled.spans(d.id)}
    assert {s["id"] for r in back for s in r.spans} == ids
    with open_store(tmp_path / "b.db") as other:
        added = other.import_records(back)
        assert (added.spans_added, added.relations_added) == (7, 1)
        (rel,) = other.relations(other.documents()[0].id)
        assert (other.span(rel.from_span).text, other.span(rel.to_span).text) == (
            HARD[31:51],
            "Olena Koval",
        )


def test_utf16_export_offsets_and_email_analysts(tmp_path: Path) -> None:
    with open_store(tmp_path / "e.db") as store:
        doc = store.add_document(HARD)
        for s, e, label, _ in HARD_SPANS:
            store.add_span(doc.id, s, e, label, annotator="olga@example.org")
        buffer = io.StringIO()
        labelstudio.write(store, buffer, offsets="utf16")
    (task,) = json.loads(buffer.getvalue())
    (annotation,) = task["annotations"]
    assert annotation["completed_by"] == {"email": "olga@example.org"}
    got = [
        (r["value"]["start"], r["value"]["end"], r["value"]["text"]) for r in annotation["result"]
    ]
    assert got == [(u16(HARD, s), u16(HARD, e), q) for s, e, _, q in HARD_SPANS]
    path = tmp_path / "u16.json"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    (record,) = labelstudio.read(path, offsets="utf16").records
    assert spans_of(record) == HARD_SPANS


def test_json_min_with_hard_characters(tmp_path: Path) -> None:
    regions = [{"start": s, "end": e, "labels": [lab], "text": q} for s, e, lab, q in HARD_SPANS]
    record = {
        "text": HARD,
        "desk": "east",
        "id": 5,
        "label": regions,
        "annotator": "olga@example.org",
        "annotation_id": 9,
        "created_at": "2026-01-02T03:04:05.000Z",
        "updated_at": "2026-01-02T03:04:06.000Z",
        "lead_time": 3.5,
    }
    (read_back,) = labelstudio.read(write_json(tmp_path / "min.json", [record])).records
    assert read_back.text == HARD and read_back.meta == {"desk": "east", "labelstudio_id": 5}
    assert spans_of(read_back) == HARD_SPANS
    assert {s["annotator"] for s in read_back.spans} == {"olga@example.org"}
    assert {s["updated_at"] for s in read_back.spans} == {"2026-01-02T03:04:06.000Z"}


def test_a_label_given_as_a_string_is_read_and_a_region_without_any_is_named(
    tmp_path: Path,
) -> None:
    one = region("r1", 0, 4, [])
    one["value"]["labels"] = "ACTOR"  # a hand-made file: one label, not in a list
    task = {"data": {"text": "Kyiv talks resumed."}, "annotations": [{"result": [one]}]}
    (record,) = labelstudio.read(write_json(tmp_path / "one.json", [task])).records
    assert spans_of(record) == [(0, 4, "ACTOR", "Kyiv")]
    bare = region("r2", 0, 4, [])
    del bare["id"]
    task["annotations"] = [{"result": [bare]}]
    with pytest.raises(ImportRefusedError, match="a region has no labels: give it one"):
        labelstudio.read(write_json(tmp_path / "bare.json", [task]))


def test_tasks_sharing_a_data_uid_with_other_texts_are_documents_of_their_own(
    tmp_path: Path,
) -> None:
    """Sentences of one article, each given the article's id: none may be lost."""
    path = write_json(tmp_path / "sentences.json", [
        {"data": {"text": "Alice met Bob.", "uid": "article-7"},
         "annotations": [{"result": [region("aaaaaaaa", 0, 5, ["ACTOR"])]}]},
        {"data": {"text": "Bob left Paris.", "uid": "article-7"}, "meta": {"uid": "cms-1"},
         "annotations": [{"result": [region("bbbbbbbb", 0, 3, ["ACTOR"])]}]},
        {"data": {"text": "A text of its own.", "uid": "solo"}, "annotations": []},
    ])  # fmt: skip
    result = labelstudio.read(path)
    assert [(r.uid, r.meta) for r in result.records] == [
        (None, {"uid": "article-7"}),
        (None, {"uid": "cms-1", "labelstudio_uid": "article-7"}),  # "uid" was taken
        ("solo", {}),
    ]
    assert (
        '2 records share their "uid" with records of another text (parts of one article?):'
        ' each text is a document of its own, the "uid" kept in its meta'
    ) in result.notes
    with open_store(tmp_path / "a.db") as store:
        added = store.import_records(result.records)
        assert (len(added), added.skipped, added.spans_added) == (3, [], 2)
        texts = {store.document(d.id).text for d in store.documents()}
        assert texts == {"Alice met Bob.", "Bob left Paris.", "A text of its own."}


def test_a_quote_tells_the_unit_of_its_task(tmp_path: Path) -> None:
    # "Olena Koval" is [14, 25) in code points; before it the flag takes 4 UTF-16
    # units for 2 code points and the firefighter 7 for 4: [19, 30) in UTF-16 units.
    assert (u16(HARD, 14), u16(HARD, 25)) == (19, 30) and HARD[14:25] == "Olena Koval"
    task = {"data": {"text": HARD},
            "annotations": [{"result": [region("a", 19, 30, ["ACTOR"], text="Olena Koval")]}]}
    result = labelstudio.read(write_json(tmp_path / "u.json", [task]), annotator="olga")
    assert spans_of(result.records[0]) == [(14, 25, "ACTOR", "Olena Koval")]
    assert result.notes == [
        "1 record read with UTF-16 offsets: their spans fit the text that way, not as code"
        " points (--offsets codepoint reads them so anyway)"
    ]
