"""CoNLL-2003 style IOB2 export: ``TOKEN TAG`` per line (export only).

Layout: ``-DOCSTART- O`` and a blank line before each document, one token per
line, a blank line after each sentence; tags are ``B-LABEL``, ``I-LABEL`` or
``O`` (IOB2: every entity starts with ``B-``).  The file carries no offsets.

Tokens and sentences come from spaCy's ``blank("en")`` tokenizer with the
``sentencizer`` when spaCy is installed, else from this module's rule
(``tokenizer="rule"``): runs of whitespace, runs of word characters (with
combining accents U+0300-U+036F), and any other character alone; a sentence
ends after ``.``/``!``/``?`` followed by whitespace, or at a line break.  The
report's ``tokenizer`` names the one used.  Whitespace tokens (line breaks,
double spaces) are not written; a whitespace character inside a token would be
written as ``_``.  ``WriteReport.spans`` counts the spans written as entities.

A span becomes the tokens it touches (spaCy's ``alignment_mode="expand"``), less
whitespace tokens at its edges.  Overlaps: spans are taken in order of start
(the longer first on a tie, then label, analyst, id); a span that shares a token
with one already kept is left out and listed in ``lost``.  A span that crosses a
sentence boundary is written as one entity per sentence.  The writer decodes its
own tags back into character ranges and compares them with the kept spans.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from ..atomicfile import temporary_path
from ..display_text import with_count
from ..errors import ExportError
from ..model import Span
from .base import WriteReport, iter_documents
from .common import describe, listed, utf8_stdout

_RULE = re.compile(r"\s+|[\w\u0300-\u036f]+|\S")
_RULE_NAME = "annotator rule tokenizer (whitespace / word runs / single characters)"


@dataclass
class TokenizedReport(WriteReport):
    tokenizer: str = ""  # what split the text into tokens and sentences


@dataclass
class Tokens:
    """A text's tokens as code point ranges, with their sentence numbers."""

    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    space: list[bool] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)

    def expand(self, start: int, end: int) -> tuple[int, int]:
        """Token range touching [start, end), less edge whitespace; empty if none."""
        a, b = bisect_right(self.ends, start), bisect_left(self.starts, end)
        while a < b and self.space[a]:
            a += 1
        while b > a and self.space[b - 1]:
            b -= 1
        return a, b


@lru_cache(maxsize=1)
def spacy_pipeline() -> Any:
    """spaCy's ``blank("en")`` with a sentencizer (imported here: spaCy is slow to load)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.meta["annotator_tokenizer"] = f"spaCy {spacy.__version__} blank('en') + sentencizer"
    return nlp


def tokens_of_doc(doc: Any) -> Tokens:
    """``Tokens`` of a spaCy ``Doc`` (same indices as the doc's tokens)."""
    toks = Tokens()
    for n, sent in enumerate(doc.sents):
        for t in sent:
            toks.starts.append(t.idx)
            toks.ends.append(t.idx + len(t.text))
            toks.space.append(t.is_space)
            toks.sent.append(n)
    return toks


def rule_tokens(text: str) -> Tokens:
    toks, n, ended = Tokens(), 0, False
    for m in _RULE.finditer(text):
        space = m.group().isspace()
        if toks.starts and ((ended and space) or (space and "\n" in m.group())):
            n += 1
        ended = not space and m.group() in ".!?"
        toks.starts.append(m.start())
        toks.ends.append(m.end())
        toks.space.append(space)
        toks.sent.append(n)
    return toks


def choose(spans: list[Span], toks: Tokens) -> tuple[list[tuple[Span, int, int]], list[str]]:
    """The spans kept by the overlap rule with their token ranges, and why others were not."""
    kept: list[tuple[Span, int, int]] = []
    dropped: list[str] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.annotator, s.id)):
        a, b = toks.expand(span.start, span.end)
        if a == b:
            dropped.append(f"{describe(span)}: only whitespace")
        elif kept and a < kept[-1][2]:  # kept spans are disjoint and in order
            dropped.append(f"{describe(span)}: overlaps {describe(kept[-1][0])}")
        else:
            kept.append((span, a, b))
    return kept, dropped


def _pieces(toks: Tokens, a: int, b: int) -> list[tuple[int, int]]:
    """Token ranges of [a, b) cut at sentence boundaries, without edge whitespace."""
    out: list[tuple[int, int]] = []
    for i in range(a, b):
        if toks.space[i]:
            continue
        if out and toks.sent[out[-1][1] - 1] == toks.sent[i]:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


