"""Helpers the JSON-based readers and writers share: offset units, stable ids,
per-file reading state, checked output offsets and atomic writing."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ..atomicfile import atomic_open
from ..display_text import offset, with_count
from ..errors import ExportError, ImportRefusedError
from ..model import DocumentRecord, Span
from ..offsets import OffsetMap, utf16_length
from .base import DEFAULT_ANNOTATOR, ReadResult, WriteReport

MAX_LISTED = 50  # spans named one by one in ``lost``; the rest are counted

UNITS = {"utf16": "utf16", "utf-16": "utf16", "codepoint": "codepoint", "code-point": "codepoint"}


class Bad(Exception):
    """One malformed record; the message is ``what is wrong: what to do``."""


def offset_unit(offsets: str | None, default: str, error: type[Exception]) -> str:
    unit = UNITS.get((offsets or default).lower().replace("_", "-"))
    if unit is None:
        raise error(f"unknown offset unit {offsets!r}: use utf16 or codepoint")
    return unit


def stable_id(prefix: str, *parts: object) -> str:
    """An id that comes out the same each time a file is read, so re-imports add nothing."""
    blob = json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")
    return f"{prefix}-{hashlib.sha256(blob).hexdigest()[:24]}"


class SourceText:
    """One document's text while it is read: offset map, digest, occurrence counts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.map = OffsetMap(text)
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        self.seen: Counter[tuple[Any, ...]] = Counter()

    def new_id(self, prefix: str, *key: object) -> str:
        """Stable id of the n-th item with this key in this text."""
        self.seen[key] += 1
        return stable_id(prefix, self.digest, *key, self.seen[key])


def id_key(value: Any) -> Any:
    """A file's own id (any JSON value, lists and objects too) as a dict or set key."""
    return ("json", json.dumps(value, sort_keys=True)) if isinstance(value, (list, dict)) else value


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text`` between two UTF-16 offsets, by Python's encoder (independent of OffsetMap)."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le", errors="replace")


