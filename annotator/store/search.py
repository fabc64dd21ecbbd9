"""Full-text search over every document's text and every span's text and note.

Two SQLite FTS5 indexes (``documents_fts``, ``notes_fts``) mirror the tables
through triggers, so every write of the store, undo and redo included, keeps
them in sync inside its own transaction.

Tokenizer: ``unicode61 remove_diacritics 2``.  Words are runs of letters and
digits in any script, case-folded, with diacritics removed also when they are
written as combining characters: ``cafe`` finds "Café" and "Cafe\u0301",
``zoe`` finds "Zoë".  A run of CJK characters without spaces is one word, so
``李明`` finds "李明" standing alone and ``李*`` any word starting with 李.
Emoji and punctuation are not words: a query made only of them (``🇺🇦``) is
looked up as a literal substring instead.

Letters that Unicode gives no decomposition (Ł, ø, đ, ħ, ı ...) keep their
"accent" under ``remove_diacritics``, so the index holds them folded to the
letter people type (``FOLD``): ``lukasz`` finds "Łukasz", ``bjorn`` "Bjørn".  One
code point stands for one, so the words, and the offsets ``highlight()`` gives
on the stored text, are those of the text itself.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from ..display_text import one_line, whole_characters
from ..errors import AnnotatorError
from .base import StoreBase

TOKENIZER = "unicode61 remove_diacritics 2"
# Around the match in a hit's context: brackets would look like "[citation: ...]".
MARK = ("⟦", "⟧")
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"  # private-use: never in news text


class SearchQueryError(AnnotatorError):
    """A search query FTS5 cannot parse."""


# Each letter on the left is indexed, and searched, as the one below it.
_FOLD_FROM, _FOLD_TO = "ŁłØøĐđÐðĦħıŦŧĿŀ", "LlOoDdDdHhiTtLl"
FOLD = str.maketrans(_FOLD_FROM, _FOLD_TO)


def fold(text: str) -> str:
    """``text`` as search compares it: case, accents and the ``FOLD`` letters do not
    matter ("Zoë" and "zoe", "Café" written either way, "Łukasz" and "lukasz")."""
    if text.isascii():  # the same, ten times faster: tables fold every row as one types
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(FOLD))
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch in _KANA_MARKS)
    # Composed again: a Hangul syllable is no accented letter ("하" is not in "한"),
    # nor is "が" an accented "か".
    return kept if kept.isascii() else unicodedata.normalize("NFC", kept)


_KANA_MARKS = "\u3099\u309a"  # the voicing marks of kana: they make other syllables

# A word with hyphens inside ("Kyiv-based", "al-Assad"), outside double quotes.
_HYPHENATED = re.compile(r"(?<![\w*^])(\w[\w']*(?:-\w[\w']*)+)(\*?)(?!\w)")


def _hyphens_quoted(query: str) -> str:
    """``query`` with each hyphenated word made a phrase: FTS5 reads the hyphen as an
    operator ("based" as a column), where the analyst means the words together."""
    parts = query.split('"')
    parts[::2] = [_HYPHENATED.sub(r'"\1"\2', part) for part in parts[::2]]  # outside quotes
    return '"'.join(parts)


def folded(expr: str) -> str:
    """SQL for the value of ``expr`` with ``FOLD`` applied (NULL stays NULL).

    Plain ``replace`` calls, one per letter, on every value: about 17 µs per KB
    of text here, where first testing for the letters (GLOB with a class, or
    ``instr``) cost three to five times that on text without them."""
    replaced = expr
    for before, after in zip(_FOLD_FROM, _FOLD_TO, strict=True):
        replaced = f"replace({replaced}, '{before}', '{after}')"
    return replaced


def create_search_index(conn: sqlite3.Connection) -> None:
    """The FTS5 tables, their triggers, and the rows already present.

    Span texts are not indexed on their own (they are slices of the document
    text, and indexing a million short rows would triple the cost of a bulk
    import); a span matches when a match in its document's text lies inside
    it.  Notes, which are not in the text, have their own index.
    """
    conn.execute(
        "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents',"
        f" content_rowid='id', tokenize='{TOKENIZER}')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE notes_fts USING fts5(note, content='spans',"
        f" content_rowid='rowid', tokenize='{TOKENIZER}')"
    )
    fold_search_index(conn)


def fold_search_index(conn: sqlite3.Connection) -> None:
    """(Re)make the triggers that keep the FTS5 tables in step, and index every row
    again, folded: the content tables hold the text as written, the indexes its
    folded words (so FTS5's own 'rebuild' must not be used: it would index the
    letters unfolded, and the triggers' deletes would no longer match)."""
    for name in ("documents_fts", "notes_fts"):
        conn.execute(f"INSERT INTO {name}({name}) VALUES ('delete-all')")
        for event in ("insert", "delete", "update"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}_{event}")
    new_doc = f"new.id, {folded('new.title')}, {folded('new.text')}"
    old_doc = f"'delete', old.id, {folded('old.title')}, {folded('old.text')}"
    new_note, old_note = f"new.rowid, {folded('new.note')}", f"old.rowid, {folded('old.note')}"
    triggers = {
        "documents_fts_insert": "AFTER INSERT ON documents BEGIN INSERT INTO documents_fts"
        f"(rowid, title, text) VALUES ({new_doc}); END",
        "documents_fts_delete": "AFTER DELETE ON documents BEGIN INSERT INTO documents_fts"
        f"(documents_fts, rowid, title, text) VALUES ({old_doc}); END",
        "documents_fts_update": "AFTER UPDATE OF title, text ON documents BEGIN"
        f" INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ({old_doc});"
        f" INSERT INTO documents_fts(rowid, title, text) VALUES ({new_doc}); END",
        "notes_fts_insert": "AFTER INSERT ON spans WHEN new.note IS NOT NULL BEGIN"
        f" INSERT INTO notes_fts(rowid, note) VALUES ({new_note}); END",
        "notes_fts_delete": "AFTER DELETE ON spans WHEN old.note IS NOT NULL BEGIN"
        f" INSERT INTO notes_fts(notes_fts, rowid, note) VALUES ('delete', {old_note}); END",
        "notes_fts_update": "AFTER UPDATE OF note ON spans BEGIN"
        f" INSERT INTO notes_fts(notes_fts, rowid, note) SELECT 'delete', {old_note}"
        " WHERE old.note IS NOT NULL;"
        f" INSERT INTO notes_fts(rowid, note) SELECT {new_note} WHERE new.note IS NOT NULL; END",
    }
    for name, body in triggers.items():
        conn.execute(f"CREATE TRIGGER {name} {body}")
    conn.execute(
        "INSERT INTO documents_fts(rowid, title, text)"
        f" SELECT id, {folded('title')}, {folded('text')} FROM documents"
    )
    conn.execute(
        f"INSERT INTO notes_fts(rowid, note) SELECT rowid, {folded('note')} FROM spans"
        " WHERE note IS NOT NULL"
    )


class PausedIndexTriggers:
    """The search indexes' insert triggers dropped while a bulk import stores
    new documents and spans, which index themselves more cheaply.

    SQLite runs an insert trigger's program for every row, ``WHEN`` clause or
    not: for spans, which seldom have notes, that was about 8% of a bulk
    import's time here; and the documents' trigger folds each text with
    fifteen ``replace`` calls, where Python finds in one pass that there is
    nothing to fold (about 5%).  ``pause`` drops both inside the import's
    transaction (other connections never see them missing: they read the last
    commit).  While paused, the import indexes each document as it writes it
    (``index_documents``); ``resume`` indexes the notes of the spans added
    meanwhile (every row after the last rowid there was, as nothing but
    inserts happens while paused) and makes the triggers again, exactly as
    they were.  A rollback brings them back by itself.
    """

    NAMES = ("documents_fts_insert", "notes_fts_insert")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._triggers: list[str] = []  # their CREATE statements, while paused
        self._after = 0

    @property
    def active(self) -> bool:
        return bool(self._triggers)

    def pause(self) -> None:
        conn = self._conn
        found = dict(conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)",
            self.NAMES,
        ).fetchall())  # fmt: skip
        last = conn.execute("SELECT max(rowid) FROM spans").fetchone()[0] or 0
        if len(found) < len(self.NAMES) or last >= 2**62:  # near the end rowids are random
            return
        self._triggers, self._after = [found[name] for name in self.NAMES], last
        for name in self.NAMES:
            conn.execute(f"DROP TRIGGER {name}")

    def index_documents(self, rows: Sequence[tuple[int, str | None, str]]) -> None:
        """Index new documents given as (id, title, text), the title and text
        folded (``folded_for_index``): what the trigger would index.

        In one statement: FTS5 writes out what it holds at every statement's end,
        and a statement per document made the import several times slower."""
        values = list(chain.from_iterable(rows))
        if values:
            self._conn.execute(
                "INSERT INTO documents_fts(rowid, title, text) VALUES "
                + ", ".join(["(?, ?, ?)"] * (len(values) // 3)),
                values,
            )

    def resume(self) -> None:
        if not self._triggers:
            return
        self._conn.execute(
            f"INSERT INTO notes_fts(rowid, note) SELECT rowid, {folded('note')} FROM spans"
            " WHERE rowid > ? AND note IS NOT NULL",
            [self._after],
        )
        for trigger in self._triggers:
            self._conn.execute(trigger)
        self._triggers = []


_FOLDED_LETTERS = re.compile(f"[{_FOLD_FROM}]")


def folded_for_index(title: str | None, text: str) -> tuple[str | None, str]:
    """A document's title and text as the index trigger hands them to FTS5 (SQL's
    ``folded``: each ``FOLD`` letter replaced)."""
    return _folded_text(title), _folded_text(text)  # type: ignore[return-value]


def _folded_text(value: str | None) -> str | None:
    if value is None or not _FOLDED_LETTERS.search(value):
        return value
    return value.translate(FOLD)


@dataclass(frozen=True)
class SearchHit:
    """One match: in a document's text (``kind`` "text") or in a span ("span", "note").

    ``start``/``end`` are code point offsets in the document text: the span's
    own for span hits; for text hits the first match, found with ``locate``.
    """

    document_id: int
    title: str | None
    kind: str
    context: str
    span_id: str | None = None
    label: str | None = None
    annotator: str | None = None
    start: int | None = None
    end: int | None = None


class SearchMixin(StoreBase):
    def search(
        self,
        query: str,
        *,
        label: str | None = None,
        annotator: str | None = None,
        limit: int = 200,
    ) -> list[SearchHit]:
        """Hits for an FTS5 query: documents, then spans, then notes, in document order.

        With ``label`` or ``annotator`` only span hits (their text or note) are
        listed, filtered; without, document texts are searched too.
        """
        query = query.strip()
        if not query:
            return []
        if _literal(query):
            if _CJK.search(query) and re.search(r"(?<!\S)(?:AND|OR|NOT)(?!\S)", query):
                raise SearchQueryError(
                    f"cannot search for {one_line(query, 80)!r}: a query with CJK letters is"
                    " looked up as written, so AND, OR and NOT do not work in it; search each"
                    " word on its own"
                )
            return self._literal_search(query, label, annotator, limit)
        hits: list[SearchHit] = []
        asked, query = query, _hyphens_quoted(query).translate(FOLD)
        try:
            if label is None and annotator is None:
                hits += [
                    SearchHit(doc_id, title, "text", context)
                    # In document order: FTS5 yields rows by id and stops at the
                    # limit, where ranking would score every matching document.
                    for doc_id, title, context in self.conn.execute(
                        f"SELECT d.id, d.title, snippet(documents_fts, 1, '{MARK[0]}', '{MARK[1]}',"
                        " '…', 12)"
                        " FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid"
                        " WHERE documents_fts MATCH ? ORDER BY documents_fts.rowid LIMIT ?",
                        [query, limit],
                    )
                ]
            if len(hits) < limit:
                hits += self._span_hits(query, label, annotator, limit - len(hits))
            if len(hits) < limit:
                hits += self._note_hits(query, label, annotator, limit - len(hits))
        except sqlite3.OperationalError as exc:  # FTS5 says what it cannot parse
            if "no such column" in str(exc):  # "title:cafe": the indexes differ in columns
                raise SearchQueryError(
                    f"cannot search for {one_line(asked, 80)!r}: column filters (word:) are not"
                    ' supported; put words in double quotes to search them literally, e.g.'
                    ' "title:cafe"'
                ) from None
            raise SearchQueryError(
                f"cannot search for {one_line(asked, 80)!r} ({one_line(str(exc), 80)}): put"
                ' words in double quotes to search them literally, e.g. "C++"'
            ) from None
        return hits[:limit]

    def _filters(self, label: str | None, annotator: str | None) -> tuple[str, list[str]]:
        where, params = "", []  # type: tuple[str, list[str]]
        if label is not None:
            where, params = where + " AND s.label = ?", params + [label]
        if annotator is not None:
            where, params = where + " AND s.annotator = ?", params + [annotator]
        return where, params

    def _span_hits(
        self, query: str, label: str | None, annotator: str | None, limit: int
    ) -> list[SearchHit]:
        """Spans holding a match of ``query`` in their document's text."""
        where, params = self._filters(label, annotator)
        hits: list[SearchHit] = []
        for doc_id, title, marked in self.conn.execute(
            "SELECT d.id, d.title, highlight(documents_fts, 1, ?, ?) FROM documents_fts"
            " JOIN documents d ON d.id = documents_fts.rowid"
            " WHERE documents_fts MATCH ? ORDER BY documents_fts.rowid",
            [_MARK_OPEN, _MARK_CLOSE, query],
        ):
            matches = _match_ranges(marked)
            if not matches:
                continue
            for span_id, lab, who, start, end, text in self.conn.execute(
                'SELECT s.id, s.label, s.annotator, s.start, s."end", s.text FROM spans s'
                f' WHERE s.document_id = ? AND s.start <= ? AND s."end" >= ? {where}'
                " AND s.orphan_revision IS NULL"
                ' ORDER BY s.start, s."end"',
                [doc_id, matches[-1][0], matches[0][1], *params],
            ):
                if any(start <= m_start and m_end <= end for m_start, m_end in matches):
                    hits.append(SearchHit(doc_id, title, "span", text, span_id, lab, who,
                                          start, end))  # fmt: skip
                    if len(hits) >= limit:
                        return hits
        return hits

    def _note_hits(
        self, query: str, label: str | None, annotator: str | None, limit: int
    ) -> list[SearchHit]:
        where, params = self._filters(label, annotator)
        return [
            SearchHit(doc_id, title, "note", f"{text} — {note}", span_id, lab, who, start, end)
            for doc_id, title, span_id, lab, who, start, end, text, note in self.conn.execute(
                'SELECT s.document_id, d.title, s.id, s.label, s.annotator, s.start, s."end",'
                " s.text, s.note FROM notes_fts JOIN spans s ON s.rowid = notes_fts.rowid"
                f" JOIN documents d ON d.id = s.document_id WHERE notes_fts MATCH ? {where}"
                " AND s.orphan_revision IS NULL"
                " ORDER BY rank LIMIT ?",
                [query, *params, limit],
            )
        ]

    def _literal_search(
        self, needle: str, label: str | None, annotator: str | None, limit: int
    ) -> list[SearchHit]:
        """Substring search for queries without any word (emoji, symbols) or with CJK."""
        hits: list[SearchHit] = []
        if label is None and annotator is None:
            for doc_id, title, text in self.conn.execute(
                "SELECT id, title, text FROM documents WHERE instr(text, ?) ORDER BY id LIMIT ?",
                [needle, limit],
            ):
                at, end = _whole_match(text, text.index(needle), needle)
                before, after = whole_characters(text, max(0, at - 40), min(len(text), end + 40))
                context = f"{text[before:at]}{MARK[0]}{text[at:end]}{MARK[1]}{text[end:after]}"
                hits.append(SearchHit(doc_id, title, "text", context, start=at, end=end))
        where, params = "(instr(s.text, ?) OR instr(coalesce(s.note, ''), ?))", [needle, needle]
        if label is not None:
            where, params = where + " AND s.label = ?", params + [label]
        if annotator is not None:
            where, params = where + " AND s.annotator = ?", params + [annotator]
        for doc_id, title, span_id, lab, who, start, end, text in self.conn.execute(
            'SELECT s.document_id, d.title, s.id, s.label, s.annotator, s.start, s."end", s.text'
            f" FROM spans s JOIN documents d ON d.id = s.document_id WHERE {where}"
            " AND s.orphan_revision IS NULL"
            " ORDER BY s.document_id, s.start LIMIT ?",
            [*params, limit],
        ):
            hits.append(SearchHit(doc_id, title, "span", text, span_id, lab, who, start, end))
        return hits[:limit]

    def locate(self, document_id: int, query: str) -> tuple[int, int] | None:
        """Code point offsets of the first match of ``query`` in the document's text."""
        if _literal(query):
            text = self._text(document_id)
            at = text.find(query.strip())
            return None if at < 0 else _whole_match(text, at, query.strip())
        try:
            row = self.conn.execute(
                "SELECT highlight(documents_fts, 1, ?, ?) FROM documents_fts"
                " WHERE documents_fts MATCH ? AND rowid = ?",
                [_MARK_OPEN, _MARK_CLOSE, query.translate(FOLD), document_id],
            ).fetchone()
        except sqlite3.OperationalError:
            return None
        matches = _match_ranges(row[0]) if row is not None else []
        return matches[0] if matches else None


# Chinese, Japanese and Korean letters: FTS5's unicode61 tokenizer makes a run of them,
# a whole sentence without spaces, one token, so a word inside it is never a match.
_CJK = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0003ffff]"  # and the ideographs beyond the first 65,536 characters
)


def _whole_match(text: str, at: int, needle: str) -> tuple[int, int]:
    """A literal match at ``at``, widened to whole characters: "❤" found in "❤️"
    takes its variation selector along, "🇦" the flag it is half of."""
    return whole_characters(text, at, at + len(needle))


def _literal(query: str) -> bool:
    """True for a query searched as a plain substring: one without any word (emoji,
    symbols), or one with CJK letters and no search syntax (a prefix 李* stays FTS5's)."""
    if not re.search(r"\w", query):
        return True
    return _CJK.search(query) is not None and not any(c in query for c in '*"')


def _match_ranges(marked: str) -> list[tuple[int, int]]:
    """Code point ranges of the matches FTS5's highlight() marked in a text."""
    ranges, removed, start = [], 0, 0
    for m in re.finditer(f"[{_MARK_OPEN}{_MARK_CLOSE}]", marked):
        if m.group() == _MARK_OPEN:
            start = m.start() - removed
        else:
            ranges.append((start, m.start() - removed))
        removed += 1
    return ranges
