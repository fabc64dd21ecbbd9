"""Relations from the keyboard: link a claim to its actor, date or source.

With the caret in one of the analyst's spans whose label can start a relation
(CLAIM in the default schema), the relation key (R unless configured) starts
linking: the candidates are the analyst's spans whose label can be the other
end of an allowed relation, nearest first.  Tab and Shift+Tab cycle through
them (each selected in the article), Enter links, Esc cancels; a click on a
candidate links to it.  The type follows from the pair; when several fit, the
analyst picks one through the dialog service.  Ctrl+Delete removes a link of
the span at the caret (asking which, when it has several).  Each is one Store
change: in the window's undo stack and the history.  While linking, keys that
would change the selected candidate (labels, Delete, N, Ctrl+number, undo)
wait, with a word in the status bar.  The partners of the span at the caret
are underlined (and drawn bold in the margin: relation_margin.py).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from annotator.model import Relation, Schema, Span

from .commands import short_text
from .editor import Editor
from .span_index import Entry

DEFAULT_RELATION_KEY = "R"
SETTINGS_KEY = "keys/relation"
K = Qt.Key
_LINK_KEYS = {K.Key_Tab, K.Key_Backtab, K.Key_Return, K.Key_Enter, K.Key_Escape}
HOLD = "Finish the link with Enter or Esc first"  # to a key that would change a span


def check_relation_key(key: str, schema: Schema, taken: tuple[str, ...] = ("N", "?")) -> str:
    """``key`` when it may start linking (never a label key, N or ?); else ``ValueError``."""
    key = key.strip()
    if len(key) != 1 or not key.isprintable() or key.isspace():
        raise ValueError(f"the relation key must be one character, not {key!r}")
    for label in schema.labels:
        if label.key.upper() == key.upper():
            raise ValueError(
                f"{key!r} is the key of label {label.name}: choose a key no label uses"
            )
    if key.upper() in {t.upper() for t in taken}:
        raise ValueError(f"{key!r} already has another use in the window: choose another key")
    return key.upper() if key.isalpha() else key


def relation_key(schema: Schema, setting: object = None) -> str:
    """The key that starts linking: the setting when allowed, else R, else Ctrl+Alt+R."""
    for wanted in (setting, DEFAULT_RELATION_KEY):
        if isinstance(wanted, str) and wanted:
            try:
                return check_relation_key(wanted, schema)
            except ValueError:
                continue
    return "Ctrl+Alt+R"


def set_relation_key(settings: QSettings, schema: Schema, key: str) -> str:
    """Remember ``key`` as the relation key (used from the next window build).

    Refused with ``ValueError`` (nothing stored) when a label or the window uses it.
    """
    key = check_relation_key(key, schema)
    settings.setValue(SETTINGS_KEY, key)
    return key


def distance(a: Entry, b: Entry) -> int:
    """UTF-16 units between two ranges; 0 when they touch or overlap."""
    if b.start >= a.end:
        return b.start - a.end
    if a.start >= b.end:
        return a.start - b.end
    return 0


class RelationLinker(QObject):
    """The linking mode on the article view, and the partners' underline."""

    message = Signal(str)
    changed = Signal()  # the open document's relations changed (linked, unlinked, undone)
    partners_shown = Signal()  # the underlined spans changed (see relation_margin.py)

    def __init__(self, editor: Editor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.view = editor.view
        self.store = editor.store
        self.schema = editor.store.schema
        self.source: Entry | None = None
        self.candidates: list[Entry] = []
        self.at = 0
        self._cache: list[Relation] | None = None
        self.highlighted: list[str] = []  # span ids underlined now (partners or candidates)
        self.focus: Entry | None = None  # the span whose partners are shown
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        self.view.cursorPositionChanged.connect(self.show_partners)
        editor.opened.connect(lambda *_: self._forget())
        editor.closed.connect(self._forget)
        editor.analyst_changed.connect(lambda _name: self._forget())
        editor.spans_reset.connect(lambda _spans: self._stale())
        editor.span_removed.connect(lambda _span: self._stale())
        editor.history.applied.connect(lambda *_: self._stale())
        # The candidate is selected while linking: a label key, Delete or N would
        # change it rather than link it.
        editor.guards.append(lambda: HOLD if self.linking else "")

    # -- what the open document holds ----------------------------------------------

    @property
    def linking(self) -> bool:
        return self.source is not None

    def relations(self) -> list[Relation]:
        """The open document's relations in layers that are shown (cached)."""
        doc = self.editor.document
        if doc is None:
            return []
        if self._cache is None:
            hidden = self.editor.hidden
            self._cache = [r for r in self.store.relations(doc.id) if r.annotator not in hidden]
        return self._cache

    def partners(self, span_id: str) -> list[str]:
        """Ids of the spans linked to ``span_id``, either way, in link order."""
        out = []
        for rel in self.relations():
            if rel.from_span == span_id:
                out.append(rel.to_span)
            elif rel.to_span == span_id:
                out.append(rel.from_span)
        return out

    def _span_at_caret(self, *, starting: bool = False) -> Entry | None:
        index = self.editor.index
        if index is None:
            return None
        current = self.editor._current_entry()  # noqa: SLF001 (the span chosen with Tab)
        found = [current] if current is not None else []
        found += index.at(self.view.caret())
        for entry in found:
            if entry.span.annotator != self.editor.analyst:
                continue
            if not starting or self._targets(entry.span.label):
                return entry
        return None

    def _targets(self, label: str) -> set[str]:
        return {r.to_label for r in self.schema.relations if r.from_label == label}

    # -- linking ------------------------------------------------------------------

    def start(self) -> None:
        """The relation key: start linking from the analyst's span at the caret."""
        if self.linking:
            self.cancel()
            return
        if self.editor.document is None or self.editor.index is None:
            self.message.emit("Open a document first")
            return
        if self.editor.busy():
            return
        source = self._span_at_caret(starting=True)
        if source is None:
            starts = sorted({r.from_label for r in self.schema.relations})
            self.message.emit(
                f"Put the caret in one of your {' or '.join(starts) or 'linkable'} spans first"
            )
            return
        targets = self._targets(source.span.label)
        candidates = [
            e for e in self.editor.index.entries()
            if e.span.annotator == self.editor.analyst and e.span.label in targets
            and e.span.id != source.span.id
        ]  # fmt: skip
        if not candidates:
            self.message.emit(
                f"No {', '.join(sorted(targets))} span of yours to link this"
                f" {source.span.label} to: tag one first"
            )
            return
        candidates.sort(key=lambda e: (distance(source, e), e.start, e.end, e.span.id))
        self.source, self.candidates, self.at = source, candidates, 0
        self._select_candidate()
        self.message.emit(
            f"Link {source.span.label} “{short_text(source.span.text)}”: Tab for the next"
            f" of {len(candidates)}, Enter to link, Esc to cancel, or click one"
        )

    @property
    def candidate(self) -> Entry | None:
        return self.candidates[self.at] if self.linking and self.candidates else None

    def cycle(self, step: int) -> None:
        if not self.linking or not self.candidates:
            return
        self.at = (self.at + step) % len(self.candidates)
        self._select_candidate()

    def confirm(self, target: Entry | None = None) -> Relation | None:
        """Link the source to ``target`` (default: the candidate selected)."""
        source, target = self.source, target or self.candidate
        if source is None or target is None:
            return None
        self._end()
        types = self.schema.relation_types_between(source.span.label, target.span.label)
        if len(types) > 1:
            picked = self.editor.dialogs.choose(
                "Relation type",
                f"{source.span.label} “{short_text(source.span.text)}” →"
                f" {target.span.label} “{short_text(target.span.text)}”:",
                types,
            )
            if picked is None:
                self._back_to(source.span)
                self.message.emit("Not linked")  # the prompt to press Enter is over
                return None
            types = [picked]
        if not types:  # relabelled elsewhere since it became a candidate
            self.message.emit(
                f"{source.span.label} cannot be linked to {target.span.label} “"
                f"{short_text(target.span.text)}” (relabelled since?): not linked"
            )
            self._back_to(source.span)
            return None
        rel_type = types[0]
        if any(
            r.type == rel_type and r.from_span == source.span.id and r.to_span == target.span.id
            for r in self.relations()
        ):
            self.message.emit(f"Already linked: {rel_type}")
            self._back_to(source.span)
            return None
        assert self.editor.document is not None
        doc_id, analyst = self.editor.document.id, self.editor.analyst
        relation = self.editor.call(
            "Cannot link",
            lambda: self.store.add_relation(
                doc_id, source.span.id, target.span.id, rel_type, annotator=analyst
            ),
        )
        if relation is None:
            self._back_to(source.span)
            return None
        self.editor.history.record(describe_link("Link", source.span, rel_type, target.span))
        self._stale()
        self._back_to(source.span)
        self.editor._saved()  # noqa: SLF001 (the status bar's "Saved")
        self.message.emit(describe_link("Linked", source.span, rel_type, target.span))
        return relation  # type: ignore[no-any-return]

    def cancel(self) -> None:
        source = self.source
        if source is None:
            return
        self._end()
        self._back_to(source.span)
        self.message.emit("Linking cancelled")

    def _end(self) -> None:
        self.source, self.candidates, self.at = None, [], 0
        self.show_partners()

    def _back_to(self, span: Span) -> None:
        self.editor.select_span(span.id)
        self.show_partners()

    def _select_candidate(self) -> None:
        candidate = self.candidate
        if candidate is not None:
            self.editor.select_span(candidate.span.id)
        self.show_partners()

    # -- unlinking ----------------------------------------------------------------

    def delete_at_caret(self) -> None:
        """Ctrl+Delete: remove one of the analyst's links of the span at the caret."""
        if self.linking:  # the caret is on a candidate: its links are not the question
            self.message.emit(HOLD)
            return
        entry = self._span_at_caret()
        if entry is None:
            self.message.emit("Put the caret in one of your linked spans first")
            return
        mine = [
            r for r in self.relations()
            if r.annotator == self.editor.analyst and entry.span.id in (r.from_span, r.to_span)
        ]  # fmt: skip
        if not mine:
            self.message.emit(f"{entry.span.label} “{short_text(entry.span.text)}” has no links")
            return
        relation = mine[0]
        if len(mine) > 1:
            names = [self._describe(r) for r in mine]
            picked = self.editor.dialogs.choose("Remove a link", "Which link?", names)
            if picked is None:
                return
            relation = mine[names.index(picked)]
        self.remove(relation)

    def remove(self, relation: Relation) -> bool:
        text = self._describe(relation)
        done = self.editor.call(
            "Cannot remove the link",
            lambda: self.store.delete_relation(relation.id, by=self.editor.analyst),
        )
        if not done:
            return False
        self.editor.history.record(f"Unlink {text}")
        self._stale()
        self.editor._saved()  # noqa: SLF001
        self.message.emit(f"Removed the link {text}")
        return True

    def _describe(self, relation: Relation) -> str:
        index = self.editor.index
        ends = [None if index is None else index.entry(i) for i in (relation.from_span,
                                                                     relation.to_span)]
        if ends[0] is None or ends[1] is None:
            return relation.type
        return describe_link("", ends[0].span, relation.type, ends[1].span).strip()

    # -- showing partners ------------------------------------------------------------

    def _stale(self) -> None:
        self._cache = None
        if self.linking:
            self._follow_changes()
        self.show_partners()
        self.changed.emit()

    def _follow_changes(self) -> None:
        """While linking, spans changed (in another window: keys here wait): go on
        with the source and candidates as they are now, or stop when the source or
        every candidate is gone."""
        index, source = self.editor.index, self.source
        assert source is not None
        now = index.entry(source.span.id) if index is not None else None
        kept = [e for e in (index.entry(c.span.id) for c in self.candidates) if e is not None] \
            if index is not None else []  # fmt: skip
        chosen = self.candidate
        if now is None or not kept:
            self.source, self.candidates, self.at = None, [], 0
            self.message.emit("Linking stopped: its spans were changed elsewhere")
            return
        self.source, self.candidates = now, kept
        ids = [e.span.id for e in kept]
        if chosen is not None and chosen.span.id in ids:
            self.at = ids.index(chosen.span.id)
        else:  # the chosen one is gone: the nearest left
            self.at = min(self.at, len(kept) - 1)
            self._select_candidate()

    def _forget(self) -> None:
        if self.linking:
            self.message.emit("Linking cancelled")
        self.source, self.candidates, self.at = None, [], 0
        self._stale()

    def show_partners(self) -> None:
        """Underline the partners of the span at the caret; candidates while linking."""
        index = self.editor.index
        chosen: list[tuple[Entry, str]] = []
        self.focus = None
        if index is not None:
            if self.linking:  # as the index has them now (another document's: none)
                fresh = (index.entry(e.span.id) for e in self.candidates)
                chosen = [(e, "candidate") for e in fresh if e is not None]
            else:
                here = index.at(self.view.caret())
                # The analyst's own span first: another layer's twin there has no links.
                here.sort(key=lambda e: e.span.annotator != self.editor.analyst)
                current = self.editor._current_entry()  # noqa: SLF001
                entry = self.focus = current or (here[0] if here else None)
                if entry is not None:
                    for span_id in self.partners(entry.span.id):
                        partner = index.entry(span_id)
                        if partner is not None:
                            chosen.append((partner, "partner"))
        selections = []
        for entry, kind in chosen:
            fmt = QTextCharFormat()
            fmt.setFontUnderline(True)
            fmt.setUnderlineStyle(
                QTextCharFormat.UnderlineStyle.DashUnderline if kind == "candidate"
                else QTextCharFormat.UnderlineStyle.SingleUnderline
            )  # fmt: skip
            colour = self.editor.store.schema.label(entry.span.label)
            fmt.setUnderlineColor(QColor(colour.color if colour else "#000000").darker(160))
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(entry.start)
            cursor.setPosition(entry.end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor, selection.format = cursor, fmt
            selections.append(selection)
        self.view.setExtraSelections(selections)
        self.highlighted = [e.span.id for e, _ in chosen]
        self.partners_shown.emit()

    # -- keys and clicks while linking --------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not self.linking:
            return False
        kind = event.type()
        if watched is self.view and kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            assert isinstance(event, QKeyEvent)
            if event.key() not in _LINK_KEYS:
                return False
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # the key comes here, not to Tab's or Enter's action
                return True
            key = event.key()
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if key == Qt.Key.Key_Escape:
                self.cancel()
            elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.confirm()
            else:
                self.cycle(-1 if shift or key == Qt.Key.Key_Backtab else 1)
            return True
        if watched is self.view.viewport() and kind == QEvent.Type.MouseButtonPress:
            assert isinstance(event, QMouseEvent)
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            pos = self.view.cursorForPosition(event.position().toPoint()).position()
            ids = {e.span.id for e in self.candidates}
            index = self.editor.index
            hits = [e for e in (index.at(pos) if index is not None else []) if e.span.id in ids]
            if hits:
                self.confirm(hits[0])
            else:
                self.message.emit("Click one of the underlined spans, or press Esc")
            return True
        return False


def describe_link(verb: str, source: Span, rel_type: str, target: Span) -> str:
    return (
        f"{verb} {source.label} “{short_text(source.text, 30)}” {rel_type}"
        f" {target.label} “{short_text(target.text, 30)}”"
    )
