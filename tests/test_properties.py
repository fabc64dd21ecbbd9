"""Property-based tests (hypothesis) of the promises that hold for ANY input.

* Offsets: code point <-> UTF-16 conversions agree with Python's UTF-16 encoder
  on random text full of astral characters, ZWJ sequences, combining marks and CRLF.
* History: after any sequence of add / update / delete / undo / redo by two
  analysts on a real database file, every span quotes its slice, ``check()``
  finds nothing, and the spans are exactly those of a plain two-stack model.
* Importers: every reader, fed random bytes or random JSON shaped like its
  format, returns records or raises the core's own ``AnnotatorError``; so does a
  whole import into a store.
* Round trip: a random database exported as native JSONL and imported into an
  empty one gives the same documents, spans, notes, attributes and relations,
  and exports to the same bytes.

Example counts are kept small so the suite stays fast; ``database=None`` keeps
hypothesis from writing its example database into the tree.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from annotator import AnnotatorError, ImportRefusedError, InvalidSpanError, open_store
from annotator.formats import registry
from annotator.html_text import _collapse, _parser, _TextLengths
from annotator.model import RESERVED_META
from annotator.offsets import OffsetMap, utf16_length
from annotator.schema import default_schema_body

QUICK = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# -- offsets ---------------------------------------------------------------------------

PIECES = ["\r\n", "\r", "\n", "🇺🇦", "👨🏻\u200d🚒", "e\u0301", "𝔘", "李", "\U0002000b",
          "\ufe0f", "\u200d", "\uffff", "\U0010ffff", "\x00", "a", " "]  # fmt: skip
texts = st.lists(
    st.one_of(st.sampled_from(PIECES), st.characters(codec="utf-8")), max_size=40
).map("".join)


def units_before(text: str, cp: int) -> int:
    """The independent reference: UTF-16 units that encode ``text[:cp]``."""
    return len(text[:cp].encode("utf-16-le")) // 2


@settings(QUICK, max_examples=100)
@given(texts)
def test_code_points_and_utf16_round_trip(text: str) -> None:
    m = OffsetMap(text)
    assert m.length == len(text)
    assert m.utf16_length == utf16_length(text) == len(text.encode("utf-16-le")) // 2
    reference = [units_before(text, cp) for cp in range(len(text) + 1)]
    for cp, u16 in enumerate(reference):
        assert m.to_utf16(cp) == u16
        for snap in ("error", "down", "up"):
            assert m.to_codepoint(u16, snap=snap) == cp
    for cp, char in enumerate(text):
        if ord(char) > 0xFFFF:  # the unit between its two surrogates is no code point
            inside = reference[cp] + 1
            with pytest.raises(ValueError, match="splits a surrogate pair"):
                m.to_codepoint(inside)
            assert m.to_codepoint(inside, snap="down") == cp
            assert m.to_codepoint(inside, snap="up") == cp + 1
    for bad in (-1, len(text) + 1):
        with pytest.raises(ValueError):
            m.to_utf16(bad)
    with pytest.raises(ValueError):
        m.to_codepoint(m.utf16_length + 1)


# -- history on a real file --------------------------------------------------------------

HISTORY_TEXT = "🇺🇦 Kyiv 𝔘 said e\u0301 李明 on\r\nMonday 👨🏻\u200d🚒 at noon."
LABELS = ("CLAIM", "ACTOR", "DATE", "CITATION")
ANALYSTS = ("alice", "bob")
Row = tuple[str, int, int, str, str | None]  # annotator, start, end, label, note
Change = dict[str, Row | None]  # span id -> row before (or after); None: no such span

offsets = st.integers(min_value=-1, max_value=len(HISTORY_TEXT) + 1)
notes = st.one_of(st.none(), st.just(""), st.text(max_size=12))


class SpanHistory(RuleBasedStateMachine):
    """A real Store in a temporary file against a two-stack model per analyst."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.store = open_store(Path(self.folder.name) / "history.db")
        self.doc = self.store.add_document(HISTORY_TEXT).id
        self.model: dict[str, Row] = {}
        self.done: dict[str, list[tuple[Change, Change]]] = {a: [] for a in ANALYSTS}
        self.undone: dict[str, list[tuple[Change, Change]]] = {a: [] for a in ANALYSTS}

    def teardown(self) -> None:
        self.store.close()
        self.folder.cleanup()

    def _changed(self, who: str, before: Change, after: Change) -> None:
        self._apply(after)
        self.done[who].append((before, after))
        self.undone[who].clear()  # a new change empties that analyst's redo stack

    def _apply(self, state: Change) -> None:
        for span_id, row in state.items():
            if row is None:
                self.model.pop(span_id, None)
            else:
                self.model[span_id] = row

    @staticmethod
    def _valid(start: int, end: int) -> bool:
        return 0 <= start < end <= len(HISTORY_TEXT)

    @rule(who=st.sampled_from(ANALYSTS), start=offsets, end=offsets,
          label=st.sampled_from(LABELS), note=notes)  # fmt: skip
    def add(self, who: str, start: int, end: int, label: str, note: str | None) -> None:
        if not self._valid(start, end):
            with pytest.raises(InvalidSpanError):
                self.store.add_span(self.doc, start, end, label, annotator=who, note=note)
            return
        span = self.store.add_span(self.doc, start, end, label, annotator=who, note=note)
        self._changed(who, {span.id: None}, {span.id: (who, start, end, label, note or None)})

    @rule(data=st.data())
    def update(self, data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(ANALYSTS))
        mine = sorted(i for i, row in self.model.items() if row[0] == who)
        if not mine:
            return
        span_id = data.draw(st.sampled_from(mine))
        old = self.model[span_id]
        start, end = data.draw(offsets), data.draw(offsets)
        label, note = data.draw(st.sampled_from(LABELS)), data.draw(notes)
        if not self._valid(start, end):
            with pytest.raises(InvalidSpanError):
                self.store.update_span(span_id, start=start, end=end, label=label, by=who)
            return
        self.store.update_span(span_id, start=start, end=end, label=label, note=note, by=who)
        self._changed(who, {span_id: old}, {span_id: (who, start, end, label, note or None)})

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        who = data.draw(st.sampled_from(ANALYSTS))
        mine = sorted(i for i, row in self.model.items() if row[0] == who)
        if not mine:
            return
        span_id = data.draw(st.sampled_from(mine))
        old = self.model[span_id]
        self.store.delete_span(span_id, by=who)
        self._changed(who, {span_id: old}, {span_id: None})

    @rule(who=st.sampled_from(ANALYSTS))
    def undo(self, who: str) -> None:
        entry = self.store.undo(who)
        if not self.done[who]:
            assert entry is None
            return
        assert entry is not None
        before, after = self.done[who].pop()
        self._apply(before)
        self.undone[who].append((before, after))

    @rule(who=st.sampled_from(ANALYSTS))
    def redo(self, who: str) -> None:
        entry = self.store.redo(who)
        if not self.undone[who]:
            assert entry is None
            return
        assert entry is not None
        before, after = self.undone[who].pop()
        self._apply(after)
        self.done[who].append((before, after))

    @invariant()
    def every_span_quotes_its_slice_and_matches_the_model(self) -> None:
        spans = self.store.spans(self.doc)
        for span in spans:
            assert HISTORY_TEXT[span.start : span.end] == span.text
        assert {s.id: (s.annotator, s.start, s.end, s.label, s.note) for s in spans} == self.model
        assert self.store.check() == []


