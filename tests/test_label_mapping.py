"""Unknown labels on import: a structured refusal (same message as ever), labels
mapped to nothing left out, and the first guesses the window preselects."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from label_map_files import write_news

from annotator import ImportRefusedError, UnknownLabelsError, open_store
from annotator.cli import cli
from annotator.label_aliases import suggest_label, suggest_relation_type
from ui.staged_import import import_staged

LABELS = ("CLAIM", "ACTOR", "DATE", "CITATION")
TYPES = ("ATTRIBUTED_TO", "SOURCED_FROM", "DATED")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unknown_labels_are_a_structured_refusal(store, tmp_path):
    news = write_news(tmp_path / "news.jsonl")
    store.add_document("Kharkiv rail resumed.\n")
    before = sha256(store.path)
    with pytest.raises(UnknownLabelsError) as caught:
        store.import_file(news)
    exc = caught.value
    assert isinstance(exc, ImportRefusedError)
    assert (exc.files, exc.labels, exc.relation_types) == (("news.jsonl",), ("ORG", "PER"),
                                                          ("said_by",))  # fmt: skip
    # Both kinds at once: fixing the labels must not reveal the relation types next.
    assert str(exc) == (
        "news.jsonl uses labels the schema does not have: ORG, PER, and relation types it"
        " does not have: said_by; map each with --map FROM=TO (FROM=- leaves it out), e.g."
        " --map ORG=ACTOR (the schema has CLAIM, ACTOR, DATE, CITATION; relation types"
        " ATTRIBUTED_TO, DATED, SOURCED_FROM)"
    )
    assert sha256(store.path) == before


def test_unknown_relation_types_alone(store, tmp_path):
    news = write_news(tmp_path / "news.jsonl")
    with pytest.raises(UnknownLabelsError) as caught:
        store.import_file(news, label_map={"PER": "ACTOR", "ORG": "ACTOR"})
    exc = caught.value
    assert (exc.labels, exc.relation_types) == ((), ("said_by",))
    assert str(exc) == (
        "news.jsonl uses relation types the schema does not have: said_by; map them with"
        " --map FROM=TO (the schema has ATTRIBUTED_TO, DATED, SOURCED_FROM)"
    )
    assert store.document_count() == 0


def test_the_cli_message_names_labels_and_relation_types_at_once(tmp_path):
    news, db = write_news(tmp_path / "news.jsonl"), tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["import", str(news), "--db", str(db)],
                                prog_name="annotator")  # fmt: skip
    assert result.exit_code == 1
    assert result.output == (
        "Error: news.jsonl uses labels the schema does not have: ORG, PER, and relation types"
        " it does not have: said_by; map each with --map FROM=TO (FROM=- leaves it out), e.g."
        " --map ORG=ACTOR (the schema has CLAIM, ACTOR, DATE, CITATION; relation types"
        " ATTRIBUTED_TO, DATED, SOURCED_FROM)\n"
    )


def test_a_label_mapped_to_nothing_is_left_out_with_its_relations(store, tmp_path):
    news = write_news(tmp_path / "news.jsonl")
    result = store.import_file(news, label_map={"PER": None, "ORG": "ACTOR"})
    assert result.notes[-1] == (
        "news.jsonl: left out, as mapped: 1 span labelled PER, 1 relation to those spans"
    )
    assert (result.spans_added, result.relations_added) == (3, 0)
    first, second = (store.spans(doc.id) for doc in result)
    assert [(s.start, s.end, s.label) for s in first] == [(14, 48, "CLAIM"), (50, 59, "ACTOR")]
    assert [(s.start, s.end, s.label) for s in second] == [(0, 4, "ACTOR")]


def test_the_cli_leaves_a_label_out_with_a_dash(tmp_path):
    news, db = write_news(tmp_path / "news.jsonl"), tmp_path / "t.db"
    result = CliRunner().invoke(
        cli, ["import", str(news), "--map", "PER=-", "--map", "ORG=ACTOR", "--db", str(db)],
        prog_name="annotator",
    )
    assert result.exit_code == 0, result.output
    assert "left out, as mapped: 1 span labelled PER, 1 relation to those spans" in result.output
    with open_store(db) as store:
        assert sorted((s.start, s.end, s.label) for d in store.documents()
                      for s in store.spans(d.id)) == [
            (0, 4, "ACTOR"), (14, 48, "CLAIM"), (50, 59, "ACTOR")]  # fmt: skip


def test_a_relation_type_mapped_to_nothing_is_left_out(store, tmp_path):
    news = write_news(tmp_path / "news.jsonl")
    result = store.import_file(news, label_map={"PER": "ACTOR", "ORG": "ACTOR", "said_by": None})
    assert result.notes[-1] == "news.jsonl: left out, as mapped: 1 relation of type said_by"
    assert (result.spans_added, result.relations_added) == (4, 0)


def test_a_staged_folder_names_every_file_and_writes_nothing(store, tmp_path):
    write_news(tmp_path / "a.jsonl")
    write_news(tmp_path / "b.jsonl")
    (tmp_path / "c.txt").write_text("Kyiv talks resumed on Monday.\n", encoding="utf-8")
    before = sha256(store.path)
    files = [tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.txt"]
    with pytest.raises(UnknownLabelsError) as caught:
        import_staged(store.path, files, added_by="alice", cancelled=threading.Event())
    exc = caught.value
    assert (exc.files, exc.labels, exc.relation_types) == (("a.jsonl", "b.jsonl"),
                                                          ("ORG", "PER"), ("said_by",))  # fmt: skip
    assert str(exc) == ("a.jsonl, b.jsonl use labels ORG, PER; relation types said_by, which"
                        " the schema does not have: map them with --map FROM=TO")  # fmt: skip
    assert sha256(store.path) == before
    mapping = {"PER": "ACTOR", "ORG": "ACTOR", "said_by": "ATTRIBUTED_TO"}
    result = import_staged(store.path, files, added_by="alice", cancelled=threading.Event(),
                           label_map=mapping)  # fmt: skip
    # b.jsonl is the same text as a.jsonl: its documents are skipped as duplicates
    assert (len(result), result.spans_added, result.relations_added) == (3, 4, 1)


@pytest.mark.parametrize(("name", "expected"), [
    ("PER", "ACTOR"), ("person", "ACTOR"), ("Organization", "ACTOR"), ("GPE", "ACTOR"),
    ("norp", "ACTOR"), ("Time", "DATE"), ("date", "DATE"), ("SRC", "CITATION"),
    ("cite", "CITATION"), ("Quote", "CLAIM"), ("statement", "CLAIM"), ("actor", "ACTOR"),
    ("EVENT", None), ("", None),
])  # fmt: skip
def test_label_guesses(name, expected):
    assert suggest_label(name, LABELS) == expected


def test_a_guess_must_be_in_the_schema():
    assert suggest_label("PER", ("PERSON_NAME", "PLACE")) is None
    assert suggest_label("per", ("PER", "PLACE")) == "PER"


@pytest.mark.parametrize(("name", "expected"), [
    ("said_by", "ATTRIBUTED_TO"), ("Said By", "ATTRIBUTED_TO"), ("said-by", "ATTRIBUTED_TO"),
    ("attributed_to", "ATTRIBUTED_TO"), ("cites", "SOURCED_FROM"), ("when", "DATED"),
    ("located_in", None),
])  # fmt: skip
def test_relation_type_guesses(name, expected):
    assert suggest_relation_type(name, TYPES) == expected


def test_a_map_to_a_name_the_schema_lacks_is_named_as_the_mistake(tmp_path):
    news, db = write_news(tmp_path / "news.jsonl"), tmp_path / "t.db"
    result = CliRunner().invoke(
        cli, ["import", str(news), "--map", "PER=PERSON", "--map", "ORG=ACTOR", "--db", str(db)],
        prog_name="annotator",
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: PER=PERSON maps to PERSON, which this database's schema does not have (labels"
        " CLAIM, ACTOR, DATE, CITATION; relation types ATTRIBUTED_TO, DATED, SOURCED_FROM): map"
        " PER to one of those, or to - to leave it out\n"
    )
    assert not db.exists()


def test_a_label_mapped_to_a_relation_type_is_named_as_the_mistake(tmp_path):
    news, db = write_news(tmp_path / "news.jsonl"), tmp_path / "t.db"
    result = CliRunner().invoke(
        cli, ["import", str(news), "--map", "ORG=ATTRIBUTED_TO", "--map", "PER=ACTOR",
              "--db", str(db)], prog_name="annotator",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output == (
        "Error: ORG=ATTRIBUTED_TO maps the spans labelled ORG to a relation type: map ORG to a"
        " label (CLAIM, ACTOR, DATE, CITATION), or to - to leave those spans out\n"
    )
    assert not db.exists()


def test_one_label_mapped_twice_is_a_usage_error_naming_both(tmp_path):
    news, db = write_news(tmp_path / "news.jsonl"), tmp_path / "t.db"
    result = CliRunner().invoke(
        cli, ["import", str(news), "--map", "ORG=ACTOR", "--map", "PER=ACTOR", "--map", "ORG=-",
              "--db", str(db)], prog_name="annotator",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for map: ORG=ACTOR and ORG=- map ORG twice: keep one of them"
    )
    assert not db.exists()
    # The same mapping given twice says one thing: it imports.
    result = CliRunner().invoke(
        cli, ["import", str(news), "--map", "ORG=ACTOR", "--map", "PER=ACTOR", "--map",
              "ORG=ACTOR", "--map", "said_by=ATTRIBUTED_TO", "--db", str(db)],
        prog_name="annotator",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_a_label_map_of_the_wrong_type_is_named_as_the_mistake(store, tmp_path):
    news = write_news(tmp_path / "news.jsonl")
    before = sha256(store.path)
    with pytest.raises(ImportRefusedError) as info:
        store.import_file(news, label_map=[("PER", "ACTOR")])
    assert str(info.value) == (
        "label_map must be a mapping from label to label, such as {'LOC': 'ACTOR'} (None leaves"
        " a label out), not a list: pass a dict"
    )
    with pytest.raises(ImportRefusedError) as info:
        store.import_file(news, label_map={"PER": 3})
    assert str(info.value) == (
        "label_map maps 'PER' to 3: it must map label names (strings) to label names or to None"
    )
    assert sha256(store.path) == before and store.document_count() == 0
