"""The command that replaces an article's text with a new version: update."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli import DOCUMENT_ID, _quote, cli, db_option, store_at
from .display_text import counted, shorten

if TYPE_CHECKING:  # the types only: every command loads this module, few use these
    from .anchoring import AnchoredSpan, AnchorReport

QUOTE_LIMIT = 60


def _default_analyst() -> str:
    """The OS user name: the window's default analyst, so the window can undo it."""
    try:
        return getpass.getuser() or "analyst"
    except (KeyError, OSError):
        return "analyst"


@cli.command("update")
@click.argument("document_id", type=DOCUMENT_ID)
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--by", default=None, help="Who replaces the text; they can undo it (default: your user name)."
)
@click.option("--verbose", "-v", is_flag=True, help="List the spans that moved exactly too.")
@db_option
def update_command(
    document_id: int, file: Path, by: str | None, verbose: bool, db_path: Path | None
) -> None:
    """Replace a document's text with a new version of the article in FILE.

    FILE is read like `annotator import` reads articles (.txt, .md, .html).
    The old text is kept as a revision; the document keeps its id and uid.
    Every span is re-anchored: exactly (the quote found where it belongs),
    fuzzily (a changed quote, flagged with its similarity score until an analyst
    confirms it) or not at all: then it becomes an orphan, kept with its old
    quote, left out of counts and exports until placed or dropped in the window.
    One undo step of the analyst given by --by.

    Example:

        annotator update 3 corrected-article.html --by alice --db team.db
    """
    from .textfile import read_article  # lxml: loaded for the command that reads a file

    with store_at(db_path) as store:
        article = read_article(file, max_bytes=store.import_limit)
        title = store.document(document_id).title
        report = store.replace_text(document_id, article.text,
                                    by=_default_analyst() if by is None else by)
    for line in report_lines(report, title, verbose=verbose):
        click.echo(line)


def report_lines(report: AnchorReport, title: str | None, *, verbose: bool = False) -> list[str]:
    """The report of ``update``, one string per line (the window shows it too)."""
    moved = [s for s in report.exact if s.moved]
    lines = [
        f"Document {report.document_id} {_quote(title)}: text replaced ({report.old_length:,}"
        f" -> {report.new_length:,} characters), the old one kept as revision"
        f" {report.revision_id}",
        f"Moved exactly: {counted(len(moved), 'span')}"
        f" ({len(report.exact) - len(moved):,} more in place)",
    ]
    if verbose:
        lines += [f"  {_where(s)} {_short(s.quote)} (was [{s.old_start}, {s.old_end})),"
                  f" {s.annotator}" for s in moved]  # fmt: skip
    fuzzy, orphaned = report.fuzzy, report.orphaned
    lines.append(
        f"Moved fuzzily: {counted(len(fuzzy), 'span')}"
        + (", flagged for review until confirmed" if fuzzy else "")
    )
    lines += [
        f"  {_where(s)} {_short(s.quote)} (was {_short(s.old_quote)} at"
        f" [{s.old_start}, {s.old_end})), score {s.score:.3f}, {s.annotator}"
        for s in fuzzy
    ]
    lines.append(
        f"Orphaned: {counted(len(orphaned), 'span')}"
        + (", kept until placed or dropped" if orphaned else "")
    )
    lines += [f"  {_where(s)} {_short(s.old_quote)}, {s.annotator}" for s in orphaned]
    if report.placed_again:
        lines.append(
            f"Orphans of earlier texts placed again: {len(report.placed_again):,}"
            " (counted above as moved)"
        )
    if report.orphaned_relations:
        lines.append(
            f"Relations with an orphaned end: {len(report.orphaned_relations):,},"
            " kept but not exported until placed"
        )
    return lines


def short_report(report: AnchorReport) -> str:
    """``report_lines`` in one short line, for a status bar."""
    parts = [f"{counted(len(report.exact), 'span')} in place or moved exactly"]
    if report.fuzzy:
        parts.append(f"{len(report.fuzzy):,} moved fuzzily (to confirm)")
    if report.orphaned:
        parts.append(f"{len(report.orphaned):,} orphaned")
    more = "; see the Orphans panel" if report.fuzzy or report.orphaned else ""
    return "Text replaced: " + ", ".join(parts) + more


def _where(span: AnchoredSpan) -> str:
    return f"{span.label} [{span.start}, {span.end})"


def _short(quote: str) -> str:
    """A quote on one line: JSON-quoted (newlines escaped), long ones cut."""
    return json.dumps(shorten(quote, QUOTE_LIMIT), ensure_ascii=False)
