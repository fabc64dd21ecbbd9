"""A small form under the span table for the chosen span's attributes (issue 9).

It shows the attributes the schema declares for the label of the span chosen
(with Tab, the table, a tag) or under the caret: a combo box for an enum (the
empty entry unsets it), a three-state check box for a boolean (grey: unset),
a line edit for a string or a date (stored when Enter is pressed or focus
leaves; an empty field unsets it; Esc puts the stored value back and returns
to the article).  Every change is one ``update_span``: one
undo step in the window's stack and the history.  A value the core refuses
(``annotator.attributes``) is not stored: its message is shown in the form and
through the dialog service, and the field goes back to the stored value.
Another analyst's span, unless its layer is editable, is shown read-only.

What is typed and not stored yet outlives a refresh of the span (another
process committed, ``live_refresh.py``): the other fields follow the Store, the
typed one keeps its text and the focus.  If the span itself changed elsewhere,
the status bar says so: the same attribute set elsewhere (Enter stores the
typed value over it, Esc shows the stored one), or the span deleted or
relabelled (the typed value cannot be stored and is dropped, with its text in
the message).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from annotator.attributes import check_attributes
from annotator.errors import InvalidSpanError, NotFoundError
from annotator.model import Span

from .commands import short_text
from .editor import Editor, read_only

UNSET = object()


class AttributesForm(QWidget):
    def __init__(self, editor: Editor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attributesForm")
        self.editor = editor
        self.schema = editor.store.schema
        self.span: Span | None = None
        self.fields: dict[str, QWidget] = {}
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(4, 2, 4, 2)
        self.title = self.error = QLabel()  # made by show_span
        self._loading = False
        self._refused: str | None = None  # the field whose value was refused last
        editor.current_changed.connect(self.show_span)
        editor.view.cursorPositionChanged.connect(self._caret_moved)
        editor.span_changed.connect(self._span_changed)
        editor.span_removed.connect(lambda span: self._gone(span.id))
        editor.spans_reset.connect(lambda _spans: self._reload())
        editor.closed.connect(lambda: self.show_span(None))
        editor.opened.connect(lambda *_: self._opened())
        editor.editable_changed.connect(self._reload)
        editor.analyst_changed.connect(lambda _name: self._reload())  # another's: read-only now
        self.show_span(None)

    # -- which span ----------------------------------------------------------------------

    def _caret_moved(self) -> None:
        index = self.editor.index
        if index is None or self.typed():  # a caret moved by a reload, under typing
            return
        current = self.editor._current_entry()  # noqa: SLF001 (the span chosen with Tab)
        here = [current] if current is not None else index.at(self.editor.view.caret())
        mine = [e for e in here if e.span.annotator == self.editor.analyst]
        found = mine or here
        span = found[0].span if found else None
        if (span.id if span else None) != (self.span.id if self.span else None):
            self.show_span(span)

    def _span_changed(self, old: Span, new: Span) -> None:
        if self.span is not None and old.id == self.span.id:
            self.show_span(new)

    def typed(self) -> dict[str, str]:
        """The line edits typed in and not stored yet: {attribute: text as typed}."""
        if self.span is None:
            return {}
        attributes = self.span.attributes
        return {name: widget.text() for name, widget in self.fields.items()
                if isinstance(widget, QLineEdit) and widget.isModified()
                and widget.text().strip() != _as_text(attributes.get(name))}  # fmt: skip

    def _fill(self, span: Span, typed: dict[str, str] | None = None) -> None:
        """Put ``span``'s values in the fields (same label): no widget is remade.
        A field in ``typed`` keeps its text (the analyst is typing there).

        Used while a field's own signal runs, where deleting it would crash.
        """
        typed = typed or {}
        before, self.span = self.span, span
        self._loading = True
        if self.fields:
            self.title.setText(f"{span.label} “{short_text(span.text, 30)}”")
        for name, widget in self.fields.items():
            value = span.attributes.get(name, UNSET)
            if name in typed and isinstance(widget, QLineEdit):
                self._keep(widget, typed[name], before, name, value)
                continue
            if isinstance(widget, QComboBox):
                widget.setCurrentText(value if isinstance(value, str) else "")
            elif isinstance(widget, QCheckBox):
                widget.setCheckState(
                    Qt.CheckState.PartiallyChecked if type(value) is not bool
                    else Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
                )  # fmt: skip
            elif isinstance(widget, QLineEdit):
                widget.setText(value if isinstance(value, str) else "")
        editable = self.editor.can_edit(span.annotator)  # the analyst may have changed
        for widget in self.fields.values():
            widget.setEnabled(editable)
        if not typed:
            self.error.setText("")
        self._loading = False

    def _keep(self, edit: QLineEdit, text: str, before: Span | None, name: str,
              value: Any) -> None:  # fmt: skip
        """``edit`` keeps ``text``, typed over ``before``'s value; if the value was
        changed elsewhere meanwhile, the status bar says so."""
        stored = _as_text(value)
        if text.strip() == stored:  # the same as typed: nothing is pending any more
            edit.setText(stored)
            return
        if before is None or _as_text(before.attributes.get(name)) == stored:
            return
        span = self.span
        assert span is not None
        now = f"set to {stored}" if stored else "unset"
        self.editor.message.emit(
            f"{span.label} “{short_text(span.text)}”: {name} was {now} elsewhere;"
            f" Enter stores {text.strip()} over it, Esc shows it"
        )

    def _abandon(self, name: str) -> None:
        """Esc in a field: the stored value again, and the keys back to the article."""
        widget = self.fields.get(name)
        if isinstance(widget, QLineEdit) and self.span is not None:
            self._loading = True
            widget.setText(_as_text(self.span.attributes.get(name)))  # not modified now
            self.error.setText("")
            self._loading = False
        self._to_article()

    def _to_article(self) -> None:
        self.editor.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _taken(self, name: str) -> None:
        """After Enter in field ``name``: back to the article unless its value was refused."""
        widget = self.fields.get(name)
        if widget is not None and widget.hasFocus() and self._refused != name:
            self._to_article()

    def _gone(self, span_id: str) -> None:
        if self.span is not None and self.span.id == span_id:
            self.show_span(None)

    def _reload(self) -> None:
        if self.span is None:
            return
        entry = self.editor.index.entry(self.span.id) if self.editor.index is not None else None
        self.show_span(entry.span if entry is not None else None)

    def _opened(self) -> None:
        """A document opened: the form starts empty, unless a value is being typed for a
        span of it (its text was replaced elsewhere and it was reopened): that goes on."""
        if self.typed():
            self._reload()
        else:
            self.show_span(None)

    def _dropped(self, old: Span, new: Span | None, typed: dict[str, str]) -> None:
        """Say that what was typed for ``old`` cannot be stored: it is gone or relabelled."""
        if new is not None and new.id == old.id:
            why = f"became a {new.label} elsewhere"
        else:
            try:
                self.editor.store.span(old.id)
            except (NotFoundError, InvalidSpanError):
                why = "was deleted elsewhere"
            else:
                why = "is no longer shown"
        values = ", ".join(f"{name} {text.strip()}" for name, text in typed.items())
        self.editor.message.emit(
            f"{old.label} “{short_text(old.text)}” {why}: {values} was not stored"
        )

    def show_span(self, span: Span | None) -> None:
        """Rebuild the fields for ``span``'s label and fill them from its attributes
        (the same span, label and fields: fill them, keeping what is being typed)."""
        typed = self.typed()
        if (span is not None and self.span is not None and span.id == self.span.id
                and span.label == self.span.label and self.fields):  # fmt: skip
            self._fill(span, typed)
            return
        focused = QApplication.focusWidget()
        typing = focused is not None and focused in self.fields.values()
        if typed and self.span is not None:
            self._dropped(self.span, span, typed)
        self._rebuild(span)
        if typing:  # the field under the analyst's fingers has gone: keys go to the article
            self._to_article()

    def _rebuild(self, span: Span | None) -> None:
        self.span = span
        self._loading = True
        while self.layout_.rowCount():
            self.layout_.removeRow(0)  # deletes the row's widgets (not title and error)
        self.title = QLabel(self)
        self.error = QLabel(self)
        self.error.setObjectName("attributesError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.fields = {}
        label = self.schema.label(span.label) if span is not None else None
        if span is None or label is None or not label.attributes:
            self.title.setText("Attributes: choose a span" if span is None
                               else f"{span.label} has no attributes")  # fmt: skip
            self.layout_.addRow(self.title)
            self._loading = False
            return
        self.title.setText(f"{span.label} “{short_text(span.text, 30)}”")
        self.layout_.addRow(self.title)
        editable = self.editor.can_edit(span.annotator)
        for name, spec in label.attributes.items():
            widget = self._field(name, spec, span.attributes.get(name, UNSET))
            widget.setEnabled(editable)
            widget.setToolTip(spec.get("description", ""))
            self.fields[name] = widget
            self.layout_.addRow(name, widget)
        self.layout_.addRow(self.error)
        for widget in (self.title, self.error, *self.fields.values()):
            widget.setVisible(self.isVisible())  # now, not on the next event loop pass
        self._loading = False

    def _field(self, name: str, spec: dict[str, Any], value: Any) -> QWidget:
        kind = spec.get("type")
        if kind == "enum":
            box = QComboBox(self)
            box.setObjectName(f"attr_{name}")
            box.addItems([""] + list(spec.get("values", [])))
            box.setCurrentText(value if isinstance(value, str) else "")
            box.currentTextChanged.connect(lambda text: self.store(name, text or UNSET))
            # A pick hands the keys back: a label key or N typed into the box would
            # choose another value by its first letter, and store it.
            box.activated.connect(lambda _i: self._to_article())
            return box
        if kind == "boolean":
            check = QCheckBox(self)
            check.setObjectName(f"attr_{name}")
            check.setTristate(True)
            check.setCheckState(
                Qt.CheckState.PartiallyChecked if type(value) is not bool
                else Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
            )  # fmt: skip
            check.stateChanged.connect(lambda _s: self._check_changed(name, check))
            check.clicked.connect(lambda _on: self._to_article())
            return check
        edit = QLineEdit(self)
        edit.setObjectName(f"attr_{name}")
        edit.setText(value if isinstance(value, str) else "")
        edit.setPlaceholderText("YYYY-MM-DD, YYYY-MM, YYYY or start/end" if kind == "date"
                                else "https://…" if name == "url" else "")  # fmt: skip
        edit.editingFinished.connect(lambda: self.store(name, edit.text().strip() or UNSET))
        # Enter stores (editingFinished) and, the value taken, hands the keys back to
        # the article: keys meant for it would go on typing here, stored on leaving.
        edit.returnPressed.connect(lambda: QTimer.singleShot(0, lambda: self._taken(name)))
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), edit)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape.activated.connect(lambda: self._abandon(name))
        return edit

    def _check_changed(self, name: str, check: QCheckBox) -> None:
        state = check.checkState()
        value = (UNSET if state == Qt.CheckState.PartiallyChecked
                 else state == Qt.CheckState.Checked)  # fmt: skip
        self.store(name, value)

    # -- storing -------------------------------------------------------------------------

    def choose_value(self, number: int) -> Span | None:
        """Ctrl+number: give the shown span's first enum attribute its ``number``-th value."""
        if self.editor.held():
            return None
        span = self.span
        label = self.schema.label(span.label) if span is not None else None
        enums = [(name, spec) for name, spec in (label.attributes if label else {}).items()
                 if spec.get("type") == "enum"]  # fmt: skip
        if span is None or label is None or not enums:
            self.editor.message.emit("Put the caret in a span with a choice attribute first")
            return None
        if not self.editor.can_edit(span.annotator):
            self.editor.message.emit(read_only(span.annotator))
            return None
        name, spec = enums[0]
        values = list(spec.get("values", []))
        if not 1 <= number <= len(values):
            self.editor.message.emit(
                f"{label.name} {name} has {len(values)} values: Ctrl+1 to Ctrl+{len(values)}"
            )
            return None
        return self.store(name, values[number - 1])

    def store(self, name: str, value: Any) -> Span | None:
        """Set (or with ``UNSET`` remove) one attribute of the span shown: one undo step."""
        span = self.span
        if self._loading or span is None:
            return None
        if not self.editor.can_edit(span.annotator):
            self.editor.message.emit(read_only(span.annotator))
            return None
        attributes = dict(span.attributes)
        if value is UNSET:
            if name not in attributes:
                return None
            del attributes[name]
        else:
            if attributes.get(name, UNSET) == value and type(attributes[name]) is type(value):
                return None
            attributes[name] = value
        try:
            check_attributes(self.schema.label(span.label), {name: attributes.get(name)}
                             if name in attributes else {}, strict=True)  # fmt: skip
        except InvalidSpanError as exc:
            self._refuse(str(exc), name)
            return None
        self._refused = None
        new = self.editor.call(
            "Cannot set the attribute",
            lambda: self.editor.store.update_span(
                span.id, attributes=attributes, by=self.editor.analyst
            ),
        )
        if new is None:
            self._fill(span)
            return None
        widget = self.fields.get(name)
        if isinstance(widget, QLineEdit):
            widget.setModified(False)  # stored: the field shows the Store's value now
        self.editor._changed(span, new)  # noqa: SLF001 (index, table, counts follow)
        shown = "unset" if value is UNSET else value
        self.editor.history.record(
            f"Set {name} of {span.label} “{short_text(span.text)}” to {shown}"
        )
        self.editor._saved()  # noqa: SLF001
        self.editor.message.emit(f"{span.label} {name}: {shown}")
        return new  # type: ignore[no-any-return]

    def _refuse(self, message: str, name: str | None = None) -> None:
        self._refused = name
        self.editor.dialogs.error("Cannot set the attribute", message)
        if self.span is not None:
            self._fill(self.span)  # back to what is stored
        self.error.setText(message)


def _as_text(value: Any) -> str:
    """What a line edit shows for a stored value (unset, or not a string: empty)."""
    return value if isinstance(value, str) else ""
