"""What an imported file's label (or relation type) most likely means in a schema.

Other tools name the same things differently: a spaCy-style file marks PER and
ORG where the default schema has ACTOR.  ``suggest_label`` and
``suggest_relation_type`` offer a first guess (the same name in any case, else a
common alias) for the window's mapping dialog; the analyst confirms or changes
it, so a wrong guess costs one click, never a silent rename.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

LABEL_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(
        ("PER", "PERSON", "ORG", "ORGANIZATION", "ORGANISATION", "GPE", "LOC", "NORP"), "ACTOR"
    ),
    **dict.fromkeys(("DATE", "TIME"), "DATE"),
    **dict.fromkeys(("SRC", "SOURCE", "CITE", "CITATION"), "CITATION"),
    **dict.fromkeys(("CLAIM", "STATEMENT", "QUOTE"), "CLAIM"),
}

RELATION_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(
        ("SAID_BY", "SAYS", "QUOTED", "QUOTED_BY", "ATTRIBUTION", "SPEAKER"), "ATTRIBUTED_TO"
    ),
    **dict.fromkeys(("SOURCE", "SOURCED_BY", "CITES", "CITED_IN"), "SOURCED_FROM"),
    **dict.fromkeys(("DATE", "DATED_ON", "WHEN", "TIME"), "DATED"),
}


def _key(name: str) -> str:
    """``said-by``, ``Said By`` and ``SAID_BY`` are the same name."""
    return "_".join(name.replace("-", " ").split()).upper()


def _suggest(name: str, choices: Iterable[str], aliases: Mapping[str, str]) -> str | None:
    by_key = {_key(choice): choice for choice in choices}
    if _key(name) in by_key:
        return by_key[_key(name)]
    alias = aliases.get(_key(name))
    return by_key.get(_key(alias)) if alias is not None else None


def suggest_label(name: str, labels: Iterable[str]) -> str | None:
    """The schema label ``name`` most likely means, or None when there is no good guess."""
    return _suggest(name, labels, LABEL_ALIASES)


def suggest_relation_type(name: str, types: Iterable[str]) -> str | None:
    """The schema relation type ``name`` most likely means, or None."""
    return _suggest(name, types, RELATION_ALIASES)
