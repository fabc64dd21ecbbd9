"""The Claims panel (issue 9): rows, sorting, filtering, clicks, corpus mode, CSV.

Article A (ASCII, so code points = UTF-16): Olena Koval=6-17 Tuesday=26-33
"the bridge reopened"=39-58 "[citation: Daily Ledger]"=59-83 Police=85-91
Monday=100-106 "it was closed"=107-120.  Article B: Olena Koval=0-11
"tolls will rise"=17-32 "[citation: Daily Ledger]"=33-57.
Alice's links: reopened -> Koval, Tuesday, citation; closed -> Police, Monday,
citation; tolls -> Koval, citation.  Bob's claim is in his layer: never listed.
By hand, the corpus: Koval is in 2 claims, Police in 1; the citation in 3.
"""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from annotator.claims import claim_rows, top_partners
from ui import claims_panel
from ui.claims_model import ClaimsModel
from ui.claims_panel import ClaimsPanel, show_claims

A = ("Mayor Olena Koval said on Tuesday that the bridge reopened [citation: Daily Ledger]."
     " Police said on Monday it was closed.")
B = "Olena Koval said tolls will rise [citation: Daily Ledger]."
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def docs(store):
    a = store.add_document(A, title="Bridge").id
    b = store.add_document(B, title="Tolls").id

    def span(doc, start, end, label, who="alice", **attributes):
        return store.add_span(doc, start, end, label, annotator=who, attributes=attributes).id

    koval, tuesday = span(a, 6, 17, "ACTOR"), span(a, 26, 33, "DATE", normalized="2026-03-17")
    reopened = span(a, 39, 58, "CLAIM", stance="supports", checkworthy=True)
    cite_a, police = span(a, 59, 83, "CITATION", kind="outlet"), span(a, 85, 91, "ACTOR")
    monday, closed = span(a, 100, 106, "DATE"), span(a, 107, 120, "CLAIM")
    span(a, 39, 58, "CLAIM", who="bob")
    koval_b, tolls = span(b, 0, 11, "ACTOR"), span(b, 17, 32, "CLAIM", stance="refutes")
    cite_b = span(b, 33, 57, "CITATION")
    for doc, claim, other, kind in [
        (a, reopened, koval, "ATTRIBUTED_TO"), (a, reopened, tuesday, "DATED"),
        (a, reopened, cite_a, "SOURCED_FROM"), (a, closed, police, "ATTRIBUTED_TO"),
        (a, closed, monday, "DATED"), (a, closed, cite_a, "SOURCED_FROM"),
        (b, tolls, koval_b, "ATTRIBUTED_TO"), (b, tolls, cite_b, "SOURCED_FROM"),
    ]:
        store.add_relation(doc, claim, other, kind, annotator="alice")
    return a, b


@pytest.fixture
def window(store, docs, make_window):
    return make_window(store, analyst="alice", document_id=docs[0])


def settled(qtbot, panel):
    """Wait for the worker thread's read of the open article; the panel, for chaining."""
    qtbot.waitUntil(lambda: not panel.reading)
    return panel


def table(panel):
    model = panel.proxy
    return [tuple(model.index(r, c).data() for c in range(1, model.columnCount()))
            for r in range(model.rowCount())]


def test_claim_rows_and_top_partners_worked_out_by_hand(store, docs):
    rows = claim_rows(store, "alice")
    assert [(r.document, r.text, r.actors, r.dates, r.citations, r.stance, r.checkworthy)
            for r in rows] == [
        ("Bridge", "the bridge reopened", ("Olena Koval",), ("Tuesday (2026-03-17)",),
         ("[citation: Daily Ledger]",), "supports", True),
        ("Bridge", "it was closed", ("Police",), ("Monday",), ("[citation: Daily Ledger]",),
         "", None),
        ("Tolls", "tolls will rise", ("Olena Koval",), (), ("[citation: Daily Ledger]",),
         "refutes", None),
    ]
    assert top_partners(rows, "ACTOR") == [("Olena Koval", 2), ("Police", 1)]
    assert top_partners(rows, "CITATION") == [("[citation: Daily Ledger]", 3)]
    assert [r.text for r in claim_rows(store, "bob")] == ["the bridge reopened"]


