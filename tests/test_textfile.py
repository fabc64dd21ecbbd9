"""read_article: real files in tmp_path, expected values worked out by hand."""

from __future__ import annotations

import os
import pathlib

import pytest

from annotator.errors import ImportRefusedError
from annotator.textfile import Article, read_article

FIREFIGHTER = "\U0001f468\U0001f3fb\u200d\U0001f692"  # man, skin tone, ZWJ, fire engine
CAFE_NFD = "Cafe\u0301"  # e + COMBINING ACUTE ACCENT: two code points


def write(tmp_path: pathlib.Path, name: str, data: bytes) -> pathlib.Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(path: pathlib.Path, **kwargs: int) -> str:
    with pytest.raises(ImportRefusedError) as info:
        read_article(path, **kwargs)
    message = str(info.value)
    # Every refusal: one line, names the file, says what to do after a colon.
    assert "\n" not in message
    assert path.name in message
    assert ": " in message
    return message


# --- encodings -------------------------------------------------------------


def test_utf8_plain(tmp_path: pathlib.Path) -> None:
    text = f"{CAFE_NFD} {FIREFIGHTER}\nsecond line\n"
    art = read_article(write(tmp_path, "a.txt", text.encode("utf-8")))
    assert isinstance(art, Article)
    assert art.text == text
    assert art.title == f"{CAFE_NFD} {FIREFIGHTER}"
    assert art.meta == {"encoding": "utf-8", "newlines": "lf", "filename": "a.txt", "format": "txt"}


def test_utf8_bom_is_stripped(tmp_path: pathlib.Path) -> None:
    art = read_article(write(tmp_path, "bom.txt", b"\xef\xbb\xbfHello\n"))
    assert art.text == "Hello\n"
    assert art.meta["encoding"] == "utf-8-sig"


def test_utf16_le_with_bom(tmp_path: pathlib.Path) -> None:
    # "Hi 🇺🇦\r\n" in UTF-16 LE, written out byte by byte.
    data = (
        b"\xff\xfe"
        + b"H\x00i\x00 \x00"
        + b"\x3c\xd8\xfa\xdd"
        + b"\x3c\xd8\xe6\xdd"  # U+1F1FA, U+1F1E6 as surrogates
        + b"\r\x00\n\x00"
    )
    art = read_article(write(tmp_path, "le.txt", data))
    assert art.text == "Hi \U0001f1fa\U0001f1e6\n"
    assert art.meta["encoding"] == "utf-16-le"
    assert art.meta["newlines"] == "crlf"


def test_utf16_be_with_bom(tmp_path: pathlib.Path) -> None:
    data = b"\xfe\xff" + b"\x00G\x00r\x00\xfc\x00\xdf\x00e"  # "Grüße"
    art = read_article(write(tmp_path, "be.md", data))
    assert art.text == "Grüße"
    assert art.meta["encoding"] == "utf-16-be"
    assert art.meta["format"] == "md"


def test_utf16_odd_length_refused_with_offset(tmp_path: pathlib.Path) -> None:
    # BOM (2 bytes) + "A" (2 bytes) + one stray byte at file offset 4.
    message = refused(write(tmp_path, "odd.txt", b"\xff\xfeA\x00B"))
    assert "UTF-16" in message and "byte 4" in message


def test_latin1_refused_with_byte_offset(tmp_path: pathlib.Path) -> None:
    # "abc\n" x 10 = 40 bytes, then "na" = 2 more: the 0xEF of "naïve" is byte 42.
    data = b"abc\n" * 10 + "naïve".encode("latin-1")
    message = refused(write(tmp_path, "notes.txt", data))
    assert "not valid UTF-8 (byte 42)" in message
    assert "save it as UTF-8" in message


def test_latin1_after_utf8_bom_offset_counts_the_bom(tmp_path: pathlib.Path) -> None:
    # BOM = bytes 0-2, "ab" = bytes 3-4, 0xFF = byte 5.
    assert "byte 5" in refused(write(tmp_path, "x.txt", b"\xef\xbb\xbfab\xff"))


def test_latin1_html_without_charset_refused(tmp_path: pathlib.Path) -> None:
    # "<p>Caf" is 6 bytes (0-5): the 0xE9 is byte 6.
    assert "byte 6" in refused(write(tmp_path, "p.html", b"<p>Caf\xe9</p>"))


def test_html_declared_windows_1252_is_decoded(tmp_path: pathlib.Path) -> None:
    data = (
        b'<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head>'
        b"<body><p>\x93Caf\xe9\x94 \x96 cr\xe8me</p></body></html>"
    )
    art = read_article(write(tmp_path, "w.html", data))
    assert art.text == "\u201cCafé\u201d \u2013 crème"
    assert art.title == "Café"
    assert art.meta["encoding"] == "cp1252"
    assert art.meta["declared_charset"] == "windows-1252"
    assert art.meta["format"] == "html"


