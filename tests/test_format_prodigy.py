"""Prodigy JSONL: real Prodigy datasets, small files in the same shape, and an export spaCy loads.

Offsets are code points.  Expected spans are laid out by hand.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import spacy

from annotator import ExportError, open_store
from annotator.errors import ImportRefusedError
from annotator.formats import doccano, labelstudio, prodigy
from annotator.formats.base import DEFAULT_ANNOTATOR

DATA = Path(__file__).parent / "data" / "prodigy"
NEWS = DATA / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.first12.jsonl"
REDDIT = DATA / "annotated_reddit-PRODUCT-ner.first15.jsonl"
TEXTCAT = DATA / "annotated_github-issues-DOCUMENTATION-textcat.first6.jsonl"
from texts import HARD, HARD_SPANS, spans_of  # noqa: E402


def write_lines(path: Path, records: list[Any]) -> Path:
    body = "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    )
    path.write_text(body, encoding="utf-8", newline="\n")
    return path


def test_the_hand_layout_is_right() -> None:
    assert len(HARD) == 83 and all(HARD[s:e] == q for s, e, _, q in HARD_SPANS)


# -- real Prodigy files ----------------------------------------------------------------


def test_ner_manual_headlines() -> None:
    result = prodigy.read(NEWS, annotator="nyt-team")
    assert len(result.records) == 12 and not result.skipped
    first = result.records[0]
    assert first.text == "Uber\u2019s Lesson: Silicon Valley\u2019s Start-Up Machine Needs Fixing"
    assert spans_of(first) == [(0, 4, "ORG", "Uber"), (15, 29, "LOCATION", "Silicon Valley")]
    assert first.source == "The New York Times" and first.meta == {}
    # Lines 4, 9 and 11 have no "spans" key: documents without spans.
    assert [n for n, r in enumerate(result.records, 1) if not r.spans] == [4, 9, 11]
    seventh = result.records[6]  # "‘The Internet Is Broken’: @ev Is Trying to Salvage It"
    assert spans_of(seventh) == [(24, 29, "PERSON", ": @ev")]
    assert {s["annotator"] for r in result.records for s in r.spans} == {"nyt-team"}
    assert {s["origin"] for r in result.records for s in r.spans} == {"import"}


def test_ner_teach_imports_only_accepted_answers() -> None:
    result = prodigy.read(REDDIT)
    assert [r.where for r in result.records] == [f"{REDDIT.name} line {n}" for n in (8, 9, 10, 12)]
    assert [spans_of(r) for r in result.records] == [
        [(22, 28, "PRODUCT", "Google")],
        [(50, 57, "PRODUCT", "Windows")],
        [(134, 141, "PRODUCT", "Kleenex")],
        [(163, 169, "PRODUCT", "iPhoto")],
    ]
    assert result.records[0].spans[0]["text"] == "Google"  # the quote is kept and was checked
    assert result.records[0].meta == {"section": "funny", "score": 0.0491354293}
    assert '10 records answered "reject" not imported (only accepted ones are)' in result.notes
    assert '1 record answered "ignore" not imported (only accepted ones are)' in result.notes
    assert {s["annotator"] for r in result.records for s in r.spans} == {DEFAULT_ANNOTATOR}


def test_textcat_records_import_as_documents_and_the_labels_are_noted() -> None:
    result = prodigy.read(TEXTCAT)
    assert [r.text for r in result.records] == [
        "Describe streaming arguments in docs",
        "Making dialog titles use Book Style Capitalization [needs-docs]",
    ]
    assert all(not r.spans and r.source == "GitHub" for r in result.records)
    assert '2 text-classification labels (top-level "label") not kept: spans only' in result.notes
    assert '4 records answered "reject" not imported (only accepted ones are)' in result.notes


def test_sniff() -> None:
    for path in (NEWS, REDDIT, TEXTCAT):
        assert prodigy.sniff(path.read_text(encoding="utf-8")[:65536])
        assert not doccano.sniff(path.read_text(encoding="utf-8")[:65536])
        assert not labelstudio.sniff(path.read_text(encoding="utf-8")[:65536])
    native = json.dumps({"id": "x", "text": "a", "spans": [], "offset_unit": "codepoint"})
    assert not prodigy.sniff(native)
    assert not prodigy.sniff(json.dumps({"text": "a", "label": [[0, 1, "X"]]}))


# -- small files in the same shape -----------------------------------------------------


def hard_task(**extra: Any) -> dict[str, Any]:
    spans = [{"start": s, "end": e, "label": lab, "text": q} for s, e, lab, q in HARD_SPANS]
    return {"text": HARD, "meta": {"title": "Kyiv"}, "spans": spans, "answer": "accept", **extra}


def test_hard_characters(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "hard.jsonl", [hard_task(_annotator_id="news-olga")])
    (record,) = prodigy.read(path).records
    assert record.text == HARD and record.title == "Kyiv"
    assert spans_of(record) == HARD_SPANS
    assert {s["annotator"] for s in record.spans} == {"news-olga"}


def test_a_mismatched_quote_is_reported_with_its_line(tmp_path: Path) -> None:
    bad = hard_task()
    bad["spans"][3]["text"] = "the bridge reopens"
    path = write_lines(tmp_path / "quote.jsonl", [{"text": "fine", "answer": "accept"}, bad])
    with pytest.raises(ImportRefusedError) as info:
        prodigy.read(path)
    assert str(info.value) == (
        "quote.jsonl line 2: span [31, 51) CLAIM quotes 'the bridge reopens' but the text there"
        " is 'the \U0001d518-bridge reopens': fix the offsets or the quote"
    )


def test_utf16_offsets_with_quotes_say_which_unit_matches(tmp_path: Path) -> None:
    # 𝔘 at code point 35 is UTF-16 units 36-37, so "Olena Koval" [14, 25) is UTF-16 [19, 30).
    task = {
        "text": HARD,
        "spans": [{"start": 19, "end": 30, "label": "ACTOR", "text": "Olena Koval"}],
    }
    path = write_lines(tmp_path / "u16.jsonl", [task])
    with pytest.raises(ImportRefusedError, match="use --offsets utf16"):
        prodigy.read(path)
    assert spans_of(prodigy.read(path, offsets="utf16").records[0]) == [HARD_SPANS[2]]


def test_malformed_line_3_refuses_the_file_or_is_skipped(tmp_path: Path) -> None:
    lines = [hard_task(), {"text": "Two."}, '{"text": "three", "spans": [', {"text": "Four."}]
    path = write_lines(tmp_path / "bad.jsonl", lines)
    with pytest.raises(ImportRefusedError, match=r"^bad\.jsonl line 3: not valid JSON"):
        prodigy.read(path)
    result = prodigy.read(path, skip_invalid=True)
    assert [r.where for r in result.records] == [f"bad.jsonl line {n}" for n in (1, 2, 4)]
    assert len(result.skipped) == 1 and result.skipped[0].startswith("bad.jsonl line 3:")


def test_binary_span_answers_inside_an_accepted_task(tmp_path: Path) -> None:
    task = {
        "text": "Kyiv and Lviv.",
        "answer": "accept",
        "spans": [
            {"start": 0, "end": 4, "label": "ACTOR", "answer": "accept"},
            {"start": 9, "end": 13, "label": "ACTOR", "answer": "reject"},
        ],
        "relations": [{"head": 0, "child": 2, "label": "NEAR"}],
    }
    result = prodigy.read(write_lines(tmp_path / "bin.jsonl", [task]))
    assert spans_of(result.records[0]) == [(0, 4, "ACTOR", "Kyiv")]
    assert '1 suggested span answered "reject" not imported' in result.notes
    assert "1 relation not kept: Prodigy relations are not read" in result.notes


# -- writing and round trips -----------------------------------------------------------


@pytest.fixture
def filled(tmp_path: Path) -> Any:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(HARD, title="Kyiv", source="wire", meta={"desk": "east"})
        made = {}
        analysts = ["bob", "alice", "alice", "alice", "bob", "bob", "bob"]
        for (s, e, label, _), who in zip(HARD_SPANS, analysts, strict=True):
            note = "check spelling" if s == 14 else None
            made[s] = store.add_span(doc.id, s, e, label, annotator=who, note=note)
        store.add_relation(doc.id, made[31].id, made[14].id, "ATTRIBUTED_TO", annotator="alice")
        store.add_document("Plain text with nothing marked.")
        yield store


def originals(store: Any) -> set[tuple[str, int, int, str, str]]:
    return {
        (store.document(d.id).text, s.start, s.end, s.label, s.annotator)
        for d in store.documents()
        for s in store.spans(d.id)
    }


def test_export_loads_into_spacy_and_round_trips(filled: Any, tmp_path: Path) -> None:
    target = tmp_path / "prodigy.jsonl"
    report = prodigy.write(filled, target)
    assert (report.documents, report.spans, report.relations) == (2, 7, 0)
    assert "1 relation (Prodigy's span format has none)" in report.lost
    assert "notes of 1 span (Prodigy has no span notes)" in report.lost
    tasks = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [t.get("_annotator_id") for t in tasks] == ["alice", "bob", None]
    nlp = spacy.blank("en")
    for task in tasks:
        doc = nlp.make_doc(task["text"])
        assert [t["text"] for t in task["tokens"]] == [t.text for t in doc]
        assert [(t["start"], t["end"], t["ws"]) for t in task["tokens"]] == [
            (t.idx, t.idx + len(t), bool(t.whitespace_)) for t in doc
        ]
        for span in task["spans"]:
            found = doc.char_span(
                span["start"], span["end"], label=span["label"], alignment_mode="expand"
            )
            assert found is not None
            assert (span["token_start"], span["token_end"]) == (found.start, found.end - 1)
            assert task["tokens"][span["token_start"]]["start"] <= span["start"]
            assert task["tokens"][span["token_end"]]["end"] >= span["end"]
            assert task["text"][span["start"] : span["end"]] == span["text"]
        assert task["answer"] == "accept"
        assert -(2**31) <= task["_input_hash"] < 2**31 and -(2**31) <= task["_task_hash"] < 2**31
    assert tasks[0]["_input_hash"] == tasks[1]["_input_hash"] != tasks[2]["_input_hash"]
    assert tasks[0]["_task_hash"] != tasks[1]["_task_hash"]
    assert tasks[0]["meta"] == {
        "title": "Kyiv",
        "source": "wire",
        "uid": filled.documents()[0].uid,
        "desk": "east",
    }
    assert tasks[1]["_view_id"] == "spans_manual"  # bob's CLAIM holds his 李明 ACTOR
    back = prodigy.read(target).records
    assert {
        (r.text, s["start"], s["end"], s["label"], s["annotator"]) for r in back for s in r.spans
    } == originals(filled)
    assert back[0].uid == filled.documents()[0].uid and back[0].meta == {"desk": "east"}


def test_export_is_stable_and_reimports_into_a_store(filled: Any, tmp_path: Path) -> None:
    one, two = io.StringIO(), io.StringIO()
    prodigy.write(filled, one)
    prodigy.write(filled, two)
    assert one.getvalue() == two.getvalue()
    path = tmp_path / "p.jsonl"
    path.write_text(one.getvalue(), encoding="utf-8")
    with open_store(tmp_path / "b.db") as other:
        assert other.import_records(prodigy.read(path).records).spans_added == 7
        assert originals(other) == originals(filled)
        assert other.import_records(prodigy.read(path).records).spans_added == 0


def test_export_refuses_utf16(filled: Any, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="code points"):
        prodigy.write(filled, tmp_path / "x.jsonl", offsets="utf16")
    assert not (tmp_path / "x.jsonl").exists()


def test_the_rule_tokenizer_without_spacy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prodigy, "_spacy_tokenizer", lambda: None)
    tokens, locate = prodigy.tokenize("Olena Koval, 李明 said.")
    assert [t["text"] for t in tokens] == ["Olena", "Koval", ",", "李明", "said", "."]
    assert [t["ws"] for t in tokens] == [True, False, True, True, False, False]
    assert locate(0, 11) == (0, 1) and locate(3, 8) == (0, 1) and locate(5, 6) is None
    assert re.fullmatch(r"\w+", tokens[3]["text"])


def test_a_span_that_cuts_a_token_is_named_on_export(store: Any, tmp_path: Path) -> None:
    # "Zelensky" is one token of spaCy's; "Zel" [0, 3) cuts it, "Zelensky" [0, 8) does not.
    doc = store.add_document("Zelensky spoke on Monday.")
    store.add_span(doc.id, 0, 3, "ACTOR", annotator="alice")
    store.add_span(doc.id, 0, 8, "ACTOR", annotator="bob")
    report = prodigy.write(store, tmp_path / "p.jsonl")
    assert ("token indices of 1 span that cuts a token (they name the tokens touched, which"
            " Prodigy's manual NER would widen to)") in report.lost
    tasks = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert [(s["text"], s["token_start"], s["token_end"]) for t in tasks for s in t["spans"]] == [
        ("Zel", 0, 0), ("Zelensky", 0, 0)
    ]  # fmt: skip


def test_a_documents_own_meta_uid_survives_export_and_reimport(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(
            "Alice said hello.", title="T", meta={"uid": "cms-12345", "desk": "politics"}
        )
        store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice")
        target = tmp_path / "p.jsonl"
        report = prodigy.write(store, target)
    (task,) = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert task["meta"] == {
        "title": "T",
        "annotator_uid": doc.uid,  # ours under our own key, theirs left alone
        "uid": "cms-12345",
        "desk": "politics",
    }
    assert not any("uid" in line for line in report.lost)
    (back,) = prodigy.read(target).records
    assert (back.uid, back.title, back.meta) == (
        doc.uid, "T", {"uid": "cms-12345", "desk": "politics"}
    )  # fmt: skip
    with open_store(tmp_path / "b.db") as other:
        assert other.import_records([back]).spans_added == 1
        (again,) = other.documents()
        assert other.document(again.id).uid == doc.uid
        assert other.document(again.id).meta == {"uid": "cms-12345", "desk": "politics"}


def test_a_meta_annotator_uid_is_listed_as_lost(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document("Hello.", meta={"uid": "cms-1", "annotator_uid": "x"})
        store.add_document("Bye.", meta={"annotator_uid": "y"})
        report = prodigy.write(store, tmp_path / "p.jsonl")
        bye = store.documents()[1].uid
    assert report.lost == [
        'meta "annotator_uid" of 2 documents (the key this export gives the document uid when'
        ' the meta has a "uid": rename it)'
    ]
    tasks = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text().splitlines()]
    assert tasks[0]["meta"] == {"annotator_uid": doc.uid, "uid": "cms-1"}
    assert tasks[1]["meta"] == {"uid": bye}  # "y" would read back as its uid
    assert [r.uid for r in prodigy.read(tmp_path / "p.jsonl").records] == [doc.uid, bye]


def test_tasks_sharing_a_meta_uid_with_other_texts_are_documents_of_their_own(
    tmp_path: Path,
) -> None:
    """Sentences of one article, each given the article's id: none may be lost."""
    path = write_lines(tmp_path / "sentences.jsonl", [
        {"text": "Alice met Bob.", "meta": {"uid": "article-7", "sent": 1},
         "spans": [{"start": 0, "end": 5, "label": "ACTOR"}], "answer": "accept"},
        {"text": "Bob left Paris on Monday.", "meta": {"uid": "article-7", "sent": 2},
         "spans": [{"start": 0, "end": 3, "label": "ACTOR"}], "answer": "accept"},
        {"text": "Alice met Bob.", "meta": {"uid": "article-7", "sent": 1},
         "spans": [{"start": 10, "end": 13, "label": "ACTOR"}], "answer": "accept",
         "_annotator_id": "bob"},
        {"text": "A text of its own.", "meta": {"uid": "solo"}, "answer": "accept"},
    ])  # fmt: skip
    result = prodigy.read(path)
    assert [(r.uid, r.meta) for r in result.records] == [
        (None, {"sent": 1, "uid": "article-7"}),
        (None, {"sent": 2, "uid": "article-7"}),
        (None, {"sent": 1, "uid": "article-7"}),
        ("solo", {}),
    ]
    assert (
        '3 records share their "uid" with records of another text (parts of one article?):'
        ' each text is a document of its own, the "uid" kept in its meta'
    ) in result.notes
    with open_store(tmp_path / "a.db") as store:
        added = store.import_records(result.records)
        assert (len(added), added.skipped, added.spans_added) == (3, [], 3)
        stored = {store.document(d.id).text: store.document(d.id) for d in store.documents()}
        assert stored["Bob left Paris on Monday."].meta == {"sent": 2, "uid": "article-7"}
        assert stored["A text of its own."].uid == "solo"
        first = stored["Alice met Bob."]
        assert {(s.start, s.end, s.annotator) for s in store.spans(first.id)} == {
            (0, 5, DEFAULT_ANNOTATOR), (10, 13, "bob")
        }  # fmt: skip
