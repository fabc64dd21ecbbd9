"""`annotator merge` and `annotator agree` through click's CliRunner: exact output.

Databases are real files built through the store's API in a temporary working
folder, so the paths in the output are the short names given on the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import snapshot
from click.testing import CliRunner, Result

import annotator.cli_review  # noqa: F401  (registers merge and agree until cli.py imports it)
from annotator import open_store
from annotator.cli import cli

TEXT = "Mayor Olena Koval said on 3 May that the bridge will reopen."
TEXT2 = "Second article: nothing happened in Velmora on Tuesday."
EDITED = "Mayor Olena Koval said on 4 May that the bridge will reopen."


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="annotator")


def assert_error(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: {message}\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding alice.db and bob.db (see tests/test_merge.py)."""
    monkeypatch.chdir(tmp_path)
    with open_store("alice.db") as store:
        doc = store.add_document(TEXT, title="Bridge", uid="doc-1")
        claim = store.add_span(doc.id, 37, 59, "CLAIM", annotator="alice")
        actor = store.add_span(doc.id, 6, 17, "ACTOR", annotator="alice")
        store.add_relation(doc.id, claim.id, actor.id, "ATTRIBUTED_TO", annotator="alice")
    with open_store("bob.db") as store:
        doc = store.add_document(TEXT, title="Bridge", uid="doc-1")
        store.add_span(doc.id, 41, 60, "CLAIM", annotator="bob")
        store.add_span(doc.id, 26, 31, "DATE", annotator="bob")
        other = store.add_document(TEXT2, title="Nothing", uid="doc-2")
        store.add_span(other.id, 47, 54, "DATE", annotator="bob")
    return tmp_path


# -- merge ---------------------------------------------------------------------------------


def test_merge_twice(workdir: Path) -> None:
    first = run("merge", "alice.db", "bob.db", "--into", "team.db")
    assert first.exit_code == 0, first.output
    assert first.stderr == ""
    # alice: doc-1 with 2 spans and 1 relation; bob: doc-2 is new, 2 + 1 spans.
    assert first.stdout == (
        "Created team.db with the schema of alice.db\n"
        "alice.db: 1 document, 2 spans, 1 relation added\n"
        "bob.db: 1 document, 3 spans, 0 relations added\n"
        "Merged 2 files into team.db: 2 documents, 5 spans, 1 relation added\n"
    )
    second = run("merge", "alice.db", "bob.db", "--into", "team.db")
    assert second.exit_code == 0
    assert second.stdout == (
        "alice.db: 0 documents, 0 spans, 0 relations added\n"
        "bob.db: 0 documents, 0 spans, 0 relations added\n"
        "Merged 2 files into team.db: 0 documents, 0 spans, 0 relations added\n"
    )


def test_merge_reports_a_conflict_and_exits_0(workdir: Path) -> None:
    assert run("merge", "alice.db", "--into", "team.db").exit_code == 0
    with open_store("edited.db") as store:
        doc = store.add_document(EDITED, title="Bridge (edited)", uid="doc-1")
        store.add_span(doc.id, 26, 31, "DATE", annotator="carol")
        other = store.add_document(TEXT2, uid="doc-2")
        store.add_span(other.id, 47, 54, "DATE", annotator="carol")
    result = run("merge", "edited.db", "--into", "team.db")
    assert result.exit_code == 0
    assert result.stdout == (
        "edited.db: 1 document, 1 span, 0 relations added\n"
        '  Conflict: "Bridge (edited)" (uid doc-1) has another text than document 1 in'
        " team.db: kept the text in team.db, nothing merged\n"
        "Merged 1 file into team.db: 1 document, 1 span, 0 relations added;"
        " 1 conflict: compare those documents and fix one file\n"
    )
    with open_store("team.db") as store:
        kept = store.document(1)
        assert (kept.text, len(store.spans(1))) == (TEXT, 2)


