"""The report's document model (pure): blocks — heading, text, bullets, table, figure, contents
— in a ``Document``; the rules both renderers share: what stays together on a page, what a
document explains only once, its contents list; and the typography (thin spaces between
thousands, no control characters, where a line may break, column widths that never break a
word)."""

from __future__ import annotations

import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from benchmark.attribution import SOURCE_LINE


# ---- blocks ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Text:
    text: str
    kind: str = "body"  # body | caption | note (an explanation given once: ``once``)


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    numeric: tuple[int, ...] = ()  # right-aligned columns
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass(frozen=True)
class Figure:
    png: bytes
    caption: str

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels, from the PNG header."""
        return struct.unpack(">II", self.png[16:24])


@dataclass(frozen=True)
class Contents:
    """The contents list ("Innehåll"): the document's headings down to ``depth``."""

    depth: int = 1


Block = Heading | Text | Bullets | Table | Figure | Contents
SHORT_TABLE = 15  # rows: a table this short is kept on one page with its caption
KEPT_ROWS = 3  # rows of a longer table kept with its header and what leads into it


@dataclass
class Document:
    title: str
    subtitle: str  # kommun · område · jämförelsegrupp · år
    made: date
    stem: str  # file name without extension
    blocks: list[Block] = field(default_factory=list)

    @property
    def title_line(self) -> str:
        return f"{self.subtitle} · {swedish_date(self.made)} · {SOURCE_LINE}"

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    def text(self) -> str:
        """All text, in order (tests, search)."""
        parts = [self.title, self.title_line]
        for b in self.blocks:
            if isinstance(b, Heading | Text):
                parts.append(b.text)
            elif isinstance(b, Bullets):
                parts.extend(b.items)
            elif isinstance(b, Table):
                parts.extend([" | ".join(b.header), *(" | ".join(r) for r in b.rows), b.caption])
            elif isinstance(b, Figure):
                parts.append(b.caption)
        return "\n".join(p for p in parts if p)


# ---- rules both renderers follow -------------------------------------------------------------
def placed_width(block: Figure, text_width: float, max_height: float) -> float:
    """Points a figure is placed wide: the text width, narrower only where it would be taller
    than ``max_height`` points."""
    width_px, height_px = block.size
    return min(text_width, max_height * width_px / height_px)


def keeps_with_next(block: Block, following: Block | None) -> bool:
    """Whether ``block`` stays on the page of the block after it: a heading always (a heading
    never ends a page), and a caption that leads into a table or a figure ("Jämförelsegrupp:
    …") — so neither is left at the bottom of a page with its table on the next. A paragraph of
    text does not: it says what it says on its own, and a figure too tall for what is left of
    the page moves to the next without taking the paragraph (and half a page) with it."""
    if following is None:
        return False
    return isinstance(block, Heading) or (
        isinstance(block, Text)
        and block.kind == "caption"
        and isinstance(following, Table | Figure)
    )


def once(blocks: Iterable[Block]) -> list[Block]:
    """The blocks without a note (``Text`` of kind "note") given earlier: an explanation — how a
    cost is split, what the drivers are — is said the first time it applies, not again in every
    section or area it applies to. Facts are never dropped: only notes."""
    said: set[str] = set()
    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Text) and b.kind == "note":
            if b.text in said:
                continue
            said.add(b.text)
        out.append(b)
    return out


# ---- typography ------------------------------------------------------------------------------
_GROUPED = re.compile(r"(?<=\d)[\u00a0 ](?=\d{3}(?!\d))")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_POINTS = re.compile(r"(?<=\d) (?=p\.e\.)")  # "−10,9 p.e.": fmt.points' ordinary space
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


def typeset(text: str) -> str:
    """Print typography: a thin no-break space (U+202F) between thousands ("12 345"), a
    no-break space between a number and "p.e." (as between a number and "%"), no control
    characters (Kolada's text is data, not layout)."""
    return _POINTS.sub("\u00a0", _GROUPED.sub("\u202f", _CONTROL.sub("", text)))


_BREAKS = re.compile(r"[ \t\n]+")  # where a line may break (not U+00A0, U+202F)


def fit_widths(shares: Sequence[float], minimums: Sequence[float], total: float) -> list[float]:
    """Column widths that add up to ``total``: in proportion to ``shares``, but none narrower
    than its minimum (its longest word, so a header never breaks inside a word); what a narrow
    column gains, the others give up in proportion. Plain proportions when the minimums
    cannot all fit."""
    if sum(minimums) > total:
        return [total * s / sum(shares) for s in shares]
    fixed: dict[int, float] = {}  # columns held at their minimum
    while True:
        free = total - sum(fixed.values())
        rest = sum(s for i, s in enumerate(shares) if i not in fixed)
        if not rest:  # every column at its minimum: what is left, in proportion
            return [fixed[i] + free * s / sum(shares) for i, s in enumerate(shares)]
        widths = [fixed[i] if i in fixed else free * s / rest for i, s in enumerate(shares)]
        short = {i: minimums[i] for i, w in enumerate(widths) if i not in fixed and w < minimums[i]}
        if not short:
            return widths
        fixed |= short


def words(table: Table) -> Iterable[tuple[int, str, bool]]:
    """Every word a table prints, as (column, word, is header): what a line never breaks inside
    (typeset text split at ordinary spaces and line breaks; a no-break space joins)."""
    for row, header in ((table.header, True), *((r, False) for r in table.rows)):
        for i, cell in enumerate(row):
            for word in _BREAKS.split(typeset(cell)):
                if word:
                    yield i, word, header


def swedish_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