def write(
    store: Any,
    target: str | Path | IO[str],
    *,
    annotator: str | None = None,
    offsets: str | None = None,
    tokenizer: str | None = None,
) -> TokenizedReport:
    """Write every document (or one analyst's layer) as IOB2 to a path, ``-`` or a stream.

    ``offsets`` is accepted for a uniform interface and ignored: IOB carries none.
    ``tokenizer``: ``"spacy"``, ``"rule"`` or None (spaCy when installed).
    """
    nlp = None
    if tokenizer != "rule":
        try:
            nlp = spacy_pipeline()
        except ImportError:
            if tokenizer == "spacy":
                raise ExportError("spaCy is not installed: pip install spacy") from None
    report = TokenizedReport(tokenizer=nlp.meta["annotator_tokenizer"] if nlp else _RULE_NAME)
    if target == "-":
        with utf8_stdout() as out:
            _write_all(store, out, annotator, nlp, report)
        return report
    if not isinstance(target, (str, Path)):
        _write_all(store, target, annotator, nlp, report)
        return report
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name such as {path / 'export.conll'}")
    with temporary_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            _write_all(store, f, annotator, nlp, report)
        with open(tmp, encoding="utf-8") as f:
            starts = sum(line == "-DOCSTART- O\n" for line in f)
        if starts != report.documents:
            raise ExportError(f"{path.name}: {starts} documents read back, not {report.documents}")
    report.path = str(path)
    return report


def _write_all(
    store: Any, f: IO[str], annotator: str | None, nlp: Any, report: TokenizedReport
) -> None:
    dropped: list[str] = []
    moved: list[str] = []
    counts: Counter[str] = Counter()
    for doc, spans, rels in iter_documents(store, annotator):
        toks = tokens_of_doc(nlp(doc.text)) if nlp is not None else rule_tokens(doc.text)
        kept, lost_here = choose(spans, toks)
        dropped += [f"{doc.uid[:16]}: {item}" for item in lost_here]
        tags = ["O"] * len(toks.starts)
        expected = set()
        for span, a, b in kept:
            label = re.sub(r"\s", "_", span.label)
            counts["{n} label{|s} with spaces, written with '_'"] += label != span.label
            pieces = _pieces(toks, a, b)
            counts["{n} span{|s} crossing a sentence boundary, written as one entity"
                   " per sentence"] += (
                len(pieces) > 1
            )
            if (toks.starts[a], toks.ends[b - 1]) != (span.start, span.end):
                moved.append(f"{doc.uid[:16]}: {describe(span)} -> "
                             f"[{toks.starts[a]}, {toks.ends[b - 1]})")  # fmt: skip
            for p, q in pieces:
                tags[p:q] = [f"B-{label}"] + [f"I-{label}"] * (q - p - 1)
                expected.add((toks.starts[p], toks.ends[q - 1], label))
        lines = ["-DOCSTART- O", ""]
        for i, tag in enumerate(tags):
            if not toks.space[i]:
                lines.append(f"{_word(doc.text, toks, i)} {tag}")
            if (i + 1 == len(tags) or toks.sent[i + 1] != toks.sent[i]) and lines[-1]:
                lines.append("")
        chunk = "\n".join(lines) + "\n"
        if _decode(chunk, toks, doc.text) != expected:
            raise ExportError(f"document {doc.id}: the tags do not read back as the spans")
        f.write(chunk)
        report.documents += 1
        report.spans += len(kept)
        counts["{n} relation{|s} (IOB has no place for {it|them})"] += len(rels)
        counts["{n} note{|s} (IOB has no place for {it|them})"] += sum(bool(s.note) for s in spans)
        counts["{n} span{|s} with attributes (IOB has no place for them)"] += sum(
            bool(s.attributes) for s in spans
        )
    listed(report.lost, "{n} span{|s} left out (overlap rule: see the module docstring)", dropped)
    listed(report.lost, "{n} span{|s} widened or trimmed to token boundaries", moved)
    report.lost += [with_count(what, n) for what, n in counts.items() if n]
    if report.documents:
        report.lost.append(with_count(
            "{n} document{|s}: uid, title, source, meta and the text's own spacing"
            " (IOB holds tokens only)", report.documents,
        ))  # fmt: skip
    if report.spans:
        report.lost.append(
            with_count("{n} span{|s}: ids, analyst names, origin and time stamps", report.spans)
        )


def _word(text: str, toks: Tokens, i: int) -> str:
    """Token ``i`` as written: a space inside a token would split the line."""
    return re.sub(r"\s", "_", text[toks.starts[i] : toks.ends[i]])


def _decode(chunk: str, toks: Tokens, text: str) -> set[tuple[int, int, str]]:
    """Character ranges of the entities in one document's lines, read independently."""
    words = [i for i, space in enumerate(toks.space) if not space]
    found: set[tuple[int, int, str]] = set()
    open_: list[Any] = []  # [start, end, label] of the entity being read
    k = 0
    for line in chunk.split("\n")[2:]:
        if not line:
            open_ = []
            continue
        word, tag = line.rsplit(" ", 1)
        i = words[k]
        k += 1
        if word != _word(text, toks, i):
            raise ExportError(f"token {word!r} does not match the text at {toks.starts[i]}")
        if tag.startswith("I-") and open_ and open_[2] == tag[2:]:
            found.discard(tuple(open_))
            open_[1] = toks.ends[i]
        elif tag.startswith("B-"):
            open_ = [toks.starts[i], toks.ends[i], tag[2:]]
        elif tag == "O":
            open_ = []
            continue
        else:
            raise ExportError(f"tag {tag!r} at {toks.starts[i]} breaks IOB2")
        found.add(tuple(open_))  # type: ignore[arg-type]
    if k != len(words):
        raise ExportError("the tags do not cover every token")
    return found
