"""Agreement between two analysts: F1 per label and overall, Cohen's kappa and Krippendorff's alpha.

- Exact F1 = 2 x exact matches / (|A| + |B|).  Overlap F1 counts the same-label
  overlapping pairs of ``review.compare`` (its round 2, ``boundary_mismatch``) as
  matches too.  ``overall`` pools every label (micro average).
- Kappa and alpha (nominal) are computed over tokens, the ``\\w+|[^\\w\\s]`` matches
  of the text.  A token's label in a layer is the label of the shortest span of
  that layer covering the whole token (ties: earliest start, then label name),
  else ``O``.  A corpus pools the tokens of its documents.
- A statistic that is undefined (0/0, or no variation at all) is ``None``.
- Relations are counted, not scored: ``agreement(..., with_relations=True)``
  adds how many pairs of relations fall in each category of
  ``relation_review.compare_relations``, summed over the documents.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .errors import NotFoundError
from .model import Span
from .relation_review import compare_relations, relation_counts
from .review import BOUNDARY_MISMATCH, MATCH, compare

if TYPE_CHECKING:
    from .store import Store

TOKEN = re.compile(r"\w+|[^\w\s]")
OUTSIDE = "O"
DIGITS = 4

Confusion = Counter[tuple[str, str]]  # (label in A, label in B) -> number of tokens
CorpusItem = tuple[str, Sequence[Span], Sequence[Span]]  # (text, spans of A, spans of B)


def tokens(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each token of ``text``, in code points."""
    return [m.span() for m in TOKEN.finditer(text)]


def token_labels(text: str, spans: Iterable[Span]) -> list[str]:
    """One label per token: the shortest span covering it entirely, else ``O``."""
    return _labels_on(tokens(text), spans)


def _labels_on(bounds: Sequence[tuple[int, int]], spans: Iterable[Span]) -> list[str]:
    starts = [s for s, _ in bounds]
    ends = [e for _, e in bounds]
    labels: list[str | None] = [None] * len(bounds)
    # Shortest first (then earliest start, then label name): the first span to reach a token wins.
    for span in sorted(spans, key=lambda s: (s.end - s.start, s.start, s.label)):
        # Tokens do not overlap, so those inside [start, end) form one run.
        first = bisect_left(starts, span.start)
        last = bisect_right(ends, span.end)
        for t in range(first, last):
            if labels[t] is None:
                labels[t] = span.label
    return [OUTSIDE if label is None else label for label in labels]


def confusion(text: str, spans_a: Iterable[Span], spans_b: Iterable[Span]) -> Confusion:
    """Token counts per (label in A, label in B)."""
    bounds = tokens(text)
    return Counter(zip(_labels_on(bounds, spans_a), _labels_on(bounds, spans_b), strict=True))


def cohen_kappa(table: Mapping[tuple[str, str], int]) -> float | None:
    """Cohen's kappa, (po - pe) / (1 - pe), each rater with their own marginals."""
    total = sum(table.values())
    if total == 0:
        return None
    observed = sum(n for (x, y), n in table.items() if x == y) / total
    marginal_a: Counter[str] = Counter()
    marginal_b: Counter[str] = Counter()
    for (x, y), n in table.items():
        marginal_a[x] += n
        marginal_b[y] += n
    chance = sum(marginal_a[c] * marginal_b[c] for c in marginal_a)
    if chance == total * total:  # pe = 1: both gave one and the same label throughout
        return None
    expected = chance / (total * total)
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(table: Mapping[tuple[str, str], int]) -> float | None:
    """Krippendorff's alpha, nominal, two coders, no missing values.

    Coincidence matrix: each token with values (x, y) adds 1 to o[x][y] and 1 to
    o[y][x]; n_c are its row sums and n their total (twice the tokens).
    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c n_k.
    """
    coincidences: Counter[tuple[str, str]] = Counter()
    for (x, y), count in table.items():
        coincidences[(x, y)] += count
        coincidences[(y, x)] += count
    per_value: Counter[str] = Counter()
    for (x, _), count in coincidences.items():
        per_value[x] += count
    n = sum(per_value.values())
    observed = sum(count for (x, y), count in coincidences.items() if x != y)
    expected = sum(per_value[c] * per_value[k] for c in per_value for k in per_value if c != k)
    if n == 0 or expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def _f1(matches: int, a: int, b: int) -> float | None:
    return None if a + b == 0 else 2 * matches / (a + b)


