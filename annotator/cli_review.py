"""Review commands: ``merge`` database files, measure analysts' ``agree``-ment, ``accept-matches``.

Registered on the core's group by ``annotator.cli`` importing this module.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from .adjudication import DEFAULT_GOLD, ReviewSession
from .agreement import agreement, check_analysts
from .cli import DOCUMENT_ID, _table, cli, db_option, store_at
from .display_text import counted
from .merge import merge


@cli.command("merge")
@click.argument("sources", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--into", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The team database to merge into (created with the first file's schema if missing).",
)  # fmt: skip
def merge_command(sources: tuple[Path, ...], into: Path) -> None:
    """Merge analysts' database files into one team file.

    Documents are the same when their uid is the same; spans and relations keep
    their analyst and ids, so merging again adds nothing twice, and brings what
    was changed or deleted in a file since it was last merged. A document whose
    text differs from the team file's is reported as a conflict and left as it is.

    Example:

        annotator merge alice.db bob.db --into team.db
    """
    report = merge(list(sources), into)
    if report.created:
        click.echo(f"Created {into} with the schema of {sources[0]}")
    for part in report.sources:
        click.echo(
            f"{part.path}: {counted(part.documents_added, 'document')}, "
            f"{counted(part.spans_added, 'span')}, "
            f"{counted(part.relations_added, 'relation')} added"
        )
        if part.spans_updated or part.spans_deleted or part.relations_deleted:
            click.echo(
                f"  changed there since the last merge: {counted(part.spans_updated, 'span')}"
                f" updated, {counted(part.spans_deleted, 'span')} and"
                f" {counted(part.relations_deleted, 'relation')} deleted (one step each"
                " document: undo as analyst merge)"
            )
        for where, doc_id, placed, waiting in part.moved:
            click.echo(
                f"  {where} has an earlier text of document {doc_id} in {into}: its spans were"
                f" carried to the current text ({placed} placed, {waiting} waiting in the Orphans"
                " panel)"
            )
        for note in part.notes:
            click.echo(f"  {note}")
        for conflict in part.conflicts:
            title = f'"{conflict.title}"' if conflict.title else "(untitled)"
            click.echo(
                f"  Conflict: {title} (uid {conflict.uid}) has another text than document"
                f" {conflict.target_id} in {into}: kept the text in {into}, nothing merged"
            )
    conflicts = len(report.conflicts)
    summary = (
        f"Merged {counted(len(report.sources), 'file')} into {into}: "
        f"{counted(report.documents_added, 'document')}, {counted(report.spans_added, 'span')}, "
        f"{counted(report.relations_added, 'relation')} added"
    )
    if conflicts:
        summary += f"; {counted(conflicts, 'conflict')}: compare those documents and fix one file"
    click.echo(summary)


def _number(value: Any) -> str:
    return "-" if value is None else f"{value:.4f}"


@cli.command("agree")
@click.option("--a", "a", required=True, help="Analyst of layer A.")
@click.option("--b", "b", required=True, help="Analyst of layer B.")
@click.option(
    "--doc", "document_id", type=DOCUMENT_ID, default=None,
    help="One document's id (default: every document that either analyst annotated).",
)  # fmt: skip
@click.option(
    "--json", "as_json", is_flag=True,
    help="Print the numbers as JSON, with the relations' pairs per category.",
)  # fmt: skip
@db_option
def agree_command(a: str, b: str, document_id: int | None, as_json: bool,
                  db_path: Path | None) -> None:  # fmt: skip
    """Measure how well two analysts agree: F1 per label, kappa and alpha over tokens.

    Exact F1 counts spans with the same start, end and label; overlap F1 also
    counts same-label spans that overlap. Kappa and alpha compare the label of
    every token. "-" (null in JSON) marks a number that is undefined. The JSON
    also counts the pairs of relations: "match" (same type between matching
    spans), "type_mismatch", "only_a" and "only_b".

    Example:

        annotator agree --a alice --b bob --doc 3 --db team.db
    """
    _two_analysts(a, b)
    with store_at(db_path) as store:
        result = agreement(store, a, b, document_id, with_relations=as_json)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    if document_id is None:
        scope = f"all documents: {counted(result['documents'], 'document')} annotated by either"
    else:
        scope = f"document {document_id}" + ("" if result["documents"] else ": neither has spans")
    click.echo(f"{a} (A) vs {b} (B), {scope}")
    rows = [["LABEL", "A", "B", "EXACT F1", "OVERLAP F1"]]
    for label, row in result["labels"].items():
        rows.append([label, str(row["a"]), str(row["b"]), _number(row["exact_f1"]),
                     _number(row["overlap_f1"])])  # fmt: skip
    overall = result["overall"]
    rows.append([
        "OVERALL", str(sum(r["a"] for r in result["labels"].values())),
        str(sum(r["b"] for r in result["labels"].values())),
        _number(overall["exact_f1"]), _number(overall["overlap_f1"]),
    ])  # fmt: skip
    _table(rows, numeric_from=1)
    click.echo(f"Cohen's kappa (tokens): {_number(overall['cohen_kappa'])}")
    click.echo(f"Krippendorff's alpha (tokens): {_number(overall['krippendorff_alpha'])}")


@cli.command("accept-matches")
@click.option("--a", "a", required=True, help="Analyst of layer A.")
@click.option("--b", "b", required=True, help="Analyst of layer B.")
@click.option("--by", "by", required=True, help="The reviewer: whose undo history it joins.")
@click.option("--gold", default=DEFAULT_GOLD, show_default=True, help="The gold layer's name.")
@click.option(
    "--doc", "document_id", type=DOCUMENT_ID, default=None,
    help="One document's id (default: every document where both analysts have spans).",
)  # fmt: skip
@db_option
def accept_matches_command(a: str, b: str, by: str, gold: str, document_id: int | None,
                           db_path: Path | None) -> None:  # fmt: skip
    """Accept the spans and relations two analysts marked alike into the gold layer.

    Every match (same start, end and label) without a decision yet becomes a gold
    span with origin "adjudicated" and source "A+B"; so does every relation both
    drew alike (same type between matching spans) once both its ends are in gold.
    The disagreements are left for the review window. Each document is one undo
    step of the reviewer.

    Example:

        annotator accept-matches --a alice --b bob --by lead --db team.db
    """
    _two_analysts(a, b)
    with store_at(db_path) as store:
        check_analysts(store, a, b)  # a mistyped name accepts nothing: say so
        if document_id is not None:
            store.document(document_id)  # raises NotFoundError with advice
        ids = [
            d.id for d in store.documents()
            if (document_id is None or d.id == document_id)
            and d.analyst_counts.get(a) and d.analyst_counts.get(b)
        ]  # fmt: skip
        total = carried = 0
        for doc_id in ids:
            accepted, relations = ReviewSession.load(store, doc_id, a, b, gold=gold,
                                                     reviewer=by).accept_all()  # fmt: skip
            total += accepted
            carried += relations
            also = f", {counted(relations, 'relation')}" if relations else ""
            click.echo(f"Document {doc_id}: {_matches(accepted)}{also} accepted")
    also = f" and {counted(carried, 'relation')}" if carried else ""
    click.echo(f"Accepted {_matches(total)}{also} of {a} and {b} into {gold}"
               f" in {counted(len(ids), 'document')}")  # fmt: skip


def _matches(count: int) -> str:
    return f"{count:,} match{'' if count == 1 else 'es'}"


def _two_analysts(a: str, b: str) -> None:
    if a == b:  # as the store tells names apart ("alice " is not "alice")
        raise click.ClickException(f"--a and --b both name {a!r}: compare two analysts' layers")
