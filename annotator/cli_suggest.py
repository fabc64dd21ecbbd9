"""The command that pre-annotates documents with machine suggestions: suggest."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from .cli import DOCUMENT_ID, _table, cli, db_option, store_at
from .errors import NotFoundError


@cli.command("suggest")
@click.option("--doc", "document_id", type=DOCUMENT_ID, default=None,
              help="Only this document (default: every document).")  # fmt: skip
@db_option
def suggest_command(document_id: int | None, db_path: Path | None) -> None:
    """Suggest dates, citations and actors as the 'suggest' layer; print counts per label.

    Suggestions already present, or rejected before, are not added again.  Accept
    or reject them in the window (Enter, Delete; Shift+Enter accepts a label).

    Example:

        annotator suggest --doc 3 --db team.db
    """
    from .suggest.apply import suggest_document

    with store_at(db_path) as store:
        if document_id is not None:
            store.document(document_id)  # NotFoundError: one Error: line
            ids = [document_id]
        else:
            ids = [d.id for d in store.documents()]
        if not ids:
            raise NotFoundError("there are no documents: add some with `annotator import FILE`")
        labels = list(store.schema.label_names)
        counts: Counter[str] = Counter()
        errors: list[str] = []
        for doc_id in ids:
            counts.update(s.label for s in suggest_document(store, doc_id, errors=errors))
    for line in dict.fromkeys(errors):
        click.echo(f"Warning: {line}", err=True)
    rows = [["LABEL", "NEW"]]
    rows += [[label, str(counts.get(label, 0))] for label in labels]
    rows.append(["TOTAL", str(sum(counts.values()))])
    _table(rows, numeric_from=1)
    docs = "document" if len(ids) == 1 else "documents"
    click.echo(f"{sum(counts.values())} new suggestions in {len(ids)} {docs}.")