def corpus_agreement(corpus: Iterable[CorpusItem], labels: Sequence[str] = ()) -> dict[str, Any]:
    """``{"labels": {label: {a, b, exact_f1, overlap_f1}}, "overall": {...}}``, unrounded.

    ``labels`` come first in the given order; any other label present follows, sorted.
    """
    count_a: Counter[str] = Counter()
    count_b: Counter[str] = Counter()
    exact: Counter[str] = Counter()
    overlap: Counter[str] = Counter()
    table: Confusion = Counter()
    for text, spans_a, spans_b in corpus:
        count_a.update(s.label for s in spans_a)
        count_b.update(s.label for s in spans_b)
        for pair in compare(spans_a, spans_b):
            if pair.a is not None and pair.category in (MATCH, BOUNDARY_MISMATCH):
                overlap[pair.a.label] += 1
                if pair.category == MATCH:
                    exact[pair.a.label] += 1
        table.update(confusion(text, spans_a, spans_b))
    names = list(labels) + sorted((set(count_a) | set(count_b)) - set(labels))
    per_label = {
        name: {
            "a": count_a[name],
            "b": count_b[name],
            "exact_f1": _f1(exact[name], count_a[name], count_b[name]),
            "overlap_f1": _f1(overlap[name], count_a[name], count_b[name]),
        }
        for name in names
    }
    size_a, size_b = sum(count_a.values()), sum(count_b.values())
    overall = {
        "exact_f1": _f1(sum(exact.values()), size_a, size_b),
        "overlap_f1": _f1(sum(overlap.values()), size_a, size_b),
        "cohen_kappa": cohen_kappa(table),
        "krippendorff_alpha": krippendorff_alpha(table),
    }
    return {"labels": per_label, "overall": overall}


def document_agreement(
    text: str, spans_a: Sequence[Span], spans_b: Sequence[Span], labels: Sequence[str] = ()
) -> dict[str, Any]:
    """``corpus_agreement`` of one document."""
    return corpus_agreement([(text, spans_a, spans_b)], labels)


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def check_analysts(store: Store, *names: str) -> None:
    """Raise ``NotFoundError`` naming each of ``names`` without a span in the database."""
    known = store.annotators()
    missing = [name for name in dict.fromkeys(names) if name not in known]
    if missing:
        who = " and ".join(repr(name) for name in missing)
        who, has = (f"analyst {who}", "has") if len(missing) == 1 else (f"analysts {who}", "have")
        there = (
            f"the analysts with spans are {', '.join(known)}"
            if known
            else "there are no spans in this database yet"
        )
        raise NotFoundError(f"{who} {has} no spans: {there}")


def agreement(store: Store, a: str, b: str, document_id: int | None = None, *,
              with_relations: bool = False) -> dict[str, Any]:  # fmt: skip
    """Agreement of analysts ``a`` and ``b`` on one document, or on every document.

    The corpus is the documents in scope where A or B has spans (``documents``
    counts them): articles nobody of the two has annotated yet would only add
    ``O`` tokens to kappa and alpha.  Values are rounded to 4 decimals.
    ``with_relations`` adds ``relations``: pairs of relations per category.
    Raises ``NotFoundError`` for an analyst without any span in the database.
    """
    check_analysts(store, a, b)
    if document_id is not None:
        store.document(document_id)  # raises NotFoundError with advice
        ids = [document_id]
    else:
        ids = [d.id for d in store.documents()]
    with_a = {d.id for d in store.documents(annotator=a) if d.span_total}
    with_b = {d.id for d in store.documents(annotator=b) if d.span_total}
    scope = [i for i in ids if i in with_a or i in with_b]

    def corpus() -> Iterable[CorpusItem]:
        for doc_id in scope:
            text = store.document(doc_id).text
            yield text, store.spans(doc_id, annotator=a), store.spans(doc_id, annotator=b)

    result = corpus_agreement(corpus(), store.schema.label_names)
    out = {"a": a, "b": b, "documents": len(scope), **_rounded(result)}
    if with_relations:
        counts: Counter[str] = Counter(dict.fromkeys(relation_counts([]), 0))
        for doc_id in scope:
            pairs = compare(store.spans(doc_id, annotator=a), store.spans(doc_id, annotator=b))
            counts.update(relation_counts(compare_relations(
                pairs, store.relations(doc_id, annotator=a), store.relations(doc_id, annotator=b),
            )))  # fmt: skip
        out["relations"] = dict(counts)
    return out
