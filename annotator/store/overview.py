"""The corpus at a glance: progress per analyst, spans per label, frequent actors."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..model import DONE, IN_PROGRESS, NOT_STARTED
from .base import StoreBase


def normalise(text: str) -> str:
    """The key under which mentions count as the same: case, accents, spacing and
    surrounding punctuation do not matter ("Zoë Ångström," = "zoe angstrom")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare).strip(" \t\n.,;:!?\"'()[]«»“”‘’")


class OverviewMixin(StoreBase):
    def overview(self, *, top: int = 10) -> dict[str, Any]:
        """Numbers for the overview panel and ``annotator stats --json``."""
        conn = self.db.conn
        documents = int(self._scalar("SELECT count(*) FROM documents"))
        spans: dict[str, dict[str, int]] = {}
        for label, who, n in conn.execute(
            "SELECT label, annotator, count(*) FROM spans GROUP BY label, annotator"
            " ORDER BY label, annotator"
        ):
            spans.setdefault(label, {})[who] = n
        touched: dict[str, set[int]] = {}
        for who, doc_id in conn.execute("SELECT DISTINCT annotator, document_id FROM spans"):
            touched.setdefault(who, set()).add(doc_id)
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
        return {
            "documents": documents,
            "spans": sum(n for per in spans.values() for n in per.values()),
            "by_label": spans,
            "progress": progress,
            "top_actors": self._frequent("ACTOR", top),
            "top_citations": self._frequent("CITATION", top),
        }

    def _frequent(self, label: str, top: int) -> list[dict[str, Any]]:
        """The most mentioned texts of a label, merged by ``normalise``."""
        merged: dict[str, dict[str, Any]] = {}
        for text, n, docs in self.db.conn.execute(
            "SELECT text, count(*), group_concat(DISTINCT document_id) FROM spans"
            " WHERE label = ? GROUP BY text",
            [label],
        ):
            key = normalise(text)
            entry = merged.setdefault(key, {"text": text, "count": 0, "documents": set(),
                                            "forms": {}})  # fmt: skip
            entry["count"] += n
            entry["documents"].update(int(d) for d in docs.split(","))
            entry["forms"][text] = entry["forms"].get(text, 0) + n
        ranked = sorted(merged.values(), key=lambda e: (-e["count"], e["text"]))[:top]
        return [
            {
                # Shown as its most frequent spelling.
                "text": max(e["forms"].items(), key=lambda f: (f[1], f[0]))[0],
                "count": e["count"],
                "documents": sorted(e["documents"]),
            }
            for e in ranked
        ]
