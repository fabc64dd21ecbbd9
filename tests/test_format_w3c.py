"""W3C Web Annotation export: every selector checked here against the stored text.

The shapes are compared with real files: INCEpTION's ``annotations.w3c.json``
(tags, comments, linking) and Hypothesis's ``minimal.json`` (selectors on
``One Two Three``), copied unchanged into tests/data/w3c/.  An INCEpTION UIMA CAS
JSON file (tests/data/inception/, also unchanged) shows a format we cannot import
being named and refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator import ExportError, open_store
from annotator.formats import w3c

DATA = Path(__file__).parent / "data" / "w3c"
KYIV = (
    "\U0001f1fa\U0001f1e6 Kyiv: \U0001f468\U0001f3fb\u200d\U0001f692 Olena Koval said the "
    "\U0001d518-bridge reopens. Caf\u00e9 (cafe\u0301) owner 李明 agreed."
)  # "Olena Koval" 14-24, "the 𝔘-bridge reopens" 31-50, "cafe" + U+0301 59-63,
#    "owner 李明 agreed" 66-80, "李明" 72-73 (code points, counted by hand)
MINIMAL = "One Two Three\n"  # the textContent of hypothesis-minimal.html


def build(path: Path) -> tuple[Any, dict[str, Any]]:
    store = open_store(path)
    kyiv = store.add_document(KYIV, uid="kyiv")
    minimal = store.add_document(MINIMAL, source="https://example.org/minimal.html")
    crlf = store.add_document("Velmora summit\r\nDelegates met on Tuesday.\r\n")
    add = store.add_span
    spans = {
        "olena": add(kyiv.id, 14, 25, "ACTOR", annotator="alice", note="the mayor"),
        "claim": add(kyiv.id, 31, 51, "CLAIM", annotator="alice", attributes={"hedged": True}),
        "cafe": add(kyiv.id, 59, 64, "ACTOR", annotator="bob"),
        "owner": add(kyiv.id, 66, 81, "CLAIM", annotator="bob"),
        "li": add(kyiv.id, 72, 74, "ACTOR", annotator="bob"),
        "two": add(minimal.id, 4, 7, "ACTOR", annotator="alice"),
        "tuesday": add(crlf.id, 33, 40, "DATE", annotator="alice"),  # CR counted
        "met": add(crlf.id, 16, 40, "CLAIM", annotator="alice"),
    }
    store.add_relation(
        kyiv.id, spans["claim"].id, spans["olena"].id, "ATTRIBUTED_TO", annotator="alice"
    )
    store.add_relation(kyiv.id, spans["owner"].id, spans["li"].id, "ATTRIBUTED_TO", annotator="bob")
    store.add_relation(crlf.id, spans["met"].id, spans["tuesday"].id, "DATED", annotator="alice")
    return store, spans


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def selectors(annotation: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    by_type = {s["type"]: s for s in annotation["target"]["selector"]}
    return by_type["TextQuoteSelector"], by_type["TextPositionSelector"]


def test_every_selector_matches_the_text(tmp_path: Path) -> None:
    store, spans = build(tmp_path / "a.db")
    with store:
        report = w3c.write(store, tmp_path / "out.jsonld")
        texts = {d.uid: store.document(d.id).text for d in store.documents()}
        minimal_uid = store.documents()[1].uid
    data = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))
    assert data["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["annotator:offsetUnit"] == "codepoint"
    items = data["first"]["items"]
    assert data["total"] == len(items) == 8 + 3
    tagged = [a for a in items if a.get("motivation") != "linking"]
    assert len(tagged) == 8
    for a in tagged:
        source = a["target"]["source"]
        uid = minimal_uid if source == "https://example.org/minimal.html" else source.split(":")[-1]
        text = texts[uid]
        quote, position = selectors(a)
        start, end = position["start"], position["end"]
        assert position["annotator:offsetUnit"] == "codepoint"
        assert quote["exact"] == text[start:end]
        assert quote["prefix"] == text[max(0, start - 32) : start] and len(quote["prefix"]) <= 32
        assert quote["suffix"] == text[end : end + 32] and len(quote["suffix"]) <= 32
    by_id = {a["id"]: a for a in tagged}
    olena = by_id[f"urn:annotator:span:{spans['olena'].id}"]
    assert olena["body"] == [
        {"type": "TextualBody", "purpose": "tagging", "value": "ACTOR"},
        {"type": "TextualBody", "purpose": "commenting", "value": "the mayor"},
    ]
    assert olena["creator"] == {"type": "Person", "name": "alice"}
    assert olena["created"] == spans["olena"].created_at and olena["modified"]
    assert olena["target"]["source"] == "urn:annotator:doc:kyiv"
    owner = by_id[f"urn:annotator:span:{spans['owner'].id}"]
    quote, _ = selectors(owner)
    assert quote["prefix"] == KYIV[34:66] and len(quote["prefix"]) == 32  # cut at 32
    assert quote["suffix"] == "."
    claim = by_id[f"urn:annotator:span:{spans['claim'].id}"]
    assert claim["annotator:attributes"] == {"hedged": True}
    links = [a for a in items if a.get("motivation") == "linking"]
    assert len(links) == 3 and report.relations == 3
    for link in links:
        assert all(t["id"] in by_id for t in link["target"])
    assert {(link["body"][0]["value"], link["target"][0]["id"]) for link in links} >= {
        ("ATTRIBUTED_TO", f"urn:annotator:span:{spans['claim'].id}"),
        ("DATED", f"urn:annotator:span:{spans['met'].id}"),
    }
    assert report.documents == 3 and report.spans == 8
    assert any("text, title and meta are not in the file" in line for line in report.lost)


def test_same_shape_as_inception_and_hypothesis(tmp_path: Path) -> None:
    inception = json.loads((DATA / "inception-annotations.w3c.json").read_text(encoding="utf-8"))
    hypothesis = json.loads((DATA / "hypothesis-minimal.json").read_text(encoding="utf-8"))
    store, spans = build(tmp_path / "a.db")
    with store:
        w3c.write(store, tmp_path / "out.jsonld")
    items = json.loads((tmp_path / "out.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    theirs_link = next(a for a in inception if a.get("motivation") == "linking")
    ours_link = next(a for a in items if a.get("motivation") == "linking")
    assert set(theirs_link) - {"@context"} <= set(ours_link)
    assert [set(t) for t in ours_link["target"]] == [set(t) for t in theirs_link["target"]]
    assert ours_link["body"][0].keys() == theirs_link["body"][0].keys()
    theirs_span = inception[0]
    ours_span = next(a for a in items if a["id"].endswith(spans["olena"].id))
    assert [s["type"] for s in ours_span["target"]["selector"]] == [
        s["type"] for s in theirs_span["target"]["selector"]
    ]
    tag = next(b for b in theirs_span["body"] if b.get("purpose") == "tagging")
    assert tag.keys() == ours_span["body"][0].keys()
    # Hypothesis's selectors on "One Two Three": ours on the same text agree exactly.
    assert (DATA / "hypothesis-minimal.html").read_text(encoding="utf-8").count("One Two Three")
    want = {s["type"]: s for s in hypothesis["rows"][0]["target"][0]["selector"]}
    two = next(a for a in items if a["id"].endswith(spans["two"].id))
    quote, position = selectors(two)
    assert two["target"]["source"] == "https://example.org/minimal.html"
    assert {k: quote[k] for k in ("exact", "prefix", "suffix")} == {
        k: want["TextQuoteSelector"][k] for k in ("exact", "prefix", "suffix")
    }
    assert (position["start"], position["end"]) == (
        want["TextPositionSelector"]["start"],
        want["TextPositionSelector"]["end"],
    )


def test_utf16_positions_and_one_layer(tmp_path: Path) -> None:
    store, spans = build(tmp_path / "a.db")
    with store:
        report = w3c.write(store, tmp_path / "bob.jsonld", annotator="bob", offsets="utf16")
        with pytest.raises(ExportError, match="folder"):
            w3c.write(store, tmp_path)
        with pytest.raises(ExportError, match="offset unit"):
            w3c.write(store, tmp_path / "x.jsonld", offsets="bytes")
    data = json.loads((tmp_path / "bob.jsonld").read_text(encoding="utf-8"))
    assert data["annotator:offsetUnit"] == "utf16"
    tagged = [a for a in data["first"]["items"] if a.get("motivation") != "linking"]
    assert {a["creator"]["name"] for a in tagged} == {"bob"}
    for a in tagged:
        quote, position = selectors(a)
        span = next(s for s in spans.values() if a["id"].endswith(s.id))
        assert position["annotator:offsetUnit"] == "utf16"
        assert (position["start"], position["end"]) == (
            utf16(KYIV, span.start),
            utf16(KYIV, span.end),
        )
        assert quote["exact"] == KYIV[span.start : span.end]
    li = next(a for a in tagged if a["id"].endswith(spans["li"].id))
    assert selectors(li)[1]["start"] == 72 + 6  # 🇺 🇦 👨 🏻 🚒 𝔘: two units each
    assert report.relations == 1  # bob's own link; alice's are not in his layer


def test_check_refuses_a_wrong_selector() -> None:
    text = "One Two Three\n"
    good: dict[str, Any] = {
        "id": "urn:x",
        "target": {
            "source": "urn:d",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "Two",
                    "prefix": "One ",
                    "suffix": " Three\n",
                },
                {
                    "type": "TextPositionSelector",
                    "start": 4,
                    "end": 7,
                    "annotator:offsetUnit": "codepoint",
                },
            ],
        },
    }
    w3c.check({"first": {"items": [good]}}, {"urn:d": text})
    good["target"]["selector"][1]["start"] = 3
    with pytest.raises(ExportError, match="do not match"):
        w3c.check({"first": {"items": [good]}}, {"urn:d": text})


PAGE_NOTE = {"id": "a1", "created": "2024-01-01T00:00:00Z", "user": "acct:x@hypothes.is",
             "uri": "https://news.example/a", "text": "My comment", "tags": [],
             "target": [{"source": "https://news.example/a"}],
             "document": {"title": ["A page"]}}  # fmt: skip


@pytest.mark.parametrize("content", [[PAGE_NOTE], {"annotations": [PAGE_NOTE]}],
                         ids=["api-rows", "client-export"])  # fmt: skip
def test_a_hypothesis_page_note_is_no_article(tmp_path: Path, content: Any) -> None:
    # A page note has no selector, and its "text" is the analyst's comment: read as
    # Label Studio JSON_MIN it became an article made of the comment.
    from click.testing import CliRunner

    from annotator.cli import cli

    path = tmp_path / "notes.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    db = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: notes.json is a Hypothesis annotation file, which")
    assert not db.exists()


@pytest.mark.parametrize(
    ("path", "what"),
    [
        (DATA / "hypothesis-minimal.json", "a Web Annotation file (Hypothesis or W3C)"),
        (DATA / "inception-annotations.w3c.json", "W3C Web Annotation JSON-LD"),
        (DATA.parent / "inception" / "cas-json-foodista_blog_2019_08_13_northern-british"
         "-columbia_abbreviated.json", "UIMA CAS JSON (INCEpTION, DKPro)"),
    ],
)  # fmt: skip
def test_other_tools_json_we_cannot_read_is_named_and_refused(
    tmp_path: Path, path: Path, what: str
) -> None:
    from click.testing import CliRunner

    from annotator.cli import cli

    db = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path.name} is {what}, which annotator cannot import: export the annotations"
        " from that tool as brat, doccano, Label Studio or Prodigy, then import that file\n"
    )
    assert not db.exists()


def test_our_own_w3c_export_is_named_when_imported(tmp_path: Path) -> None:
    store, _ = build(tmp_path / "w.db")
    out = tmp_path / "team.w3c.jsonld"
    w3c.write(store, out)
    store.close()
    from annotator.errors import ImportRefusedError
    from annotator.formats.registry import detect

    with pytest.raises(ImportRefusedError, match="team.w3c.jsonld is W3C Web Annotation JSON-LD"):
        detect(out)


def test_checking_a_long_article_maps_its_offsets_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One offset map per text for the whole check, not one per annotation: made
    # per annotation, 1,000 spans of a 1 MB article took 46 s.
    made: list[int] = []

    class Counted(w3c.OffsetMap):
        def __init__(self, text: str) -> None:
            made.append(len(text))
            super().__init__(text)

    monkeypatch.setattr(w3c, "OffsetMap", Counted)
    text = "Olena 🇺🇦 said the fire is out. " * 40
    with open_store(tmp_path / "long.db") as store:
        doc = store.add_document(text)
        starts = [i for i in range(len(text)) if text.startswith("Olena", i)]
        store.add_spans(doc.id, [{"start": s, "end": s + 5, "label": "ACTOR", "annotator": "a"}
                                 for s in starts])  # fmt: skip
        report = w3c.write(store, tmp_path / "out.jsonld", offsets="utf16")
    assert report.spans == 40
    assert made == [len(text), len(text)]  # one to write, one to check
