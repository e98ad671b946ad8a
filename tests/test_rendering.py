"""Markdown to safe HTML: no script can get through, links are marked as user content."""

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from forum.rendering import render_markdown, sanitize_html

SAFE_SCHEMES = {"http", "https", "mailto"}
LINK_REL = {"nofollow", "ugc", "noopener"}


class _Collector(HTMLParser):
    """The elements of an HTML fragment as (tag, attributes), attribute values unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def tags(html: str) -> list[str]:
    return [tag for tag, _attrs in elements(html)]


def links(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in elements(html) if tag == "a"]


def browser_scheme(href: str) -> str | None:
    """The scheme a browser would see in an href (WHATWG URL parsing), or None if relative."""
    # Browsers strip leading and trailing C0 controls and spaces and drop tabs and newlines
    # anywhere before looking for the scheme; they never percent-decode it.
    cleaned = href.strip("".join(chr(c) for c in range(0x21)))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def assert_no_dangerous_link(html: str) -> None:
    for attrs in links(html):
        href = attrs.get("href")
        if href is not None:
            assert browser_scheme(href) in SAFE_SCHEMES | {None}, html


def assert_no_event_handlers(html: str) -> None:
    for tag, attrs in elements(html):
        assert not [name for name in attrs if name.startswith("on")], (tag, html)


DANGEROUS_MARKDOWN_LINKS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](javascript%3Aalert(1))",
    "[click](%20javascript:alert(1))",
    "[click]( javascript:alert(1))",
    "[click](\tjavascript:alert(1))",
    "[click](\x01javascript:alert(1))",
    "[click](<\x01javascript:alert(1)>)",
    "[click](<javascript:alert(1)>)",
    "[click](java%09script:alert(1))",
    "[click](<java\tscript:alert(1)>)",
    "[click](<java\nscript:alert(1)>)",
    "[click](java\x00script:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](VBScript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](data:image/png;base64,AAAA)",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click][ref]\n\n[ref]: JAVASCRIPT:alert(1)",
    "[click][ref]\n\n[ref]: <javascript:alert(1)>",
    "[click][ref]\n\n[ref]: &#106;avascript:alert(1)",
    "[ref]\n\n[ref]: vbscript:msgbox(1)",
    "<javascript:alert(1)>",
    "<JavaScript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    "javascript:alert(1)",
]


@pytest.mark.parametrize("source", DANGEROUS_MARKDOWN_LINKS)
def test_render_markdown_never_links_to_a_script_scheme(source):
    html = render_markdown(source)

    assert_no_dangerous_link(html)
    assert "<script" not in html.lower()


DANGEROUS_HTML_LINKS = [
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
]


@pytest.mark.parametrize("html", DANGEROUS_HTML_LINKS)
def test_sanitize_html_drops_script_scheme_hrefs(html):
    cleaned = sanitize_html(html)

    assert links(cleaned), cleaned
    assert all("href" not in attrs for attrs in links(cleaned)), cleaned


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "script"),
        ("<img src=x onerror=alert(1)>", "img"),
        ('<iframe src="https://evil.example"></iframe>', "iframe"),
        ("<style>body { display: none }</style>", "style"),
        ("<svg onload=alert(1)></svg>", "svg"),
        ('<object data="x.swf"></object>', "object"),
        ("<div onmouseover=alert(1)>hover</div>", "div"),
    ],
)
def test_raw_html_in_markdown_is_escaped_as_text(source, forbidden):
    html = render_markdown(source)

    assert forbidden not in tags(html)
    assert_no_event_handlers(html)
    assert f"&lt;{forbidden}" in html


@pytest.mark.parametrize(
    ("html", "forbidden"),
    [
        ("<script>alert(1)</script><p>ok</p>", "script"),
        ("<img src=x onerror=alert(1)><p>ok</p>", "img"),
        ('<iframe src="https://evil.example"></iframe><p>ok</p>', "iframe"),
        ("<style>p { color: red }</style><p>ok</p>", "style"),
        ("<svg onload=alert(1)></svg><p>ok</p>", "svg"),
    ],
)
def test_sanitize_html_removes_dangerous_elements(html, forbidden):
    cleaned = sanitize_html(html)

    assert forbidden not in tags(cleaned)
    assert "alert(1)" not in cleaned
    assert tags(cleaned) == ["p"]


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="alert(1)">x</p>',
        '<a href="https://example.org" onmouseover="alert(1)">x</a>',
        '<strong onfocus="alert(1)" tabindex="1">x</strong>',
        '<blockquote ONLOAD="alert(1)">x</blockquote>',
    ],
)
def test_sanitize_html_removes_event_handler_attributes(html):
    cleaned = sanitize_html(html)

    assert_no_event_handlers(cleaned)
    assert "alert" not in cleaned


@pytest.mark.parametrize(
    "source",
    [
        '<a href="https://example.org" onclick="alert(1)">x</a>',
        '[x](https://example.org/"onmouseover="alert(1))',
        '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
        "https://example.org/\"onmouseover='alert(1)'",
    ],
)
def test_render_markdown_never_produces_event_handler_attributes(source):
    assert_no_event_handlers(render_markdown(source))


def test_sanitize_html_drops_style_and_target_and_replaces_rel():
    cleaned = sanitize_html(
        '<a href="https://example.org" style="color:red" target="_blank" rel="opener">x</a>'
    )

    [attrs] = links(cleaned)
    assert attrs.keys() == {"href", "rel"}
    assert set(attrs["rel"].split()) == LINK_REL


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("See https://example.org/page?a=1 for more.", "https://example.org/page?a=1"),
        ("See www.example.org for more.", "http://www.example.org"),
        ("<https://example.org/x>", "https://example.org/x"),
        ("[a link](https://example.org)", "https://example.org"),
        ("[a link][ref]\n\n[ref]: https://example.org/ref", "https://example.org/ref"),
    ],
)
def test_links_and_bare_urls_become_links_marked_as_user_content(source, href):
    [attrs] = links(render_markdown(source))

    assert attrs["href"] == href
    assert set(attrs["rel"].split()) == LINK_REL


@pytest.mark.parametrize(
    "href",
    ["/articles/employer-branding", "/threads/3#post-7", "mailto:editor@example.org"],
)
def test_relative_and_mailto_links_are_kept(href):
    [attrs] = links(render_markdown(f"[there]({href})"))

    assert attrs["href"] == href
    assert set(attrs["rel"].split()) == LINK_REL


def test_link_title_is_kept():
    [attrs] = links(render_markdown('[x](https://example.org "The title")'))

    assert attrs["title"] == "The title"


@pytest.mark.parametrize(
    "source",
    [
        "![a picture](https://example.org/picture.png)",
        "![a picture][pic]\n\n[pic]: https://example.org/picture.png",
        '<img src="https://example.org/picture.png">',
    ],
)
def test_images_are_not_rendered(source):
    assert "img" not in tags(render_markdown(source))


def test_sanitize_html_removes_images():
    assert "img" not in tags(sanitize_html('<p><img src="https://example.org/p.png"></p>'))


@pytest.mark.parametrize(
    ("source", "expected_tags"),
    [
        ("*soft* and _soft_", ["p", "em", "em"]),
        ("**strong**", ["p", "strong"]),
        ("- one\n- two", ["ul", "li", "li"]),
        ("1. one\n2. two", ["ol", "li", "li"]),
        ("Use `code` here", ["p", "code"]),
        ("```\nblock()\n```", ["pre", "code"]),
        ("> quoted", ["blockquote", "p"]),
        ("# Heading", ["h1"]),
        ("| a | b |\n|---|---|\n| 1 | 2 |", ["table", "thead", "tr", "th", "th", "tbody"]),
    ],
)
def test_markdown_basics_are_rendered(source, expected_tags):
    assert tags(render_markdown(source))[: len(expected_tags)] == expected_tags


def test_strikethrough_is_rendered_as_a_struck_out_element():
    # The parser has strikethrough on; whichever element it emits must survive sanitising.
    assert {"s", "del"} & set(tags(render_markdown("~~gone~~")))


def test_table_column_alignment_is_kept():
    # ALLOWED_ATTRIBUTES lets th/td keep `align`; the alignment the author chose must survive.
    html = render_markdown("| name | votes |\n|:-----|------:|\n| Anna | 12 |")

    cells = [attrs for tag, attrs in elements(html) if tag in ("th", "td")]
    aligned = [
        attrs.get("align") or (attrs.get("style") or "").removeprefix("text-align:")
        for attrs in cells
    ]
    assert aligned == ["left", "right", "left", "right"]


def test_ordered_list_keeps_its_start_number():
    [(tag, attrs), *_items] = elements(render_markdown("3. three\n4. four"))

    assert tag == "ol"
    assert attrs["start"] == "3"


def test_text_in_code_is_escaped_not_interpreted():
    html = render_markdown("`<script>alert(1)</script>`")

    assert tags(html) == ["p", "code"]
    assert "&lt;script&gt;" in html


def test_render_markdown_returns_markup_for_templates():
    html = render_markdown("plain & simple")

    assert isinstance(html, Markup)
    assert "plain &amp; simple" in html
