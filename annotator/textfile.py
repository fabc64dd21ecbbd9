"""Read an article file (.txt, .md, .html, .htm) into its exact text.

``read_article(path, max_bytes=50 MiB) -> Article(text, title, meta)``.

The text is the file's characters exactly as written, with two changes only:
a byte order mark is removed, and CRLF / lone CR become LF (``meta["newlines"]``
says which were found: "lf", "crlf", "cr" or "mixed").  No Unicode
normalisation, no stripping, nothing else.  HTML files give the article text
of ``annotator.html_text.extract_article``.

Decoding: a UTF-8 BOM, a UTF-16 LE/BE BOM, else strict UTF-8; an HTML file that
is not UTF-8 may use the charset its ``<meta>`` declares.  ``meta`` also holds
``encoding`` (Python codec name), ``filename`` (base name) and ``format``
("txt", "md", "html"), plus ``declared_charset`` when one was used.

Every refusal is an ``ImportRefusedError`` with a one-line message that names the
file and says what to do; nothing is ever half-read.
"""

from __future__ import annotations

import codecs
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

from annotator.display_text import whole_characters
from annotator.errors import ImportRefusedError
from annotator.html_text import extract_article

__all__ = ["Article", "read_article", "SUPPORTED_SUFFIXES"]

_FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}
SUPPORTED_SUFFIXES = tuple(_FORMATS)
_TITLE_MAX = 200
_MIB = 1024 * 1024
# CommonMark ATX heading: up to 3 spaces, 1-6 '#', then a space or the end;
# an optional closing run of '#' (after a space) is not part of the text.
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# Python text codecs that are transformations, not charsets: a page declaring
# one would have its backslashes or "+" sequences rewritten, not decoded.
_NOT_CHARSETS = frozenset(
    "unicode-escape raw-unicode-escape utf-7 idna punycode undefined charmap".split()
)


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None
    meta: dict[str, str]
    # A .txt/.md text as decoded, before its CR LF / CR line ends became LF (None
    # when it had none): brat counts the CRs, so a brat file brings this text.
    as_read: str | None = None


def size_text(n: int) -> str:
    mb = n / _MIB
    if mb >= 0.1 or n == 0:
        return f"{mb:.1f} MB"
    # Tiny limits (tests, tight settings) would all print as "0.0 MB".
    return f"{mb:.6f}".rstrip("0") + " MB"


def _refuse(message: str) -> ImportRefusedError:
    return ImportRefusedError(message)


def _stat_size(path: Path) -> int:
    name = path.name or str(path)  # "." has no name
    try:
        st = path.stat()  # follows symlinks: a link to a text file is fine
    except FileNotFoundError:
        raise _refuse(f"{name} does not exist: check the path and import again") from None
    except OSError as exc:
        raise _refuse(f"{name} cannot be read ({exc.strerror}): check the file") from None
    if stat.S_ISDIR(st.st_mode):
        raise _refuse(f"{name} is a folder, not a file: choose a file inside it")
    if not stat.S_ISREG(st.st_mode):
        # A pipe would block the read forever; a device could be endless.
        raise _refuse(f"{name} is not a regular file (a device or pipe): choose a text file")
    return st.st_size


def _read_bytes(path: Path, size: int, max_bytes: int) -> bytes:
    name = path.name
    # Size first, from stat: a huge file is refused without reading a byte.
    if size > max_bytes:
        raise _refuse(
            f"{name} is {size_text(size)} ({size:,} bytes), over the import limit of "
            f"{size_text(max_bytes)}: split it into smaller files and import again"
        )
    try:
        with path.open("rb") as f:
            # +1: notice a file that grew since stat (its size, not the limit, is
            # read: a raised limit must not reserve memory for it).
            data = f.read(min(max_bytes, size + (1 << 20)) + 1)
    except OSError as exc:
        raise _refuse(f"{name} cannot be read ({exc.strerror}): check the file") from None
    if len(data) > max_bytes:
        raise _refuse(
            f"{name} is over the import limit of {size_text(max_bytes)}: "
            "split it into smaller files and import again"
        )
    if not data:
        raise _refuse(f"{name} is empty: choose a file with text in it")
    return data


def _bad_bytes(name: str, what: str, offset: int) -> ImportRefusedError:
    return _refuse(f"{name} is not valid {what} (byte {offset}): save it as UTF-8 and import again")


def _binary(name: str) -> ImportRefusedError:
    return _refuse(
        f"{name} looks like a binary file (it contains NUL bytes): "
        "import a text file (.txt, .md, .html) instead"
    )


# Labels that browsers (the WHATWG Encoding standard) read as windows-1252: a page
# declaring them is written for that code page, whose “ ” € a Latin-1 decoder
# would turn into control characters.
_AS_BROWSERS_READ = {
    label: "windows-1252" for label in (
        "iso-8859-1", "iso8859-1", "iso_8859-1", "iso-ir-100", "latin1", "latin-1", "l1",
        "cp819", "ibm819", "csisolatin1", "us-ascii", "ascii", "ansi_x3.4-1968",
        "iso-8859-1:1987", "x-cp1252", "cp1252",
    )
}  # fmt: skip


