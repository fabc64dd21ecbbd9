"""CoNLL-2003 / IOB2 export: tags checked by hand, overlaps listed, output re-read here.

Offsets below are counted by hand; the test decodes the written file on its own
(finding each token in the text in turn), not with the module's decoder.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from annotator import ExportError, open_store
from annotator.formats import conll

# "Olena Koval" 0-10, " said " 11-16, "李明" 17-18, " agreed on " 19-29,
# "Tuesday" 30-36, "." 37 -> 38 code points.
SIMPLE = "Olena Koval said 李明 agreed on Tuesday."
# "🇺🇦" 0-1, " " 2, "Kyiv" 3-6, ":" 7, " " 8, 👨🏻‍🚒 9-12, " " 13, "Olena Koval" 14-24,
# " said " 25-30, "the" 31-33, " " 34, 𝔘 35, "-bridge" 36-42, " reopens" 43-50, "." 51,
# " " 52, "Café" 53-56, " (" 57-58, "cafe" + U+0301 59-63, ")" 64, " " 65,
# "owner" 66-70, " " 71, "李明" 72-73, " agreed" 74-80, "." 81 -> 82 code points.
KYIV = (
    "\U0001f1fa\U0001f1e6 Kyiv: \U0001f468\U0001f3fb\u200d\U0001f692 Olena Koval said the "
    "\U0001d518-bridge reopens. Caf\u00e9 (cafe\u0301) owner 李明 agreed."
)
# "Velmora summit" 0-13, CR 14, LF 15, "Delegates met on Tuesday" 16-39 ("Tuesday" 33-39),
# "." 40, CR 41, LF 42, "[citation: Daily Ledger]" 43-66, CR 67, LF 68 -> 69 code points.
VELMORA = "Velmora summit\r\nDelegates met on Tuesday.\r\n[citation: Daily Ledger]\r\n"


def build(path: Path) -> Any:
    store = open_store(path)
    simple = store.add_document(SIMPLE, uid="simple")
    claim = store.add_span(simple.id, 17, 37, "CLAIM", annotator="alice")
    actor = store.add_span(simple.id, 0, 11, "ACTOR", annotator="alice", note="mayor")
    store.add_span(simple.id, 17, 19, "ACTOR", annotator="alice")  # inside the claim
    store.add_span(simple.id, 30, 37, "DATE", annotator="bob")  # inside the claim
    store.add_relation(simple.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    kyiv = store.add_document(KYIV, uid="kyiv")
    store.add_span(kyiv.id, 0, 7, "ACTOR", annotator="alice")
    store.add_span(kyiv.id, 59, 64, "ACTOR", annotator="alice")
    store.add_span(kyiv.id, 4, 6, "ACTOR", annotator="bob")  # "yi": inside "Kyiv", overlaps
    store.add_span(kyiv.id, 54, 56, "ACTOR", annotator="bob")  # "af": widened to "Café"
    velmora = store.add_document(VELMORA, uid="velmora")
    store.add_span(velmora.id, 16, 67, "CLAIM", annotator="alice")  # across the "." boundary
    return store


def blocks(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents -> sentences -> (token, tag), checking the -DOCSTART- layout."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and lines[-2] == ""
    docs: list[list[list[tuple[str, str]]]] = []
    for i, line in enumerate(lines[:-1]):
        if line == "-DOCSTART- O":
            assert lines[i + 1] == ""
            docs.append([[]])
        elif line:
            token, tag = line.split(" ")
            docs[-1][-1].append((token, tag))
        elif docs[-1][-1]:
            docs[-1].append([])
    return [[s for s in doc if s] for doc in docs]


def entities(text: str, sentences: list[list[tuple[str, str]]]) -> list[tuple[int, int, str]]:
    """Character ranges of IOB2 entities, locating each token in the text in turn."""
    found, cursor = [], 0
    for sentence in sentences:
        current = None
        for token, tag in sentence:
            start = text.index(token, cursor)
            assert text[cursor:start].isspace() or start == cursor  # nothing skipped but spaces
            cursor = start + len(token)
            if tag.startswith("B-"):
                current = [start, cursor, tag[2:]]
                found.append(current)
            elif tag.startswith("I-"):
                assert current is not None and current[2] == tag[2:]
                current[1] = cursor
            else:
                assert tag == "O"
                current = None
    return [tuple(e) for e in found]  # type: ignore[misc]


def test_tags_by_hand_with_overlaps_left_out(tmp_path: Path) -> None:
    with build(tmp_path / "a.db") as store:
        report = conll.write(store, tmp_path / "out.conll")
    simple, kyiv, velmora = blocks(tmp_path / "out.conll")
    assert simple == [[
        ("Olena", "B-ACTOR"), ("Koval", "I-ACTOR"), ("said", "O"), ("李明", "B-CLAIM"),
        ("agreed", "I-CLAIM"), ("on", "I-CLAIM"), ("Tuesday", "I-CLAIM"), (".", "O"),
    ]]  # fmt: skip
    assert entities(SIMPLE, simple) == [(0, 11, "ACTOR"), (17, 37, "CLAIM")]
    # spaCy splits the flag into its two regional indicators; the span covers both.
    assert kyiv[0][:3] == [
        ("\U0001f1fa", "B-ACTOR"),
        ("\U0001f1e6", "I-ACTOR"),
        ("Kyiv", "I-ACTOR"),
    ]
    assert entities(KYIV, kyiv) == [(0, 7, "ACTOR"), (53, 57, "ACTOR"), (59, 64, "ACTOR")]
    assert ("cafe\u0301", "B-ACTOR") in kyiv[1]
    # CR LF tokens are not written; the claim is cut at the sentence boundary.
    assert not any(tok.isspace() for doc in (simple, kyiv, velmora) for s in doc for tok, _ in s)
    assert entities(VELMORA, velmora) == [(16, 41, "CLAIM"), (43, 67, "CLAIM")]
    assert report.documents == 3 and report.spans == 6
    assert report.tokenizer.startswith("spaCy ") and "sentencizer" in report.tokenizer
    lost = "\n".join(report.lost)
    assert "3 spans left out (overlap rule" in lost
    assert "ACTOR [17, 19) '李明' (alice): overlaps CLAIM [17, 37)" in lost
    assert "DATE [30, 37) 'Tuesday' (bob): overlaps CLAIM [17, 37)" in lost
    assert "ACTOR [4, 6) 'yi' (bob): overlaps ACTOR [0, 7)" in lost
    assert "ACTOR [54, 56) 'af' (bob) -> [53, 57)" in lost
    assert "1 relation (IOB has no place for it)" in lost
    assert "1 note (IOB has no place for it)" in lost
    assert "1 span crossing a sentence boundary, written as one entity per sentence" in lost


def test_one_analyst_and_rule_tokenizer(tmp_path: Path) -> None:
    with build(tmp_path / "a.db") as store:
        report = conll.write(store, tmp_path / "bob.conll", annotator="bob", tokenizer="rule")
    simple, kyiv, _velmora = blocks(tmp_path / "bob.conll")
    assert "rule" in report.tokenizer
    assert entities(SIMPLE, simple) == [(30, 37, "DATE")]  # alone in bob's layer: kept
    assert entities(KYIV, kyiv) == [(3, 7, "ACTOR"), (53, 57, "ACTOR")]  # "Kyiv", "Café"
    assert not any("left out" in line for line in report.lost)


def test_stream_and_bad_target(tmp_path: Path) -> None:
    with build(tmp_path / "a.db") as store:
        buffer = io.StringIO()
        conll.write(store, buffer, annotator="alice")
        assert buffer.getvalue().startswith("-DOCSTART- O\n\nOlena B-ACTOR\n")
        with pytest.raises(ExportError, match="folder"):
            conll.write(store, tmp_path)


def test_choose_keeps_in_order_of_start_longer_first(tmp_path: Path) -> None:
    with open_store(tmp_path / "a.db") as store:
        doc = store.add_document(SIMPLE)
        short = store.add_span(doc.id, 0, 5, "ACTOR", annotator="a")  # "Olena"
        long = store.add_span(doc.id, 0, 11, "ACTOR", annotator="a")  # "Olena Koval"
        later = store.add_span(doc.id, 6, 16, "CLAIM", annotator="a")  # "Koval said"
        toks = conll.rule_tokens(SIMPLE)
        kept, dropped = conll.choose([short, later, long], toks)
        assert [(s.id, a, b) for s, a, b in kept] == [(long.id, 0, 3)]  # Olena, space, Koval
        assert len(dropped) == 2 and all("overlaps ACTOR [0, 11)" in d for d in dropped)
