"""The ``annotator.suggesters`` entry point, with a real temporary distribution."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store import Store
from annotator.suggest import run_all
from annotator.suggest.apply import SUGGEST, suggest_document
from annotator.suggest.plugins import GROUP, load_plugins

PLUGIN = """
def suggest(text, *, reference_date=None):
    i = text.find("Velmora")
    return [] if i < 0 else [
        {"start": i, "end": i + 7, "label": "ACTOR", "confidence": 0.42, "reason": "fake NER",
         "attributes": {"kind": "other", "score": [1]}}
    ]

def broken(text, *, reference_date=None):
    raise RuntimeError("model file missing")
"""


@pytest.fixture
def fake_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    (site / "fake_ner").mkdir(parents=True)
    (site / "fake_ner" / "__init__.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "fake_ner-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fake-ner\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        f"[{GROUP}]\nfake = fake_ner:suggest\nbroken = fake_ner:broken\n"
        "missing = fake_ner_missing:suggest\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(site))
    return site


def test_the_plugin_is_found_through_its_entry_point(fake_plugin: Path) -> None:
    plugins, errors = load_plugins()
    assert {"fake", "broken"} <= set(plugins)
    assert any("missing" in e for e in errors)


def test_plugin_suggestions_are_merged_as_model_output(fake_plugin: Path) -> None:
    text = "Delegates met in Velmora on 3 March 2025."
    errors: list[str] = []
    found = run_all(text, errors=errors)
    fake = [s for s in found if s.origin == "model"]
    assert [(text[s.start : s.end], s.confidence) for s in fake] == [("Velmora", 0.42)]
    assert fake[0].reason == "plug-in fake: fake NER"
    assert any("broken failed: model file missing" in e for e in errors)
    assert ("DATE", "3 March 2025") in {(s.label, text[s.start : s.end]) for s in found}


def test_plugin_suggestions_are_stored_with_origin_model(fake_plugin: Path, store: Store) -> None:
    doc = store.add_document("Delegates met in Velmora.").id
    suggest_document(store, doc)
    (span,) = [s for s in store.spans(doc, annotator=SUGGEST) if s.text == "Velmora"]
    assert span.origin == "model" and span.attributes == {"kind": "other"}
    assert span.note == "suggested (model, 0.42): plug-in fake: fake NER"


def test_without_the_plugin_nothing_extra_is_loaded() -> None:
    plugins, _errors = load_plugins()
    assert "fake" not in plugins