class Reading:
    """Collects the records of one file: offset unit, analysts, skips and notes."""

    def __init__(
        self,
        path: Path,
        fmt: str,
        offsets: str | None,
        default_unit: str,
        annotator: str | None,
        skip_invalid: bool,
    ) -> None:
        self.fmt = fmt
        self.unit = offset_unit(offsets, default_unit, ImportRefusedError)
        self.unit_given = offsets is not None  # else each record's spans may tell it
        self.fallback, self.given = annotator or DEFAULT_ANNOTATOR, annotator is not None
        self.skip_invalid = skip_invalid
        self.result = ReadResult()
        self.notes: Counter[str] = Counter()
        self.pending: Counter[str] = Counter()
        self.fell_back = False
        # Records whose offset unit the span edges told (offset_guess), and whether
        # the record being read is one: no "if spans look shifted" warning for them.
        self.weighed = False
        self.weighed_records: set[int] = set()
        self.file_weighed = False  # the spans of the whole file told its unit (file_unit)
        self.file_uids: list[tuple[DocumentRecord, str]] = []  # (record, key it came from)

    def file_uid(self, record: DocumentRecord, value: Any, key: str) -> DocumentRecord:
        """Give ``record`` the uid another tool's file names (``meta.uid``, ``data.uid``),
        or, when ``value`` is no string, put it back in the meta.  ``finish`` takes the
        uid back (into the meta under ``key``) from records whose uid the file gives
        to another text as well: such a uid names something else than one text
        (an article split into sentences), and as an identity it would make the
        store skip every text after the first as a conflict."""
        if isinstance(value, str) and value:
            record.uid = value
            self.file_uids.append((record, key))
        elif value is not None:
            record.meta.setdefault(key, value)
        return record

    def note(self, template: str, n: int = 1) -> None:
        """Count something read but not kept (``template`` holds ``{n}``)."""
        self.pending[template] += n

    def analyst(self, named: Any) -> str:
        """The analyst a file names (a string, or a user number), else the fallback."""
        if isinstance(named, str) and named.strip():
            return named
        if isinstance(named, int) and not isinstance(named, bool):
            return f"user-{named}"
        self.fell_back = True
        return self.fallback

    def add(self, where: str, build: Callable[[], DocumentRecord | None]) -> None:
        """Build one record; a ``Bad`` one refuses the file, or is skipped with skip_invalid."""
        self.pending, self.fell_back, self.weighed = Counter(), False, False
        try:
            record = build()
        except Bad as exc:
            if not self.skip_invalid:
                raise ImportRefusedError(f"{where}: {exc}") from None
            self.result.skipped.append(f"{where}: {exc}")
            return
        if self.fell_back and not self.given and record is not None and record.spans:
            self.note(
                f"{{n}} record{{|s}} name{{s|}} no analyst: {{its|their}} spans are credited to"
                f" {self.fallback!r}"
                " (give --annotator NAME)"
            )
        self.notes.update(self.pending)
        if record is not None:
            record.where = where
            self.result.records.append(record)
            if self.weighed or self.file_weighed:
                self.weighed_records.add(id(record))

    def span(
        self,
        src: SourceText,
        start: Any,
        end: Any,
        label: Any,
        analyst: str,
        *,
        quote: Any = None,
        span_id: str | None = None,
    ) -> dict[str, Any]:
        """A span dict in code points; ``start``/``end`` count the file's unit."""
        if type(start) is not int or type(end) is not int:
            raise Bad(
                f"span offsets must be integers, not {offset(start)}, {offset(end)}: fix the span"
            )
        at = f"[{offset(start)}, {offset(end)})"  # as a message shows them
        if not isinstance(label, str) or not label:
            raise Bad(f"span {at} has no label: give it one or remove the span")
        size = src.map.utf16_length if self.unit == "utf16" else src.map.length
        if not 0 <= start < end <= size:
            hint = "fix the offsets"
            if self.unit == "codepoint" and 0 <= start < end <= src.map.utf16_length:
                hint = "they fit in UTF-16 units: use --offsets utf16"
            raise Bad(
                f"span {at} {label} is not inside the text (0..{size}"
                f" {_UNIT_NAMES.get(self.unit, self.unit)}, start < end): {hint}"
            )
        s, e = start, end
        if self.unit == "utf16":
            try:
                s, e = src.map.to_codepoint(start), src.map.to_codepoint(end)
            except ValueError:
                raise Bad(
                    f"span {at} {label} splits a character above U+FFFF (an emoji,"
                    " 𝔘) in two: the offsets must be code points, use --offsets codepoint"
                ) from None
        if quote is not None and src.text[s:e] != quote:
            hint = "fix the offsets or the quote"
            if self.unit == "codepoint" and utf16_slice(src.text, start, end) == quote:
                hint = "the quote matches when the offsets are UTF-16 units: use --offsets utf16"
            elif self.unit == "utf16" and src.text[start:end] == quote:
                hint = "the quote matches when the offsets are code points: use --offsets codepoint"
            raise Bad(
                f"span {at} {label} quotes {quote!r} but the text there is"
                f" {src.text[s:e]!r}: {hint}"
            )
        span_id = span_id or src.new_id(self.fmt, analyst, s, e, label)
        span = {"id": span_id, "start": s, "end": e, "label": label, "annotator": analyst}
        if quote is not None:
            span["text"] = quote
        return span | {"origin": "import"}

    def _loosen_shared_uids(self) -> None:
        texts: dict[str, set[str]] = {}
        for record, _ in self.file_uids:
            assert record.uid is not None
            texts.setdefault(record.uid, set()).add(record.text)
        for record, key in self.file_uids:
            if record.uid is None or len(texts[record.uid]) < 2:
                continue
            meta_key = key if key not in record.meta else f"{self.fmt}_{key}"
            record.meta[meta_key], record.uid = record.uid, None
            self.notes[
                f'{{n}} record{{|s}} share{{s|}} {{its|their}} "{key}" with records of another'
                " text (parts of one article?): each text is a document of its own, the"
                f' "{key}" kept in its meta'
            ] += 1

    def finish(self) -> ReadResult:
        """The result, notes counted, and a warning wherever the offset unit is a guess
        (never when the unit was given)."""
        self._loosen_shared_uids()
        unchecked = 0 if self.unit_given else sum(
            1
            for r in self.result.records
            if r.spans
            and id(r) not in self.weighed_records
            and utf16_length(r.text) != len(r.text)
            and not all("text" in s for s in r.spans)
        )
        if unchecked:
            other = "codepoint" if self.unit == "utf16" else "utf16"
            self.notes[
                "{n} record{|s} ha{s|ve} characters above U+FFFF (emoji, 𝔘) and spans without a"
                f" quote: {{its|their}} offsets were read as {self.unit} units; if spans look"
                f" shifted, import again with --offsets {other}"
            ] += unchecked
        self.result.notes.extend(with_count(t, n) for t, n in self.notes.items())
        return self.result


