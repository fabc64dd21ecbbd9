"""The commands that move annotations in and out: import and export."""

from __future__ import annotations

from pathlib import Path

import click

from .cli import _progress, _quote, analyst_name, cli, db_option, store_at
from .display_text import counted
from .errors import AnnotatorError
from .formats import registry
from .formats.base import left_out_of


def _label_map(pairs: tuple[str, ...]) -> dict[str, str | None]:
    """``FROM=TO`` pairs; ``FROM=-`` leaves that label's spans (or that type's
    relations) out of the import.  One FROM given two targets is a usage error:
    the last would win without a word."""
    mapping: dict[str, str | None] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise click.BadParameter(
                f"{pair!r} is not FROM=TO, e.g. PER=ACTOR (or PER=- to leave it out)",
                param_hint="map",
            )
        source, target = source.strip(), target.strip()
        mapped = None if target == "-" else target
        if source in mapping and mapping[source] != mapped:
            earlier = "-" if mapping[source] is None else mapping[source]
            raise click.BadParameter(
                f"{source}={earlier} and {source}={target} map {source} twice: keep one of them",
                param_hint="map",
            )
        mapping[source] = mapped
    return mapping


OFFSETS = click.Choice(["utf16", "codepoint"])


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(registry.IMPORT_FORMATS), default=None,
              help="Format of annotation files (default: recognised from each file).")  # fmt: skip
@click.option("--map", "mapping", multiple=True, metavar="FROM=TO",
              help="Rename a label (or relation type) on import, or FROM=- to leave it out;"
                   " repeatable.")  # fmt: skip
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid records and list the others (default: refuse).")  # fmt: skip
@click.option("--offsets", type=OFFSETS, default=None,
              help="Offsets of the file: doccano utf16 by default, others codepoint.")  # fmt: skip
@click.option("--annotator", default=None, callback=analyst_name,
              help="Analyst for spans whose file names none (default: 'imported').")  # fmt: skip
@click.option(
    "--max-size", type=click.FloatRange(min=0, min_open=True, max=1 << 20), default=50.0,
    show_default=True, callback=lambda _ctx, _param, value: _a_number(value),
    help="Refuse article files larger than this many MB.",
)  # fmt: skip
@click.option(
    "--max-annotation-size", type=click.FloatRange(min=0, min_open=True, max=1 << 20),
    default=1024.0, callback=lambda _ctx, _param, value: _a_number(value),
    show_default=True, help="Refuse annotation files larger than this many MB.",
)  # fmt: skip
@click.option("--schema", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Label schema for a NEW database (ignored for an existing one).")  # fmt: skip
@db_option
def import_command(
    files: tuple[Path, ...], fmt: str | None, mapping: tuple[str, ...], skip_invalid: bool,
    offsets: str | None, annotator: str | None, max_size: float, max_annotation_size: float,
    schema: Path | None,
    db_path: Path | None,
) -> None:  # fmt: skip
    """Import articles (.txt, .md, .html, folders of them) and annotation files.

    Annotation files: native JSONL, doccano, Prodigy, brat (.ann beside its .txt)
    and Label Studio JSON, recognised from their content unless --format says.
    The same text imported twice is recognised and skipped. Each file is
    imported whole or not at all.

    Example:

        annotator import ner.jsonl --map PER=ACTOR --db team.db
    """
    label_map = _label_map(mapping)
    added = skipped = spans = 0
    with store_at(db_path, create=True, schema=schema) as store:
        store.import_limit = int(max_size * 1024 * 1024)
        store.annotation_limit = int(max_annotation_size * 1024 * 1024)
        with _progress(list(files), "Importing") as bar:
            for n, path in enumerate(bar):
                try:
                    result = store.import_file(
                        path, format=fmt, label_map=label_map, skip_invalid=skip_invalid,
                        offsets=offsets, annotator=annotator,
                    )  # fmt: skip
                except AnnotatorError as exc:  # the files before it stay imported: say so
                    if len(files) > 1:
                        from .importing import say_where_it_stopped  # lxml: only when needed

                        say_where_it_stopped(exc, "the import", list(files), n)
                    raise
                for doc in result:
                    name = doc.meta.get("filename") or path.name
                    click.echo(f"Imported {name}: document {doc.id} {_quote(doc.title)}"
                               f" ({len(doc.text):,} characters)")  # fmt: skip
                for line in result.skipped:
                    click.echo(f"Skipped {line}")
                for line in result.notes:
                    click.echo(f"Note: {line}")
                added += len(result)
                skipped += len(result.skipped)
                spans += result.spans_added
    click.echo(f"{counted(added, 'document')} added, {skipped:,} skipped,"
               f" {counted(spans, 'span')} added")


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(registry.EXPORT_FORMATS), default="jsonl",
              show_default=True, help="Output format.")  # fmt: skip
