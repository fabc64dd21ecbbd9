"""Span attributes checked against the schema's declared attributes (issue 9)."""

from __future__ import annotations

import json

import pytest

from annotator.attributes import check_attributes
from annotator.errors import InvalidSpanError
from annotator.store import Store

TEXT = "Ministers said on 3 May 2026 that tariffs fell [citation: Ledger]."
#       0         1         2         3         4         5         6


@pytest.fixture
def db(tmp_path):
    store = Store(tmp_path / "a.db")
    doc = store.add_document(TEXT, title="t")
    yield store, doc.id
    store.close()


def test_default_schema_declares_the_issue_attributes(db):
    store, _ = db
    claim = store.schema.label("CLAIM").attributes
    assert claim["stance"]["values"] == ["supports", "refutes", "neutral", "unclear"]
    assert claim["checkworthy"]["type"] == "boolean"
    assert store.schema.label("DATE").attributes["normalized"]["type"] == "date"
    citation = store.schema.label("CITATION").attributes
    assert citation["url"]["type"] == "string"
    assert citation["kind"]["values"] == ["outlet", "agency", "official", "document", "other"]
    assert store.schema.label("ACTOR").attributes["kind"]["values"] == [
        "person", "organisation", "country", "other"
    ]


def test_good_values_are_stored(db):
    store, doc = db
    claim = store.add_span(
        doc, 0, 9, "CLAIM", annotator="ann",
        attributes={"stance": "supports", "checkworthy": True},
    )
    date = store.add_span(doc, 18, 28, "DATE", annotator="ann",
                          attributes={"normalized": "2026-05-03"})
    cite = store.add_span(doc, 47, 65, "CITATION", annotator="ann",
                          attributes={"url": "https://ledger.example/a", "kind": "outlet"})
    assert store.span(claim.id).attributes == {"stance": "supports", "checkworthy": True}
    assert store.span(date.id).attributes == {"normalized": "2026-05-03"}
    assert store.span(cite.id).attributes["kind"] == "outlet"


@pytest.mark.parametrize("value", ["٢٠٢٦-٠٣-١٤", "２０２６-０３", "2026-03-14\n", "2026\n"])
def test_a_date_is_written_in_ascii_digits_and_nothing_after(db, value):
    """Arabic-Indic and full-width digits are digits to Python's \\d, and $ lets a
    final line break by: no tool reading ISO-8601 takes either."""
    store, doc = db
    with pytest.raises(InvalidSpanError, match="use an ISO-8601 date"):
        store.add_span(doc, 0, 9, "DATE", annotator="ann", attributes={"normalized": value})


