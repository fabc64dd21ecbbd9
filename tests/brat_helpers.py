"""What the brat tests share: the example files, a hand-laid text, a pair writer
and an independent UTF-16 count."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data" / "brat"

# Hand-laid text with CRLF line ends; code points, counting every CR:
#   🇺🇦 0-1, " " 2, "Kyiv" 3-6, CR 7, LF 8, 👨🏻‍🚒 9-12, " " 13, "Olena Koval" 14-24,
#   ":" 25, " " 26, 𝔘 27, "-bridge" 28-34, CR 35, LF 36, "cafe" + U+0301 37-41,
#   " " 42, "李明" 43-44, " " 45, "agreed" 46-51, "." 52, CR 53, LF 54 -> 55 code points.
HARD = (
    "\U0001f1fa\U0001f1e6 Kyiv\r\n\U0001f468\U0001f3fb\u200d\U0001f692 Olena Koval: "
    "\U0001d518-bridge\r\ncafe\u0301 李明 agreed.\r\n"
)
HARD_SPANS = [  # (brat id, label, start, end, quote)
    ("T1", "ACTOR", 0, 7, "\U0001f1fa\U0001f1e6 Kyiv"),
    ("T2", "ACTOR", 9, 13, "\U0001f468\U0001f3fb\u200d\U0001f692"),
    ("T3", "ACTOR", 14, 25, "Olena Koval"),
    ("T4", "CLAIM", 27, 35, "\U0001d518-bridge"),
    ("T5", "ACTOR", 37, 42, "cafe\u0301"),
    ("T6", "ACTOR", 43, 45, "李明"),
]


def write_pair(folder: Path, stem: str, text: bytes, ann: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_bytes(text)
    (folder / f"{stem}.ann").write_bytes(ann.encode("utf-8"))
    return folder / f"{stem}.ann"


def utf16(text: str, cp: int) -> int:
    """UTF-16 offset computed independently of annotator.offsets."""
    return len(text[:cp].encode("utf-16-le")) // 2
