"""Markdown source to safe HTML: rendered once when a text is saved, stored beside it."""

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    *("a", "blockquote", "br", "code", "del", "em", "hr", "li", "ol", "p", "pre", "s"),
    *("strong", "ul", "h1", "h2", "h3", "h4", "h5", "h6"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def _cell_alignment(renderer, tokens, idx, options, env) -> str:
    # The table plugin aligns cells with a style attribute, which our CSP would block.
    token = tokens[idx]
    style = token.attrs.pop("style", None)
    if isinstance(style, str) and style.startswith("text-align:"):
        token.attrSet("align", style.removeprefix("text-align:"))
    return renderer.renderToken(tokens, idx, options, env)


@cache
def _parser() -> MarkdownIt:
    # html=False escapes raw HTML; images are off because posts carry no pictures.
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    parser.enable(["linkify", "strikethrough", "table"]).disable("image")
    parser.add_render_rule("th_open", _cell_alignment)
    parser.add_render_rule("td_open", _cell_alignment)
    return parser


def sanitize_html(html: str) -> str:
    """Keep only the allowed tags, attributes and link schemes; mark links as user content."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> Markup:
    """Render CommonMark (with autolinks) to sanitised HTML that templates may show as is."""
    # nh3 has just sanitised it.
    return Markup(sanitize_html(_parser().render(source)))  # nosec B704