def test_spellings_the_overview_counts_as_one_are_one_partner_and_sort_by_letter() -> None:
    """"Zoë" twice and "Zoe" once are one actor of three claims, shown as "Zoë";
    sorted by actors, "Éric" comes before "Zoë" (by its letter, not after Z)."""
    from annotator.claims import ClaimRow
    from ui.claims_model import COLUMNS, ClaimsFilter, ClaimsModel

    def claim(n, actor):
        return ClaimRow(1, "Doc", f"c{n}", n, n + 1, f"claim {n}", (actor,), (), (), "", None)

    rows = [claim(1, "Zoë"), claim(2, "Zoe"), claim(3, "Zoë"), claim(4, "Éric")]
    assert top_partners(rows, "ACTOR") == [("Zoë", 3), ("Éric", 1)]
    model = ClaimsModel()
    model.set_rows(rows)
    proxy = ClaimsFilter(model)
    actors = COLUMNS.index("Actors")
    proxy.sort(actors)
    assert [proxy.index(r, actors).data() for r in range(proxy.rowCount())] == [
        "Éric", "Zoe", "Zoë", "Zoë"]  # fmt: skip


def test_ctrl_shift_c_shows_this_articles_claims_sorted(window, analyst_at, qtbot):
    alice = analyst_at(window)
    alice.press(Qt.Key.Key_C, CTRL_SHIFT, widget=window.view)
    panel = settled(qtbot, window.findChild(ClaimsPanel, "claimsPanel"))
    dock = window.findChild(QDockWidget, "claimsDock")
    assert dock.isVisible()
    assert table(panel) == [
        ("it was closed", "Police", "Monday", "[citation: Daily Ledger]", "", ""),
        ("the bridge reopened", "Olena Koval", "Tuesday (2026-03-17)",
         "[citation: Daily Ledger]", "supports", "yes"),
    ]
    assert panel.table.isColumnHidden(0)
    widths = [panel.table.columnWidth(c) for c in range(1, 7)]  # Claim .. Check-worthy
    assert widths[0] == max(widths) and widths[-1] < widths[0]  # the claim has the room
    panel.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # stance
    assert [row[0] for row in table(panel)] == ["the bridge reopened", "it was closed"]
    alice.press(Qt.Key.Key_C, CTRL_SHIFT, widget=window.view)
    assert not dock.isVisible()


def all_articles(qtbot, panel):
    """Switch to "All articles" and wait for the worker thread's read."""
    panel.scope.setCurrentIndex(1)
    assert panel.summary.text() == "Reading the claims of all articles…"
    qtbot.waitUntil(lambda: not panel.jobs.busy and "claims ·" in panel.summary.text())


def test_corpus_mode_filter_summary_and_click(window, qtbot, docs):
    panel = show_claims(window)
    all_articles(qtbot, panel)
    assert not panel.table.isColumnHidden(0)
    assert [row[0] for row in table(panel)] == [
        "it was closed", "the bridge reopened", "tolls will rise"]
    assert panel.summary.text() == (
        "3 claims · most claims: Olena Koval (2), Police (1)"
        " · most cited: [citation: Daily Ledger] (3)")
    panel.filter.setText("KOVAL")
    assert [row[0] for row in table(panel)] == ["the bridge reopened", "tolls will rise"]
    index = panel.proxy.index(1, 1)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editor.document.id == docs[1]
    assert window.view.selection() == (17, 32)


def test_clicking_a_row_selects_the_claim_in_the_article(window, qtbot):
    panel = settled(qtbot, show_claims(window))
    rect = panel.table.visualRect(panel.proxy.index(1, 1))  # the bridge reopened
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.view.selection() == (39, 58)


def test_the_panel_follows_new_links_and_undo(window, analyst_at, store, docs, qtbot):
    panel = settled(qtbot, show_claims(window))
    alice = analyst_at(window)
    store.delete_relation(next(r.id for r in store.relations(docs[0]) if r.type == "DATED"
                               and store.span(r.to_span).text == "Monday"), by="alice")
    window.reload_from_store()
    window.relations._stale()  # noqa: SLF001 (another process changed the store)
    assert table(settled(qtbot, panel))[0][2] == ""
    alice.caret(110)  # in "it was closed"
    alice.press(Qt.Key.Key_R)
    assert window.relations.candidate.span.text == "Monday"
    alice.press(Qt.Key.Key_Return)
    assert table(settled(qtbot, panel))[0][2] == "Monday"
    alice.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert table(settled(qtbot, panel))[0][2] == ""