def test_merge_errors(workdir: Path) -> None:
    assert_error(run("merge", "alice.db", "--into", "alice.db"),
                 "cannot merge alice.db into itself: choose another --into file")  # fmt: skip
    assert_error(run("merge", "alice.db", "nobody.db", "--into", "team.db"),
                 "nobody.db does not exist: check the path")  # fmt: skip
    assert not Path("team.db").exists()
    Path("truncated.db").touch()  # an analyst's file cut to nothing: never made a database
    assert_error(run("merge", "truncated.db", "--into", "team.db"),
                 "truncated.db is an empty file, not a database: check the path")  # fmt: skip
    assert Path("truncated.db").stat().st_size == 0 and not Path("team.db").exists()
    missing = run("merge", "alice.db")
    assert missing.exit_code == 2
    assert missing.stderr.splitlines()[-1] == "Error: Missing option '--into'."


# -- agree ---------------------------------------------------------------------------------


@pytest.fixture
def team(workdir: Path) -> Path:
    assert run("merge", "alice.db", "bob.db", "--into", "team.db").exit_code == 0
    return workdir / "team.db"


# doc-1: alice CLAIM [37, 59) + ACTOR [6, 17); bob CLAIM [41, 60) + DATE [26, 31).
# doc-2: bob DATE [47, 54) only.
# Pairs: CLAIM a/b overlap by 18 (boundary_mismatch); ACTOR only_a; DATE only_b twice.
# CLAIM: a 1, b 1, exact 0, overlap 2*1/2 = 1.  ACTOR: a 1, b 0 -> 0.  DATE: a 0, b 2 -> 0.
# CITATION: 0/0 -> null.  Overall: |A| + |B| = 5, exact 0, overlap 2*1/5 = 0.4.
#
# Tokens, doc-1 (13):  Mayor Olena Koval said on 3    May  that the bridge will reopen .
#   alice              O     ACTOR ACTOR O    O  O    O    O    CL  CL     CL   CL     O
#   bob                O     O     O     O    O  DATE DATE O    O   CL     CL   CL     CL
# doc-2 (10): Tuesday is O for alice and DATE for bob; the rest O in both.
# 23 tokens, agreeing: doc-1 7 (Mayor, said, on, that, bridge, will, reopen), doc-2 9 -> 16.
# Marginals alice: ACTOR 2, CLAIM 4, O 17; bob: CLAIM 4, DATE 3, O 16.
# kappa: po = 16/23 = 368/529; pe = (4*4 + 17*16) / 529 = 288/529;
#        kappa = (368 - 288) / (529 - 288) = 80/241 = 0.33195 -> 0.332.
# alpha: n = 46; n_c: ACTOR 2, CLAIM 8, DATE 3, O 33; squares 4 + 64 + 9 + 1089 = 1166;
#        46^2 - 1166 = 950; off-diagonal coincidences 2 * 7 = 14;
#        alpha = 1 - 45 * 14 / 950 = 320/950 = 0.336842 -> 0.3368.
# Relations: alice's claim -> actor ATTRIBUTED_TO; her actor is alone (only_a), so the
# relation cannot match: only_a 1; bob has none.
AGREE_JSON = """\
{
  "a": "alice",
  "b": "bob",
  "documents": 2,
  "labels": {
    "CLAIM": {
      "a": 1,
      "b": 1,
      "exact_f1": 0.0,
      "overlap_f1": 1.0
    },
    "ACTOR": {
      "a": 1,
      "b": 0,
      "exact_f1": 0.0,
      "overlap_f1": 0.0
    },
    "DATE": {
      "a": 0,
      "b": 2,
      "exact_f1": 0.0,
      "overlap_f1": 0.0
    },
    "CITATION": {
      "a": 0,
      "b": 0,
      "exact_f1": null,
      "overlap_f1": null
    }
  },
  "overall": {
    "exact_f1": 0.0,
    "overlap_f1": 0.4,
    "cohen_kappa": 0.332,
    "krippendorff_alpha": 0.3368
  },
  "relations": {
    "match": 0,
    "type_mismatch": 0,
    "only_a": 1,
    "only_b": 0
  }
}
"""


def test_agree_json(team: Path) -> None:
    result = run("agree", "--a", "alice", "--b", "bob", "--json", "--db", "team.db")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout == AGREE_JSON


