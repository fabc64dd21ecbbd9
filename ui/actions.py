"""The window's actions and menus, declared in one registry rather than in the window.

Each action is declared once (name, text, shortcuts, which widgets it listens
in) and bound to a method of the part that does the work; the menus are a
list of action names.  The shortcut sheet (``shortcut_sheet.py``) reads the
same registry, so what it lists is what the keys do.

Label actions come from the schema: its key tags (a digit key with Shift still
held too, as after Shift+arrows), Alt+key tags the exact
selection, Ctrl+Shift+key tags every search match.  Text fields (search box,
filters, analyst box) keep their own typing: Qt lets a focused line edit
override plain-key shortcuts.  An action with a ``scope`` listens only while
one of those widgets has focus: Delete removes a span in the article or the
span table, and a document in the document list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMenuBar, QWidget

from annotator.model import Schema

from .relations import SETTINGS_KEY as RELATION_SETTING
from .relations import relation_key

if TYPE_CHECKING:
    from .main_window import MainWindow

# Where a scoped action listens, for the shortcut sheet.
SCOPE_NAMES = {"view": "article", "spans": "span table", "documents": "document list",
               "layers": "layers panel"}  # fmt: skip


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcuts: tuple[str, ...]
    handler: Callable[[], object]
    scope: tuple[str, ...] = ()  # widget names (see SCOPE_NAMES); () is the whole window
    checkable: bool = False
    group: str = ""  # checkable actions of one group exclude each other

    @property
    def where(self) -> str:
        return " or ".join(SCOPE_NAMES.get(s, s) for s in self.scope) if self.scope else "anywhere"


def action_specs(schema: Schema, w: MainWindow) -> list[ActionSpec]:
    """Every action of the window on the parts of ``w``, in menu order."""
    editor, search, docs, layers, view = w.editor, w.search, w.documents, w.layers, w.appearance
    A = ActionSpec  # noqa: N806
    # N edits a note, unless the schema gave N to a label: a label key always wins.
    note_key = "Ctrl+Alt+N" if any(lb.key.upper() == "N" for lb in schema.labels) else "N"
    # R links a claim, unless configured otherwise; never a label key (see relations.py).
    link_key = relation_key(schema, w.prefs.settings.value(RELATION_SETTING))
    specs = [
        A("new_database", "&New database…", ("Ctrl+Shift+N",), w.files.new_database),
        A("open_database", "&Open database…", ("Ctrl+O",), w.files.open_database),
        A("import_files", "&Import documents…", ("Ctrl+I",), w.transfer.import_files),
        A("import_folder", "Import a &folder…", ("Ctrl+Shift+I",), w.transfer.import_folder),
        A("export", "&Export…", ("Ctrl+E",), w.transfer.export),
        A("replace_text", "Re&place text…", (),
          lambda: w.orphans_panel.ask_replace_text(w.dialogs, editor.jobs)),  # fmt: skip
        A("quit", "&Quit", ("Ctrl+Q",), w.close),
        A("undo", "&Undo", ("Ctrl+Z",), editor.undo),
        A("redo", "&Redo", ("Ctrl+Shift+Z", "Ctrl+Y"), editor.redo),
        A("find", "&Find…", ("Ctrl+F",), w.focus_search),
        A("find_next", "Find &next", ("Return", "Enter", "F3"), search.find, ("view",)),
        A("find_previous", "Find &previous", ("Shift+Return", "Shift+Enter", "Shift+F3"),
          lambda: search.find(backwards=True), ("view",)),  # fmt: skip
        A("search_corpus", "Search &all articles…", ("Ctrl+Shift+F",), partial(_search, w)),
        A("suggest", "Su&ggest dates, citations and actors", ("Ctrl+Shift+G",),
          partial(_suggest, w)),  # fmt: skip
        A("overview", "Corpus &overview…", ("F9",), partial(_overview, w)),
        A("claims", "&Claims panel", ("Ctrl+Shift+C",), partial(_claims, w)),
        A("next_span", "Ne&xt span", ("Tab",), editor.select_next, ("view",)),
        A("previous_span", "Pre&vious span", ("Shift+Tab", "Shift+Backtab", "Backtab"),
          lambda: editor.select_next(backwards=True), ("view",)),  # fmt: skip
        A("delete_span", "&Delete span at caret", ("Delete",), editor.delete, ("view", "spans")),
        A("edit_note", "Edit &note…", (note_key,), editor.edit_note_at_caret, ("view", "spans")),
        # F2 edits the chosen row in a table; in the article and the list it renames.
        A("edit_note_f2", "Edit the note of the chosen span", ("F2",), editor.edit_note_at_caret,
          ("spans",)),  # fmt: skip
        A("link", "&Link to actor, date or source…", (link_key,), w.relations.start, ("view",)),
        A("unlink", "Remove a lin&k…", ("Ctrl+Delete",), w.relations.delete_at_caret,
          ("view",)),  # fmt: skip
        A("end_right", "Move span end one word right", ("Alt+Shift+Right",),
          partial(editor.move_edge, "end", 1)),  # fmt: skip
        A("end_left", "Move span end one word left", ("Alt+Shift+Left",),
          partial(editor.move_edge, "end", -1)),  # fmt: skip
        A("start_left", "Move span start one word left", ("Ctrl+Alt+Left",),
          partial(editor.move_edge, "start", -1)),  # fmt: skip
        A("start_right", "Move span start one word right", ("Ctrl+Alt+Right",),
          partial(editor.move_edge, "start", 1)),  # fmt: skip
        A("next_unfinished", "&Next unfinished document", ("Ctrl+J",), docs.next_unfinished),
        A("mark_done", "Mark &done", ("Ctrl+D",), docs.toggle_done, checkable=True),
        A("rename_document", "&Rename document…", ("F2",), docs.rename, ("view", "documents")),
        A("delete_document", "De&lete document…", ("Delete",), docs.delete, ("documents",)),
        A("filter_documents", "&Filter documents", ("Ctrl+L",), docs.focus_filter),
        A("edit_layer", "&Edit this layer", ("Ctrl+Shift+E",), layers.toggle_editable,
          checkable=True),  # fmt: skip
        A("review", "&Review two analysts…", ("Ctrl+R",), w.show_review),
        A("zoom_in", "Zoom &in", ("Ctrl+=", "Ctrl++"), view.zoom_in),
        A("zoom_out", "Zoom &out", ("Ctrl+-",), view.zoom_out),
        A("zoom_reset", "&Reset zoom", ("Ctrl+0",), view.zoom_reset),
        A("theme_light", "&Light theme", (), partial(view.set_theme, "light"), checkable=True,
          group="theme"),  # fmt: skip
        A("theme_dark", "&Dark theme", (), partial(view.set_theme, "dark"), checkable=True,
          group="theme"),  # fmt: skip
        A("all_relations", "Show &all relations", (), w.relation_margin.toggle_all,
          checkable=True),  # fmt: skip
        A("shortcuts", "&Keyboard shortcuts", ("F1", "?", "Shift+?"), w.show_shortcuts),
    ]
    # Ctrl+n: the n-th value of the first enum attribute of the span at the caret.
    choices = max((len(spec.get("values", [])) for label in schema.labels
                   for spec in label.attributes.values() if spec.get("type") == "enum"),
                  default=0)  # fmt: skip
    specs += [
        A(f"attr_value_{n}", f"Set the span's first choice attribute to value {n}",
          (f"Ctrl+{n}",), partial(w.attributes_form.choose_value, n), ("view", "spans"))
        for n in range(1, min(choices, 9) + 1)
    ]  # fmt: skip
    for label in schema.labels:
        name, key = label.name, label.key
        # Shift still held from Shift+arrows: on most layouts Shift+2 is "@", no "2".
        keys = (key, f"Shift+{key}") if key.isdigit() else (key,)
        specs += [
            A(f"tag_{name}", f"Tag as {name}", keys, partial(editor.tag, name)),
            A(f"tag_exact_{name}", f"Tag exact selection as {name}", (f"Alt+{key}",),
              partial(editor.tag, name, exact=True)),  # fmt: skip
            A(f"tag_all_{name}", f"Tag all matches as {name}", (f"Ctrl+Shift+{key}",),
              partial(search.tag_all, name)),  # fmt: skip
        ]
    return specs


# Menus: action names, None for a separator, "@name" for a submenu or a list made elsewhere.
MENUS: tuple[tuple[str, tuple[str | None, ...]], ...] = (
    ("&File", ("new_database", "open_database", "@recent", None, "import_files",
               "import_folder", "export", "replace_text", None, "quit")),
    ("&Edit", ("undo", "redo", None, "find", "find_next", "find_previous", "search_corpus",
               None, "next_span",
               "previous_span", "delete_span", "edit_note", None, "link", "unlink", None,
               "end_right", "end_left", "start_left", "start_right")),
    ("&Tag", ("@tag", None, "@tag_exact", None, "@attr_values", None, "suggest")),
    ("&Documents", ("next_unfinished", "mark_done", None, "rename_document", "delete_document",
                    None, "filter_documents", None, "overview", "claims")),
    ("&Layers", ("edit_layer",)),
    ("&Review", ("review",)),
    ("&View", ("zoom_in", "zoom_out", "zoom_reset", None, "theme_light", "theme_dark", None,
               "all_relations")),
    ("&Help", ("shortcuts",)),
)  # fmt: skip


def build_actions(
    window: QWidget, widgets: Mapping[str, QWidget], specs: Sequence[ActionSpec]
) -> dict[str, QAction]:
    """QActions for ``specs``: window-wide ones on ``window``, scoped ones on their widgets."""
    actions: dict[str, QAction] = {}
    groups: dict[str, QActionGroup] = {}
    for spec in specs:
        owners = [widgets[name] for name in spec.scope] or [window]
        action = QAction(spec.text, owners[0])
        action.setObjectName(f"action_{spec.name}")
        action.setShortcuts([QKeySequence(s) for s in spec.shortcuts])
        action.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut if spec.scope else Qt.ShortcutContext.WindowShortcut
        )
        action.setCheckable(spec.checkable)
        if spec.group:
            group = groups.get(spec.group)
            if group is None:
                group = groups[spec.group] = QActionGroup(window)
                group.setExclusive(True)
            group.addAction(action)
        action.triggered.connect(lambda _=False, run=spec.handler: _fresh(window, run))
        for owner in owners:
            owner.addAction(action)
        actions[spec.name] = action
    return actions


def _fresh(window: QWidget, run: Callable[[], object]) -> None:
    """Run an action after clearing the status bar's passing message: it was
    about the key before ("Select text first"), and a key that succeeds says
    nothing, so the old message would seem to be about this one."""
    if isinstance(window, QMainWindow):
        window.statusBar().clearMessage()
    run()


def build_menus(bar: QMenuBar, actions: Mapping[str, QAction], schema: Schema,
                submenus: Mapping[str, QMenu]) -> None:  # fmt: skip
    """The menu bar from ``MENUS``; ``submenus`` fills the "@name" places."""
    lists = {
        "@tag": [f"tag_{label.name}" for label in schema.labels],
        "@tag_exact": [f"tag_exact_{label.name}" for label in schema.labels],
        "@attr_values": [name for name in actions if name.startswith("attr_value_")],
    }
    for title, entries in MENUS:
        menu = bar.addMenu(title)
        for entry in entries:
            if entry is None:
                menu.addSeparator()
            elif entry in submenus:
                menu.addMenu(submenus[entry])
            elif entry in lists:
                menu.addActions([actions[name] for name in lists[entry]])
            else:
                menu.addAction(actions[entry])


def _search(window: MainWindow) -> None:
    from .search_panel import show_search  # the panels load on first use

    show_search(window)


def _overview(window: MainWindow) -> None:
    from .overview_panel import show_overview

    show_overview(window)


def _claims(window: MainWindow) -> None:
    from .claims_panel import show_claims

    show_claims(window)


def _suggest(window: MainWindow) -> None:
    from .suggestions import install_suggestions  # one controller per window

    install_suggestions(window).suggest()
