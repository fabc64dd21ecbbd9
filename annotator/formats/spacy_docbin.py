"""spaCy DocBin export: one ``.spacy`` file (export only; needs spaCy installed).

Each document becomes a ``Doc`` made by spaCy's ``blank("en")`` tokenizer and
``sentencizer`` (sentence starts are saved).  Offsets in a ``Doc`` are
character (code point) offsets, like ours; spans are snapped to tokens with
``alignment_mode="expand"`` less whitespace tokens at their edges.

- ``doc.spans["sc"]``: every span (label, ``span.id_`` = our span id);
- ``doc.ents``: the spans kept by CoNLL's overlap rule (in order of start, the
  longer first; a span sharing a token with a kept one is left out and listed in
  ``lost`` as "not in doc.ents (still in doc.spans['sc'])");
- ``doc.user_data``: ``uid``, ``title``, ``source``, ``meta`` (the document's
  meta), ``offset_unit`` ("codepoint"), and ``spans``/``relations`` as in the
  native JSONL record, so exact offsets, analysts, notes, attributes and
  relations travel along (``DocBin(store_user_data=True)``).  DocBin stores
  user_data with msgpack, which gives lists back as tuples.

The writer loads the file back with ``DocBin().from_disk(path).get_docs(vocab)``
and compares texts, ``doc.ents`` and ``doc.spans["sc"]`` before renaming it
into place.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ..atomicfile import temporary_path
from ..display_text import with_count
from ..errors import ExportError
from .base import iter_documents
from .conll import TokenizedReport, choose, describe, listed, spacy_pipeline, tokens_of_doc

SPANS_KEY = "sc"


def write(
    store: Any, target: str | Path, *, annotator: str | None = None, offsets: str | None = None
) -> TokenizedReport:
    """Write every document (or one analyst's layer) into the DocBin file ``target``.

    ``offsets`` is accepted for a uniform interface and ignored: a ``Doc``
    counts characters (code points).
    """
    if str(target) == "-":
        raise ExportError("a spaCy DocBin is a binary file: give --out FILE.spacy, not -")
    try:
        nlp = spacy_pipeline()
        from spacy.tokens import DocBin
        from spacy.tokens import Span as SpacySpan
    except ImportError:
        raise ExportError("the spaCy export needs spaCy: pip install spacy") from None
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name such as {path / 'corpus.spacy'}")
    report = TokenizedReport(path=str(path), tokenizer=nlp.meta["annotator_tokenizer"])
    docbin = DocBin(store_user_data=True)
    expected = []
    not_ents: list[str] = []
    not_sc: list[str] = []
    moved: list[str] = []
    counts: Counter[str] = Counter()
    for doc, spans, rels in iter_documents(store, annotator):
        sdoc = nlp(doc.text)
        toks = tokens_of_doc(sdoc)
        kept, dropped = choose(spans, toks)
        not_ents += [f"{doc.uid[:16]}: {item}" for item in dropped]
        sdoc.ents = [SpacySpan(sdoc, a, b, label=s.label, span_id=s.id) for s, a, b in kept]
        group = []
        for span in spans:
            a, b = toks.expand(span.start, span.end)
            if a == b:
                not_sc.append(f"{doc.uid[:16]}: {describe(span)}")
                continue
            if (toks.starts[a], toks.ends[b - 1]) != (span.start, span.end):
                moved.append(f"{doc.uid[:16]}: {describe(span)} -> "
                             f"[{toks.starts[a]}, {toks.ends[b - 1]})")  # fmt: skip
            group.append(SpacySpan(sdoc, a, b, label=span.label, span_id=span.id))
        sdoc.spans[SPANS_KEY] = group
        sdoc.user_data.update(
            uid=doc.uid, title=doc.title, source=doc.source, meta=doc.meta,
            offset_unit="codepoint",
            spans=[_span_dict(s) for s in spans], relations=[_relation_dict(r) for r in rels],
        )  # fmt: skip
        docbin.add(sdoc)
        expected.append((doc.uid, doc.text, _triples(sdoc.ents), _triples(group)))
        report.documents += 1
        report.spans += len(spans)
        report.relations += len(rels)
        counts["{n} relation{|s}: spaCy has no relation layer (kept in doc.user_data)"] += len(rels)
    with temporary_path(path) as tmp:
        tmp.write_bytes(docbin.to_bytes())
        _check(tmp, nlp, expected)
    listed(report.lost, "{n} span{|s} not in doc.ents (still in doc.spans['sc'])", not_ents)
    listed(
        report.lost, "{n} span{|s} of only whitespace, in neither doc.ents nor doc.spans", not_sc
    )
    listed(
        report.lost,
        "{n} span{|s} widened or trimmed to token boundaries (exact in user_data)",
        moved,
    )
    report.lost += [with_count(what, n) for what, n in counts.items() if n]
    return report


def _triples(spans: Any) -> list[tuple[int, int, str, str]]:
    return [(s.start_char, s.end_char, s.label_, s.id_) for s in spans]


def _check(path: Path, nlp: Any, expected: list[Any]) -> None:
    from spacy.tokens import DocBin

    docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    if len(docs) != len(expected):
        raise ExportError(f"the DocBin holds {len(docs)} documents, not {len(expected)}")
    for sdoc, (uid, text, ents, group) in zip(docs, expected, strict=True):
        got = (sdoc.user_data.get("uid"), sdoc.text, _triples(sdoc.ents))
        if got != (uid, text, ents) or _triples(sdoc.spans.get(SPANS_KEY, [])) != group:
            raise ExportError(f"document {uid} does not load back from the DocBin as written")


def _span_dict(span: Any) -> dict[str, Any]:
    return {
        "id": span.id, "start": span.start, "end": span.end, "label": span.label,
        "text": span.text, "annotator": span.annotator, "note": span.note,
        "attributes": span.attributes, "origin": span.origin,
        "created_at": span.created_at, "updated_at": span.updated_at,
    }  # fmt: skip


def _relation_dict(rel: Any) -> dict[str, Any]:
    return {
        "id": rel.id, "type": rel.type, "from": rel.from_span, "to": rel.to_span,
        "annotator": rel.annotator, "attributes": rel.attributes, "created_at": rel.created_at,
    }  # fmt: skip
