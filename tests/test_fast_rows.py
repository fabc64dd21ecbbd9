"""The bulk import's fast span rows agree with the careful, one-by-one path.

``span_tuples`` may decline any batch (``None``: the careful path takes it and
says what is wrong), but whatever it accepts must give exactly the rows the
careful path gives, and whatever the careful path refuses it must decline.
The careful path (``ImportsMixin._checked_span_rows``, one span at a time through
``SpansMixin._span_rows``) is the independent oracle here.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import InvalidSpanError, open_store
from annotator.schema import default_schema_body, schema_from_dict
from annotator.store.fast_rows import span_tuples

TEXT = "Zoë said 🇺🇦 talks resume; e\u0301 李明 agreed."
STAMP = "2026-11-28T10:00:00.000Z"
LABELS = frozenset({"CLAIM", "ACTOR", "DATE", "CITATION"})
SCHEMA = schema_from_dict(default_schema_body())  # a new database's

ODD_VALUES: list[Any] = [None, "", 0, 1.5, True, [], {}, "x", " ", -1, 99, ["CLAIM"]]
odd = st.sampled_from(ODD_VALUES)
# Allowed for some label's attribute of the default schema or for none of them.
ATTRIBUTE_VALUES: list[Any] = ["person", "alien", "supports", True, 1, "2026-11", "Monday",
                               "2026-02-30", "https://example.org/a", "not a url", ["person"]]
# The store's form; other forms of a time (stored in the store's form); no times.
STAMPS = [STAMP, "2026-11-29T10:00:00.000Z", "2026-11-28T10:00:00Z", "2026-11-28T11:00:00+01:00",
          "2026-11-28T10:00:00.123456+00:00", "2026-02-30T10:00:00.000Z", "2026-11-28T10:00:00",
          "yesterday", "2026-11-28T24:00:00.000Z"]
offsets = st.one_of(st.integers(min_value=-2, max_value=len(TEXT) + 2), odd)
field = {
    "start": offsets,
    "end": offsets,
    "label": st.one_of(st.sampled_from(sorted(LABELS) + ["PERSON"]), odd),
    "annotator": st.one_of(st.sampled_from(["alice", "bob", " ", "suggest"]), odd),
    "text": st.one_of(st.none(), st.sampled_from(["Zoë", "talks", "🇺🇦"]), odd),
    "note": st.one_of(st.none(), st.sampled_from(["check", ""]), odd),
    "attributes": st.one_of(
        st.none(), st.just({"certainty": "high"}), st.just({"x": float("nan")}),
        st.just({1: "a"}), odd, st.dictionaries(
            st.sampled_from(["kind", "stance", "checkworthy", "normalized", "url", "x"]),
            st.sampled_from(ATTRIBUTE_VALUES), max_size=2,
        ),
    ),
    "origin": st.one_of(st.sampled_from(["manual", "import", "model", "nonsense"]), odd),
    "created_at": st.one_of(st.sampled_from(STAMPS), odd),
    "updated_at": st.one_of(st.sampled_from(STAMPS), odd),
}


@st.composite
def span(draw: Any, n: int) -> dict[str, Any]:
    start = draw(st.integers(min_value=0, max_value=len(TEXT) - 1))
    item: dict[str, Any] = {
        "id": f"s{n}",
        "start": start,
        "end": draw(st.integers(min_value=start + 1, max_value=len(TEXT))),
        "label": "CLAIM",
        "annotator": "alice",
        "created_at": STAMP,
    }
    item["text"] = TEXT[item["start"] : item["end"]]
    for key in draw(st.sets(st.sampled_from(sorted(field)), max_size=3)):
        item[key] = draw(field[key])
    return item


@st.composite
def batch(draw: Any) -> list[Any]:
    spans: list[Any] = [draw(span(n)) for n in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()) and len(spans) > 1:
        spans[-1]["id"] = spans[0]["id"]  # the same id twice
    if draw(st.integers(0, 9)) == 0:
        spans.append("not an object")
    return spans


@settings(
    deadline=None,
    database=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spans=batch())
def test_fast_rows_are_the_careful_rows_or_none(tmp_path: Any, spans: list[Any]) -> None:
    with open_store(tmp_path / "fast.db") as store:
        if not store.documents():
            store.add_document(TEXT, title="t")
        doc_id = store.documents()[0].id
        fast = span_tuples(doc_id, TEXT, spans, store.schema, STAMP)
        try:
            careful = store._checked_span_rows(doc_id, TEXT, spans, STAMP)
        except (InvalidSpanError, AttributeError, TypeError):
            careful = None  # refused (a non-object item fails before a row is made)
    if fast is not None:
        assert careful is not None, "the fast path accepted what the careful path refuses"
        assert fast == careful


def test_a_plain_batch_takes_the_fast_path() -> None:
    first = {"id": "a", "start": 0, "end": 3, "label": "ACTOR", "annotator": "alice", "text": "Zoë"}
    second = {"start": 9, "end": 11, "label": "CLAIM", "annotator": "bob", "origin": "import",
              "note": "check", "attributes": {"certainty": "high"},
              "created_at": STAMP}  # fmt: skip
    spans = [first, second]
    rows = span_tuples(7, TEXT, spans, SCHEMA, STAMP)
    assert rows is not None
    assert rows[0] == ("a", 7, "alice", "ACTOR", 0, 3, "Zoë", None, "{}", "manual", STAMP, STAMP)
    assert rows[1][1:] == (7, "bob", "CLAIM", 9, 11, "🇺🇦", "check", '{"certainty": "high"}',
                           "import", STAMP, STAMP)  # fmt: skip
    assert len(rows[1][0]) == 36  # a new uuid


def test_an_empty_note_or_attributes_list_is_left_to_the_careful_path() -> None:
    base = {"id": "a", "start": 0, "end": 3, "label": "ACTOR", "annotator": "alice"}
    assert span_tuples(1, TEXT, [{**base, "attributes": []}], SCHEMA, STAMP) is None
    assert span_tuples(1, TEXT, [{**base, "note": 0}], SCHEMA, STAMP) is None
    assert span_tuples(1, TEXT, [{**base, "start": True}], SCHEMA, STAMP) is None
    # The careful path refuses an id, origin or time that is no text (0 was taken here
    # for "none").
    for key in ("id", "origin", "created_at", "updated_at"):
        assert span_tuples(1, TEXT, [{**base, key: 0}], SCHEMA, STAMP) is None
