"""spaCy DocBin export: loaded back here with a fresh blank pipeline and checked by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy
from spacy.tokens import DocBin

from annotator import ExportError, open_store
from annotator.formats import spacy_docbin

# "🇺🇦" 0-1, " " 2, "Kyiv" 3-6, ":" 7, " " 8, 👨🏻‍🚒 9-12, " " 13, "Olena Koval" 14-24,
# " said " 25-30, "the" 31-33, " " 34, 𝔘 35, "-bridge" 36-42, " reopens" 43-50, "." 51,
# " " 52, "Café" 53-56, " (" 57-58, "cafe" + U+0301 59-63, ")" 64, " " 65,
# "owner" 66-70, " " 71, "李明" 72-73, " agreed" 74-80, "." 81 -> 82 code points.
KYIV = (
    "\U0001f1fa\U0001f1e6 Kyiv: \U0001f468\U0001f3fb\u200d\U0001f692 Olena Koval said the "
    "\U0001d518-bridge reopens. Caf\u00e9 (cafe\u0301) owner 李明 agreed."
)
# "Velmora summit" 0-13, CR 14, LF 15, "Delegates met on Tuesday" 16-39, "." 40, CR 41, LF 42
VELMORA = "Velmora summit\r\nDelegates met on Tuesday.\r\n"


def build(path: Path) -> tuple[Any, dict[str, Any]]:
    store = open_store(path)
    kyiv = store.add_document(KYIV, uid="kyiv", title="Kyiv bridge")
    add = store.add_span
    ids = {
        "flag": add(kyiv.id, 0, 7, "ACTOR", annotator="alice"),
        "olena": add(kyiv.id, 14, 25, "ACTOR", annotator="alice", note="mayor"),
        "claim": add(kyiv.id, 31, 51, "CLAIM", annotator="alice"),
        "af": add(kyiv.id, 54, 56, "ACTOR", annotator="bob"),  # inside "Café"
        "owner": add(kyiv.id, 66, 81, "CLAIM", annotator="bob"),
        "li": add(kyiv.id, 72, 74, "ACTOR", annotator="bob"),  # inside bob's claim
    }
    store.add_relation(
        kyiv.id, ids["claim"].id, ids["olena"].id, "ATTRIBUTED_TO", annotator="alice"
    )
    velmora = store.add_document(VELMORA, uid="velmora")
    ids["date"] = add(velmora.id, 33, 40, "DATE", annotator="alice")
    ids["met"] = add(velmora.id, 16, 40, "CLAIM", annotator="bob")  # overlaps the date
    return store, ids


def load(path: Path) -> list[Any]:
    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_docbin_loads_back_with_ents_and_all_spans(tmp_path: Path) -> None:
    store, ids = build(tmp_path / "a.db")
    with store:
        report = spacy_docbin.write(store, tmp_path / "corpus.spacy")
    kyiv, velmora = load(tmp_path / "corpus.spacy")
    assert kyiv.text == KYIV and velmora.text == VELMORA  # CRLF kept
    assert [(e.start_char, e.end_char, e.label_) for e in kyiv.ents] == [
        (0, 7, "ACTOR"),
        (14, 25, "ACTOR"),
        (31, 51, "CLAIM"),
        (53, 57, "ACTOR"),  # "af" widened to the token "Café"
        (66, 81, "CLAIM"),  # "李明" inside it is left out of the ents
    ]
    assert sorted((s.start_char, s.end_char, s.label_, s.id_) for s in kyiv.spans["sc"]) == sorted(
        [
            (0, 7, "ACTOR", ids["flag"].id),
            (14, 25, "ACTOR", ids["olena"].id),
            (31, 51, "CLAIM", ids["claim"].id),
            (53, 57, "ACTOR", ids["af"].id),
            (66, 81, "CLAIM", ids["owner"].id),
            (72, 74, "ACTOR", ids["li"].id),
        ]
    )
    # the widened span is exactly what spaCy's own expand alignment gives
    assert kyiv.char_span(54, 56, alignment_mode="expand").start_char == 53
    # in order of start, bob's claim [16, 40) comes first and keeps alice's date out
    assert [(e.start_char, e.end_char, e.label_) for e in velmora.ents] == [(16, 40, "CLAIM")]
    assert len(velmora.spans["sc"]) == 2
    assert kyiv.user_data["uid"] == "kyiv" and kyiv.user_data["title"] == "Kyiv bridge"
    exact = {(s["start"], s["end"], s["text"]) for s in kyiv.user_data["spans"]}
    assert (54, 56, "af") in exact and (72, 74, "李明") in exact
    (rel,) = kyiv.user_data["relations"]
    assert (rel["from"], rel["to"]) == (ids["claim"].id, ids["olena"].id)
    assert [s.text for s in kyiv.sents][0].endswith("reopens.")  # the sentencizer ran
    lost = "\n".join(report.lost)
    assert "2 spans not in doc.ents (still in doc.spans['sc'])" in lost
    assert "ACTOR [72, 74) '李明' (bob): overlaps CLAIM [66, 81)" in lost
    assert "DATE [33, 40) 'Tuesday' (alice): overlaps CLAIM [16, 40)" in lost
    assert "ACTOR [54, 56) 'af' (bob) -> [53, 57)" in lost
    assert report.documents == 2 and report.spans == 8 and report.relations == 1
    assert "sentencizer" in report.tokenizer


def test_one_layer_and_bad_target(tmp_path: Path) -> None:
    store, _ids = build(tmp_path / "a.db")
    with store:
        report = spacy_docbin.write(store, tmp_path / "alice.spacy", annotator="alice")
        with pytest.raises(ExportError, match="folder"):
            spacy_docbin.write(store, tmp_path)
    kyiv, velmora = load(tmp_path / "alice.spacy")
    assert [e.label_ for e in kyiv.ents] == ["ACTOR", "ACTOR", "CLAIM"]
    assert [(e.start_char, e.end_char) for e in velmora.ents] == [(33, 40)]
    assert not any("not in doc.ents" in line for line in report.lost)


def test_document_meta_travels_in_user_data(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(
            "Alice said hello on Monday.",
            title="T",
            meta={"published": "2024-05-01", "outlet": "Daily Ledger", "desks": ["a", "b"]},
        )
        store.add_span(doc.id, 0, 5, "ACTOR", annotator="alice", attributes={"ids": ["Q1"]})
        report = spacy_docbin.write(store, tmp_path / "m.spacy")
    assert report.lost == []
    (sdoc,) = load(tmp_path / "m.spacy")
    assert sdoc.user_data["title"] == "T"
    # msgpack gives lists back as tuples
    assert sdoc.user_data["meta"] == {
        "published": "2024-05-01", "outlet": "Daily Ledger", "desks": ("a", "b")
    }  # fmt: skip
    assert sdoc.user_data["spans"][0]["attributes"] == {"ids": ("Q1",)}