SpanHistory.TestCase.settings = settings(QUICK, max_examples=10, stateful_step_count=25)
TestSpanHistory = SpanHistory.TestCase


# -- importers: only our own errors ------------------------------------------------------

KEYS = ["text", "spans", "start", "end", "label", "labels", "relations", "meta", "id",
        "entities", "start_offset", "end_offset", "from_id", "to_id", "type", "from", "to",
        "annotations", "predictions", "completions", "drafts", "result", "value", "data",
        "answer", "offset_unit", "annotator", "attributes", "note", "origin", "created_at",
        "updated_at", "completed_by", "username", "user", "_annotator_id", "title", "source",
        "uid", "direction", "was_cancelled", "Comments", "column_data", "column_label",
        "annotation_id", "tokens", "_input_hash"]  # fmt: skip
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 40), st.integers(), st.floats(),
    st.sampled_from(["Kyiv", "ACTOR", "CLAIM", "labels", "relation", "accept", "reject",
                     "codepoint", "utf16", "", "🇺🇦", "left", "bi"]),
    st.text(max_size=8),
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=6),
    max_leaves=12,
)
record_texts = st.sampled_from(["Kyiv said 🇺🇦 on Monday", "a", " ", ""]) | st.text(max_size=12)
maybe = json_values  # any JSON value where a field is expected