def test_csv_export_of_the_rows_shown(window, dialogs, tmp_path, qtbot):
    panel = show_claims(window)
    all_articles(qtbot, panel)
    panel.filter.setText("ledger")
    out = tmp_path / "claims.csv"
    dialogs.paths.append(out)
    panel.export_button.click()
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["document", "claim", "start", "end", "actors", "dates", "citations", "stance",
         "checkworthy"],
        ["Bridge", "it was closed", "107", "120", "Police", "Monday",
         "[citation: Daily Ledger]", "", ""],
        ["Bridge", "the bridge reopened", "39", "58", "Olena Koval", "Tuesday (2026-03-17)",
         "[citation: Daily Ledger]", "supports", "yes"],
        ["Tolls", "tolls will rise", "17", "32", "Olena Koval", "",
         "[citation: Daily Ledger]", "refutes", ""],
    ]
    assert dialogs.messages == [f"3 claims written to {out}"]


def test_csv_export_that_cannot_be_written_keeps_the_old_file(window, dialogs, tmp_path, qtbot):
    panel = show_claims(window)
    all_articles(qtbot, panel)
    out = tmp_path / "claims.csv"
    out.mkdir()  # a folder of that name: the file cannot replace it
    dialogs.paths.append(out)
    panel.export_button.click()
    assert dialogs.errors == [f"Is a directory: {out}: name a file, not a folder"]
    assert out.is_dir() and list(out.iterdir()) == []
    assert not list(tmp_path.glob(".claims.csv.*"))  # no temporary file left


def test_across_articles_an_edit_reads_only_the_open_article(
    window, qtbot, analyst_at, store, docs, monkeypatch, dialogs
):
    panel = show_claims(window)
    all_articles(qtbot, panel)
    read: list[object] = []
    real = claims_panel.claim_rows
    monkeypatch.setattr(claims_panel, "claim_rows",
                        lambda *a: read.append(a[2:]) or real(*a))  # fmt: skip
    alice = analyst_at(window)
    alice.caret(110)  # in "it was closed": unlink its date, then link it again
    dialogs.picks.append("CLAIM “it was closed” DATED DATE “Monday”")
    window.relations.delete_at_caret()
    assert table(settled(qtbot, panel))[0][:3] == ("it was closed", "Police", "")
    alice.press(Qt.Key.Key_R)
    alice.press(Qt.Key.Key_Return)
    assert table(settled(qtbot, panel))[0][:3] == ("it was closed", "Police", "Monday")
    assert read and all(ids == ([docs[0]],) for ids in read)  # never all articles
    qtbot.waitUntil(lambda: not panel.jobs.busy)


def test_closing_the_window_while_all_articles_are_read(window, qtbot, docs):
    panel = show_claims(window)
    panel.scope.setCurrentIndex(1)
    window.close()  # waits for the reading thread; its late answer changes nothing
    qtbot.waitUntil(lambda: not panel.jobs.busy)


def test_the_model_passes_qtmodeltester(qtmodeltester, store, docs):
    model = ClaimsModel()
    model.set_rows(claim_rows(store, "alice"))
    qtmodeltester.check(model)
    model.set_rows([])
    qtmodeltester.check(model)


def test_the_readme_screenshot_shows_every_sample_claim_filled_in(qtbot, tmp_path):
    from PySide6.QtGui import QImage

    from annotator.store import open_store
    from ui.screenshot_claims import SIZE, shoot

    shoot(tmp_path / "claims.db", tmp_path / "claims.png")
    assert QImage(str(tmp_path / "claims.png")).size().toTuple() == SIZE
    with open_store(tmp_path / "claims.db") as store:
        rows = claim_rows(store, "sample")
    assert len(rows) == 10 and all(r.stance and r.actors for r in rows)
    (wrobel,) = [r for r in rows if r.actors == ("Łukasz Wróbel",)]
    assert (wrobel.dates, wrobel.citations, wrobel.stance, wrobel.checkworthy) == (
        ("2024",), ("[citation: Nordic Wire Service]",), "unclear", True)
    (zoe,) = [r for r in rows if r.actors == ("Zoë Ångström",)]
    assert zoe.dates == ("14 March 2026 (2026-03-14)",)