def _declared_charset(data: bytes) -> str | None:
    """The charset a <meta> tag declares, found by parsing (not by regex)."""
    # Parsed as ISO-8859-1 (forced, whatever the page says): every byte is one
    # character, so any file parses and the ASCII markup reads right.
    try:
        root = lxml.html.document_fromstring(
            data, parser=lxml.html.HTMLParser(encoding="iso-8859-1", no_network=True)
        )
    except (ValueError, etree.ParserError):
        return None
    for meta in root.iter("meta"):
        charset: str | None = meta.get("charset")
        if charset is None and (meta.get("http-equiv") or "").strip().lower() == "content-type":
            # content="text/html; charset=windows-1252": an attribute value,
            # not markup, so splitting the string is fine.
            for param in (meta.get("content") or "").split(";")[1:]:
                key, _, value = param.partition("=")
                if key.strip().lower() == "charset":
                    charset = value
        if charset and charset.strip(" \t\n\r\f\"'"):
            return charset.strip(" \t\n\r\f\"'")
    return None


def _decode(name: str, data: bytes, fmt: str) -> tuple[str, dict[str, str]]:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise _refuse(
            f"{name} is UTF-32, which is not supported: save it as UTF-8 and import again"
        )
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise _bad_bytes(name, "UTF-16", exc.start + len(bom)) from None
            if "\x00" in text:
                raise _binary(name)
            return text, {"encoding": codec}
    # Outside UTF-16, a NUL byte means binary (PNG, PDF, ...): say that rather
    # than report a decoding error at some byte.
    if b"\x00" in data:
        raise _binary(name)
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        return data[len(bom) :].decode("utf-8"), {"encoding": "utf-8-sig" if bom else "utf-8"}
    except UnicodeDecodeError as exc:
        utf8_error = _bad_bytes(name, "UTF-8", exc.start + len(bom))
    declared = _declared_charset(data) if fmt == "html" and not bom else None
    if declared is None:
        raise utf8_error
    unknown = _refuse(
        f"{name} declares the charset {declared!r}, which cannot be used: "
        "save it as UTF-8 and import again"
    )
    try:
        codec = codecs.lookup(_AS_BROWSERS_READ.get(declared.lower(), declared)).name
    except LookupError:
        raise unknown from None
    # A UTF-8/16/32 label on a file that failed as UTF-8 and has no UTF-16 BOM
    # is wrong (browsers ignore a UTF-16 <meta>); the UTF-8 error is the truth.
    if codec.startswith(("utf-8", "utf-16", "utf-32")):
        raise utf8_error
    if codec in _NOT_CHARSETS:
        raise unknown
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _bad_bytes(name, f"{declared} as its <meta> declares", exc.start) from None
    except (LookupError, UnicodeError):  # bytes-to-bytes codecs: base64, zlib, ...
        raise unknown from None
    return text, {"encoding": codec, "declared_charset": declared}


def _newlines(text: str) -> tuple[str, str]:
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    if not crlf and not cr:
        return text, "lf"
    lf = text.count("\n") - crlf
    kinds = [k for k, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n]
    style = kinds[0] if len(kinds) == 1 else "mixed"
    return text.replace("\r\n", "\n").replace("\r", "\n"), style


def _cut(title: str) -> str:
    if len(title) <= _TITLE_MAX:
        return title
    # On a character's edge as a reader sees it: never half a flag, an "e" without
    # its accent, or a consonant without its vowel sign (whole_characters).
    end, _ = whole_characters(title, _TITLE_MAX, _TITLE_MAX)
    return title[:end].rstrip()


def _first_line(text: str) -> str | None:
    # CR too: a brat text keeps its line ends as they are.
    lines = text.replace("\r", "\n").split("\n")
    return next((_cut(line.strip()) for line in lines if line.strip()), None)


def _md_title(text: str) -> str | None:
    """The first heading outside fenced code; else the first line of text outside it."""
    fence: str | None = None
    first: str | None = None
    for line in text.split("\n"):
        opening = _FENCE.match(line)
        if opening:
            # "# x" inside a fenced code block is code (a shell comment), not a title.
            fence = None if fence == opening.group(1) else fence or opening.group(1)
            continue
        if fence is None:
            heading = _ATX.match(line)
            if heading and (heading.group(1) or "").strip():
                return _cut(heading.group(1).strip())
            if first is None and line.strip():
                first = _cut(line.strip())
    return first if first is not None else _first_line(text)


def stored_name(path: Path) -> str:
    """``path``'s name as text a database can store: bytes of a name that are not
    UTF-8 (a Latin-1 "café.txt") become U+FFFD, as a file manager shows them."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_article(path: str | Path, *, max_bytes: int = 50 * _MIB) -> Article:
    """Read ``path`` into an ``Article``; raise ``ImportRefusedError`` if it cannot be."""
    path = Path(path)
    name = path.name
    size = _stat_size(path)  # "does not exist" beats "wrong type" for a typo
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise _refuse(
            f"{name} is not a supported file type: import a {', '.join(SUPPORTED_SUFFIXES)} file"
        )
    data = _read_bytes(path, size, max_bytes)
    text, meta = _decode(name, data, fmt)
    if not text.strip():
        raise _refuse(f"{name} contains no text, only whitespace: choose a file with text in it")
    as_read = text
    text, meta["newlines"] = _newlines(text)
    meta.update(filename=stored_name(path), format=fmt)
    kept = as_read if as_read != text else None
    if fmt == "txt":
        return Article(text, _first_line(text), meta, kept)
    if fmt == "md":
        return Article(text, _md_title(text), meta, kept)
    try:
        title, body = extract_article(text)
    except ValueError as exc:
        raise _refuse(f"{name}: {exc}: simplify the page or save its text as .txt") from None
    if not body:
        raise _refuse(f"{name} has no article text: save the text as .txt and import that")
    return Article(body, title or None, meta)
