"""The article text of an HTML page, found with a real parser (lxml.html).

``extract_article(html) -> (title, text)``.  The page is parsed from a ``str``
(the caller decoded it), nothing is fetched from the network, and the text is
what a browser's ``innerText`` of the article would show, simplified:

* chrome (script, style, nav, aside, forms, iframes, hidden elements, banner
  roles, ...) is dropped with its text; comments and processing instructions
  vanish, their neighbours' text intact; attributes never become text;
* the container is the ``[itemprop=articleBody]`` element, else the article
  inside ``<main>``/``[role=main]`` (the longest if several), else that main,
  else the longest ``<article>``, else the element whose direct ``<p>``
  children carry the most non-link text, else ``<body>``; inside it
  ``<footer>`` is dropped and ``<header>`` kept;
* block elements are separated by a blank line ("\\n\\n"), ``<br>`` ends a line,
  table cells are separated by a tab; ASCII whitespace collapses to one space and
  lines are stripped of ASCII whitespace only.  Every other character (U+00A0,
  ZWJ, combining marks, emoji) is kept exactly; ``<pre>`` is kept as written.

An empty result is ``(title, "")``; the caller decides to refuse it.  A page
libxml2 cannot read to the end (nested deeper than 2048 elements) raises
``ValueError`` rather than yield a silently truncated text.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html
from lxml import etree

__all__ = ["extract_article"]

# ASCII whitespace as HTML defines it; Python's str.strip() would also eat
# U+00A0 and friends, which are visible text and must stay.
_WS = " \t\n\r\f"
_WS_RUN = re.compile("[ \t\n\r\f]+")

# No "embed": it is a void element, but libxml2 parses it as a container, so
# everything after an unclosed <embed> becomes its "child"; dropping it would
# drop the rest of the article.  It has no text of its own to hide.
_DROP_TAGS = frozenset(
    "script style noscript template iframe frame frameset object applet svg"
    " math canvas form button select option textarea input nav aside menu dialog"
    " head title rp".split()
)
# Their text is fallback for browsers without video or audio: never shown.  An
# unclosed one would hold the rest of the page: when the source leaves one open,
# one holding paragraphs stays (``_media_holding_blocks``).
_MEDIA_TAGS = frozenset(("video", "audio"))
# An inline style that hides the element, as a browser would not show it.
_HIDDEN_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!\s*important\s*)?(?:;|$)",
    re.I,
)
_DROP_ROLES = frozenset("navigation banner contentinfo complementary search".split())
# The brief's block list, plus a few elements browsers also render as blocks.
_BLOCK_TAGS = frozenset(
    "p div section article main header footer h1 h2 h3 h4 h5 h6 li ul ol dl dt dd"
    " blockquote figure figcaption table tr pre hr address caption details summary"
    " center fieldset legend".split()
)


def _parser(**kwargs: str) -> lxml.html.HTMLParser:
    # A new parser per call: the error log must be this parse's own.  The HTML
    # parser loads no DTD or entity; no_network=True (the default, made explicit)
    # forbids any fetch.  Dropping comments and PIs in the parser joins the text
    # around them intact.  huge_tree lifts libxml2's nesting limit from 256 to
    # 2048: past it libxml2 stops, silently losing the rest of the page.
    return lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, huge_tree=True, **kwargs
    )


def _parse(html: str) -> etree._Element | None:
    parser = _parser()
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except etree.ParserError:  # "Document is empty"
        return None
    except ValueError:
        # lxml refuses a str that starts with <?xml ... encoding=...?> (XHTML);
        # the same text as UTF-8 bytes, with the encoding forced, parses fine.
        parser = _parser(encoding="utf-8")
        try:
            root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
        except etree.ParserError:
            return None
    fatal = [e for e in parser.error_log if e.level == etree.ErrorLevels.FATAL]
    if fatal:
        # libxml2 gave up part-way: importing the rest would lose text unseen.  Its own
        # words name a parser option ("use XML_PARSE_HUGE") that is on already.
        message = fatal[0].message.strip()
        if "depth" in message.lower() or "XML_PARSE_HUGE" in message:
            message = "its elements are nested more than 2,048 deep"
        raise ValueError(f"the HTML could not be read to the end ({message})")
    return root


def _collapse(text: str) -> str:
    return _WS_RUN.sub(" ", text).strip(_WS)


def _tag(el: etree._Element) -> str:
    # Comments/PIs/entities have a non-str tag; they get "" and are skipped.
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _is_dropped(el: etree._Element, holds_blocks: set[etree._Element] | None) -> bool:
    """Whether ``el`` is not shown; ``holds_blocks``: the media elements that hold block
    elements (None: every media element is closed in the source, and dropped)."""
    tag = _tag(el)
    if tag in _DROP_TAGS or not tag or el.get("hidden") is not None:
        return True
    if tag in _MEDIA_TAGS:
        return holds_blocks is None or el not in holds_blocks
    if (el.get("aria-hidden") or "").strip(_WS).lower() == "true":
        return True
    if _HIDDEN_STYLE.search(el.get("style") or ""):
        return True
    return any(role in _DROP_ROLES for role in (el.get("role") or "").lower().split())


def _media_holding_blocks(root: etree._Element, html: str) -> set[etree._Element] | None:
    """None when every <video> and <audio> of the source is closed: their content is
    fallback, never shown.  Else the ones holding block elements, found in one pass
    from the leaves up: an unclosed one holds the rest of the page, which stays."""
    source = html.lower()
    if all(source.count(f"</{tag}") >= source.count(f"<{tag}") for tag in _MEDIA_TAGS):
        return None
    blocks: set[etree._Element] = set()  # elements with a block element inside
    for el in reversed(list(root.iter())):
        parent = el.getparent()
        if parent is not None and (el in blocks or _tag(el) in _BLOCK_TAGS):
            blocks.add(parent)
    return {el for el in blocks if _tag(el) in _MEDIA_TAGS}


def _close_details(root: etree._Element) -> None:
    """A <details> without ``open`` shows its <summary> only: the rest goes."""
    for details in list(root.iter("details")):
        if details.get("open") is not None:
            continue
        details.text = None
        for child in list(details):
            if _tag(child) == "summary":
                child.tail = None
            else:
                details.remove(child)  # with its tail: text beside it is hidden too


def _drop(el: etree._Element) -> None:
    # drop_tree() removes the element and its text but keeps its tail text.
    if el.getparent() is not None:
        el.drop_tree()


# The collapsed text of a string, summarised so that two summaries combine into
# the summary of the two strings joined: (empty, blank, leading ws, trailing ws,
# length of the collapsed and stripped text).
_Run = tuple[bool, bool, bool, bool, int]
_EMPTY: _Run = (True, True, False, False, 0)


def _run(text: str | None) -> _Run:
    if not text:
        return _EMPTY
    if not text.strip(_WS):
        return (False, True, True, True, 0)
    return (False, False, text[0] in _WS, text[-1] in _WS, len(_collapse(text)))


def _join(a: _Run, b: _Run) -> _Run:
    if a[0]:
        return b
    if b[0]:
        return a
    if a[1]:
        return b if b[1] else (False, False, True, b[3], b[4])
    if b[1]:
        return (False, False, a[2], True, a[4])
    return (False, False, a[2], b[3], a[4] + b[4] + (1 if a[3] or b[2] else 0))


class _TextLengths:
    """Collapsed text lengths for the container heuristics, in one pass over the tree.

    ``len(_collapse(el.text_content()))`` asked of every <p> and <article> is
    quadratic when they nest (2,000 nested articles took over a minute); here
    each element's value is built from its children's, bottom-up.
    """

    def __init__(self, root: etree._Element) -> None:
        nodes = list(root.iter())
        self.text: dict[etree._Element, int] = {}  # len(_collapse(el.text_content()))
        self.paragraphs: dict[etree._Element, int] = {}  # sum of that over el.iter("p")
        self.links: dict[etree._Element, int] = {}  # sum of that over el.iter("a")
        runs: dict[etree._Element, _Run] = {}
        for el in reversed(nodes):  # every element after all of its descendants
            if not isinstance(el.tag, str):  # comments, PIs: no text_content
                runs[el] = _EMPTY
                continue
            run, paragraphs, links = _run(el.text), 0, 0
            for child in el:
                run = _join(_join(run, runs[child]), _run(child.tail))
                paragraphs += self.paragraphs.get(child, 0)
                links += self.links.get(child, 0)
            runs[el] = run
            self.text[el] = run[4]
            self.paragraphs[el] = paragraphs + (run[4] if el.tag == "p" else 0)
            self.links[el] = links + (run[4] if el.tag == "a" else 0)


def _longest_article(scope: etree._Element, lengths: _TextLengths) -> etree._Element | None:
    articles = list(scope.iter("article"))
    # max() keeps the first of equals: the earliest article wins a tie.
    return max(articles, key=lengths.paragraphs.__getitem__) if articles else None


_CLIMB = 0.5  # share of the chosen element's paragraph text its parent's own paragraphs hold


def _densest(body: etree._Element, lengths: _TextLengths) -> etree._Element | None:
    """Readability-style: the element whose own <p> children hold the most text."""
    best, best_score = None, 0
    for el in body.iter():
        score = _own_paragraphs(el, lengths)
        if score > best_score:
            best, best_score = el, score
    # A long quote in a <blockquote> (or a <figure>, a <div>) inside the story
    # wins alone: the element around it is taken while its own paragraphs hold
    # at least half as much text, as the story's around a quote do.
    while best is not None and best is not body and (parent := best.getparent()) is not None \
            and _own_paragraphs(parent, lengths) >= _CLIMB * best_score:  # fmt: skip
        best, best_score = parent, _own_paragraphs(parent, lengths)
    return best


def _own_paragraphs(el: etree._Element, lengths: _TextLengths) -> int:
    """The non-link text of ``el``'s own <p> children: menus and "read more" lists
    made of links score (almost) nothing."""
    return sum(max(lengths.text[p] - lengths.links[p], 0) for p in el.iterchildren("p"))


def _choose_container(root: etree._Element) -> etree._Element:
    body = root.find("body")
    scope = body if body is not None else root
    lengths = _TextLengths(scope)
    found = scope.xpath(
        ".//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' articleBody ')]"
    )
    if found:
        return found[0]
    mains = scope.xpath(
        ".//main | .//*[@role][contains("
        "concat(' ', translate(normalize-space(@role), 'MAIN', 'main'), ' '),"
        " ' main ')]"
    )
    # Explicit "is None" tests: an lxml element's truth value is its child count.
    if mains:
        article = _longest_article(mains[0], lengths)
        return mains[0] if article is None else article
    for choice in (_longest_article(scope, lengths), _densest(scope, lengths)):
        if choice is not None:
            return choice
    return scope


class _Renderer:
    """Turns a container into blocks of text, innerText-style."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        # Segments of the open block: (kind, text), kind in text/pre/br/tab.
        self._segs: list[tuple[str, str]] = []

    def flush(self) -> None:
        if self._segs:
            block = self._block_text(self._segs)
            if block.strip(_WS):
                self.blocks.append(block)
            self._segs = []

    def add_text(self, text: str | None, in_pre: bool) -> None:
        if text:
            self._segs.append(("pre" if in_pre else "text", text))

    def walk(self, root: etree._Element) -> None:
        # Iterative, not recursive: pages may nest up to 2048 elements deep,
        # beyond Python's recursion limit.  Items: ("open", element, in_pre),
        # ("text", str, in_pre), ("close", element, in_pre) for blocks.
        todo: list[tuple[str, Any, bool]] = [("open", root, False)]
        while todo:
            action, item, in_pre = todo.pop()
            if action == "text":
                self.add_text(item, in_pre)
                continue
            if action == "close":
                self.flush()
                continue
            tag = _tag(item)
            block = tag in _BLOCK_TAGS
            if block:
                self.flush()
            if tag == "br":
                self._segs.append(("br", ""))
            elif tag in ("td", "th") and any(
                _tag(s) in ("td", "th") for s in item.itersiblings(preceding=True)
            ):
                self._segs.append(("tab", ""))
            in_pre = in_pre or tag == "pre"
            text = item.text
            if tag == "pre" and text and text.startswith("\n"):
                text = text[1:]  # HTML ignores a newline right after <pre>.
            self.add_text(text, in_pre)
            later: list[tuple[str, Any, bool]] = []
            for child in item:
                later.append(("open", child, in_pre))
                if child.tail:
                    later.append(("text", child.tail, in_pre))
            if block:
                later.append(("close", item, in_pre))
            todo.extend(reversed(later))

    @staticmethod
    def _block_text(segs: list[tuple[str, str]]) -> str:
        if all(kind in ("pre", "br") for kind, _ in segs):
            return "".join("\n" if kind == "br" else text for kind, text in segs)
        lines: list[str] = []
        cells: list[str] = []
        buf: list[str] = []

        def end_cell() -> None:
            # Collapsing the joined run also merges "a " + " b" into "a b".
            cells.append(_collapse("".join(buf)) if buf else "")
            buf.clear()

        for kind, text in segs:
            if kind == "br":
                end_cell()
                lines.append("\t".join(cells))
                cells.clear()
            elif kind == "tab":
                end_cell()
            else:
                buf.append(text)
        end_cell()
        lines.append("\t".join(cells))
        return "\n".join(lines).strip("\n")