def test_html_http_equiv_charset(tmp_path: pathlib.Path) -> None:
    data = (
        b'<HTML><HEAD><META HTTP-EQUIV="Content-Type" '
        b'CONTENT="text/html; charset=ISO-8859-1"></HEAD>'
        b"<BODY><P>na\xefve</P></BODY></HTML>"
    )
    art = read_article(write(tmp_path, "old.HTM", data))
    assert art.text == "naïve"
    assert art.meta["encoding"] == "cp1252"  # as browsers read ISO-8859-1 (WHATWG)


def test_a_latin_1_label_is_read_as_browsers_read_it(tmp_path: pathlib.Path) -> None:
    """Pages labelled ISO-8859-1 or US-ASCII are written in windows-1252: its
    0x93, 0x94 and 0x80 are “, ” and €, not C1 control characters."""
    for label in ("iso-8859-1", "latin1", "us-ascii"):
        data = (f'<html><head><meta charset="{label}"></head><body><p>'.encode()
                + b"caf\xe9 \x93quoted\x94 \x80</p></body></html>")  # fmt: skip
        assert read_article(write(tmp_path, f"{label}.html", data)).text == "café “quoted” €"


def test_html_declared_charset_but_bytes_invalid(tmp_path: pathlib.Path) -> None:
    # 0x81 is undefined in windows-1252; it sits at offset len(prefix).
    prefix = b'<meta charset="windows-1252"><p>ab'
    data = prefix + b"\x81\xe9</p>"
    message = refused(write(tmp_path, "bad.html", data))
    assert f"byte {len(prefix)}" in message and len(prefix) == 34
    assert "windows-1252" in message


def test_html_unknown_charset_refused(tmp_path: pathlib.Path) -> None:
    data = b'<meta charset="x-no-such-charset"><p>caf\xe9</p>'
    assert "x-no-such-charset" in refused(write(tmp_path, "u.html", data))


@pytest.mark.parametrize("charset", ["unicode_escape", "utf-7", "base64", "rot13"])
def test_html_declared_non_charset_codec_refused(tmp_path: pathlib.Path, charset: str) -> None:
    # Python codecs that transform text (or bytes) instead of decoding a charset.
    data = f'<meta charset="{charset}"><p>caf'.encode() + b"\xe9 \\u0041</p>"
    assert charset in refused(write(tmp_path, "trick.html", data))


def test_html_utf8_ignores_wrong_declaration(tmp_path: pathlib.Path) -> None:
    # Valid UTF-8 wins: the declared charset is only a fallback.
    data = '<meta charset="windows-1252"><p>Café</p>'.encode()
    art = read_article(write(tmp_path, "ok.html", data))
    assert art.text == "Café"
    assert art.meta["encoding"] == "utf-8"
    assert "declared_charset" not in art.meta


# --- newlines ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text", "style"),
    [
        (b"a\nb\n", "a\nb\n", "lf"),
        (b"a\r\nb\r\n", "a\nb\n", "crlf"),
        (b"a\rb\r", "a\nb\n", "cr"),
        (b"a\r\nb\nc\rd", "a\nb\nc\nd", "mixed"),
        (b"a\r\r\nb", "a\n\nb", "mixed"),  # lone CR, then CRLF
    ],
)
def test_newlines(tmp_path: pathlib.Path, raw: bytes, text: str, style: str) -> None:
    art = read_article(write(tmp_path, "n.txt", raw))
    assert art.text == text
    assert art.meta["newlines"] == style


# --- refusals ----------------------------------------------------------------


