"""extract_article: expected texts written out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.html_text import extract_article

FIREFIGHTER = "\U0001f468\U0001f3fb\u200d\U0001f692"  # man, skin tone, ZWJ, fire engine
CAFE_NFD = "Cafe\u0301"  # e + COMBINING ACUTE ACCENT

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="30; url=https://example.com/next">
  <title>Fire crews   save
     the café | Daily News</title>
  <style>p {{ color: red }} .styled-away {{}}</style>
  <script>alert('x'); document.write("injected");</script>
</head>
<body onload="track('load')">
  <header class="site-header">
    <a href="/">Daily News home</a>
    <nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
  </header>
  <div class="cookie-banner" aria-hidden="true">
    <p>We use cookies to improve your experience.</p><button>Accept</button>
  </div>
  <main>
    <article>
      <header>
        <h1>Fire crews save the   café</h1>
        <p class="byline">By <a href="/ann">Ann Lee</a></p>
      </header>
      <p>The {FIREFIGHTER} team reached the {CAFE_NFD} at 3&nbsp;a.m. on
         Monday.</p>
      <p>Neighbours <!-- secret --> cheered;<!-- secret 2 --> the owner said:
         &ldquo;Merci&#x21;&rdquo;</p>
      <script>alert('x')</script>
      <p onclick="alert('x')" title="tooltip">Damage was limited to the kitchen
         &amp; the terrace.</p>
      <iframe src="https://ads.example.com/frame">Ad text from the iframe</iframe>
      <style>.x {{ display: none }}</style>
      <footer>Share this article</footer>
    </article>
  </main>
  <aside><h2>Most read</h2><p>Another story entirely</p></aside>
  <footer><p>&copy; 2024 Daily News</p></footer>
</body>
</html>
"""


def test_news_page_exact_text() -> None:
    title, text = extract_article(NEWS_PAGE)
    assert title == "Fire crews save the café | Daily News"
    assert text == (
        "Fire crews save the café\n\n"
        "By Ann Lee\n\n"
        f"The {FIREFIGHTER} team reached the {CAFE_NFD} at 3\u00a0a.m. on Monday.\n\n"
        "Neighbours cheered; the owner said: \u201cMerci!\u201d\n\n"
        "Damage was limited to the kitchen & the terrace."
    )


def test_news_page_keeps_every_code_point() -> None:
    _, text = extract_article(NEWS_PAGE)
    # The firefighter emoji: 4 code points, ZWJ included, in one piece.
    assert len(FIREFIGHTER) == 4
    assert FIREFIGHTER in text
    assert text.count("\u200d") == 1
    assert text.count("\U0001f3fb") == 1
    # "Café" as e + U+0301 stays two code points: never composed to U+00E9.
    assert "Cafe\u0301" in text
    assert text.count("\u0301") == 1
    assert text.count("\u00a0") == 1


@pytest.mark.parametrize(
    "unwanted",
    [
        "alert",
        "injected",
        "secret",
        "cookies",
        "Accept",
        "World",
        "Sport",
        "Most read",
        "Another story",
        "2024",
        "\u00a9",
        "Share this",
        "Ad text",
        "refresh",
        "track",
        "tooltip",
        "color",
        "Daily News home",
        "display",
    ],
)
def test_news_page_drops_chrome(unwanted: str) -> None:
    _, text = extract_article(NEWS_PAGE)
    assert unwanted not in text


def test_comment_between_words_keeps_the_spacing() -> None:
    page = "<p>one<!-- a -->two three <!-- b -->four<!-- c --> five</p>"
    assert extract_article(page) == (None, "onetwo three four five")


def test_video_and_audio_fallback_text_is_not_article_text() -> None:
    page = (
        "<article><p>The mayor spoke <audio src=a.mp3>Your browser cannot play"
        " <b>audio</b>.</audio>on Monday.</p><video src=v.mp4 controls>Download the"
        " <a href=v.mp4>video</a>.</video><p>The council voted.</p></article>"
    )
    assert extract_article(page) == (None, "The mayor spoke on Monday.\n\nThe council voted.")


def test_an_unclosed_video_does_not_swallow_the_paragraphs_after_it() -> None:
    # A browser would hide them; an analyst would lose them without a word.
    page = "<article><p>First paragraph.</p><video src=v.mp4><p>Second paragraph.</p></article>"
    assert extract_article(page) == (None, "First paragraph.\n\nSecond paragraph.")


def test_processing_instruction_is_dropped_with_its_text() -> None:
    assert extract_article("<p>a<?php echo 'pi'; ?>b</p>") == (None, "ab")


def test_character_references_decode() -> None:
    page = "<p>&amp; &lt;tag&gt; &#x1F1FA;&#x1F1E6; &#233; &quot;q&quot; &nbsp;x</p>"
    assert extract_article(page)[1] == '& <tag> \U0001f1fa\U0001f1e6 \u00e9 "q" \u00a0x'


