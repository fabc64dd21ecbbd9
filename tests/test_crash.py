"""A window killed with SIGKILL right after a key press has lost nothing.

A real subprocess opens the window on a database file, tags 25 spans with real
key presses on ``documentView`` and kills itself (SIGKILL: no exit handler, no
flush, no checkpoint) the moment the 25th key press returns.  The file is then
reopened: all 25 spans are there at the right offsets, SQLite finds it intact,
and the undo history still works (undo removes exactly the 25th span).

The article mixes astral characters, a ZWJ emoji sequence, a combining accent and
CJK, so Qt's UTF-16 positions and the stored code points differ.  Offsets counted
by hand (``u16`` is what Qt's cursor uses):

    🇺🇦 = cp 0-1 (u16 0-3)        Kyiv 3-7 (5-9)           3 May 9-14 (11-16)
    Mayor 16-21 (18-23)           𝔘lana 22-27 (24-30)      Ruiz 28-32 (31-35)
    said 33-37 (36-40)            cafe+U+0301 42-47 (45-50) reopens 48-55 (51-58)
    Monday 59-65 (62-68)          citing 67-73 (70-76)     Daily 78-83 (81-86)
    Ledger 84-90 (87-93)          李明 93-95 (96-98)        reported 96-104 (99-107)
    👨🏻‍🚒 = cp 105-109 (u16 108-115: three astral characters and a ZWJ)
    crews 110-115 (116-121)       Zoë 120-123 (126-129)    Bakker 124-130 (130-136)
    confirmed 131-140 (137-146)   late 144-148 (150-154)   Tuesday 152-159 (158-165)
    4 May 161-166 (167-172)

From 𝔘 on, UTF-16 runs 3 units ahead of code points (🇺🇦 2, 𝔘 1); from the
firefighter emoji on, 6 ahead (its three astral characters add 3 more).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

from annotator import open_store

TEXT = (
    "🇺🇦 Kyiv, 3 May: Mayor 𝔘lana Ruiz said the cafe\u0301 reopens on Monday, citing the"
    " Daily Ledger.\n"
    "\n"
    "李明 reported 👨🏻\u200d🚒 crews and Zoë Bakker confirmed it late on Tuesday, 4 May.\n"
)
LABEL_OF_KEY = {"1": "CLAIM", "2": "ACTOR", "3": "DATE", "4": "CITATION"}  # default schema

# (Qt selection start, end in UTF-16 units, key) -> (start, end in code points, quote).
# Some selections are made backwards (anchor after the caret), as Shift+Left would.
PRESSES = [
    ((5, 9), "2", (3, 7), "Kyiv"),
    ((16, 11), "3", (9, 14), "3 May"),
    ((18, 23), "1", (16, 21), "Mayor"),
    ((24, 30), "2", (22, 27), "𝔘lana"),
    ((31, 35), "2", (28, 32), "Ruiz"),
    ((18, 35), "2", (16, 32), "Mayor 𝔘lana Ruiz"),
    ((40, 36), "1", (33, 37), "said"),
    ((45, 50), "4", (42, 47), "cafe\u0301"),
    ((51, 58), "1", (48, 55), "reopens"),
    ((62, 68), "3", (59, 65), "Monday"),
    ((70, 76), "1", (67, 73), "citing"),
    ((81, 86), "4", (78, 83), "Daily"),
    ((87, 93), "4", (84, 90), "Ledger"),
    ((81, 93), "4", (78, 90), "Daily Ledger"),
    ((96, 98), "2", (93, 95), "李明"),
    ((107, 99), "1", (96, 104), "reported"),
    ((116, 121), "2", (110, 115), "crews"),
    ((126, 129), "2", (120, 123), "Zoë"),
    ((130, 136), "2", (124, 130), "Bakker"),
    ((126, 136), "2", (120, 130), "Zoë Bakker"),
    ((137, 146), "1", (131, 140), "confirmed"),
    ((150, 154), "3", (144, 148), "late"),
    ((158, 165), "3", (152, 159), "Tuesday"),
    ((172, 167), "3", (161, 166), "4 May"),
    ((158, 172), "3", (152, 166), "Tuesday, 4 May"),
]

WINDOW = textwrap.dedent("""
    import json, os, signal, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QPlainTextEdit
    from annotator import open_store
    from ui.dialogs import ScriptedDialogs
    from ui.main_window import MainWindow

    db, doc_id, presses = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
    app = QApplication([])
    store = open_store(db)
    dialogs = ScriptedDialogs()
    window = MainWindow(store, analyst="alice", dialogs=dialogs)
    window.open_document(doc_id)
    window.show()
    window.activateWindow()
    deadline = time.monotonic() + 30
    while not window.isActiveWindow():  # label shortcuts fire only in the active window
        if time.monotonic() > deadline:
            sys.exit("the window never became active")
        app.processEvents()
    view = window.findChild(QPlainTextEdit, "documentView")
    view.setFocus()
    app.processEvents()
    keys = {"1": Qt.Key.Key_1, "2": Qt.Key.Key_2, "3": Qt.Key.Key_3, "4": Qt.Key.Key_4}
    for n, (anchor, position, key) in enumerate(presses, 1):
        cursor = view.textCursor()
        cursor.setPosition(anchor)
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        QTest.keyClick(view, keys[key])
        if n == len(presses):
            os.kill(os.getpid(), signal.SIGKILL)  # right after the last key press returns
        if dialogs.errors:
            sys.exit(f"press {n}: {dialogs.errors}")
    sys.exit("not reached: the process should have been killed")
""")


def test_hand_counted_offsets_are_right() -> None:
    """The table above, checked against Python's own slicing and UTF-16 encoder."""
    units = TEXT.encode("utf-16-le")
    for (anchor, position), _key, (start, end), quote in PRESSES:
        assert TEXT[start:end] == quote
        low, high = sorted((anchor, position))
        assert units[2 * low : 2 * high].decode("utf-16-le") == quote
    assert len({(cp, key) for _, key, cp, _ in PRESSES}) == len(PRESSES) == 25


def test_sigkill_after_the_last_key_press_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    with open_store(db) as store:
        doc_id = store.add_document(TEXT, title="Kyiv briefing").id
    presses = [[anchor, position, key] for (anchor, position), key, _, _ in PRESSES]
    # Offscreen, and the window's remembered settings in this test's own folder.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", WINDOW, str(db), str(doc_id), json.dumps(presses)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, proc.stdout, proc.stderr)
    # Killed with its write-ahead log in place: nothing was checkpointed on the way out.
    assert (tmp_path / "crash.db-wal").exists()

    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            'SELECT start, "end", label, text, annotator FROM spans ORDER BY created_at, rowid'
        ).fetchall()
    expected = [(s, e, LABEL_OF_KEY[key], quote, "alice") for _, key, (s, e), quote in PRESSES]
    assert rows == expected

    with open_store(db) as store:
        assert store.check() == []
        # The history lists the 25 tags, newest first, and undo takes back the last one.
        tags = [h for h in store.history(document_id=doc_id) if h.action == "add_span"]
        assert len(tags) == 25
        last = store.spans(doc_id, annotator="alice")
        assert len(last) == 25
        entry = store.undo("alice")
        assert entry is not None and entry.action == "add_span"
        assert entry.target == tags[0].target
        left = {(s.start, s.end, s.label, s.text) for s in store.spans(doc_id)}
        assert left == {row[:4] for row in expected[:-1]}
        assert store.check() == []