def test_a_label_key_changes_only_the_rows_it_touches(window, analyst_at, qtbot, monkeypatch):
    panel = settled(qtbot, show_claims(window))
    reads: list[object] = []
    real = claims_panel.claim_rows
    monkeypatch.setattr(claims_panel, "claim_rows", lambda *a: reads.append(a) or real(*a))
    resets: list[bool] = []
    panel.model.modelReset.connect(lambda: resets.append(True))
    alice = analyst_at(window)
    alice.select(0, 5)  # "Mayor"
    alice.press(Qt.Key.Key_1)  # CLAIM: its row is there when the key returns
    assert [row[0] for row in table(panel)] == ["it was closed", "Mayor", "the bridge reopened"]
    alice.caret(88)  # in Police, the actor of "it was closed"
    alice.press(Qt.Key.Key_Delete)
    assert table(panel)[0] == ("it was closed", "", "Monday", "[citation: Daily Ledger]", "", "")
    assert reads == [] and resets == []  # no article read again, no row rebuilt
    qtbot.waitUntil(lambda: "3 claims" in panel.summary.text())


def test_the_panel_shows_a_renamed_title_at_once(window, qtbot, dialogs, analyst_at):
    panel = show_claims(window)
    all_articles(qtbot, panel)
    dialogs.texts.append("Bridge, updated")
    window.view.setFocus()
    analyst_at(window).press(Qt.Key.Key_F2)
    titles = [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]
    assert titles == ["Bridge, updated", "Bridge, updated", "Tolls"]


def test_rows_open_from_the_keyboard(window, qtbot, analyst_at):
    panel = settled(qtbot, show_claims(window))
    alice = analyst_at(window)
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.proxy.index(0, 1))  # "it was closed"
    assert window.view.selection() == (107, 120)
    alice.press(Qt.Key.Key_Down, widget=panel.table)  # arrows follow, as in the span table
    assert window.view.selection() == (39, 58)
    alice.caret(0)
    alice.press(Qt.Key.Key_Return, widget=panel.table)
    assert window.view.selection() == (39, 58)
    alice.caret(0)
    alice.press(Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier, widget=panel.table)
    assert window.view.selection() == (39, 58)


def test_the_filter_ignores_case_and_accents_as_search_does(window, qtbot):
    panel = settled(qtbot, show_claims(window))
    panel.filter.setText("KÓVAL")  # the row says "Olena Koval"
    assert [row[0] for row in table(panel)] == ["the bridge reopened"]
    panel.filter.setText("ledger")
    assert len(table(panel)) == 2


def test_this_article_after_all_articles_shows_this_article_only(window, qtbot):
    panel = show_claims(window)
    all_articles(qtbot, panel)
    assert len(table(panel)) == 3
    panel.scope.setCurrentIndex(0)
    rows = table(settled(qtbot, panel))
    assert sorted(row[0] for row in rows) == ["it was closed", "the bridge reopened"]  # A's


def test_a_link_made_just_before_opening_another_article_shows(
    window, analyst_at, store, docs, qtbot
):
    panel = show_claims(window)
    store.delete_relation(next(r.id for r in store.relations(docs[0]) if r.type == "DATED"
                               and store.span(r.to_span).text == "Monday"), by="alice")
    window.reload_from_store()
    window.relations._stale()  # noqa: SLF001 (another process changed the store)
    all_articles(qtbot, panel)
    alice = analyst_at(window)
    alice.caret(110)  # in "it was closed"
    alice.press(Qt.Key.Key_R)
    alice.press(Qt.Key.Key_Return)  # links it to "Monday"
    window.open_document(docs[1])  # at once: before the panel has read article A again
    qtbot.waitUntil(lambda: not panel.reading)
    (closed,) = [row for row in table(panel) if row[0] == "it was closed"]
    assert closed[2] == "Monday"


def test_two_spellings_in_one_claim_count_that_claim_once() -> None:
    from annotator.claims import ClaimRow

    both = ClaimRow(1, "Doc", "c1", 0, 1, "it rained", ("Zoë Koval", "Zoe Koval"), (), (), "",
                    None)  # fmt: skip
    other = ClaimRow(1, "Doc", "c2", 2, 3, "it snowed", ("Zoe Koval",), (), (), "", None)
    assert top_partners([both, other], "ACTOR") == [("Zoe Koval", 2)]  # 2 claims, not 3


def test_a_deleted_articles_claims_leave_all_articles(window, qtbot, docs, dialogs):
    panel = show_claims(window)
    all_articles(qtbot, panel)
    assert {row.document_id for row in panel.shown_rows()} == set(docs)
    dialogs.answers.append(True)  # yes, delete "Bridge"
    window.documents.delete()
    qtbot.waitUntil(lambda: not panel.jobs.busy
                    and {row.document_id for row in panel.shown_rows()} == {docs[1]})  # fmt: skip
    assert panel.summary.text().startswith("1 claim ·")
