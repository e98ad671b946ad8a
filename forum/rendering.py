"""Markdown source to safe HTML: rendered once when a text is saved, stored beside it."""

import re
from functools import cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
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


# @name: a username (forum/names.py allows letters, digits, _ and -) after a space or stop.
MENTION = re.compile(r"@([A-Za-z0-9_-]{2,30})")


def mentioned(source: str) -> set[str]:
    """The names the text mentions (lower-cased), to look up before rendering it."""
    return {name.lower() for name in MENTION.findall(source)}


def _mention(state: StateInline, silent: bool) -> bool:
    """@name as a link to the reader's profile, for the names in env["mentions"] only."""
    if state.src[state.pos] != "@":
        return False
    before = state.src[state.pos - 1] if state.pos else " "
    if before.isalnum() or before in "_-@":
        return False  # an e-mail address, or part of a word
    found = MENTION.match(state.src, state.pos)
    url = found and (state.env.get("mentions") or {}).get(found.group(1).lower())
    if not url:
        return False
    if not silent:
        state.push("link_open", "a", 1).attrSet("href", url)
        state.push("text", "", 0).content = found.group(0)
        state.push("link_close", "a", -1)
    state.pos = found.end()
    return True


@cache
def _parser() -> MarkdownIt:
    # html=False escapes raw HTML; images are off because posts carry no pictures.
    parser = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    parser.enable(["linkify", "strikethrough", "table"]).disable("image")
    parser.add_render_rule("th_open", _cell_alignment)
    parser.add_render_rule("td_open", _cell_alignment)
    parser.inline.ruler.after("text", "mention", _mention)
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


def render_markdown(source: str, mentions: dict[str, str] | None = None) -> Markup:
    """Render CommonMark (with autolinks) to sanitised HTML that templates may show as is;
    `mentions` maps the lower-cased names that @name links to their profiles' addresses."""
    html = _parser().render(source, {"mentions": mentions or {}})
    # nh3 has just sanitised it.
    return Markup(sanitize_html(html))  # nosec B704
