"""The core's command line: import, export, list, stats, sample.

The console script's entry point is ``ui.cli:main``, which adds ``gui`` to this
group; everything here works where Qt cannot start.
"""

from __future__ import annotations

import inspect
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from .atomicfile import unmake_database
from .display_text import cells, counted, one_line, pad
from .errors import AnnotatorError, os_error_line, sqlite_error_line
from .model import SUGGEST
from .store import Store, database_in_use, open_store

F = TypeVar("F", bound=Callable[..., Any])


def default_db_path() -> Path:
    """``$ANNOTATOR_DB``, else ``annotations.db`` in the user data folder."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path("annotator", appauthor=False) / "annotations.db"


def _example_last(command: click.Command) -> None:
    """Move the docstring's "Example:" part after the options (click's epilog),
    so that ``--help`` ends with the example."""
    text = inspect.cleandoc(command.help or "")
    if "\nExample" in text and command.epilog is None:
        head, _, example = text.partition("\nExample")
        title, _, body = example.partition("\n")
        # "\b" keeps click from rewrapping the commands or taking their indent away.
        command.help, command.epilog = head.rstrip(), f"Example{title}\n\n\b{body}"


class ExampleLastCommand(click.Command):
    """A command whose ``--help`` ends with its example."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _example_last(self)


class CoreGroup(click.Group):
    """Turns the core's errors into one ``Error: ...`` line and exit code 1; its
    commands' ``--help`` (and its own) end with an example."""

    command_class = ExampleLastCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _example_last(self)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AnnotatorError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.OperationalError as exc:
            raise click.ClickException(sqlite_error_line(exc)) from None
        except sqlite3.DatabaseError as exc:  # a damaged file ("disk image is malformed")
            raise click.ClickException(
                f"the database file is damaged ({exc}): `annotator check` shows where;"
                " restore a backup (the window keeps five in backups/ beside the database)"
            ) from None
        except BrokenPipeError:  # `annotator list | head`: the reader has all it wanted
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # the rest is dropped, not an error
            ctx.exit(0)
        except OSError as exc:
            raise click.ClickException(os_error_line(exc)) from None


# A document id as SQLite holds it: a bigger number is refused as a usage error.
DOCUMENT_ID = click.IntRange(max=2**63 - 1)


def db_option(f: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Database file (default: $ANNOTATOR_DB, else annotations.db in the user data folder).",
    )(f)


@contextmanager
def store_at(db_path: Path | None, *, create: bool = False, **kwargs: Any) -> Iterator[Store]:
    """The Store at ``--db`` (else the default).  A database named with ``--db`` or
    $ANNOTATOR_DB must exist unless the command makes one (``create``): a mistyped
    path would otherwise be a new, empty database that answers "nothing"."""
    path = db_path or default_db_path()
    named = db_path is not None or bool(os.environ.get("ANNOTATOR_DB"))
    empty = path.is_file() and path.stat().st_size == 0  # e.g. made by `touch`
    if named and not create and (empty or not path.exists()):
        what = f"{path} is an empty file, not a database" if empty else (
            f"there is no database at {path}")  # fmt: skip
        raise click.ClickException(
            f"{what}: check the path (`annotator import FILE --db {path}` makes a new one)"
        )
    if db_path is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    made = empty or not path.exists()
    try:
        store = open_store(path, **kwargs)
    except BaseException:  # the disk full while the layout was written, say
        if made:
            unmake_database(path, was_empty=empty)
        raise
    with store:
        try:
            yield store
        except BaseException:
            if not made:
                raise
            try:
                holds = store.document_count()
            except sqlite3.Error:
                holds = 0
            if holds:
                raise
            store.close()  # a command that failed leaves no new, empty database behind
            unmake_database(path, was_empty=empty)
            raise


