"""The review tests' document, written by hand so that every category occurs.

Offsets in code points; Qt counts UTF-16 units, and the flag 🇺🇦 (two regional
indicators, both astral) is 2 code points but 4 units, so every Qt position is the
code point plus 2.  Sixty empty lines push the last sentence below the first screen.
"""

from __future__ import annotations

from pathlib import Path

from annotator import Store
from ui.review_dialogs import ScriptedReviewDialogs

# 🇺🇦 0..2, Mayor 3..8, Olena 9..14, Koval 15..20, said 21..25, on 26..28, 3 29..30,
# May 31..34, that 35..39, the 40..43, bridge 44..50, will 51..55, reopen 56..62, "." 62..63,
# 60 newlines 63..123, Kyiv 123..127, agreed 128..134, "." 134..135.
TEXT = (
    "🇺🇦 Mayor Olena Koval said on 3 May that the bridge will reopen." + "\n" * 60 + "Kyiv agreed."
)
ALICE = [("ACTOR", 9, 20), ("DATE", 29, 34), ("CLAIM", 40, 62), ("ACTOR", 3, 8), ("CLAIM", 21, 25),
         ("ACTOR", 123, 127)]  # fmt: skip
BOB = [("ACTOR", 9, 20), ("CLAIM", 29, 34), ("CLAIM", 44, 63), ("CITATION", 3, 14),
       ("DATE", 35, 39), ("ACTOR", 123, 127)]  # fmt: skip
# The rows by hand, in document order (smallest start, then largest end):
ROWS = [
    ("overlap mismatch", "ACTOR", "Mayor", "CITATION", "Mayor Olena"),
    ("match", "ACTOR", "Olena Koval", "ACTOR", "Olena Koval"),
    ("only A", "CLAIM", "said", "", ""),
    ("label mismatch", "DATE", "3 May", "CLAIM", "3 May"),
    ("only B", "", "", "DATE", "that"),
    ("boundary mismatch", "CLAIM", "the bridge will reopen", "CLAIM", "bridge will reopen."),
    ("match", "ACTOR", "Kyiv", "ACTOR", "Kyiv"),
]
U16 = 2  # Qt position = code point + 2 after the flag


# -- the agreement by hand ---------------------------------------------------------------------
# F1 = 2 x matches / (|A| + |B|).  A: CLAIM 2, ACTOR 3, DATE 1; B: CLAIM 2, ACTOR 2, DATE 1,
# CITATION 1.  Exact matches: ACTOR 2.  Overlap matches add the boundary pair: CLAIM 1.
F1 = {  # label: (a, b, exact F1, overlap F1)
    "CLAIM": ("2", "2", "0.0000", "0.5000"),  # 0/4, 2/4
    "ACTOR": ("3", "2", "0.8000", "0.8000"),  # 4/5
    "DATE": ("1", "1", "0.0000", "0.0000"),
    "CITATION": ("0", "1", "0.0000", "0.0000"),
    "overall": ("6", "6", "0.3333", "0.5000"),  # 4/12, 6/12
}
# 18 tokens: 🇺 🇦 Mayor Olena Koval said on 3 May that the bridge will reopen . Kyiv agreed .
TOKENS_A = ["O", "O", "ACTOR", "ACTOR", "ACTOR", "CLAIM", "O", "DATE", "DATE", "O", "CLAIM",
            "CLAIM", "CLAIM", "CLAIM", "O", "ACTOR", "O", "O"]  # fmt: skip
# "Olena" is covered by CITATION 3..14 and ACTOR 9..20, both 11 long: the earlier start wins.
TOKENS_B = ["O", "O", "CITATION", "CITATION", "ACTOR", "O", "O", "CLAIM", "CLAIM", "DATE", "O",
            "CLAIM", "CLAIM", "CLAIM", "CLAIM", "ACTOR", "O", "O"]  # fmt: skip
# Kappa: 10 of 18 tokens agree, po = 180/324; marginals A: O 7, ACTOR 4, CLAIM 5, DATE 2;
# B: O 7, CITATION 2, ACTOR 2, CLAIM 6, DATE 1; pe = (49 + 8 + 30 + 2) / 324 = 89/324;
# kappa = (180 - 89) / (324 - 89) = 91/235 = 0.38723.
KAPPA = "0.3872"
# Alpha: n = 36 values, n_c: O 14, ACTOR 6, CLAIM 11, DATE 3, CITATION 2; 8 tokens disagree,
# so 16 off-diagonal coincidences; expected 36^2 - (196 + 36 + 121 + 9 + 4) = 930;
# alpha = 1 - 35 * 16 / 930 = 370/930 = 0.39785.
ALPHA = "0.3978"


def add_bridge(store: Store) -> int:
    """The document with alice's and bob's layers; its id."""
    doc = store.add_document(TEXT, title="Bridge")
    for who, layer in (("alice", ALICE), ("bob", BOB)):
        store.add_spans(doc.id, [{"label": lab, "start": s, "end": e, "annotator": who}
                                 for lab, s, e in layer])  # fmt: skip
    return doc.id


def scripted_dialogs(tmp_path: Path) -> ScriptedReviewDialogs:
    """Answers for a note, a label and the CSV file."""
    return ScriptedReviewDialogs(texts=["check with the desk"], picks=["ACTOR"],
                                 files=[tmp_path / "numbers.csv"])  # fmt: skip