def test_several_article_teasers_pick_the_longest() -> None:
    page = """<html><body><h1>Site name</h1>
      <article><h2>Short teaser</h2><p>One line.</p></article>
      <article><h2>The real story</h2>
        <p>First paragraph of the real story, long enough to win.</p>
        <p>Second paragraph.</p></article>
      <article><h2>Another teaser</h2><p>Two lines here.</p></article>
    </body></html>"""
    title, text = extract_article(page)
    assert text == (
        "The real story\n\n"
        "First paragraph of the real story, long enough to win.\n\n"
        "Second paragraph."
    )
    assert title is None  # no <title>, and the chosen article has no <h1>


def test_article_inside_main_beats_a_longer_one_outside() -> None:
    page = """<body><main><article><h1>Main story</h1><p>Short.</p></article></main>
      <div><article><p>A much longer promotional article teaser outside main.</p></article></div>
    </body>"""
    assert extract_article(page) == ("Main story", "Main story\n\nShort.")


def test_item_prop_article_body_wins() -> None:
    page = """<article><header><h1>Headline</h1></header>
      <div class="share"><p>Share on everything, many words here, lots.</p></div>
      <div itemprop="articleBody"><p>Body one.</p><p>Body two.</p></div></article>"""
    assert extract_article(page) == (None, "Body one.\n\nBody two.")


def test_role_main() -> None:
    page = """<body><div role="banner"><p>Banner words</p></div>
      <div role="main"><p>Main text.</p></div>
      <div><p>Some longer unrelated text that is not the main part.</p></div></body>"""
    assert extract_article(page)[1] == "Main text."


def test_density_choice_without_article_or_main() -> None:
    page = """<html><body>
      <div id="top">Site name</div>
      <div id="menu"><p><a href="/a">A very long menu link about everything</a>
        <a href="/b">And another long menu link here</a></p></div>
      <div id="content">
        <h1>Density wins</h1>
        <p>Alpha paragraph text.</p>
        <p>Beta <a href="/x">link</a> text.</p>
        <div class="share">Share!</div>
      </div>
      <div id="legal"><p>Small print.</p></div>
    </body></html>"""
    # Scores (non-link text of direct <p> children):
    # menu 70 - 69 = 1, content 21 + (15 - 4) = 32, legal 12.
    assert extract_article(page) == (
        "Density wins",
        "Density wins\n\nAlpha paragraph text.\n\nBeta link text.\n\nShare!",
    )


def test_no_paragraphs_falls_back_to_body() -> None:
    page = "<body><div>Just <b>a</b> div</div><span>and a span</span></body>"
    assert extract_article(page) == (None, "Just a div\n\nand a span")


def test_hidden_and_roles_dropped() -> None:
    page = """<body><div hidden>Hidden</div><div role="navigation">Nav</div>
      <div role="search">Search</div><div role="contentinfo">Info</div>
      <div role="complementary">Extra</div><div aria-hidden="TRUE">Aria</div>
      <p aria-hidden="false">Kept</p><form><p>Form text</p></form>
      <p>Visible<img src="x.png" alt="alt text"><input value="typed"></p></body>"""
    assert extract_article(page) == (None, "Kept\n\nVisible")


def test_table() -> None:
    page = """<table>
      <caption>Scores</caption>
      <tr><th>Team</th> <th>Points</th></tr>
      <tr>
        <td>  Red   team </td>
        <td>3</td>
      </tr>
      <tr><td>Blue</td><td>1<br>(late)</td></tr>
    </table>"""
    assert extract_article(page)[1] == ("Scores\n\nTeam\tPoints\n\nRed team\t3\n\nBlue\t1\n(late)")


def test_lists() -> None:
    page = "<ul><li>One</li><li>Two <b>bold</b>\n words</li></ul><ol><li>First</li></ol>"
    assert extract_article(page)[1] == "One\n\nTwo bold words\n\nFirst"


def test_br_ends_lines_inside_a_block() -> None:
    page = "<p>Line one<br>Line two<br/>   Line three   <br></p><p>Next</p>"
    assert extract_article(page)[1] == "Line one\nLine two\nLine three\n\nNext"


def test_pre_keeps_its_whitespace() -> None:
    page = "<p>Before</p><pre>\n  x  =  1\n\ty <b>bold  </b>\n</pre><p>After</p>"
    # The newline right after <pre> is not content (HTML rule); the rest is.
    assert extract_article(page)[1] == "Before\n\n  x  =  1\n\ty bold  \n\n\nAfter"


def test_headings_and_blocks() -> None:
    page = "<div><h2>Sub</h2>text in div<blockquote>Quote</blockquote>tail<hr>after rule</div>"
    assert extract_article(page)[1] == "Sub\n\ntext in div\n\nQuote\n\ntail\n\nafter rule"


