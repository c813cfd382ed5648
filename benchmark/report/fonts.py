"""The report's font and how wide its words are, for both renderers (neither imports the
other): DejaVu Sans where the system has it — it has every character the report prints
(− U+2212, U+202F, ▲, →); Debian's fonts-dejavu-core, which Chromium pulls in, most Linux
systems — else reportlab's own Vera, found on disk without importing reportlab. Widths are
measured from the font file's advance widths (Pillow, unhinted), as the PDF sets them.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from benchmark.report.model import Table, fit_widths, words

FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    str(Path.home() / ".fonts"),
)
# in Vera, the few characters it lacks
VERA_SUBSTITUTES = str.maketrans({"\u202f": "\u00a0", "\u2009": "\u00a0", "▲": "^", "→": "–"})
MEASURE_SIZE = 1000  # measure large and scale: no hinting rounds a small size's advances


@dataclass(frozen=True)
class Font:
    name: str  # as the PDF registers it
    bold_name: str
    regular: Path
    bold: Path

    @property
    def complete(self) -> bool:
        """Has every character the report prints (DejaVu); Vera needs ``VERA_SUBSTITUTES``."""
        return self.name != "Vera"

    def plain(self, text: str) -> str:
        """Text in characters the font has."""
        return text if self.complete else text.translate(VERA_SUBSTITUTES)


@cache
def font() -> Font:
    for folder in FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.exists() and bold.exists():
            return Font("DejaVuSans", "DejaVuSans-Bold", regular, bold)
    spec = importlib.util.find_spec("reportlab")
    own = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return Font("Vera", "VeraBd", own / "Vera.ttf", own / "VeraBd.ttf")


@cache
def _face(path: Path) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), MEASURE_SIZE)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width in points of ``text`` set in the report's font at ``size`` points."""
    f = font()
    return _face(f.bold if bold else f.regular).getlength(f.plain(text)) * size / MEASURE_SIZE


def column_widths(block: Table, size: float, padding: float, total: float) -> list[float]:
    """A table's column widths in points, adding up to ``total``: the block's proportions, each
    column at least its longest word (bold in the header) at ``size`` plus ``padding``."""
    minimums = [0.0] * len(block.header)
    for i, word, header in words(block):
        minimums[i] = max(minimums[i], text_width(word, size, bold=header) + padding)
    return fit_widths(block.widths or (1,) * len(block.header), minimums, total)