def _render(container: etree._Element) -> str:
    renderer = _Renderer()
    renderer.walk(container)
    renderer.flush()
    return "\n\n".join(renderer.blocks)


def _title(root: etree._Element) -> str | None:
    for el in root.iter("title"):
        # An <svg><title> is a tooltip, not the page's title.
        if not any(_tag(a) in ("svg", "math") for a in el.iterancestors()):
            title = _collapse(el.text_content())
            if title:
                return title
    return None


def extract_article(html: str) -> tuple[str | None, str]:
    """Return ``(title, text)`` of the article in ``html`` (text "" if none)."""
    root = _parse(html)
    if root is None:
        return None, ""
    title = _title(root)
    holds = _media_holding_blocks(root, html)
    _close_details(root)
    # Collect first, then drop: dropping while iterating would skip elements.
    for el in [el for el in root.iter() if _is_dropped(el, holds)]:
        _drop(el)
    container = _choose_container(root)
    for el in list(container.iter("footer")):
        if el is not container:
            _drop(el)
    h1 = next(container.iter("h1"), None)
    if title is None and h1 is not None:
        title = _collapse(h1.text_content()) or None
    text = _render(container)
    body = root.find("body")
    if not text and body is not None and container is not body:
        # The chosen container turned out empty: the body is a better guess.
        text = _render(body)
    # A CR written as &#13; (in <pre>, say) is a line end like any other: LF.
    return title, text.replace("\r\n", "\n").replace("\r", "\n")
