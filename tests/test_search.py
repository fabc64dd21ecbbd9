"""Full-text search: accents, CJK, emoji, filters, staying in sync, bad queries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator import open_store
from annotator.store import SearchQueryError, Store
from annotator.store.search import MARK

# Offsets counted by hand (code points): 🇺🇦 is 2, 𝔘 is 1, "e\u0301" is 2.
TEXT = "🇺🇦 Kyiv 𝔘 Zelensky said on Monday that Cafe\u0301 owners and 李明, a trader, agreed."
#       0-1   3-6  8 10-17       19-22 24-25 27-32 34-37 39-43        45-50  56-57


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "s.db") as s:
        yield s


def seeded(store: Store) -> dict[str, str]:
    doc = store.add_document(TEXT, title="Kyiv briefing")
    store.add_document("Nothing about the capital here: only Zoë Ångström spoke.", title="Other")
    ids = {
        "actor": store.add_span(doc.id, 10, 18, "ACTOR", annotator="alice").id,
        "claim": store.add_span(doc.id, 10, 33, "CLAIM", annotator="bob").id,
        "date": store.add_span(
            doc.id, 27, 33, "DATE", annotator="alice", note="normalise to 2026-03-02"
        ).id,  # fmt: skip
    }
    return ids


def test_words_are_found_without_case_or_accents(store: Store) -> None:
    seeded(store)
    assert [h.title for h in store.search("CAFE") if h.kind == "text"] == ["Kyiv briefing"]
    assert [h.title for h in store.search("zoe angstrom") if h.kind == "text"] == ["Other"]
    # The match in the text is found at its code point offsets (after two astral
    # characters, and spanning the combining accent).
    assert store.locate(1, "cafe") == (39, 44)
    assert store.locate(1, "zelensky") == (10, 18)
    assert TEXT[39:44] == "Cafe\u0301"


def test_cjk_and_emoji(store: Store) -> None:
    seeded(store)
    assert store.locate(1, "李明") == (56, 58)
    assert [h.document_id for h in store.search("李*") if h.kind == "text"] == [1]
    # A CJK word inside a run of CJK letters (one token to FTS5) is found as a substring.
    store.add_document("李明说了话。", title="CJK")
    assert [(h.title, h.start, h.end) for h in store.search("明说") if h.kind == "text"] == [
        ("CJK", 1, 3)
    ]
    assert store.locate(3, "明说") == (1, 3)
    # The operators of the syntax cannot join literal lookups: said, not ignored.
    with pytest.raises(SearchQueryError, match="AND, OR and NOT do not work in it"):
        store.search("明说 OR 东京")
    # A literal match takes whole characters: "❤" in "❤️" brings its U+FE0F along.
    store.add_document("I \u2764\ufe0f Kyiv.", title="Heart")
    (heart,) = [h for h in store.search("\u2764") if h.title == "Heart"]
    assert (heart.start, heart.end, heart.context) == (2, 4, "I ⟦\u2764\ufe0f⟧ Kyiv.")
    # Ideographs beyond the first 65,536 characters too: 𠮷 is U+20BB7.
    store.add_document("The chain 𠮷野家 opened.", title="Astral")
    assert [(h.title, h.start, h.end) for h in store.search("𠮷") if h.kind == "text"] == [
        ("Astral", 10, 11)
    ]
    (hit,) = store.search("🇺🇦")  # not a word: looked up literally
    assert (hit.kind, hit.start, hit.end) == ("text", 0, 2)
    # The match is marked in the context, as FTS5 marks a word (not with brackets,
    # which would look like a "[citation: ...]" marker).
    assert hit.context == "⟦🇺🇦⟧ Kyiv 𝔘 Zelensky said on Monday that Caf"  # 40 after it
    (word,) = [h for h in store.search("zelensky") if h.kind == "text"]
    assert "⟦Zelensky⟧ said" in word.context


def test_span_and_note_hits_respect_the_filters(store: Store) -> None:
    ids = seeded(store)
    spans = {(h.kind, h.span_id) for h in store.search("zelensky") if h.kind != "text"}
    assert spans == {("span", ids["actor"]), ("span", ids["claim"])}
    only_claims = store.search("zelensky", label="CLAIM")
    assert [(h.kind, h.span_id) for h in only_claims] == [("span", ids["claim"])]
    only_alice = store.search("monday", annotator="alice")
    assert [(h.kind, h.span_id) for h in only_alice] == [("span", ids["date"])]
    notes = store.search("normalise")
    assert [(h.kind, h.span_id, h.start, h.end) for h in notes] == [
        ("note", ids["date"], 27, 33)
    ]  # fmt: skip


def test_the_index_follows_edits_undo_and_deletes(store: Store) -> None:
    ids = seeded(store)
    store.update_span(ids["date"], note="check the calendar")
    assert store.search("normalise") == []
    assert [h.span_id for h in store.search("calendar")] == [ids["date"]]
    store.undo("alice")
    assert [h.span_id for h in store.search("normalise")] == [ids["date"]]
    assert store.search("calendar") == []
    store.delete_span(ids["date"])
    assert store.search("normalise") == []
    store.undo("alice")
    assert [h.span_id for h in store.search("normalise")] == [ids["date"]]
    store.rename_document(2, "Ångström interview", by="alice")
    assert [h.document_id for h in store.search("angstrom interview")] == [2]
    store.delete_document(2, by="alice")
    assert store.search("angstrom") == []
    store.undo("alice")
    assert [h.document_id for h in store.search("angstrom") if h.kind == "text"] == [2]


# Offsets counted by hand: "Mayor " is 6 code points, each letter below is one.
NAMES = "Mayor Łukasz Wróbel met Bjørn Ødegaard and Novak Đoković in Işık."
#              6-12   13-19      24-29 30-38        49-56      60-64


def test_letters_without_a_decomposition_are_found_by_the_letter_people_type(
    store: Store,
) -> None:
    doc = store.add_document(NAMES, title="Łódź talks")
    span = store.add_span(doc.id, 6, 19, "ACTOR", annotator="alice", note="Søren checked")
    for query, where in [("lukasz", (6, 12)), ("LUKASZ", (6, 12)), ("Łukasz", (6, 12)),
                         ("bjorn", (24, 29)), ("odegaard", (30, 38)), ("dokovic", (49, 56)),
                         ("isik", (60, 64)), ("wrobel", (13, 19))]:  # fmt: skip
        assert store.locate(doc.id, query) == where, query
        (text_hit,) = [h for h in store.search(query) if h.kind == "text"]
        # The context shows the letters as written, the match marked where it is.
        word = NAMES[where[0] : where[1]]
        assert f"{MARK[0]}{word}{MARK[1]}" in text_hit.context, query
    assert [(h.kind, h.span_id) for h in store.search("lukasz") if h.kind != "text"] == [
        ("span", span.id)
    ]  # fmt: skip
    assert [h.document_id for h in store.search("lodz") if h.kind == "text"] == [doc.id]
    assert [(h.kind, h.span_id) for h in store.search("soren")] == [("note", span.id)]
    # The index follows changes of folded words: the triggers delete what they indexed.
    store.update_span(span.id, note="Halldór Ásgrímsson checked")
    assert store.search("soren") == []
    assert [h.span_id for h in store.search("halldor")] == [span.id]
    store.rename_document(doc.id, "Gdańsk talks", by="alice")
    assert store.search("lodz") == []
    store.delete_document(doc.id, by="alice")
    assert store.search("lukasz") == [] and store.search("halldor") == []
    store.undo("alice")
    assert [h.document_id for h in store.search("dokovic") if h.kind == "text"] == [doc.id]


def test_a_name_counts_once_however_its_letters_are_typed(store: Store) -> None:
    doc = store.add_document("Łukasz Wróbel spoke; later Lukasz Wrobel spoke again.")
    store.add_span(doc.id, 0, 13, "ACTOR", annotator="alice")
    store.add_span(doc.id, 27, 40, "ACTOR", annotator="alice")
    (actor,) = store.overview(top=5)["top_actors"]
    assert actor["count"] == 2


@pytest.mark.parametrize("query", ['"unclosed', "AND", "zelensky NOT", "(kyiv"])
def test_a_malformed_query_is_a_clear_error(store: Store, query: str) -> None:
    seeded(store)
    with pytest.raises(SearchQueryError, match="put words in double quotes"):
        store.search(query)


def test_a_refused_query_is_one_short_line(store: Store) -> None:
    """A column filter gets its own advice; a long query is shortened in the message."""
    seeded(store)
    with pytest.raises(SearchQueryError) as refused:
        store.search("title:cafe")
    assert str(refused.value) == (
        "cannot search for 'title:cafe': column filters (word:) are not supported; put words in"
        ' double quotes to search them literally, e.g. "title:cafe"'
    )
    with pytest.raises(SearchQueryError) as refused:
        store.search("word " * 10_000 + ")")
    assert len(str(refused.value)) < 300 and "\n" not in str(refused.value)


def test_overview_counts_match_an_independent_count(store: Store, tmp_path: Path) -> None:
    import sqlite3
    from collections import Counter

    a = store.add_document("Zoë Ångström met ZOE ANGSTROM and Tidewatch.", title="A").id
    b = store.add_document("Zoe Angstrom, again; Tidewatch [citation: Daily Ledger].").id
    store.add_document("Untouched article.")
    store.add_span(a, 0, 12, "ACTOR", annotator="alice")  # Zoë Ångström
    store.add_span(a, 17, 29, "ACTOR", annotator="alice")  # ZOE ANGSTROM
    store.add_span(a, 34, 43, "ACTOR", annotator="bob")  # Tidewatch
    store.add_span(b, 0, 13, "ACTOR", annotator="bob")  # "Zoe Angstrom," (comma too)
    store.add_span(b, 21, 30, "ACTOR", annotator="bob")  # Tidewatch
    store.add_span(b, 31, 55, "CITATION", annotator="bob")
    store.set_done(b, "bob")
    numbers = store.overview(top=5)
    with sqlite3.connect(tmp_path / "s.db") as conn:
        by_label: Counter[tuple[str, str]] = Counter()
        for label, who, n in conn.execute(
            "SELECT label, annotator, count(*) FROM spans GROUP BY 1, 2"
        ):
            by_label[(label, who)] = n
    assert numbers["documents"] == 3
    assert numbers["spans"] == sum(by_label.values()) == 6
    assert {(lab, who): n for lab, per in numbers["by_label"].items()
            for who, n in per.items()} == dict(by_label)  # fmt: skip
    # alice: spans in A only; bob: spans in A and B, and B marked done.
    assert numbers["progress"] == {
        "alice": {"done": 0, "in_progress": 1, "not_started": 2},
        "bob": {"done": 1, "in_progress": 1, "not_started": 1},
    }
    # Three spellings of one name count together; Tidewatch twice.
    assert [(e["count"], e["documents"]) for e in numbers["top_actors"]] == [
        (3, [a, b]), (2, [a, b])
    ]  # fmt: skip
    assert numbers["top_actors"][1]["text"] == "Tidewatch"
    assert numbers["top_citations"] == [
        {"text": "[citation: Daily Ledger]", "count": 1, "documents": [b]}
    ]


def test_search_command(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from annotator.cli import cli

    db = tmp_path / "cli.db"
    with open_store(db) as s:
        seeded(s)
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "zelensky", "--label", "ACTOR", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        'document 1 "Kyiv briefing" [10, 18) ACTOR by alice (span): Zelensky\n'
    )
    as_json = json.loads(runner.invoke(cli, ["search", "cafe", "--json", "--db", str(db)]).output)
    assert [(h["kind"], h["document_id"]) for h in as_json] == [("text", 1)]
    # With the offsets of its first match, as a span hit has them: "Cafe" + U+0301.
    assert (as_json[0]["start"], as_json[0]["end"]) == (39, 44) and TEXT[39:44] == "Cafe\u0301"
    bad = runner.invoke(cli, ["search", '"open', "--db", str(db)])
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: cannot search for '\"open'")


def test_the_command_prints_a_hit_across_a_line_break_on_one_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from annotator.cli import cli

    db = tmp_path / "lines.db"
    with open_store(db) as s:
        s.add_document("The café reopened.\nIts owner spoke.", title="Café")
    result = CliRunner().invoke(cli, ["search", "reopened", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output == 'document 1 "Café": The café ⟦reopened⟧. Its owner spoke.\n'


@pytest.mark.parametrize("query", ["flood-defence", "Flood-Defence", "flood-def*"])
def test_a_hyphenated_word_is_searched_as_the_words_together(tmp_path, query) -> None:
    # FTS5 would read "-defence" as an operator, or "defence" as a column filter.
    with open_store(tmp_path / "h.db") as store:
        doc = store.add_document("A shared flood-defence fund. Flood and defence, apart.").id
        (hit,) = store.search(query)
    assert (hit.document_id, hit.kind) == (doc, "text")
    assert "⟦flood-defence⟧" in hit.context
