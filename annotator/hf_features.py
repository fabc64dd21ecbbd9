"""The native export's columns, for Hugging Face ``datasets``.

``datasets.load_dataset("json", ...)`` works out each column's type from the
first chunk of a file (10 MB) and casts every later chunk to it.  In a big
export that breaks the load: a note that is null in every span of the first
chunk makes a column of nulls, and the first real note later fails the cast;
attributes whose keys first appear later fail the same way
(huggingface/datasets issues 7159 and 7222).  Passing ``export_features()``
fixes every column's type before the first chunk is read::

    from datasets import load_dataset
    from annotator.hf_features import export_features

    ds = load_dataset("json", data_files="exports/team.jsonl", split="train",
                      features=export_features())

Free-form objects (``meta`` and the attributes) are ``Json`` columns: each row
gives back the object it had.  ``datasets`` is not a dependency of the core;
it is imported here when asked for.
"""

from __future__ import annotations

from typing import Any


def export_features() -> Any:
    """``datasets.Features`` of a native JSONL record (schemas/export.schema.json)."""
    try:
        from datasets import Features, Json, List, Value
    except ImportError:
        raise ImportError(
            "annotator.hf_features needs datasets 5.2 or newer: pip install 'datasets>=5.2'"
        ) from None
    text, number = Value("string"), Value("int64")
    span = {
        "id": text, "start": number, "end": number, "label": text, "text": text,
        "annotator": text, "note": text, "attributes": Json(), "origin": text,
        "created_at": text, "updated_at": text,
    }  # fmt: skip
    relation = {
        "id": text, "type": text, "from": text, "to": text, "annotator": text,
        "attributes": Json(), "created_at": text,
    }  # fmt: skip
    return Features({
        "id": text, "text": text, "meta": Json(), "spans": List(span),
        "relations": List(relation), "offset_unit": text,
    })  # fmt: skip