def analyst_name(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """An ``--annotator`` value: a name, not blank (a blank one matched nothing, or
    was taken for the default, or was blamed on the file)."""
    if value is not None and not value.strip():
        raise click.BadParameter("give an analyst's name, or leave the option out")
    return value


def _progress(items: list[Any], label: str) -> Any:
    """A progress bar on a terminal; silent when stderr is a pipe or a file."""
    return click.progressbar(
        items, label=label, file=sys.stderr, show_pos=True, hidden=not sys.stderr.isatty()
    )


@click.group(cls=CoreGroup)
@click.version_option(package_name="annotator")
def cli() -> None:
    """Annotate news articles: claims, actors, dates and citations, offline.

    Example:

        annotator import article.html && annotator list
    """


@cli.command("list")
@db_option
def list_command(db_path: Path | None) -> None:
    """List the documents: id, title and span counts per label.

    Example:

        annotator list --db team.db
    """
    with store_at(db_path) as store:
        labels = store.schema.label_names
        docs = store.documents()
    if not docs:
        click.echo("No documents yet: add some with `annotator import FILE`.")
        return
    rows = [["ID", "TITLE", *labels, "TOTAL"]]
    for d in docs:
        title = d.title or "(untitled)"
        title = one_line(title, 48, in_cells=True)  # a newline, tab or ESC would break rows
        rows.append([str(d.id), title, *(str(d.span_counts.get(lab, 0)) for lab in labels),
                     str(d.span_total)])  # fmt: skip
    _table(rows, numeric_from=2)


@cli.command("stats")
@click.option("--json", "as_json", is_flag=True,
              help="Print every number of the overview as JSON.")  # fmt: skip
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many frequent actors and citations to list.")  # fmt: skip
@db_option
def stats_command(as_json: bool, top: int, db_path: Path | None) -> None:
    """Count spans per label and analyst, progress per analyst, frequent actors.

    Example:

        annotator stats --json --top 20
    """
    with store_at(db_path) as store:
        numbers = store.overview(top=top)
        labels = list(store.schema.label_names)
    counts = numbers["by_label"]
    if as_json:
        click.echo(json.dumps(numbers, ensure_ascii=False, indent=2, sort_keys=True))
        return
    labels += sorted(set(counts) - set(labels))
    annotators = sorted({a for per in counts.values() for a in per})
    rows = [["LABEL", *annotators, "TOTAL"]]
    for label in labels:
        per = counts.get(label, {})
        rows.append([label, *(str(per.get(a, 0)) for a in annotators), str(sum(per.values()))])
    rows.append(["TOTAL", *(str(sum(counts.get(lab, {}).get(a, 0) for lab in labels))
                            for a in annotators), str(numbers["spans"])])  # fmt: skip
    pending = numbers["suggestions"]
    left_out = (f" (and {counted(pending, 'machine suggestion')} of the {SUGGEST} layer,"
                " counted nowhere below)" if pending else "")  # fmt: skip
    click.echo(f"{counted(numbers['documents'], 'document')},"
               f" {counted(numbers['spans'], 'span')}{left_out}")  # fmt: skip
    _table(rows, numeric_from=1)
    if numbers["progress"]:
        click.echo("")
        _table([["ANALYST", "DONE", "IN PROGRESS", "NOT STARTED"]] + [
            [who, str(p["done"]), str(p["in_progress"]), str(p["not_started"])]
            for who, p in numbers["progress"].items()
        ], numeric_from=1)  # fmt: skip
    for title, key in (("Frequent actors", "top_actors"), ("Frequent citations", "top_citations")):
        if numbers[key]:
            click.echo(f"\n{title}:")
            for entry in numbers[key]:
                docs = ", ".join(str(d) for d in entry["documents"])
                text = one_line(entry["text"], 60)  # a line break would cut the list
                click.echo(f"  {entry['count']:>5}  {text}  (documents {docs})")


@cli.command("search")
@click.argument("query")
@click.option("--label", default=None, help="Only spans with this label.")
@click.option("--annotator", default=None, callback=analyst_name,
              help="Only spans of this analyst.")  # fmt: skip
@click.option("--limit", type=click.IntRange(min=1, max=1_000_000), default=50,
              show_default=True, help="Show at most this many hits.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@db_option
def search_command(query: str, label: str | None, annotator: str | None, limit: int,
                   as_json: bool, db_path: Path | None) -> None:  # fmt: skip
    """Search every document's text and every span's text and note.

    Case and accents do not matter ("cafe" finds "Café"); FTS5 syntax works:
    "exact phrase", word*, AND, OR, NOT.

    Example:

        annotator search "Zelensky" --label ACTOR
    """
    from dataclasses import asdict

    with store_at(db_path) as store:
        if label is not None and label not in store.schema.label_set:
            raise click.ClickException(
                f"there is no label {label!r}: the labels are"
                f" {', '.join(store.schema.label_names)}"
            )
        if annotator is not None:
            from .agreement import check_analysts

            check_analysts(store, annotator)
        hits = store.search(query, label=label, annotator=annotator, limit=limit + 1)
        more, hits = len(hits) > limit, hits[:limit]
        if as_json:  # a text hit of the index gets its first match's code point offsets
            found = [asdict(h) for h in hits]
            for hit in found:
                if hit["kind"] == "text" and hit["start"] is None:
                    hit["start"], hit["end"] = store.locate(hit["document_id"], query) or (
                        None, None)  # fmt: skip
            click.echo(json.dumps(found, ensure_ascii=False, indent=2))
            return
    if not hits:
        click.echo("No match.")
        return
    for h in hits:
        where = f"document {h.document_id} {_quote(h.title)}"
        context = one_line(h.context, len(h.context))  # a hit per line, line breaks too
        if h.kind == "text":
            click.echo(f"{where}: {context}")
        else:
            click.echo(f"{where} [{h.start}, {h.end}) {h.label} by {h.annotator}"
                       f" ({h.kind}): {context}")  # fmt: skip
    if more:
        click.echo(f"(the first {limit:,} hits; there are more: give --limit to see more)")


@cli.command("sample")
@db_option
def sample_command(db_path: Path | None) -> None:
    """Add the bundled sample article with its reference annotation (analyst `sample`).

    Running it again adds nothing twice.

    Example:

        annotator sample --db try.db && annotator export --db try.db --out -
    """
    from .sample_article import add_sample

    with store_at(db_path, create=True) as store:
        result = add_sample(store)
    if result:
        click.echo(f"Added the sample article as document {result[0].id} "
                   f"with {counted(result.spans_added, 'span')}")  # fmt: skip
    else:
        click.echo("The sample article is already in the database")


@cli.command("backup")
@click.option("--out", "out_name", default=None,
              help="Backup file (default: <database>.backup-<time>.db beside it).")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
@db_option
def backup_command(out_name: str | None, force: bool, db_path: Path | None) -> None:
    """Copy the database consistently, even while a window has it open.

    Uses SQLite's online backup API; the copy is complete or absent. An
    existing file is replaced only with --force, and never one that is open
    (a file whose -wal file lies beside it).

    Example:

        annotator backup --db team.db --out /media/usb/team-friday.db
    """
    from datetime import UTC, datetime

    from .store.maintenance import backup_name

    if out_name is not None and not out_name.strip():  # Path("") would be "." (a folder)
        raise click.ClickException("--out is empty: give a file name for the backup")
    out = None if out_name is None else Path(out_name)
    if out is not None and out.is_dir():
        raise click.ClickException(f"{out} is a folder: give a file name in it, such as"
                                   f" {out / 'backup.db'}")
    if out is not None and out.exists():
        # A stale -wal beside the file would be replayed onto the copy: a ruined file.
        if database_in_use(out):
            raise click.ClickException(
                f"{out} is a database in use (its -wal file is beside it): choose another --out"
            )
        if not force:
            raise click.ClickException(
                f"{out} already exists: choose another --out, or add --force to replace it"
            )
    with store_at(db_path) as store:
        target = out or store.path.with_name(backup_name(store.path, datetime.now(UTC)))
        store.backup(target)
    click.echo(f"Backed up {store.path} to {target}")


@cli.command("check")
@db_option
def check_command(db_path: Path | None) -> None:
    """Check the database: SQLite's integrity check and the store's own rules.

    Every span must lie inside its document and quote it exactly, use a label of
    the schema, and relations must link spans of their own document. Each breach
    is printed with the ids involved; the exit code is 1 when there is any.

    Example:

        annotator check --db team.db
    """
    with store_at(db_path) as store:
        breaches = store.check()
        if not breaches:  # a damaged file may not even be counted
            documents, spans = store.document_count(), store.span_count()
    for breach in breaches:
        click.echo(f"{breach.kind}: {breach.message}")
    if breaches:
        raise click.ClickException(
            f"{counted(len(breaches), 'problem')} found: restore a backup or fix the rows"
            " named above"
        )
    click.echo(f"OK: {counted(documents, 'document')}, {counted(spans, 'span')}, no problem found")


def _quote(title: str | None) -> str:
    """A title on one line, in quotes (its newlines and control characters as spaces)."""
    return f'"{one_line(title, 10_000)}"' if title else "(untitled)"


def _table(rows: list[list[str]], *, numeric_from: int) -> None:
    """Columns lined up in terminal columns (CJK and emoji take two), numbers on the right."""
    widths = [max(cells(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        padded = [pad(cell, w, right=i >= numeric_from)
                  for i, (cell, w) in enumerate(zip(row, widths, strict=True))]  # fmt: skip
        click.echo("  ".join(padded).rstrip())


from . import cli_review, cli_revisions, cli_suggest, cli_transfer  # noqa: E402,F401  (register their commands)
