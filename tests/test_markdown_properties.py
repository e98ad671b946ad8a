"""Whatever Markdown a user writes, the stored HTML carries no script, handler or bad link."""

import time
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.rendering import render_markdown

SAFE_SCHEMES = ("http:", "https:", "mailto:")
# Pieces that make Markdown and HTML interesting, mixed with arbitrary text.
PIECES = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "!",
        "*",
        "_",
        "`",
        "\n",
        " ",
        ":",
        "/",
        '"',
        "'",
        "&",
        "#",
        "javascript:",
        "JaVaScRiPt:",
        "vbscript:",
        "data:text/html,",
        "&#106;",
        "&#x6A;",
        "%6A",
        "\t",
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "onclick=",
        "<a href=",
        "http://example.org",
        "www.example.org",
        "mailto:a@b.dk",
        "<svg onload=x>",
        "<iframe",
        "style=",
        "\x0c",
        "\u2028",
        "[x]: javascript:alert(1)\n",
        "<javascript:x>",
    ]
)
MARKDOWN = st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join)


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    return collector


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see: control characters and spaces stripped, case folded."""
    cleaned = "".join(c for c in url if c > " ").lower()
    head = cleaned.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return head.split(":", 1)[0] + ":" if ":" in head else None


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN)
def test_no_input_yields_a_script_a_handler_or_an_unsafe_link(source):
    html = parse(str(render_markdown(source)))

    assert not {"script", "iframe", "img", "svg", "style", "object", "embed"} & set(html.tags)
    for name, value in html.attributes:
        assert not name.startswith("on"), (name, source)
        assert name != "style"
        if name == "href" and value is not None:
            scheme = scheme_of(value)
            assert scheme is None or scheme in SAFE_SCHEMES, (value, source)


def test_pathological_input_renders_quickly():
    filler = "word " * 18_000  # together with each pattern about 100 KB
    patterns = ("[" * 10_000, "*a " * 10_000, "**" * 10_000, "> " * 10_000, "<" * 10_000)
    for source in (pattern + filler for pattern in patterns):
        started = time.perf_counter()
        render_markdown(source)
        # Not a benchmark: a catastrophic (quadratic or worse) parse would take minutes.
        assert time.perf_counter() - started < 1.0, source[:10]