_UNIT_NAMES = {"codepoint": "code points", "utf16": "UTF-16 units"}

# A JSON escape of half a UTF-16 pair without its other half: json.loads makes it a
# lone surrogate, which is no character and which no database can store.
_ESCAPES = re.compile(
    r"\\\\"  # an escaped backslash (what follows it is no escape)
    r"|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # a whole pair
    r"|(\\u[dD][89a-fA-F][0-9a-fA-F]{2})"  # half of one, alone
)


def refuse_lone_surrogates(content: str, name: str) -> None:
    """Raise ``ImportRefusedError`` naming the line of a JSON file that escapes half
    a UTF-16 pair without the other half (the file is checked whole, in C)."""
    if "\\u" not in content:
        return
    found = next((m for m in _ESCAPES.finditer(content) if m.group(1)), None)
    if found is not None:  # read left to right, as a JSON parser does
        line = content.count("\n", 0, found.start(1)) + 1
        raise ImportRefusedError(
            f"{name} line {line} holds {found.group(1)}, half of a UTF-16 pair without its"
            " other half (not a character): fix the file and import again"
        )


# What a JSON parser reads past: a string whole (its brackets and digits are
# text), a bracket, or a number (an integer when it has no fraction or exponent).
_JSON_TOKENS = re.compile(
    r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[{]|[\]}]|-?([0-9]+)((?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)'
)
_DECODER = json.JSONDecoder()


def loads(text: str) -> Any:
    """``json.loads``, but JSON nested deeper than Python's parser goes, or an
    integer longer than Python converts (4,300 digits), raises
    ``json.JSONDecodeError`` at the place where it is, as any other bad JSON does
    (not a RecursionError or a ValueError, which callers would meet as a traceback)."""
    return _parsed(json.loads, text)


def raw_decode(text: str, at: int) -> tuple[Any, int]:
    """``json.JSONDecoder().raw_decode`` from ``at``, failing as ``loads`` does."""
    return _parsed(lambda whole: _DECODER.raw_decode(whole, at), text)  # type: ignore[no-any-return]