def _span_like(start_key: str = "start", end_key: str = "end") -> Any:
    field = st.integers(-2, 30) | maybe
    return st.fixed_dictionaries({}, optional={
        start_key: field, end_key: field, "label": st.sampled_from(LABELS) | maybe,
        "labels": st.lists(st.sampled_from(LABELS) | maybe, max_size=2) | maybe,
        "text": st.sampled_from(["Kyiv", "said"]) | maybe, "id": st.text(max_size=3) | maybe,
        "annotator": maybe, "note": maybe, "attributes": maybe, "origin": maybe,
        "answer": maybe, "created_at": maybe,
    })  # fmt: skip


def _record_like(fmt: str) -> Any:
    if fmt == "labelstudio":
        result = st.fixed_dictionaries({}, optional={
            "type": st.sampled_from(["labels", "relation", "choices"]) | maybe,
            "value": _span_like() | maybe, "id": st.sampled_from(["r1", "r2", "region-123"])
            | maybe, "from_id": st.sampled_from(["r1", "r2"]) | maybe,
            "to_id": st.sampled_from(["r1", "r2"]) | maybe, "labels": maybe,
            "direction": maybe, "meta": maybe,
        })  # fmt: skip
        layer = st.fixed_dictionaries({}, optional={
            "result": st.lists(result, max_size=3) | maybe, "completed_by": maybe,
            "was_cancelled": maybe, "created_at": maybe,
        })  # fmt: skip
        full = st.fixed_dictionaries({"data": st.fixed_dictionaries(
            {"text": record_texts}, optional={"uid": maybe, "title": maybe})}, optional={
            "annotations": st.lists(layer, max_size=2) | maybe,
            "predictions": st.lists(layer | maybe, max_size=2) | maybe,
            "drafts": maybe, "meta": maybe, "id": maybe,
        })  # fmt: skip
        minimal = st.fixed_dictionaries({"text": record_texts}, optional={
            "label": st.lists(_span_like(), max_size=3), "annotator": maybe,
            "annotation_id": maybe,
        })  # fmt: skip
        return st.lists(full | minimal, max_size=3)
    return st.fixed_dictionaries({"text": record_texts}, optional={
        "spans": st.lists(_span_like(), max_size=3) | maybe,
        "label": st.lists(st.tuples(st.integers(-1, 30), st.integers(-1, 30),
                                    st.sampled_from(LABELS)).map(list) | maybe, max_size=3)
        | maybe,
        "entities": st.lists(_span_like("start_offset", "end_offset"), max_size=3) | maybe,
        "relations": st.lists(st.fixed_dictionaries({}, optional={
            "from_id": maybe, "to_id": maybe, "from": maybe, "to": maybe, "type": maybe,
            "id": maybe, "annotator": maybe}), max_size=2) | maybe,
        "meta": maybe, "id": maybe, "offset_unit": st.just("codepoint") | maybe,
        "answer": st.sampled_from(["accept", "reject"]) | maybe, "username": maybe,
        "_annotator_id": maybe, "_input_hash": maybe, "title": maybe,
    })  # fmt: skip


def _brat_line() -> Any:
    n, label = st.integers(0, 4), st.sampled_from(["ACTOR", "CLAIM", "Org", ""])
    off = st.integers(-1, 30).map(str) | st.sampled_from(["x", "99999999999999999999"])
    return st.one_of(
        st.builds(lambda i, lab, s, e, q: f"T{i}\t{lab} {s} {e}\t{q}", n, label, off, off,
                  st.sampled_from(["Kyiv", "said", ""])),
        st.builds(lambda i, lab, s, e, s2, e2: f"T{i}\t{lab} {s} {e};{s2} {e2}\tKyiv said",
                  n, label, off, off, off, off),
        st.builds(lambda i, a, b: f"R{i}\tATTRIBUTED_TO Arg1:T{a} Arg2:T{b}", n, n, n),
        st.builds(lambda i, a: f"A{i}\tNegation T{a}", n, n),
        st.builds(lambda i, a, note: f"#{i}\tAnnotatorNotes T{a}\t{note}", n, n,
                  st.text(max_size=6)),
        st.builds(lambda i, a: f"E{i}\tEvent:T{a}", n, n),
        st.sampled_from(["*\tAlias T1 T2", "N1\tReference T1 Wikipedia:1\tKyiv", "", "\t\t"]),
        st.text(max_size=15),
    )  # fmt: skip


