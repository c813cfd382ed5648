"""Numbers typed by a Swedish user, and kronor amounts shown in tkr or mnkr (pure).

A browser's own number field parses with the browser's locale: in a Swedish browser "2,5" can
become 25. So the app takes numbers as text and reads them here: "2,5", "2.5", "−2,5",
"1 234,5", "1.234,5" and "2,5 mnkr" are all understood; anything else gives a Swedish message
that names the value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from benchmark import fmt
from kolada.errors import shorten

_MINUSES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-", "\u2010": "-"})
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_DIGITS = re.compile(r"[0-9]+")
_GROUPS = re.compile(r"[0-9]{1,3}(?:(?P<sep>[ .,])[0-9]{3})?(?:(?P=sep)[0-9]{3})*")
MNKR_UNITS = {"mnkr": 1.0, "miljoner": 1.0, "tkr": 0.001}
PERCENT_UNITS = {"%": 1.0, "procent": 1.0}
EXAMPLE = "Skriv till exempel 2,5 eller −1 234,5."


class NumberError(ValueError):
    """A value that is not a number; the message is Swedish and names the value."""


def parse_number(text: object, units: Mapping[str, float] | None = None) -> float:
    """A number typed the Swedish way (or with a decimal point), optionally followed by one of
    ``units`` (its factor is applied: ``{"tkr": 0.001}`` reads "700 tkr" as 0.7)."""
    raw = "" if text is None else str(text)
    s = _SPACES.sub(" ", raw.translate(_MINUSES)).strip()
    if not s:
        raise NumberError("Fältet är tomt. " + EXAMPLE)
    factor = 1.0
    for unit in sorted(units or {}, key=len, reverse=True):
        if s.lower().endswith(unit.lower()):
            s, factor = s[: -len(unit)].strip(), units[unit]
            break
    value = _read(s) if s else None
    if value is None:
        raise NumberError(f"”{shorten(raw, 40)}” är inte ett tal. {EXAMPLE}")
    return round(value * factor, 9)


def _read(s: str) -> float | None:
    """The number in ``s`` (spaces already single) or None. The decimal separator is the last
    "," or "." when there is one of them once (or both kinds: "1.234,5", "1,234.5"); the rest
    is grouping into threes with one kind of separator ("1 234", "1.234.567")."""
    sign = ""
    if s[:1] in ("+", "-"):
        sign, s = s[0].replace("+", ""), s[1:].lstrip()
    marks = [c for c in s if c in ",."]
    decimal = None
    if len(set(marks)) == 2 or len(marks) == 1:
        decimal = s.rfind(marks[-1])
    whole, frac = (s, "") if decimal is None else (s[:decimal], s[decimal + 1 :])
    if frac and not _DIGITS.fullmatch(frac):
        return None
    if whole and not _GROUPS.fullmatch(whole) and not _DIGITS.fullmatch(whole):
        return None
    if not whole and not frac:
        return None
    digits = re.sub(r"[ .,]", "", whole) or "0"
    value = float(f"{sign}{digits}.{frac or 0}")
    return value if math.isfinite(value) else None


def input_text(value: float, decimals: int = 1) -> str:
    """A number as it is put into a text field: decimal comma, no grouping, "−" for minus
    (4.5 → "4,5"; −1234.5 → "−1234,5"); reads back with ``parse_number``."""
    return fmt.number(value, decimals).replace(fmt.SPACE, "")


# ---- kronor amounts in mnkr or tkr -----------------------------------------------------------
def money_decimals(mnkr: float) -> int:
    """The precision (decimals in mnkr) an amount is shown with: whole tkr below 1 mnkr,
    tenths of a mnkr from 1 mnkr."""
    return 3 if abs(round(mnkr, 3)) < 1 else 1


def shown(mnkr: float) -> float:
    """The amount as it is shown (rounded to ``money_decimals``)."""
    return round(mnkr, money_decimals(mnkr))


def money(mnkr: float | None, *, sign: bool = False) -> str:
    """An amount given in mnkr, in words a reader expects: 4.52 → "4,5 mnkr",
    0.7 → "700 tkr", 0.0004 → "0 tkr"."""
    if mnkr is None or (isinstance(mnkr, float) and math.isnan(mnkr)):
        return fmt.MISSING
    if money_decimals(mnkr) == 3:
        return f"{fmt.number(mnkr * 1000, 0, sign=sign)}{fmt.SPACE}tkr"
    return fmt.mnkr(mnkr, sign=sign)


def money_input(mnkr: float, decimals: int | None = None) -> str:
    """An amount for a text field whose unit is mnkr: "4,5", or "700 tkr" below 1 mnkr;
    ``decimals`` (of a mnkr) for more precision: "4,52", "735 tkr" (3)."""
    places = money_decimals(mnkr) if decimals is None else max(decimals, 1)
    if places >= 3 and abs(round(mnkr, 3)) < 1:
        return f"{input_text(mnkr * 1000, places - 3)} tkr"
    return input_text(mnkr, places)


# ---- a gap, one way everywhere -----------------------------------------------------------------
def tenths(value: float) -> int:
    """A value as printed with one decimal, in tenths: 2.549 → 25, −13.25 → −132."""
    return round(float(f"{value:.1f}") * 10)


def printed_difference(a: float, b: float) -> float:
    """a − b between the two figures as printed (one decimal): 2.5 − (−13.3) = 15.8."""
    return (tenths(a) - tenths(b)) / 10
