"""Import files into a store: articles (.txt, .md, .html) and native JSONL."""

from __future__ import annotations

from pathlib import Path

from .errors import DuplicateDocumentError, ImportRefusedError
from .formats import jsonl
from .model import ImportResult
from .textfile import read_article

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
SUFFIXES = ARTICLE_SUFFIXES + (".jsonl",)


def import_path(store, path: Path) -> ImportResult:  # type: ignore[no-untyped-def]
    """Import one file, or every importable file of a folder (not recursive)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES)
        if not files:
            raise ImportRefusedError(
                f"folder {path} has no {', '.join(SUFFIXES)} files: choose another folder"
            )
        total = ImportResult()
        for file in files:
            part = import_path(store, file)
            total.extend(part)
            total.skipped.extend(part.skipped)
            total.spans_added += part.spans_added
            total.relations_added += part.relations_added
        return total
    if path.suffix.lower() == ".jsonl":
        if not path.is_file():
            raise ImportRefusedError(f"{path} does not exist: check the path")
        return store.import_records(jsonl.read(path))  # type: ignore[no-any-return]
    article = read_article(path, max_bytes=store.import_limit)
    result = ImportResult()
    try:
        result.append(
            store.add_document(
                article.text, title=article.title, source=path.name, meta=article.meta
            )
        )
    except DuplicateDocumentError as exc:
        result.skipped.append(f"{path.name}: {exc}")
    return result
