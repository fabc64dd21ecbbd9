"""Zoom, themes, what the window remembers between starts, the shortcut sheet, accessibility.

Settings live in each test's own folder (conftest redirects ``app_settings()``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QDockWidget

from ui.appearance import THEMES, label_colours
from ui.highlighter import blend
from ui.shortcut_sheet import markdown

CTRL = Qt.KeyboardModifier.ControlModifier
LEFT, TOP = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.TopDockWidgetArea
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def docs(store):
    return [store.add_document(f"Article {n} about Kyiv talks.\n", title=f"Article {n}").id
            for n in range(1, 4)]  # fmt: skip


def font_size(window):
    return window.view.font().pointSizeF()


def test_zoom_keys(store, docs, make_window, analyst_at):
    alice = analyst_at(make_window(store, document_id=docs[0]))
    assert font_size(alice.window) == 12.5
    alice.press(Qt.Key.Key_Equal, CTRL)
    alice.press(Qt.Key.Key_Plus, CTRL)
    assert font_size(alice.window) == 14.5
    alice.press(Qt.Key.Key_Minus, CTRL)
    assert font_size(alice.window) == 13.5
    assert alice.window.statusBar().currentMessage() == "Zoom 108% (Ctrl+0 resets)"
    alice.press(Qt.Key.Key_0, CTRL)
    assert font_size(alice.window) == 12.5


def test_a_second_window_restores_zoom_size_splitters_and_document(
    store, docs, make_window, analyst_at, settings_dir
):
    first = analyst_at(make_window(store, document_id=docs[0]))
    first.press(Qt.Key.Key_Equal, CTRL)
    first.press(Qt.Key.Key_Equal, CTRL)
    first.window.open_document(docs[1])
    # The zoomed article asks for 50 characters of its font: the window's minimum
    # grows once Qt has handled the layout request (as it has before any resize by hand).
    QApplication.processEvents()
    first.window.resize(760, 560)  # no narrower than the article's minimum lets it be
    size = (first.window.width(), first.window.height())
    first.window.splitter.setSizes([180, 580])
    sizes = first.window.splitter.sizes()
    first.window.close()
    assert (settings_dir / "annotator" / "annotator.ini").is_file()

    second = make_window(store)  # no document asked for
    assert font_size(second) == 14.5
    assert (second.width(), second.height()) == size
    assert second.splitter.sizes() == sizes
    assert second.editor.document.id == docs[1]
    current = second.document_list.currentIndex()
    assert second.document_panel.proxy.document_id(current.row()) == docs[1]


def test_a_second_window_puts_the_docks_where_they_were_left(store, docs, make_window):
    from ui.claims_panel import show_claims
    from ui.docks import dock_of
    from ui.search_panel import show_search

    first = make_window(store, document_id=docs[0])
    first.addDockWidget(LEFT, dock_of(show_search(first)))
    first.addDockWidget(TOP, dock_of(show_claims(first)))
    first.span_dock.setFloating(True)
    first.close()

    second = make_window(store)
    assert second.span_dock.isFloating() and second.span_dock.isVisible()
    search = second.findChild(QDockWidget, "searchDock")
    assert second.dockWidgetArea(search) == LEFT
    assert search.isHidden()  # shown when asked for, not at every start
    assert second.orphans_dock.isHidden()  # shown while there are orphans
    claims = dock_of(show_claims(second))  # made only now, in its old place
    assert second.dockWidgetArea(claims) == TOP and claims.isVisible()


def test_switching_database_keeps_the_docks_where_they_are(store, docs, make_window, tmp_path):
    from annotator import open_store

    window = make_window(store, document_id=docs[0])
    window.addDockWidget(LEFT, window.span_dock)
    window.orphans_dock.setFloating(True)
    for name in ("other.db", "third.db"):  # File > Open, twice: the window owns these
        window.set_store(open_store(tmp_path / name))
        QApplication.processEvents()
        assert window.span_dock.isVisible()  # the span table, always there
        assert window.dockWidgetArea(window.span_dock) == LEFT
        assert window.orphans_dock.isFloating() and window.orphans_dock.isHidden()


def test_a_dock_layout_that_cannot_be_read_leaves_the_docks_where_they_start(
    store, docs, make_window
):
    from ui.settings import app_settings

    settings = app_settings()
    settings.setValue("window/docks", QByteArray(b"not a saved state"))
    settings.sync()
    window = make_window(store, document_id=docs[0])
    assert not window.span_dock.isFloating()
    assert window.dockWidgetArea(window.span_dock) == Qt.DockWidgetArea.RightDockWidgetArea


def test_the_window_takes_settings_from_the_object_it_is_given(store, docs, qtbot, dialogs,
                                                               tmp_path):  # fmt: skip
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "own.ini"), QSettings.Format.IniFormat)
    settings.setValue("view/font_size", 16.0)
    window = MainWindow(store, analyst="alice", dialogs=dialogs, settings=settings)
    qtbot.addWidget(window)
    assert font_size(window) == 16.0


def test_dark_theme_is_applied_and_remembered(store, docs, make_window):
    window = make_window(store, document_id=docs[0])
    store.add_span(docs[0], 22, 26, "ACTOR", annotator="alice")  # "Kyiv"
    window.editor.reload()
    window.action_map["theme_dark"].trigger()
    assert window.view.palette().color(QPalette.ColorRole.Base) == QColor("#1e1f22")
    assert window.palette().color(QPalette.ColorRole.Window) == QColor("#2b2d30")
    (painted,) = window.view.document().firstBlock().layout().formats()
    dark = THEMES["dark"]
    actor = label_colours({"ACTOR": "#56B4E9"}, dark)["ACTOR"]
    assert painted.format.background().color() == blend(QColor(dark.paper), actor, 0.34)
    window.close()
    again = make_window(store)
    assert again.action_map["theme_dark"].isChecked()
    assert again.view.palette().color(QPalette.ColorRole.Base) == QColor("#1e1f22")


def test_the_label_buttons_follow_a_theme_chosen_while_the_window_is_open(
    store, docs, make_window, qtbot
):
    """Buttons with a style sheet of their own kept the light theme's near-black
    text on the dark window (a contrast of about 1.2 to 1)."""
    window = make_window(store, document_id=docs[0])
    window.show()
    button = window.palette_bar.button("ACTOR")
    for theme in ("dark", "light", "dark"):
        window.action_map[f"theme_{theme}"].trigger()
        qtbot.waitUntil(lambda: button.palette().buttonText().color()
                        == window.palette().buttonText().color())  # fmt: skip
    assert button.palette().buttonText().color().lightness() > 180  # light text on dark


def test_the_dark_theme_reaches_the_windows_of_the_window(store, docs, make_window, qtbot):
    """The review (its panes paint on the theme's paper), the overview and any
    later window take the theme, and the light one again after."""
    # "Article 1 about Kyiv talks.": "Kyiv" is [17, 21) for both analysts.
    for who in ("alice", "bob"):
        store.add_span(docs[0], 17, 21, "ACTOR", annotator=who)
    window = make_window(store, document_id=docs[0])
    window.action_map["theme_dark"].trigger()
    review = window.show_review(docs[0])
    qtbot.waitUntil(lambda: review.left.toPlainText() != "")
    dark = THEMES["dark"]
    assert review.left.palette().color(QPalette.ColorRole.Base) == QColor(dark.paper)
    assert review.palette().color(QPalette.ColorRole.Window) == QColor(dark.window)
    assert review.chart.palette().color(QPalette.ColorRole.Base) == QColor(dark.base)
    (kyiv,) = review.left.document().firstBlock().layout().formats()
    assert (kyiv.start, kyiv.length) == (17, 4)
    assert kyiv.format.background().color().lightness() < 100  # a tint of the dark paper
    window.action_map["theme_light"].trigger()
    light = THEMES["light"]
    assert review.left.palette().color(QPalette.ColorRole.Base) == QColor(light.paper)
    qtbot.waitUntil(  # the application's palette reaches its windows through events
        lambda: review.palette().color(QPalette.ColorRole.Window) == QColor(light.window))
    (kyiv,) = review.left.document().firstBlock().layout().formats()
    assert kyiv.format.background().color().lightness() > 180  # of the light paper
    review.close()


def _luminance(colour):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) \
        + 0.0722 * channel(colour.blue())  # fmt: skip


def contrast(a, b):
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_on_every_label_tint_stays_readable(store, theme):
    spec = THEMES[theme]
    colours = label_colours({label.name: label.color for label in store.schema.labels}, spec)
    ink, paper = QColor(spec.ink), QColor(spec.paper)
    own_alpha, _, nested_alpha = spec.alphas
    for outer in colours.values():
        own = blend(paper, outer, own_alpha)
        assert contrast(ink, own) >= 4.5
        for inner in colours.values():  # a DATE inside a CLAIM, and so on
            for innermost in colours.values():
                nested = blend(own, inner, nested_alpha)
                assert contrast(ink, nested) >= 4.5
                assert contrast(ink, blend(nested, innermost, nested_alpha)) >= 4.5


def test_shortcut_sheet_lists_the_real_bindings(store, docs, make_window, analyst_at):
    alice = analyst_at(make_window(store, document_id=docs[0]))
    window = alice.window
    alice.press(Qt.Key.Key_F1)
    sheet = window.sheet
    assert sheet is not None and sheet.isVisible()
    rows = sheet.rows()
    assert rows == window.bindings()
    by_action = {row.action: row.keys for row in rows}
    for spec in window.action_specs:  # every action with keys, as Qt holds them
        keys = window.action_map[spec.name].shortcuts()
        text = window.action_map[spec.name].text().replace("&", "").removesuffix("…")
        if keys:
            assert by_action[text] == ", ".join(k.toString() for k in keys)
    for label in store.schema.labels:  # the label keys come from the schema
        assert by_action[f"Tag as {label.name}"] == f"{label.key}, Shift+{label.key}"
        assert by_action[f"Tag exact selection as {label.name}"] == f"Alt+{label.key}"
    assert by_action["Next unfinished document"] == "Ctrl+J"
    assert by_action["Mark done"] == "Ctrl+D"
    assert by_action["Move span end one word right"] == "Alt+Shift+Right"
    assert by_action["Keyboard shortcuts"] == "F1, ?, Shift+?"
    sheet.close()
    alice.press(Qt.Key.Key_Question)
    assert window.sheet.isVisible()


def test_the_readme_keys_table_is_the_registry(store, docs, make_window):
    window = make_window(store)
    text = markdown(window.bindings())
    assert text.startswith("| Keys | Action | Menu | Where |\n|---|---|---|---|\n")
    assert "| `Ctrl+J` | Next unfinished document | Documents | anywhere |" in text
    assert "| `Del` | Delete document | Documents | document list |" in text
    assert (ROOT / "ui" / "shortcuts.md").read_text(encoding="utf-8") == text, (
        "ui/shortcuts.md is stale: run  python -m ui.shortcut_sheet --out ui/shortcuts.md"
    )


def test_shortcut_sheet_command_prints_the_markdown(store, make_window, tmp_path):
    window = make_window(store)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "ui.shortcut_sheet", "--markdown"],
        capture_output=True, text=True, timeout=60, env=env, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == markdown(window.bindings())
    assert not (tmp_path / "annotator").exists()  # it used its own settings


def test_main_widgets_have_accessible_names(store, docs, make_window):
    window = make_window(store, document_id=docs[0])
    names = {
        widget.objectName(): widget.accessibleName()
        for widget in (window.view, window.document_list, window.span_table, window.palette_bar,
                       window.search_box, window.layers_panel, window.analyst_box,
                       window.document_panel.filter_box, window.span_panel.label_box,
                       window.span_panel.text_box)
    }  # fmt: skip
    assert names == {
        "documentView": "Article",
        "documentList": "Documents",
        "spanTable": "Spans of the open document",
        "labelPalette": "Labels: click one to tag the selection",
        "searchBox": "Search the article",
        "layersPanel": "Layers: analysts' spans, shown or hidden",
        "analystBox": "Analyst",
        "documentFilter": "Filter documents by title",
        "spanLabelFilter": "Show spans of one label",
        "spanFilter": "Filter spans by text or note",
    }


def test_key_sequences_survive_a_round_trip():
    # The sheet prints PortableText; each must parse back to the same binding.
    for text in ("Ctrl+=", "Alt+Shift+Right", "Ctrl+Alt+Left", "Shift+?", "F1"):
        assert QKeySequence(text).toString() == text
