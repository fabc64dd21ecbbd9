"""No statement of a whole-database read scans the index of spans by position.

That index holds each span's export record (layer 12), about three times the
table's bytes per span: a statement that scans it whole where a small index
would do (counting orphans, counting spans) costs a second on a million spans.
The statements are those the store really runs, traced, then explained.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from annotator import open_store
from annotator.formats import registry

TEXT = "Mayor Ana Ruiz said on Monday that the bridge in Kyiv reopens next week."


@pytest.mark.parametrize("analyst", [None, "alice"])
def test_exports_and_counts_scan_no_index_of_records(tmp_path: Path, analyst: str | None) -> None:
    db = tmp_path / "plans.db"
    with open_store(db) as store:
        doc = store.add_document(TEXT)
        store.add_span(doc.id, 0, 14, "ACTOR", annotator="alice")
        store.add_span(doc.id, 49, 53, "CITATION", annotator="bob")
        store.replace_text(doc.id, TEXT.replace("Ana Ruiz", "A. Ruiz"), by="alice")  # an orphan
    statements: list[str] = []
    with open_store(db) as store:
        store.conn.set_trace_callback(statements.append)
        store.export_jsonl(tmp_path / "out.jsonl", annotator=analyst)
        for fmt in ("doccano", "conll"):
            registry.module(fmt).write(store, tmp_path / f"out.{fmt}", annotator=analyst)
        store.documents()
        store.stats()
        store.conn.set_trace_callback(None)
    reads = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert any("orphan_revision IS NOT NULL" in s for s in reads)  # the counts were made
    with closing(sqlite3.connect(db)) as conn:
        for statement in reads:
            plan = [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {statement}")]
            scans = [step for step in plan
                     if step.startswith("SCAN") and "spans_document_position" in step]  # fmt: skip
            assert scans == [], (statement, plan)
