"""The README keeps step with the program: its key table and its command list."""

from __future__ import annotations

from pathlib import Path

from annotator.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_key_table_is_the_generated_one() -> None:
    # ui/shortcuts.md is generated from the real bindings (test_gui_comfort checks it).
    block = README.split("<!-- keys -->\n", 1)[1].split("<!-- /keys -->", 1)[0]
    generated = (ROOT / "ui" / "shortcuts.md").read_text(encoding="utf-8")
    assert block.strip() == generated.strip(), (
        "paste ui/shortcuts.md between the <!-- keys --> markers of README.md"
    )


def test_every_command_is_in_the_readme() -> None:
    import ui.cli  # noqa: F401  (adds `gui`)

    missing = [name for name in cli.commands if f"`annotator {name}" not in README]
    assert missing == []