def test_png_header_is_binary(tmp_path: pathlib.Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    assert "binary" in refused(write(tmp_path, "image.txt", png))


def test_nul_in_utf8_text_is_binary(tmp_path: pathlib.Path) -> None:
    assert "binary" in refused(write(tmp_path, "nul.md", b"ab\x00cd"))


def test_nul_in_utf16_text_is_binary(tmp_path: pathlib.Path) -> None:
    assert "binary" in refused(write(tmp_path, "nul16.txt", b"\xff\xfea\x00\x00\x00"))


def test_empty_file(tmp_path: pathlib.Path) -> None:
    assert "empty" in refused(write(tmp_path, "empty.txt", b""))


@pytest.mark.parametrize("data", [b" \n\t\r\n ", b"\xef\xbb\xbf", "\u00a0\u3000\n".encode()])
def test_whitespace_only(tmp_path: pathlib.Path, data: bytes) -> None:
    assert "whitespace" in refused(write(tmp_path, "blank.txt", data))


def test_over_the_limit_refused_before_reading(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "big.txt", b"x" * 11)

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened although stat said it is too big")

    monkeypatch.setattr(pathlib.Path, "open", no_reading)
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    message = refused(path, max_bytes=10)
    assert "MB" in message and "limit" in message


def test_exactly_at_the_limit_is_accepted(tmp_path: pathlib.Path) -> None:
    assert read_article(write(tmp_path, "ten.txt", b"0123456789"), max_bytes=10).text == (
        "0123456789"
    )


def test_default_limit_message_names_megabytes(tmp_path: pathlib.Path) -> None:
    # 3 MiB + 1 byte against a 3 MiB limit (sparse file: cheap to make).
    path = tmp_path / "large.txt"
    with path.open("wb") as f:
        f.truncate(3 * 1024 * 1024 + 1)
    message = refused(path, max_bytes=3 * 1024 * 1024)
    assert "3.0 MB (3,145,729 bytes)" in message and "limit of 3.0 MB" in message


def test_unknown_suffix(tmp_path: pathlib.Path) -> None:
    message = refused(write(tmp_path, "report.pdf", b"%PDF-1.7"))
    for suffix in (".txt", ".md", ".html", ".htm"):
        assert suffix in message


def test_suffix_is_case_insensitive(tmp_path: pathlib.Path) -> None:
    assert read_article(write(tmp_path, "LOUD.TXT", b"hi")).meta["format"] == "txt"


def test_missing_file(tmp_path: pathlib.Path) -> None:
    assert "does not exist" in refused(tmp_path / "gone.txt")


def test_directory(tmp_path: pathlib.Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    assert "folder" in refused(tmp_path / "folder.txt")


def test_pipe_is_not_read(tmp_path: pathlib.Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would block forever
    assert "not a regular file" in refused(fifo)


def test_html_without_article_text(tmp_path: pathlib.Path) -> None:
    data = b"<html><head><title>T</title></head><body><nav>Menu</nav><script>x()</script></body>"
    assert "no article text" in refused(write(tmp_path, "empty.html", data))


# --- text kept exactly, titles -------------------------------------------------


def test_text_kept_exactly(tmp_path: pathlib.Path) -> None:
    text = f"  leading spaces\n\tTab\u00a0nbsp  \n{CAFE_NFD} {FIREFIGHTER} \u200b\n\n"
    art = read_article(write(tmp_path, "exact.txt", text.encode("utf-8")))
    assert art.text == text
    assert art.text.count("\u200d") == 1 and art.text.count("\u0301") == 1
    assert art.text.endswith("\n\n")
    assert art.title == "leading spaces"


def test_txt_title_skips_blank_lines_and_is_cut(tmp_path: pathlib.Path) -> None:
    art = read_article(write(tmp_path, "t.txt", b"\n   \n" + b"x" * 250 + b"\nbody"))
    assert art.title == "x" * 200


def test_title_cut_keeps_an_accent_with_its_letter(tmp_path: pathlib.Path) -> None:
    # The 200th code point is "e", the 201st its combining accent: cut before the "e".
    line = "a" * 199 + "e\u0301" + "b"
    art = read_article(write(tmp_path, "c.txt", line.encode("utf-8")))
    assert art.title == "a" * 199


def test_title_cut_keeps_an_emoji_whole(tmp_path: pathlib.Path) -> None:
    # The firefighter's 4 code points sit at 198-201: the whole emoji goes.
    line = "a" * 198 + FIREFIGHTER + "b"
    art = read_article(write(tmp_path, "e.txt", line.encode("utf-8")))
    assert art.title == "a" * 198


def test_md_title_is_first_atx_heading(tmp_path: pathlib.Path) -> None:
    md = "Intro line\n\n```sh\n# a shell comment\n```\n\n##   The *Title*  ##\n\n# Later\n"
    art = read_article(write(tmp_path, "doc.md", md.encode()))
    assert art.title == "The *Title*"
    assert art.text == md


def test_md_without_heading_uses_first_line(tmp_path: pathlib.Path) -> None:
    art = read_article(write(tmp_path, "plain.md", b"\n#hashtag not a heading\nmore\n"))
    assert art.title == "#hashtag not a heading"


def test_html_article_through_read_article(tmp_path: pathlib.Path) -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Page\r\n title</title></head><body>"
        "<nav>Home</nav><article><h1>Head</h1><p>Body\r\ntext.</p></article></body></html>"
    )
    art = read_article(write(tmp_path, "page.html", page.encode()))
    assert art.text == "Head\n\nBody text."
    assert art.title == "Page title"
    assert art.meta == {
        "encoding": "utf-8",
        "newlines": "crlf",
        "filename": "page.html",
        "format": "html",
    }


def test_title_cut_keeps_a_flag_and_a_vowel_sign_whole(tmp_path: pathlib.Path) -> None:
    """A title is cut at 200 characters: not between the two letters of a flag,
    nor between क and its vowel sign ि (a spacing mark, not a combining one)."""
    for tail in ("🇫🇷 rest", "कि rest"):
        art = read_article(write(tmp_path, "t.txt", ("a" * 199 + tail + "\n").encode()))
        assert art.title == "a" * 199


def test_md_title_falls_back_to_the_first_line_outside_code(tmp_path: pathlib.Path) -> None:
    data = b"```\n# not a title\n```\n\nReal first line\n"
    assert read_article(write(tmp_path, "fence.md", data)).title == "Real first line"
