"""Render Markdown as GitHub would (markdown-it-py, "gfm-like" with linkify) for tests that check
what a user sees, plus the rules Streamlit's renderer applies to text after parsing."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from benchmark.escaping import WORD_JOINER

MD = MarkdownIt("gfm-like")

# Streamlit's frontend (remark-gfm, remark-emoji and its own plugins) runs these on text nodes,
# where backslash escapes are already gone; none of them may match text we escaped.
AFTER_PARSING = {
    "autolink literal": re.compile(r"(?:^|[\s\W])(https?://|www(?=\.))[-.\w]+", re.IGNORECASE),
    "e-mail autolink": re.compile(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+"),
    "shortcode": re.compile(r":[\w+-]+:"),
    "arrow": re.compile(r"(?:^|\s)(?:<->|->|<-|--|>=|<=|~=)(?:\s|$)"),
}


def render(markdown: str) -> str:
    return MD.render(markdown)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(markdown: str) -> str:
    """The text a reader sees: the rendered HTML without tags, the invisible joiner dropped."""
    parser = _Text()
    parser.feed(render(markdown))
    return "".join(parser.parts).replace(WORD_JOINER, "").strip()


def unsafe_html(markdown: str) -> list[str]:
    """Links, images and raw HTML in the rendered Markdown (empty when it is plain text)."""
    blocks = MD.parse(markdown)
    tokens = blocks + [child for t in blocks for child in t.children or []]
    raw = [t.content for t in tokens if t.type in ("html_block", "html_inline")]
    return re.findall(r"<(?:a|img)\b[^>]*>", render(markdown)) + raw


def rules_after_parsing(markdown: str) -> list[str]:
    """Which of Streamlit's text rules would still fire on the rendered text."""
    parser = _Text()
    parser.feed(render(markdown))
    text = "".join(parser.parts)
    return [name for name, rule in AFTER_PARSING.items() if rule.search(text)]
