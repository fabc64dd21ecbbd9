"""The doccano file the label-mapping tests import (tests/test_*label_map*.py)."""

from __future__ import annotations

import json
from pathlib import Path

# Zelensky 0..8, "the Kyiv bridge will reopen in May" 14..48, Ukrenergo 50..59 (by hand).
NEWS = "Zelensky said the Kyiv bridge will reopen in May, Ukrenergo confirmed.\n"


def write_news(path: Path) -> Path:
    """doccano JSONL: PER, CLAIM, ORG and a said_by relation; a second, simple line."""
    first = {"text": NEWS, "entities": [
        {"id": 1, "start_offset": 0, "end_offset": 8, "label": "PER"},
        {"id": 2, "start_offset": 14, "end_offset": 48, "label": "CLAIM"},
        {"id": 3, "start_offset": 50, "end_offset": 59, "label": "ORG"},
    ], "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "said_by"}]}  # fmt: skip
    second = {"text": "NATO met in Brussels.\n", "label": [[0, 4, "ORG"]]}
    path.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n", encoding="utf-8")
    return path
