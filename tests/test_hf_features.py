"""A big export loads in Hugging Face ``datasets`` with ``export_features()``.

``datasets`` types each column from the first chunk of a file; here the chunks
are made 4 KB so that a small export behaves like a big one: the only note,
attributes, metadata and relation sit in the last document, far past the
first chunk.  Expected values are read back from the file with ``json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import Store
from annotator.hf_features import export_features

TEXT = "Minister Zoë Ångström said on 3 March that the 🇺🇦 talks resume, article {n}."


def fill(store: Store, documents: int) -> None:
    for n in range(documents):
        last = n == documents - 1
        text = TEXT.format(n=n)
        meta = {"desk": "Kyiv"} if last else None
        doc = store.add_document(text, title=f"Article {n}", meta=meta)
        actor = store.add_span(doc.id, 9, 21, "ACTOR", annotator="alice")
        claim = store.add_span(
            doc.id, 43, 62, "CLAIM", annotator="alice",
            note="checked against the transcript" if last else None,
            attributes={"checked_by": "desk"} if last else None,
        )  # fmt: skip
        if last:
            store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")


def test_a_late_note_attributes_meta_and_relation_load(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets

    fill(store, 60)
    path = tmp_path / "big.jsonl"
    store.export_jsonl(path)
    assert path.stat().st_size > 10 * 4096  # many chunks of 4 KB
    lines = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    ds = datasets.load_dataset(
        "json", data_files=str(path), split="train", features=export_features(),
        chunksize=4096, cache_dir=str(tmp_path / "hf-cache"),
    )  # fmt: skip
    assert ds.num_rows == 60
    for row, line in zip(ds, lines, strict=True):
        assert row["id"] == line["id"] and row["text"] == line["text"]
        assert row["meta"] == line["meta"]
        assert row["spans"] == line["spans"]
        assert row["relations"] == line["relations"]
    last = ds[59]
    assert [s["note"] for s in last["spans"]] == [None, "checked against the transcript"]
    assert last["spans"][1]["attributes"] == {"checked_by": "desk"}
    assert last["meta"]["desk"] == "Kyiv"
    assert [r["type"] for r in last["relations"]] == ["ATTRIBUTED_TO"]
    assert ds[0]["spans"][1]["note"] is None and ds[0]["relations"] == []
