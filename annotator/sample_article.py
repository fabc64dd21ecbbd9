"""The bundled sample article and its reference annotation (analyst ``sample``)."""

from __future__ import annotations

import json
from typing import Any

from .model import DocumentRecord, ImportResult
from .resources import sample_dir

SAMPLE_ANNOTATOR = "sample"
SAMPLE_UID = "sample-velmora-summit"


def sample_record() -> DocumentRecord:
    folder = sample_dir()
    with open(folder / "summit.txt", encoding="utf-8", newline="") as f:
        text = f.read()
    with open(folder / "summit.spans.json", encoding="utf-8") as f:
        reference = json.load(f)
    annotator = reference.get("annotator", SAMPLE_ANNOTATOR)
    # Stable ids, so adding the sample to a database twice adds nothing twice.
    spans: list[dict[str, Any]] = [
        {**span, "id": f"sample-span-{n}", "annotator": annotator, "origin": "manual"}
        for n, span in enumerate(reference["spans"], 1)
    ]
    relations = [
        {
            "id": f"sample-relation-{n}",
            "type": rel["type"],
            "from": spans[rel["from"]]["id"],
            "to": spans[rel["to"]]["id"],
            "annotator": annotator,
        }
        for n, rel in enumerate(reference["relations"], 1)
    ]
    return DocumentRecord(
        text=text,
        uid=SAMPLE_UID,
        title=text.split("\n", 1)[0],
        source="annotator sample (fictional)",
        meta={"sample": True},
        spans=spans,
        relations=relations,
        where="the sample article",
    )


def add_sample(store: Any) -> ImportResult:
    """Add the sample to ``store`` unless it is there; returns what was added.

    Once there, it is the analysts' to change: spans of its reference deleted
    since do not come back (an import of the record would add them again)."""
    if store.document_by_uid(SAMPLE_UID) is not None:
        return ImportResult()
    return store.import_records([sample_record()], added_by=SAMPLE_ANNOTATOR)  # type: ignore[no-any-return]
