"""Swedish number formatting: decimal comma, space as thousands separator, real minus sign.

Pure functions; ``None``/NaN become "saknas".
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

MINUS = "\u2212"  # typographic minus, as in "−20,8 %"
SPACE = "\u00a0"  # no-break space: a number never wraps in the middle
MISSING = "saknas"
PRELIMINARY = "▲ prel."  # beside every preliminary value: cards, tables, texts, exports


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, decimals: int = 1, *, sign: bool = False) -> str:
    """1234.56 → '1 234,6'; with ``sign`` a plus is written for positive values."""
    if _missing(value):
        return MISSING
    text = f"{abs(value):,.{decimals}f}".replace(",", SPACE).replace(".", ",")
    if round(value, decimals) < 0:
        return MINUS + text
    if sign and round(value, decimals) > 0:
        return "+" + text
    return text


def percent(value: float | None, decimals: int = 1, *, sign: bool = False) -> str:
    """-20.7972 → '−20,8 %'."""
    return MISSING if _missing(value) else f"{number(value, decimals, sign=sign)}{SPACE}%"


def points(value: float | None, decimals: int = 1, *, short: bool = False) -> str:
    """Difference in percentage points: 12.34 → '+12,3 procentenheter' (short: '+12,3 p.e.')."""
    unit = "p.e." if short else "procentenheter"
    return MISSING if _missing(value) else f"{number(value, decimals, sign=True)} {unit}"


def mnkr(value: float | None, decimals: int = 1, *, sign: bool = False) -> str:
    """Millions of kronor: -14.52 → '−14,5 mnkr'."""
    return MISSING if _missing(value) else f"{number(value, decimals, sign=sign)}{SPACE}mnkr"


def kr(value: float | None, *, sign: bool = False) -> str:
    """Whole kronor, short: 64.2 → '64 kr' (for cards whose label says per invånare)."""
    return MISSING if _missing(value) else f"{number(value, 0, sign=sign)}{SPACE}kr"


def kr_per_inhabitant(value: float | None, *, sign: bool = False) -> str:
    """Kronor per invånare, whole kronor: 1234.4 → '1 234 kr/invånare'."""
    return MISSING if _missing(value) else f"{number(value, 0, sign=sign)}{SPACE}kr/invånare"


def integer(value: float | None) -> str:
    return number(value, 0)


def years_text(years: list[int]) -> str:
    """Sorted years as Swedish text, runs joined: [2019, 2020, 2021, 2023] → '2019–2021 och
    2023'."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    texts = [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return texts[0] if len(texts) == 1 else f"{', '.join(texts[:-1])} och {texts[-1]}"


SWEDEN = "Europe/Stockholm"


def local_time(iso: str | None) -> str:
    """An ISO time from the cache (UTC) as Swedish local time, "2026-12-03 06:00"; "okänt" when
    there is none or it cannot be read."""
    try:
        moment = datetime.fromisoformat(iso or "")
    except ValueError:
        return "okänt"
    if moment.tzinfo is None:  # the cache writes UTC with an offset; an old one may not
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(SWEDEN)).strftime("%Y-%m-%d %H:%M")
