"""Text from outside (a URL parameter, Kolada's names, an error message) shown as literal text
in Streamlit's Markdown, and cut short for messages. Pure: no streamlit here.

Streamlit renders Markdown with GitHub's extensions and some of its own. Backslash escapes
(CommonMark) stop links, images, HTML, emphasis, headings, lists, tables, ``$`` math and the
``:red[…]`` / ``:material/…:`` directives. Some rules run after parsing, on the text itself,
where an escape no longer shows: GitHub's autolink literals (``http://…``, ``www.…``,
``namn@domän.se``), emoji shortcodes (``:smile:``), ``:streamlit:`` and arrows (`` -> ``).
There an invisible WORD JOINER (U+2060) is put inside the pattern, so the rule cannot fire and
the text looks the same. Ordinary names (letters, digits, spaces) come back unchanged.
"""

from __future__ import annotations

import re
import string

WORD_JOINER = "\u2060"

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_LINE_BREAKS = re.compile(r"[ \t\r\n\f\v]+")
# Where a rule would still match the text after the escapes are gone: a joiner inside it.
_BREAKS = [
    (re.compile(r":(?=//)"), ":" + WORD_JOINER),  # http://, https://, any scheme
    (re.compile(r"(www)(?=\.)", re.IGNORECASE), r"\1" + WORD_JOINER),  # www.example.se
    (re.compile(r"@"), WORD_JOINER + "@"),  # e-mail addresses
    (re.compile(r":(?=[\w+-]+:)"), ":" + WORD_JOINER),  # :smile:, :streamlit:, :+1:
    (re.compile(r"(?<!\S)([<>~-])(?=(?:-|>|=|->)(?!\S))"), r"\1" + WORD_JOINER),  # -> <= --
]


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that Streamlit shows as exactly these characters (one line)."""
    plain = _LINE_BREAKS.sub(" ", str(text))
    for pattern, replacement in _BREAKS:
        plain = pattern.sub(replacement, plain)
    return _PUNCTUATION.sub(r"\\\1", plain)
