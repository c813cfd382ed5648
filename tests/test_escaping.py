"""escape_markdown: outside text renders as exactly itself — no link, image, HTML or formatting."""

import pytest

from benchmark.escaping import WORD_JOINER, escape_markdown
from kolada.errors import shorten
from tests.markdown_support import render, rules_after_parsing, unsafe_html, visible

CRAFTED = [
    "[Logga in här](http://evil.example/login)",
    "![x](http://evil.example/x.png)",
    "<img src=http://evil.example/y>",
    "http://evil.example",
    "www.evil.example",
    "**fet**",
    ":red[x]",
    "$x$",
]
MORE = [
    "www.evil.se och https://evil.example/?a=1&b=2",
    "skriv till x@evil.se",
    "<script>alert(1)</script>",
    "# Rubrik",
    "- punkt",
    "1. punkt",
    "> citat",
    "a | b\n--|--\n1 | 2",
    "`kod` och ~~struken~~ och _kursiv_",
    ":material/balance: :smile: :streamlit: :+1:",
    "[a]: http://evil.example",
    "&amp; &lt;b&gt; \\*",
    "a -> b <- c <-> d -- e >= f",
    "Åtvidaberg",
]


@pytest.mark.parametrize("text", CRAFTED + MORE)
def test_renders_as_the_literal_text(text):
    markdown = escape_markdown(text)
    assert unsafe_html(markdown) == [], render(markdown)
    assert "<a" not in render(markdown) and "<img" not in render(markdown)
    assert "<em>" not in render(markdown) and "<strong>" not in render(markdown)
    assert visible(markdown) == " ".join(text.split())
    assert rules_after_parsing(markdown) == []


@pytest.mark.parametrize(
    "text",
    ["[Logga in här](http://evil.example/login)", "![x](http://evil.example/x.png)",
     "<img src=http://evil.example/y>", "http://evil.example", "www.evil.se", "**fet**"],
)  # fmt: skip
def test_the_renderer_would_show_them_as_markup_unescaped(text):
    rendered = render(text)
    assert unsafe_html(text) or "<strong>" in rendered or rules_after_parsing(text)


def test_plain_names_are_unchanged():
    for name in ["Åtvidaberg", "Upplands Väsby", "Malung Sälen 2024", "Höör"]:
        assert escape_markdown(name) == name


def test_punctuation_is_backslash_escaped_and_links_are_broken_invisibly():
    assert escape_markdown("[a](b)") == r"\[a\]\(b\)"
    assert escape_markdown("http://x.se") == "http\\:" + WORD_JOINER + r"\/\/x\.se"
    assert escape_markdown("WWW.x.se").startswith("WWW" + WORD_JOINER)


def test_our_own_markdown_around_an_escaped_name_still_works():
    rendered = render(f"**{escape_markdown('*Evil* [x](http://e.example)')}** har plats 1")
    assert rendered.count("<strong>") == 1 and "<em>" not in rendered and "<a" not in rendered


def test_line_breaks_cannot_start_blocks():
    markdown = escape_markdown("namn\n\n    kod\n===")
    assert "<pre" not in render(markdown) and "<h1" not in render(markdown)


def test_shorten():
    assert shorten("0561") == "0561"
    assert shorten("x" * 60) == "x" * 60
    cut = shorten("x" * 61)
    assert len(cut) == 60 and cut.endswith("…")
    assert shorten(1267) == "1267"
    assert shorten("abcdef", limit=4) == "abc…"