@click.option("--annotator", default=None, callback=analyst_name,
              help="Export one analyst's layer only.")  # fmt: skip
@click.option("--out", default=None, help="Output file (a folder for brat), or - for standard"
              " output (default: exports/<database name> with the format's suffix).")  # fmt: skip
@click.option("--offsets", type=OFFSETS, default=None,
              help="Offset unit to write (doccano: utf16 by default, else codepoint).")  # fmt: skip
@click.option(
    "--force", is_flag=True, help="Replace an existing output file (brat: the whole folder)."
)
@db_option
def export_command(
    fmt: str, annotator: str | None, out: str | None, offsets: str | None, force: bool,
    db_path: Path | None,
) -> None:  # fmt: skip
    """Export every document with its spans and relations.

    Formats: native JSONL (everything, exactly), doccano, Prodigy, brat, Label
    Studio, CoNLL, spaCy DocBin, W3C Web Annotation. What a format cannot carry
    is listed, never dropped silently. Every span is checked against the text
    before it is written; the file appears only when complete, and an existing
    file is replaced only with --force.

    Example:

        annotator export --format doccano --annotator alice --out alice.jsonl
    """
    with store_at(db_path) as store:
        if annotator is not None and annotator not in store.annotators():
            known = ", ".join(store.annotators()) or "none yet"
            raise click.ClickException(
                f"analyst {annotator!r} has no spans in this database (analysts: {known})"
            )
        if offsets and fmt in _NO_OFFSET_CHOICE:
            raise click.ClickException(
                f"{fmt} {_NO_OFFSET_CHOICE[fmt]}: leave out --offsets"
            )
        if out is not None and not out.strip():
            raise click.ClickException("--out is empty: give a file name, or - for standard output")
        target = out or str(registry.default_output(fmt, store.path.stem))
        if target != "-":
            registry.refuse_unsafe_target(Path(target))
            if fmt == "brat":  # a file, or more than an export: --force would not help
                registry.module(fmt).refuse_target(Path(target))
        if target != "-" and not force and _occupied(Path(target)):
            raise click.ClickException(
                f"{target} already exists: choose another --out, or add --force to replace it"
            )
        writer = registry.module(fmt).write
        left_out = left_out_of(store, fmt, annotator)
        if fmt == "jsonl":
            with _progress(list(range(store.document_count())), "Exporting") as bar:
                report = writer(store, target, annotator=annotator,
                                progress=lambda n: bar.update(1))  # fmt: skip
        else:
            report = writer(store, target, annotator=annotator, offsets=offsets)
    to_stderr = target == "-"
    where = "standard output" if to_stderr else target
    click.echo(
        f"Exported {counted(report.documents, 'document')}, {counted(report.spans, 'span')}, "
        f"{counted(report.relations, 'relation')} to {where}", err=to_stderr,
    )  # fmt: skip
    tokenizer = getattr(report, "tokenizer", None)
    if tokenizer:
        click.echo(f"Tokens and sentences from {tokenizer}", err=to_stderr)
    for line in getattr(report, "lost", []):
        click.echo(f"Not carried by {fmt}: {line}", err=to_stderr)
    for line in left_out + report.left_out:
        click.echo(f"Left out: {line}", err=to_stderr)


# Formats whose offsets are not a choice (--offsets would be ignored without a word).
_NO_OFFSET_CHOICE = {"jsonl": "counts code points, always", "conll": "writes tokens, not offsets",
                     "spacy": "keeps spaCy's own character offsets"}  # fmt: skip


def _a_number(value: float) -> float:
    """A size limit in MB that is a number (NaN passes a range: it compares false)."""
    if value != value:
        raise click.BadParameter("give a number of megabytes, such as 50")
    return value


def _occupied(path: Path) -> bool:
    return path.is_file() or (path.is_dir() and any(path.iterdir()))