@functools.cache
def _contents(fmt: str) -> Any:
    """What a file of format ``fmt`` may hold: bytes for one file, a pair for brat."""
    if fmt == "brat":
        ann = st.lists(_brat_line(), max_size=6).map(lambda ls: "\n".join(ls).encode())
        txt = st.sampled_from(["Kyiv said 🇺🇦 on Monday\r\n", " ", "x"]).map(str.encode)
        return st.tuples(txt | st.binary(max_size=20), ann | st.binary(max_size=40))
    lines = (st.lists(_record_like(fmt) | json_values, min_size=1, max_size=3)
             .map(lambda rs: "\n".join(json.dumps(r, ensure_ascii=False) for r in rs).encode()))
    whole = (_record_like(fmt) | json_values).map(lambda r: json.dumps(r, indent=1).encode())
    # Native JSONL: text, not bytes, as long as its known UTF-8 bug stands (see below).
    raw = st.text(max_size=120).map(str.encode) if fmt == "jsonl" else st.binary(max_size=120)
    return st.one_of(lines, whole, raw)


def _write(folder: Path, fmt: str, content: Any) -> Path:
    if fmt == "brat":
        (folder / "doc.txt").write_bytes(content[0])
        (folder / "doc.ann").write_bytes(content[1])
        return folder / "doc.ann"
    path = folder / ("tasks.json" if fmt == "labelstudio" else "records.jsonl")
    path.write_bytes(content)
    return path




OPTIONS = st.fixed_dictionaries({
    "offsets": st.sampled_from([None, "codepoint", "utf16", "bytes"]),
    "annotator": st.sampled_from([None, "dana", "'; DROP TABLE spans; --"]),
    "skip_invalid": st.booleans(),
})  # fmt: skip
STEERING = settings(QUICK, suppress_health_check=[HealthCheck.too_slow,
                                                  HealthCheck.filter_too_much])  # fmt: skip


@pytest.mark.parametrize("fmt", registry.IMPORT_FORMATS)
@settings(STEERING, max_examples=25)
@given(data=st.data(), options=OPTIONS)
def test_every_reader_fails_only_with_our_own_errors(
    fmt: str, data: Any, options: dict[str, Any]
) -> None:
    content = data.draw(_contents(fmt))
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), fmt, content)
        try:
            result = registry.module(fmt).read(path, **options)
        except AnnotatorError:
            return
    assert all(isinstance(r.text, str) for r in result.records)


@pytest.mark.parametrize("fmt", registry.IMPORT_FORMATS)
@settings(STEERING, max_examples=12)
@given(data=st.data(), skip_invalid=st.booleans())
def test_every_import_into_a_store_fails_only_with_our_own_errors(
    fmt: str, data: Any, skip_invalid: bool
) -> None:
    content = data.draw(_contents(fmt))
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "t.db") as store:
        path = _write(Path(folder), fmt, content)
        try:
            store.import_file(path, format=fmt, skip_invalid=skip_invalid)
        except AnnotatorError:
            pass
        assert store.check() == []


# -- export then import ------------------------------------------------------------------

# Whole numbers within 64 bits: the store refuses larger ones (Arrow cannot read them).
plain_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=10,
)  # fmt: skip
names = st.sampled_from(["alice", "bob", "'; DROP TABLE spans; --", "Оля 🇺🇦", 'a "b"\nc'])
# Attribute names the schema does not declare: a declared one ("kind", "url", ...)
# only takes the values its declaration allows, which this test is not about.
DECLARED = {name for label in default_schema_body()["labels"]
            for name in label.get("attributes", {})}  # fmt: skip
free_names = st.text(max_size=5).filter(lambda name: name not in DECLARED)
article_texts = st.lists(st.sampled_from(PIECES) | st.characters(codec="utf-8"),
                         min_size=1, max_size=30).map("".join)  # fmt: skip


@st.composite
def databases(draw: Any) -> list[dict[str, Any]]:
    docs = []
    for n in range(draw(st.integers(1, 3))):
        text = f"Article {n}: " + draw(article_texts)  # never blank, never a duplicate
        spans = draw(st.lists(st.fixed_dictionaries({
            "range": st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text)))
            .filter(lambda r: r[0] < r[1]),
            "label": st.sampled_from(LABELS), "annotator": names,
            "note": st.none() | st.text(max_size=20),
            "attributes": st.dictionaries(free_names, plain_json, max_size=3),
        }), max_size=6))  # fmt: skip
        docs.append({
            "text": text, "title": draw(st.none() | st.text(max_size=15)),
            "source": draw(st.none() | st.text(max_size=15)),
            "meta": draw(st.dictionaries(st.text(max_size=5).filter(
                lambda key: key not in RESERVED_META), plain_json, max_size=3)),
            "spans": spans, "links": draw(st.lists(st.tuples(st.integers(0, 5),
                                                             st.integers(0, 5)), max_size=4)),
        })  # fmt: skip
    return docs


