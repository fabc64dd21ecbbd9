"""The console script: the core's commands plus ``gui``.

PySide6 is imported only when ``gui`` runs, so every other command works on a
machine where Qt cannot start.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # for ANNOTATOR_EXIT_AFTER_PAINT: start to first paint

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402

# The core keeps pandas and numpy out of its import (annotator.store.base).
from annotator.cli import cli, db_option, store_at  # noqa: E402


@cli.command("gui")
@click.argument("file", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--analyst", default=None, help="Who is annotating (default: your user name).")
@db_option
def gui_command(file: Path | None, analyst: str | None, db_path: Path | None) -> None:
    """Open the annotation window, importing FILE first if given.

    Without --db it opens the default database; on its very first start that
    holds the bundled sample article, ready to annotate.  Select text and press
    1-4 to tag it; every change is saved at once.

    Example:

        annotator gui --analyst alice news/kyiv-briefing.html
    """
    from .app import NO_DISPLAY, first_document, no_display, run

    if no_display():
        raise click.ClickException(NO_DISPLAY)
    with store_at(db_path, create=True) as store:
        document_id = first_document(store, file, first_start=db_path is None)
        code = run(store, analyst=analyst, document_id=document_id, started=STARTED,
                   imported=file is not None)
    sys.exit(code)


def main() -> None:
    cli(prog_name="annotator")


if __name__ == "__main__":
    main()