def test_agree_table(team: Path) -> None:
    result = run("agree", "--a", "alice", "--b", "bob", "--db", "team.db")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "alice (A) vs bob (B), all documents: 2 documents annotated by either\n"
        "LABEL     A  B  EXACT F1  OVERLAP F1\n"
        "CLAIM     1  1    0.0000      1.0000\n"
        "ACTOR     1  0    0.0000      0.0000\n"
        "DATE      0  2    0.0000      0.0000\n"
        "CITATION  0  0         -           -\n"
        "OVERALL   2  3    0.0000      0.4000\n"
        "Cohen's kappa (tokens): 0.3320\n"
        "Krippendorff's alpha (tokens): 0.3368\n"
    )


def test_agree_on_one_document(team: Path) -> None:
    # doc-2 (document 2 of team.db): bob's DATE alone.  F1: DATE 0/... = 0; overall 0 and 0.
    # Tokens: 9 agree (all O), Tuesday O/DATE.  pe = (10*9) / 100 = 0.9, po = 0.9 -> kappa 0.
    # alpha: n = 20, n_O = 19, n_DATE = 1; 400 - 361 - 1 = 38; off-diagonal 2;
    # alpha = 1 - 19 * 2 / 38 = 0.
    result = run("agree", "--a", "alice", "--b", "bob", "--doc", "2", "--db", "team.db")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "alice (A) vs bob (B), document 2"
    assert result.stdout.splitlines()[-3:] == [
        "OVERALL   0  1    0.0000      0.0000",
        "Cohen's kappa (tokens): 0.0000",
        "Krippendorff's alpha (tokens): 0.0000",
    ]


def test_agree_errors(team: Path) -> None:
    assert_error(run("agree", "--a", "alice", "--b", "dave", "--db", "team.db"),
                 "analyst 'dave' has no spans: the analysts with spans are alice, bob")  # fmt: skip
    assert_error(run("agree", "--a", "alice", "--b", "bob", "--doc", "9", "--db", "team.db"),
                 "there is no document 9: see `annotator list`")  # fmt: skip
    missing = run("agree", "--a", "alice", "--db", "team.db")
    assert missing.exit_code == 2
    assert missing.stderr.splitlines()[-1] == "Error: Missing option '--b'."


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("merge", "annotator merge alice.db bob.db --into team.db"),
        ("agree", "annotator agree --a alice --b bob --doc 3 --db team.db"),
    ],
)
def test_help_ends_with_an_example(command: str, example: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.rstrip().splitlines()[-3:] == ["  Example:", "", f"      {example}"]


def test_accept_matches_refuses_an_analyst_without_spans(team_db: Path) -> None:
    """A mistyped name would accept nothing, and say so as a success."""
    before = snapshot(team_db)
    assert_error(run("accept-matches", "--a", "alice", "--b", "bobb", "--by", "lead",
                     "--db", str(team_db)),
                 "analyst 'bobb' has no spans: the analysts with spans are alice, bob")  # fmt: skip
    assert snapshot(team_db) == before


def test_names_differing_only_in_spaces_are_two_analysts(tmp_path: Path) -> None:
    """The store keeps "alice" and "alice " apart; so does the comparison."""
    db = tmp_path / "t.db"
    with open_store(db) as store:
        doc = store.add_document("Kyiv bridge reopens.").id
        store.add_span(doc, 0, 4, "ACTOR", annotator="alice")
        store.add_span(doc, 5, 11, "ACTOR", annotator="alice ")
    result = run("agree", "--a", "alice", "--b", "alice ", "--json", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["overall"]["exact_f1"] == 0.0  # nothing in common


@pytest.mark.parametrize("command", ["agree", "accept-matches"])
def test_the_same_analyst_twice_is_refused(team_db: Path, command: str) -> None:
    extra = ["--by", "lead"] if command == "accept-matches" else []
    before = snapshot(team_db)
    result = run(command, "--a", "alice", "--b", "alice", *extra, "--db", str(team_db))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --a and --b both name 'alice': compare two analysts' layers\n"
    )
    assert snapshot(team_db) == before
