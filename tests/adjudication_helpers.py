"""The document, layers and helpers of the adjudication tests (tests/test_adjudication*.py).

The document and the layers are those of tests/test_agreement.py, one pair of each
category (offsets in code points, counted by hand).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

import annotator.cli_review  # noqa: F401  (registers the review commands)
from annotator import Store
from annotator.adjudication import DecisionRequest
from annotator.cli import cli

# Mayor 0..5, Olena Koval 6..17, said 18..22, 3 May 26..31, that 32..36,
# the bridge will reopen 37..59, bridge will reopen. 41..60 (counted by hand).
TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
A = {  # alice
    "a1": ("ACTOR", 6, 17),  # Olena Koval   match with b1
    "a2": ("DATE", 26, 31),  # 3 May         label_mismatch with b2
    "a3": ("CLAIM", 37, 59),  # the ... reopen boundary_mismatch with b3
    "a4": ("ACTOR", 0, 5),  # Mayor          overlap_mismatch with b4
    "a5": ("CLAIM", 18, 22),  # said         only_a
}
B = {  # bob
    "b1": ("ACTOR", 6, 17),
    "b2": ("CLAIM", 26, 31),
    "b3": ("CLAIM", 41, 60),  # bridge will reopen.
    "b4": ("CITATION", 0, 11),  # Mayor Olena
    "b5": ("DATE", 32, 36),  # that          only_b
}
LEAD = "lead"


def add_layers(store: Store) -> int:
    """The document with alice's layer A and bob's layer B; returns its id."""
    doc = store.add_document(TEXT, title="Bridge")
    for who, layer in (("alice", A), ("bob", B)):
        store.add_spans(doc.id, [
            {"id": span_id, "label": label, "start": s, "end": e, "annotator": who}
            for span_id, (label, s, e) in layer.items()
        ])  # fmt: skip
    return doc.id


def decide(store: Store, doc_id: int, a: str | None, b: str | None, decision: str | None,
           **options: Any) -> Any:  # fmt: skip
    return store.adjudicate(doc_id, [DecisionRequest(a, b, decision, **options)], by=LEAD)[0]


def gold(store: Store, doc_id: int, name: str = "gold") -> list[tuple[Any, ...]]:
    """(label, start, end, text, origin, attributes, note) of each gold span, by position."""
    return [
        (s.label, s.start, s.end, s.text, s.origin, s.attributes, s.note)
        for s in store.spans(doc_id, annotator=name)
    ]


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def adjudicate_events(store: Store) -> list[Any]:
    return [e for e in store.history(limit=1000) if e.action == "adjudicate"]


def accept_matches(db_path: Path, *extra: str) -> Result:
    """`annotator accept-matches` of alice and bob by the lead, on ``db_path``."""
    return CliRunner().invoke(
        cli, ["accept-matches", "--a", "alice", "--b", "bob", "--by", LEAD, *extra,
              "--db", str(db_path)], prog_name="annotator",
    )  # fmt: skip
