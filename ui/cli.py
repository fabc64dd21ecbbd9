"""The console script: the core's commands plus ``gui``.

PySide6 is imported only when ``gui`` runs, so every other command works on a
machine where Qt cannot start.
"""

from __future__ import annotations

from annotator.cli import cli


def main() -> None:
    cli(prog_name="annotator")


if __name__ == "__main__":
    main()
