"""What the window remembers between starts, in ONE ``QSettings`` (INI format).

``app_settings()`` is the only place that decides where: the user's config
folder (``~/.config/annotator/annotator.ini`` on Linux).  Tests redirect it with
``QSettings.setPath(IniFormat, UserScope, tmp)``, or hand the window a
``QSettings`` of their own.  Every key is read and written through ``Prefs``, so
the names and types of what is stored are in one place.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

RECENT_LIMIT = 8


def app_settings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "annotator", "annotator"
    )


def database_key(path: Path) -> str:
    """A settings key for one database file (paths hold characters INI keys cannot)."""
    return hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:16]


class Prefs:
    """Typed access to the window's settings."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def _get(self, key: str, default: Any, kind: type) -> Any:
        value = self.settings.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    def _set(self, key: str, value: Any) -> None:
        self.settings.setValue(key, value)

    # -- appearance --------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return float(self._get("view/font_size", 0.0, float))

    @zoom.setter
    def zoom(self, points: float) -> None:
        self._set("view/font_size", points)

    @property
    def theme(self) -> str:
        return str(self._get("view/theme", "light", str))

    @theme.setter
    def theme(self, name: str) -> None:
        self._set("view/theme", name)

    @property
    def all_relations(self) -> bool:
        """Draw every relation in view (True), or only those of the span at the caret."""
        return self.settings.value("view/all_relations", True) not in (False, "false", "0", 0)

    @all_relations.setter
    def all_relations(self, on: bool) -> None:
        self._set("view/all_relations", bool(on))

    # -- the window ----------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        value = self.settings.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        self._set("window/geometry", value)

    def splitter(self, name: str) -> QByteArray | None:
        value = self.settings.value(f"window/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_splitter(self, name: str, value: QByteArray) -> None:
        self._set(f"window/{name}", value)

    @property
    def analyst(self) -> str:
        return str(self._get("session/analyst", "", str))

    @analyst.setter
    def analyst(self, name: str) -> None:
        self._set("session/analyst", name)

    # -- per database ----------------------------------------------------------------

    def last_document(self, db: Path) -> int | None:
        value = self._get(f"last_document/{database_key(db)}", -1, int)
        return None if value < 0 else int(value)

    def set_last_document(self, db: Path, document_id: int) -> None:
        self._set(f"last_document/{database_key(db)}", document_id)

    # -- recent databases ------------------------------------------------------------

    def recent(self) -> list[Path]:
        value = self.settings.value("recent/databases", [])
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [Path(str(item)) for item in items if str(item)]

    def add_recent(self, path: Path) -> list[Path]:
        path = path.resolve()
        recent = [path] + [p for p in self.recent() if p != path]
        self.set_recent(recent[:RECENT_LIMIT])
        return self.recent()

    def remove_recent(self, path: Path) -> None:
        self.set_recent([p for p in self.recent() if p != path])

    def set_recent(self, paths: list[Path]) -> None:
        self._set("recent/databases", [str(p) for p in paths])

    def sync(self) -> None:
        self.settings.sync()