def test_title_falls_back_to_h1_then_none() -> None:
    assert extract_article("<h1> A  <i>b</i> </h1><p>x</p>") == ("A b", "A b\n\nx")
    assert extract_article("<p>x</p>") == (None, "x")
    assert extract_article("<svg><title>icon</title></svg><p>x</p>") == (None, "x")


def test_empty_results() -> None:
    assert extract_article("") == (None, "")
    assert extract_article("   \n") == (None, "")
    assert extract_article("<title>Only a title</title>") == ("Only a title", "")
    assert extract_article("<body><script>a()</script><nav>n</nav></body>") == (None, "")


def test_xhtml_with_xml_declaration() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Caf\u00e9</p></body></html>'
    )
    assert extract_article(page) == (None, "Caf\u00e9")


def test_meta_charset_in_a_str_changes_nothing() -> None:
    # The caller already decoded the text: a charset declaration must not re-decode it.
    page = '<meta charset="iso-8859-1"><p>\u20ac \u00e9 \U0001f600</p>'
    assert extract_article(page)[1] == "\u20ac \u00e9 \U0001f600"


def test_deep_nesting() -> None:
    depth = 1500  # deeper than Python's recursion limit and libxml2's default 256
    page = "<p>before</p>" + "<div>" * depth + "x" + "</div>" * depth + "<p>after</p>"
    assert extract_article(page)[1] == "before\n\nx\n\nafter"


def test_too_deep_is_an_error_not_a_truncated_text() -> None:
    depth = 3000
    page = "<p>before</p>" + "<div>" * depth + "x" + "</div>" * depth + "<p>after</p>"
    with pytest.raises(ValueError, match="could not be read to the end"):
        extract_article(page)


_ASCII_WS = " \t\n\r\f"


@given(
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs"), blacklist_characters="<&" + _ASCII_WS
        ),
        min_size=1,
    )
)
def test_paragraph_text_round_trips(text: str) -> None:
    assert extract_article(f"<p>{text}</p>")[1] == text


def test_inline_hidden_styles_a_title_in_the_body_and_ruby_parentheses_are_not_text() -> None:
    page = ('<html><body><title>Body Title</title><article><h1>Heading</h1>'
            '<p>Visible one.</p><p style="display:none">HIDDEN</p>'
            '<p style="color: red; visibility : hidden !important">ALSO HIDDEN</p>'
            '<p style="display: block">Visible two <ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp>'
            '</ruby>.</p></article></body></html>')  # fmt: skip
    assert extract_article(page) == (
        "Body Title", "Heading\n\nVisible one.\n\nVisible two 漢kan."
    )


def test_a_quote_longer_than_each_paragraph_does_not_take_the_story_away() -> None:
    """Without <article> or <main>: the long <blockquote> holds the densest single
    paragraph (85 characters against 29, 30 and 16), but the body's own
    paragraphs hold more than half of that, so the story is the body's."""
    page = ("<html><body><p>First paragraph of the story.</p><p>Second paragraph of the"
            " story.</p><blockquote><p>A much longer quoted statement from a minister who"
            " said many words about many things.</p></blockquote><p>Third paragraph.</p>"
            "</body></html>")  # fmt: skip
    assert extract_article(page)[1] == (
        "First paragraph of the story.\n\nSecond paragraph of the story.\n\nA much longer"
        " quoted statement from a minister who said many words about many things.\n\n"
        "Third paragraph."
    )


def test_a_carriage_return_written_as_an_entity_is_a_line_feed() -> None:
    assert extract_article("<article><p>Intro</p><pre>line1&#13;&#10;line2&#13;3</pre>"
                           "</article>")[1] == "Intro\n\nline1\nline2\n3"  # fmt: skip


def test_a_closed_videos_fallback_paragraph_is_not_text_and_nesting_is_quick() -> None:
    """Every <video> closed: its content is fallback, paragraph or not.  One left
    open holds the rest of the page, which stays, also under 2,000 open ones (each
    looked through everything inside it: about a minute; now one pass, 0.2 s)."""
    assert extract_article(
        '<article><p>Before video.</p><video controls src="x.mp4"><p>Your browser does not'
        " support video.</p></video><p>After.</p></article>"
    )[1] == "Before video.\n\nAfter."
    assert extract_article("<article><p>Before.</p><video><p>The rest of the page.</p>"
                           "</article>")[1] == "Before.\n\nThe rest of the page."  # fmt: skip
    nested = "<div>" + "<video>" * 2000 + "<p>x</p>" + "</div>"  # none closed
    assert extract_article("<html><body>" + nested * 5 + "</body></html>")[1].startswith("x")


def test_a_closed_details_shows_its_summary_only() -> None:
    page = ("<article><p>Intro.</p><details><summary>More</summary>hidden <p>Hidden body.</p>"
            " hidden too</details><p>After.</p><details open><summary>Open</summary>"
            "<p>Shown body.</p></details></article>")  # fmt: skip
    assert extract_article(page)[1] == "Intro.\n\nMore\n\nAfter.\n\nOpen\n\nShown body."