def _parsed(parse: Callable[[str], Any], text: str) -> Any:
    try:
        return parse(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        problem, pos = _deepest(text)
    except ValueError:  # Python's limit on the digits of an integer
        problem, pos = _longest_integer(text)
    raise json.JSONDecodeError(problem, text, pos) from None


def _deepest(text: str) -> tuple[str, int]:
    """How deep arrays and objects nest, and where they first nest that deep."""
    depth = deepest = at = 0
    for token in _JSON_TOKENS.finditer(text):
        kind = token.group()[0]
        if kind in "[{":
            depth += 1
            if depth > deepest:
                deepest, at = depth, token.start()
        elif kind in "]}":
            depth -= 1
    return f"too deeply nested to read: {deepest:,} levels of arrays and objects, the deepest", at


def _longest_integer(text: str) -> tuple[str, int]:
    """The first integer with more digits than Python converts, and where it is."""
    limit = sys.get_int_max_str_digits()
    for token in _JSON_TOKENS.finditer(text):
        digits = token.group(1)
        if digits is not None and not token.group(2) and len(digits) > limit:
            return (
                f"a {len(digits):,}-digit number, over the {limit:,} digits that can be read,"
                " starting",
                token.start(),
            )
    return "a number too long to read", 0


def json_problem(exc: json.JSONDecodeError) -> str:
    """What the JSON parser found, and where: "Expecting ',' delimiter at column 12"."""
    return f"{exc.msg.removesuffix(' at')} at column {exc.colno}"


def json_records(
    path: Path, *, reader: str, lenient: bool = False
) -> Iterator[tuple[str, Any]]:
    """``(where, object)`` per JSONL line; a line that is not JSON gives a ``Bad``.

    With ``lenient``, a file that is one JSON array of objects (on one line as
    ``json.dump`` writes it, or pretty-printed), or one pretty-printed object,
    gives its objects as records.  Lines are split on "\\n" only: U+2028 and
    friends may stand unescaped inside JSON strings.
    """
    from .foreign import whole_file_hint  # (it reads records with ``Bad``, from here)

    try:
        content = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportRefusedError(f"{path.name} cannot be read ({exc}): check the file") from None
    refuse_lone_surrogates(content, path.name)
    first = True
    lines = content.split("\n")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = loads(line)
        except json.JSONDecodeError as exc:
            whole = whole_json(content) if first else None
            if whole is not None and lenient:
                yield from _items(path.name, whole)
                return
            problem = f"not valid JSON ({json_problem(exc)}): fix or remove the line"
            obj = Bad(problem if whole is None else whole_file_hint(whole, reader))
        if first and lenient and isinstance(obj, list):
            if not any(rest.strip() for rest in lines[n:]):  # the array is the whole file
                yield from _items(path.name, obj)
                return
        first = False
        yield f"{path.name} line {n}", obj


def whole_json(content: str) -> Any:
    """The file parsed whole when it is one object or array, else None."""
    try:
        whole = loads(content)
    except json.JSONDecodeError:
        return None
    return whole if isinstance(whole, (dict, list)) else None


def _items(name: str, whole: Any) -> Iterator[tuple[str, Any]]:
    for i, item in enumerate(whole if isinstance(whole, list) else [whole], 1):
        yield f"{name} record {i}", item


class OutputText:
    """One document's text while it is written: converts span offsets and checks them."""

    def __init__(self, text: str, unit: str) -> None:
        self.text, self.unit = text, unit
        self.map = OffsetMap(text) if unit == "utf16" else None
        self._utf16: bytes | None = None  # the text encoded once, for the check by slicing

    def offsets(self, span: Span) -> tuple[int, int]:
        """The span's offsets in the output unit, checked against the text by slicing."""
        if self.map is None:
            s, e = span.start, span.end
            found = self.text[s:e]
        else:
            s, e = self.map.to_utf16(span.start), self.map.to_utf16(span.end)
            if self._utf16 is None:
                self._utf16 = self.text.encode("utf-16-le")
            found = self._utf16[2 * s : 2 * e].decode("utf-16-le", errors="replace")
        if found != span.text:
            raise ExportError(
                f"span {span.id} of document {span.document_id} would be written at [{s}, {e})"
                f" ({self.unit}), where the text is {found!r}, not {span.text!r}:"
                " nothing was written"
            )
        return s, e


@contextmanager
def utf8_stdout() -> Iterator[IO[str]]:
    """Standard output as UTF-8 text, whatever the terminal's encoding says (an
    export is UTF-8); standard output itself stays open afterwards."""
    sys.stdout.flush()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        yield out
    finally:
        out.flush()
        out.detach()


def write_atomically(
    target: Path | str | IO[str], body: Callable[[IO[str]], WriteReport]
) -> WriteReport:
    """Run ``body`` on the target; a path is written through a temporary file and renamed.
    Standard output gets UTF-8 whatever the terminal's encoding says."""
    if target == "-":
        with utf8_stdout() as out:
            report = body(out)
        report.path = "-"
        return report
    if not isinstance(target, (str, Path)):
        report = body(target)
        report.path = getattr(target, "name", "-")
        return report
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give a file name inside it")
    with atomic_open(path) as f:
        report = body(f)
    report.path = str(path)
    return report


def lost_lines(lost: Counter[str]) -> list[str]:
    """``WriteReport.lost`` lines from counted templates (``display_text.with_count``)."""
    return [with_count(t, n) for t, n in lost.items() if n]


def describe(span: Span) -> str:
    quote = span.text if len(span.text) <= 40 else span.text[:37] + "..."
    return f"{span.label} [{span.start}, {span.end}) {quote!r} ({span.annotator})"


def listed(lost: list[str], heading: str, items: list[str]) -> None:
    """Add ``heading`` (a ``with_count`` template) and the first ``MAX_LISTED``
    items to ``lost``."""
    if items:
        lost.append(with_count(heading, len(items)))
        lost.extend(f"  {item}" for item in items[:MAX_LISTED])
        if len(items) > MAX_LISTED:
            lost.append(f"  ... and {len(items) - MAX_LISTED} more")