@pytest.mark.parametrize(
    ("label", "attributes", "message"),
    [
        ("CLAIM", {"stance": "agrees"},
         "CLAIM attribute 'stance' cannot be 'agrees': use one of supports, refutes, neutral,"
         " unclear"),
        ("CLAIM", {"stance": 1},
         "CLAIM attribute 'stance' cannot be 1: use one of supports, refutes, neutral, unclear"),
        ("CLAIM", {"checkworthy": "yes"},
         "CLAIM attribute 'checkworthy' must be true or false (yes/no), not 'yes'"),
        ("ACTOR", {"kind": "company"},
         "ACTOR attribute 'kind' cannot be 'company': use one of person, organisation,"
         " country, other"),
        ("DATE", {"normalized": "3 May 2026"},
         "DATE attribute 'normalized' cannot be '3 May 2026': use an ISO-8601 date YYYY,"
         " YYYY-MM or YYYY-MM-DD, or two of those joined by '/'"),
        ("CITATION", {"url": "ftp://ledger.example"},
         "CITATION attribute 'url' cannot be 'ftp://ledger.example': use an http:// or"
         " https:// URL with a host"),
        ("CITATION", {"kind": "blog"},
         "CITATION attribute 'kind' cannot be 'blog': use one of outlet, agency, official,"
         " document, other"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(db, label, attributes, message):
    store, doc = db
    with pytest.raises(InvalidSpanError) as err:
        store.add_span(doc, 0, 9, label, annotator="ann", attributes=attributes)
    assert str(err.value) == message
    assert store.spans(doc) == []


@pytest.mark.parametrize(
    "value",
    ["2026", "2026-05", "2026-05-03", "2026-05/2026-06-30", "2024-02-29", "2026-05-03/2026-05-03"],
)
def test_iso_dates_and_intervals_are_accepted(db, value):
    store, doc = db
    span = store.add_span(doc, 18, 28, "DATE", annotator="ann", attributes={"normalized": value})
    assert span.attributes == {"normalized": value}


@pytest.mark.parametrize(
    "value",
    ["2026-13", "2025-02-29", "2026-04-31", "26-05-03", "2026/05/03", "2026-06/2026-05",
     "2026-05-03/", "2026-1-3", ""],
)
def test_bad_dates_are_refused(db, value):
    store, doc = db
    with pytest.raises(InvalidSpanError, match="DATE attribute 'normalized' cannot be"):
        store.add_span(doc, 18, 28, "DATE", annotator="ann", attributes={"normalized": value})


@pytest.mark.parametrize("value", ["https://a.example/x?y=1", "http://a.example"])
def test_http_urls_are_accepted(db, value):
    store, doc = db
    span = store.add_span(doc, 47, 65, "CITATION", annotator="ann", attributes={"url": value})
    assert span.attributes == {"url": value}


@pytest.mark.parametrize("value", ["ledger.example", "https://", "mailto:a@b.example",
                                   "https://a b.example"])
def test_bad_urls_are_refused(db, value):
    store, doc = db
    with pytest.raises(InvalidSpanError, match="CITATION attribute 'url' cannot be"):
        store.add_span(doc, 47, 65, "CITATION", annotator="ann", attributes={"url": value})


def test_add_spans_checks_every_span_before_writing_any(db):
    store, doc = db
    with pytest.raises(InvalidSpanError, match="'stance' cannot be 'maybe'"):
        store.add_spans(doc, [
            {"start": 0, "end": 9, "label": "CLAIM", "annotator": "ann",
             "attributes": {"stance": "neutral"}},
            {"start": 10, "end": 14, "label": "CLAIM", "annotator": "ann",
             "attributes": {"stance": "maybe"}},
        ])
    assert store.spans(doc) == []


def test_update_span_checks_attributes_and_keeps_the_old_ones_on_refusal(db):
    store, doc = db
    span = store.add_span(doc, 0, 9, "CLAIM", annotator="ann", attributes={"stance": "neutral"})
    with pytest.raises(InvalidSpanError, match="'checkworthy' must be true or false"):
        store.update_span(span.id, attributes={"stance": "refutes", "checkworthy": 1})
    assert store.span(span.id).attributes == {"stance": "neutral"}
    store.update_span(span.id, attributes={"stance": "refutes", "checkworthy": False})
    assert store.span(span.id).attributes == {"stance": "refutes", "checkworthy": False}
    store.undo("ann")
    assert store.span(span.id).attributes == {"stance": "neutral"}


def test_update_span_checks_against_the_new_label(db):
    store, doc = db
    span = store.add_span(doc, 0, 9, "CLAIM", annotator="ann")
    with pytest.raises(InvalidSpanError, match="ACTOR attribute 'kind' cannot be 'neutral'"):
        store.update_span(span.id, label="ACTOR", attributes={"kind": "neutral"})


def test_a_relabel_drops_only_the_values_the_new_label_refuses(db):
    """ACTOR and CITATION both declare "kind", with other values: "organisation"
    is no CITATION kind, "other" is one of both; "confidence" neither declares.
    Kept as they were, the span would fail `annotator check`, the export's import
    and a merge."""
    store, doc = db
    organisation = store.add_span(doc, 0, 9, "ACTOR", annotator="ann",
                                  attributes={"kind": "organisation", "confidence": 0.5})
    other = store.add_span(doc, 0, 9, "ACTOR", annotator="bob", attributes={"kind": "other"})
    assert store.update_span(organisation.id, label="CITATION").attributes == {"confidence": 0.5}
    assert store.update_span(other.id, label="CITATION").attributes == {"kind": "other"}
    assert store.check() == []
    store.undo("ann")
    assert store.span(organisation.id).attributes == {"kind": "organisation", "confidence": 0.5}


def test_undeclared_names_pass_through_the_store_but_not_a_strict_check(db):
    """Tools keep their data in attributes (confidence, reason, brat ids): the store keeps it."""
    store, doc = db
    span = store.add_span(doc, 0, 9, "CLAIM", annotator="ann", origin="model",
                          attributes={"stance": "neutral", "confidence": 0.75})
    assert store.span(span.id).attributes == {"stance": "neutral", "confidence": 0.75}
    with pytest.raises(InvalidSpanError) as err:
        check_attributes(store.schema.label("CLAIM"), {"colour": "red"}, strict=True)
    assert str(err.value) == "CLAIM has no attribute 'colour': it has stance, checkworthy"
    check_attributes(store.schema.label("CLAIM"), {"stance": "refutes"}, strict=True)


def test_labels_declaring_no_attributes_take_any(tmp_path):
    """Databases that copied the old default schema declare no attributes: nothing breaks."""
    body = json.loads((__import__("annotator.resources", fromlist=["schema_file"])
                       .schema_file("default.json")).read_text(encoding="utf-8"))
    for label in body["labels"]:
        label.pop("attributes", None)
    store = Store(tmp_path / "old.db", schema=body)
    doc = store.add_document(TEXT)
    span = store.add_span(doc.id, 0, 9, "CLAIM", annotator="ann",
                          attributes={"stance": "whatever", "brat_id": "T1"})
    assert store.span(span.id).attributes == {"stance": "whatever", "brat_id": "T1"}
    store.close()


def test_imports_keep_undeclared_attributes(db, tmp_path):
    """Attributes from other tools are kept; those the label declares are checked
    (a forbidden value is refused: see test_import_checks)."""
    store, _ = db
    from annotator.model import DocumentRecord

    record = DocumentRecord(text="Ministers said so.", spans=[
        {"start": 0, "end": 9, "label": "ACTOR", "annotator": "ann",
         "attributes": {"brat_id": "T1", "kind": "organisation"}},
    ])
    docs = store.import_records([record])
    assert store.spans(docs[0].id)[0].attributes == {"brat_id": "T1", "kind": "organisation"}


def test_attributes_in_native_jsonl_export(db, tmp_path):
    store, doc = db
    store.add_span(doc, 0, 9, "CLAIM", annotator="ann", attributes={"stance": "unclear"})
    out = tmp_path / "out.jsonl"
    store.export_jsonl(out)
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["spans"][0]["attributes"] == {"stance": "unclear"}


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, [1, {"n": 2**64}]])
def test_whole_numbers_beyond_64_bits_are_refused(db, tmp_path, value):
    """Arrow (so Hugging Face datasets) cannot read them back: the store refuses them."""
    from annotator.errors import InvalidRelationError
    from annotator.model import DocumentRecord

    store, doc = db
    big = 2**63 if value == 2**63 else (-(2**63) - 1 if value == -(2**63) - 1 else 2**64)
    message = f"{big} is beyond the 64-bit whole numbers JSON tools read: store it as text"
    with pytest.raises(InvalidSpanError, match=message):
        store.add_span(doc, 0, 9, "ACTOR", annotator="ann", attributes={"n": value})
    record = DocumentRecord(text="Ministers said so.", spans=[
        {"start": 0, "end": 9, "label": "ACTOR", "annotator": "ann", "attributes": {"n": value}},
    ])  # fmt: skip
    with pytest.raises(InvalidSpanError, match=message):
        store.import_records([record])
    linked = DocumentRecord(text="Ministers said so.", spans=[
        {"id": "a", "start": 0, "end": 9, "label": "ACTOR", "annotator": "ann"},
        {"id": "c", "start": 10, "end": 17, "label": "CLAIM", "annotator": "ann"},
    ], relations=[{"id": "r", "type": "ATTRIBUTED_TO", "from": "c", "to": "a",
                   "annotator": "ann", "attributes": {"n": value}}])  # fmt: skip
    with pytest.raises(InvalidRelationError, match=message):
        store.import_records([linked])
    assert len(store.documents()) == 1 and store.spans(doc) == []


def test_whole_numbers_at_the_64_bit_edges_are_kept(db):
    store, doc = db
    edges = {"low": -(2**63), "high": 2**63 - 1, "deep": [{"x": 2**63 - 1}]}
    span = store.add_span(doc, 0, 9, "ACTOR", annotator="ann", attributes=edges)
    assert store.span(span.id).attributes == edges
