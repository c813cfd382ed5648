"""Plausibility before use (pure): a driver value whose unit or size cannot be right is flagged,
shown with a warning and never used in a sentence, a split, a median or a placement.

Two kinds of check, both data in ``kolada.drivers``:

- ``RANGES``: a value outside what its unit allows (a share outside 0–100 %, a rate per
  10 000 above 10 000);
- ``CHECKS``: a value against another KPI of the same kommun-year (any LSS insats ≥ LSS boende;
  a part ≤ its whole).

When a cross check fails for more than half of the kommuner that year, the KPI's unit is
probably not the one its title says (Kolada changed N28892 from per cent to per 10 000 between
catalogue versions, and a cache can hold the old values): every value of that KPI and year is
flagged, the ones the check could not catch included.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from benchmark import fmt
from kolada.drivers import CHECKS, RANGES

MOST = 0.5  # a check failing for more than this share of a year's kommuner: the unit is wrong
WARNING = "⚠ enheten eller värdet stämmer inte med"

Key = tuple[str, str, int]  # (kpi, municipality, period)


@dataclass(frozen=True)
class Screened:
    """Values with the implausible ones taken out, and why each was taken out."""

    values: pd.DataFrame
    flags: Mapping[Key, str]  # "⚠ enheten eller värdet stämmer inte med …"


def _rule_text(rule: str, other: str, value: float) -> str:
    word = "minst" if rule == "at_least" else "högst"
    return f"{WARNING} ”{other}” (borde vara {word} {fmt.number(value, 1)})"


def screen(values: pd.DataFrame, units: Mapping[str, str], titles: Mapping[str, str]) -> Screened:
    """``values`` (kpi, municipality, period, value) without the implausible values, and a
    warning per value taken out. ``units``: each KPI's unit (``kolada.drivers`` UNITS);
    ``titles``: how the warning names the other KPI of a cross check."""
    if values.empty:
        return Screened(values, {})
    flags: dict[Key, str] = {}
    rows = values.dropna(subset=["value"])
    for kpi, unit in units.items():
        if unit not in RANGES:
            continue
        lo, hi = RANGES[unit]
        mine = rows[(rows["kpi"] == kpi) & ~rows["value"].between(lo, hi)]
        for m, p in zip(mine["municipality"], mine["period"], strict=True):
            flags[(kpi, m, int(p))] = (
                f"{WARNING} enheten {unit} (ska ligga mellan {fmt.number(lo, 0)} och "
                f"{fmt.number(hi, 0)})"
            )
    wide = rows.pivot_table(index=["municipality", "period"], columns="kpi", values="value")
    for check in CHECKS:
        if check.kpi not in wide or check.other not in wide:
            continue
        both = wide[[check.kpi, check.other]].dropna()
        a, b = both[check.kpi], both[check.other]
        bad = a < b if check.rule == "at_least" else a > b
        other = titles.get(check.other, check.other)
        for (m, p), value in both.loc[bad, check.other].items():
            flags.setdefault((check.kpi, m, int(p)), _rule_text(check.rule, other, value))
        failing = bad.groupby(level="period").mean()
        for p in failing[failing > MOST].index:
            unit = units.get(check.kpi, "")
            for m in wide.loc[wide.index.get_level_values("period") == p, check.kpi].dropna().index:
                flags.setdefault(
                    (check.kpi, m[0], int(p)),
                    f"{WARNING} ”{other}”: enheten är troligen inte {unit} (fel för de flesta "
                    f"kommuner {int(p)})",
                )
    if not flags:
        return Screened(values, {})
    keys = list(
        zip(values["kpi"], values["municipality"], values["period"].astype(int), strict=True)
    )
    keep = [k not in flags for k in keys]
    return Screened(values[keep], flags)
