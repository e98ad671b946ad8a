"""Whatever Markdown a user writes, the stored HTML carries no script, handler or bad link."""

import time
from html.parser import HTMLParser

import pytest
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


def _fastest_render(source: str, runs: int = 3) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        render_markdown(source)
        timings.append(time.perf_counter() - started)
    return min(timings)


@pytest.mark.parametrize("pattern", ["[", "*a ", "**", "> ", "<"])
def test_pathological_input_renders_in_linear_time(pattern):
    """Four times the input takes about four times as long (a quadratic parse: sixteen).

    Growth, not a time limit: a limit in seconds fails on a slow or busy machine. The larger
    input is about 100 KB, near the longest post a user can send.
    """

    def source(size: int) -> str:
        return pattern * size + "word " * (2 * size)

    small, large = _fastest_render(source(2_500)), _fastest_render(source(10_000))
    assert large < 8 * max(small, 0.005), (small, large)
