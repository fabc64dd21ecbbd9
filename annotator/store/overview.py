"""The corpus at a glance: progress per analyst, spans per label, frequent actors."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..migrations import MENTION_LABELS
from ..model import DONE, IN_PROGRESS, NOT_STARTED, SUGGEST
from .base import StoreBase
from .documents import _orphan_counts
from .search import fold


def normalise(text: str) -> str:
    """The key under which mentions count as the same: case, accents, spacing and
    surrounding punctuation do not matter ("Zoë Ångström," = "zoe angstrom"), nor
    letters search folds ("Łukasz" = "lukasz")."""
    return re.sub(r"\s+", " ", fold(text)).strip(" \t\n.,;:!?\"'()[]«»“”‘’")


def spelling(forms: Mapping[str, int]) -> str:
    """Of the spellings ``normalise`` counts as one (with how often each occurs), the
    one shown: the most frequent; of equally frequent ones, the first in code point
    order (capitals first: "Zoë" before "zoe")."""
    return min(forms.items(), key=lambda f: (-f[1], f[0]))[0]


class OverviewMixin(StoreBase):
    def overview(self, *, top: int = 10) -> dict[str, Any]:
        """Numbers for the overview panel and ``annotator stats --json``."""
        conn = self.conn
        documents = int(self._scalar("SELECT count(*) FROM documents"))
        spans: dict[str, dict[str, int]] = {}
        touched: dict[str, set[int]] = {}
        orphans = _orphan_counts(conn, "document_id, annotator, label")
        # One pass over the (document, analyst, label) index, no sorting.
        suggested: dict[int, int] = {}  # machine suggestions not accepted: no analyst's work
        for doc_id, who, label, n in conn.execute(
            "SELECT document_id, annotator, label, count(*) FROM spans GROUP BY 1, 2, 3"
        ):
            n -= orphans.get((doc_id, who, label), 0)  # orphans count nowhere
            if n <= 0:
                continue
            if who == SUGGEST:
                suggested[doc_id] = suggested.get(doc_id, 0) + n
                continue
            per_label = spans.setdefault(label, {})
            per_label[who] = per_label.get(who, 0) + n
            touched.setdefault(who, set()).add(doc_id)
        spans = {label: dict(sorted(per.items())) for label, per in sorted(spans.items())}
        done: dict[str, set[int]] = {}
        for who, doc_id in conn.execute(
            "SELECT annotator, document_id FROM document_status WHERE done"
        ):
            done.setdefault(who, set()).add(doc_id)
        progress = {
            who: {
                DONE: len(done.get(who, set())),
                IN_PROGRESS: len(touched.get(who, set()) - done.get(who, set())),
                NOT_STARTED: documents - len(touched.get(who, set()) | done.get(who, set())),
            }
            for who in sorted(touched.keys() | done.keys())
        }
        frequent = self._frequent(top, sorted(suggested))
        return {
            "documents": documents,
            "spans": sum(n for per in spans.values() for n in per.values()),
            "by_label": spans,
            "suggestions": sum(suggested.values()),
            "progress": progress,
            "top_actors": frequent.get("ACTOR", []),
            "top_citations": frequent.get("CITATION", []),
        }

    def _frequent(self, top: int, suggested: list[int]) -> dict[str, list[dict[str, Any]]]:
        """Per mention label, the most mentioned texts, merged by ``normalise``; the
        machine suggestions of the documents ``suggested`` are not mentions."""
        merged: dict[str, dict[str, dict[str, Any]]] = {label: {} for label in MENTION_LABELS}
        conn = self.conn
        # Orphans and suggestions (few) are taken off afterwards: the index does not
        # hold their marks.
        left_out: dict[tuple[str, str, int], int] = {
            (label, text, doc_id): n
            for label, text, doc_id, n in conn.execute(
                "SELECT label, text, document_id, count(*) FROM spans"
                f" WHERE orphan_revision IS NOT NULL AND label IN {MENTION_LABELS!r}"
                " GROUP BY 1, 2, 3"
            )
        }
        for doc_id in suggested:  # through the (document, analyst, label) index
            for label, text, n in conn.execute(
                "SELECT label, text, count(*) FROM spans WHERE document_id = ? AND annotator = ?"
                f" AND label IN {MENTION_LABELS!r} AND orphan_revision IS NULL GROUP BY 1, 2",
                [doc_id, SUGGEST],
            ):
                key = (label, text, doc_id)
                left_out[key] = left_out.get(key, 0) + n
        # Written as the partial index's own condition, so SQLite reads only the index.
        for label, text, n, docs in conn.execute(
            "SELECT label, text, count(*), group_concat(DISTINCT document_id) FROM spans"
            f" WHERE label IN {MENTION_LABELS!r} GROUP BY label, text"
        ):
            doc_ids = {int(d) for d in docs.split(",")}
            for doc_id in list(doc_ids):
                gone = left_out.get((label, text, doc_id), 0)
                n -= gone
                if gone and not conn.execute(
                    "SELECT 1 FROM spans WHERE label = ? AND text = ? AND document_id = ?"
                    " AND orphan_revision IS NULL AND annotator <> ?",
                    [label, text, doc_id, SUGGEST],
                ).fetchone():
                    doc_ids.discard(doc_id)
            if n <= 0:
                continue
            entry = merged[label].setdefault(normalise(text), {
                "text": text, "count": 0, "documents": set(), "forms": {},
            })  # fmt: skip
            entry["count"] += n
            entry["documents"].update(doc_ids)
            entry["forms"][text] = entry["forms"].get(text, 0) + n
        result = {}
        for label, entries in merged.items():
            ranked = sorted(entries.values(), key=lambda e: (-e["count"], e["text"]))[:top]
            result[label] = [
                {
                    "text": spelling(e["forms"]),
                    "count": e["count"],
                    "documents": sorted(e["documents"]),
                }
                for e in ranked
            ]
        return result
