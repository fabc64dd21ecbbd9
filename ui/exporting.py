"""Exports that a cancel leaves without a trace: write into a temporary folder, then move.

Every writer of ``annotator.formats`` writes into a temporary folder beside
the target; only when it has finished, and the analyst has not cancelled, is
the result moved into place (a rename on the same file system).  The native
JSONL writer reports each document, so a cancel stops it between documents;
the others are stopped after they finish.  Qt-free: it runs in a worker.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.atomicfile import process_folder
from annotator.formats import registry
from annotator.formats.base import left_out_of
from annotator.store import open_store

from .staged_import import Cancelled


def is_folder_format(fmt: str) -> bool:
    return registry.FORMATS[fmt][3] == "/"


def suggested_name(fmt: str, stem: str) -> str:
    suffix = registry.FORMATS[fmt][3]
    return stem if suffix == "/" else f"{stem}{suffix}"


def export_to(
    db_path: Path,
    fmt: str,
    layer: str | None,
    target: Path,
    *,
    cancelled: threading.Event,
    progress: Callable[[int], None] = lambda n: None,
) -> Any:
    """Write ``fmt`` (one analyst's ``layer``, or all) to ``target``; returns the writer's
    report with ``path`` set to ``target``.  Raises ``Cancelled`` having written nothing."""

    def step(done: int) -> None:
        if cancelled.is_set():
            raise Cancelled
        progress(done)

    registry.refuse_unsafe_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = process_folder(target.parent, ".annotator-export-")  # a killed one's goes then
    try:
        staged = work / target.name
        with open_store(db_path) as store:
            writer = registry.module(fmt).write
            if fmt == "jsonl":
                report = writer(store, staged, annotator=layer, progress=step)
            else:
                report = writer(store, staged, annotator=layer)
            left_out = left_out_of(store, fmt, layer)
        if cancelled.is_set():
            raise Cancelled
        if staged.is_dir():
            target.mkdir(exist_ok=True)
            for item in sorted(staged.iterdir()):
                os.replace(item, target / item.name)
        else:
            os.replace(staged, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dataclasses.replace(
        report, path=str(target), left_out=left_out + report.left_out
    )


def summary(fmt: str, report: Any) -> str:
    """One message: what was written, and every line the format could not carry."""
    lines = [
        f"Exported {report.documents:,} document{'s' if report.documents != 1 else ''}, "
        f"{report.spans:,} span{'s' if report.spans != 1 else ''} and "
        f"{report.relations:,} relation{'s' if report.relations != 1 else ''} to {report.path}."
    ]
    lost = list(getattr(report, "lost", []) or [])
    if lost:
        lines += ["", f"Not carried by {fmt}:"] + [f"• {line}" for line in lost]
    else:
        lines += ["", f"{fmt} carried everything."]
    for line in getattr(report, "left_out", []):
        lines += ["", f"Left out: {line}."]
    return "\n".join(lines)