def _contents_of(store: Any) -> dict[str, Any]:
    """Everything an export promises to carry, keyed by stable ids (not row numbers)."""
    out: dict[str, Any] = {}
    for summary in store.documents():
        doc = store.document(summary.id)
        out[doc.uid] = {
            "document": (doc.title, doc.source, doc.text, doc.text_sha256, doc.meta,
                         doc.created_at),
            "spans": sorted((s.id, s.annotator, s.label, s.start, s.end, s.text, s.note,
                             json.dumps(s.attributes, sort_keys=True), s.origin, s.created_at,
                             s.updated_at) for s in store.spans(doc.id)),
            "relations": sorted((r.id, r.annotator, r.type, r.from_span, r.to_span,
                                 json.dumps(r.attributes, sort_keys=True), r.created_at)
                                for r in store.relations(doc.id)),
        }  # fmt: skip
    return out


@settings(QUICK, max_examples=12)
@given(databases())
def test_export_then_import_round_trips(docs: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "first.db", Path(folder) / "second.db"
        with open_store(first) as store:
            for d in docs:
                doc = store.add_document(d["text"], title=d["title"], source=d["source"],
                                         meta=d["meta"])  # fmt: skip
                made = [store.add_span(doc.id, *s["range"], s["label"], annotator=s["annotator"],  # type: ignore[misc]
                                       note=s["note"], attributes=s["attributes"])
                        for s in d["spans"]]  # fmt: skip
                linked = set()  # the same link twice is refused (nothing to do)
                for a, b in d["links"]:
                    if a < len(made) and b < len(made) and a != b and (a, b) not in linked:
                        allowed = store.schema.relation_types_between(made[a].label, made[b].label)
                        if allowed:
                            store.add_relation(doc.id, made[a].id, made[b].id, allowed[0],
                                               annotator=made[a].annotator)  # fmt: skip
                            linked.add((a, b))
            exported = Path(folder) / "export.jsonl"
            store.export_jsonl(exported)
            before = _contents_of(store)
        with open_store(second) as store:
            result = store.import_file(exported)
            assert len(result) == len(docs) and not result.skipped
            assert _contents_of(store) == before
            again = Path(folder) / "again.jsonl"
            store.export_jsonl(again)
            assert store.check() == []
        assert again.read_bytes() == exported.read_bytes()


# -- html_text: the one-pass paragraph lengths equal their definition --------------------

html_trees = st.recursive(
    st.sampled_from(["", " ", "\n\t", "Kyiv", " said ", "a\u00a0b", "🇺🇦 ", "&amp;"]),
    lambda inner: st.builds(
        lambda tag, parts, closed: f"<{tag}>" + "".join(parts) + (f"</{tag}>" if closed else ""),
        st.sampled_from(["p", "a", "div", "span", "article", "b", "main"]),
        st.lists(inner, max_size=4), st.booleans(),
    ),
    max_leaves=30,
)  # fmt: skip


@settings(QUICK, max_examples=60)
@given(html_trees)
def test_one_pass_text_lengths_equal_their_definition(fragment: str) -> None:
    root = lxml.html.document_fromstring(f"<html><body>{fragment}</body></html>", parser=_parser())
    body = root.find("body")
    lengths = _TextLengths(body)
    for el in body.iter():
        def collapsed(e: Any) -> int:
            return len(_collapse(e.text_content()))

        assert lengths.text[el] == collapsed(el)
        assert lengths.paragraphs[el] == sum(collapsed(p) for p in el.iter("p"))
        assert lengths.links[el] == sum(collapsed(a) for a in el.iter("a"))


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe{", b'{"text": "Kyiv", "meta": 1}\n', b'{"text": "Kyiv", "meta": "ab"}\n'],
)
def test_the_native_reader_refuses_bad_bytes_and_bad_meta(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    with pytest.raises(ImportRefusedError):
        registry.module("jsonl").read(path)
