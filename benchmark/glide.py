"""The way to a budget target and what a change of the net cost does (pure): the glide path in
equal steps per budget year, rounded so that they add up (largest remainder), the table that
shows it, the what-if (NKA and placement after a change) and the export of every input.

Signs as in ``budget``: a change of the net cost is negative when the cost comes down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from benchmark import fmt
from benchmark.analytics import ReferenceCost
from benchmark.budget import TARGETS, Target, change_words, gap_words, per_inhabitant_words
from benchmark.numbers import MNKR_UNITS, money, money_decimals, money_input, parse_number


# ---- the glide path ------------------------------------------------------------------------
def largest_remainder(
    values: Sequence[float], decimals: int, total: float | None = None
) -> list[float]:
    """``values`` rounded to ``decimals`` so that they add up to ``total`` (default: their sum)
    rounded the same way, as it is shown (largest-remainder rounding; on a tie the earlier value
    takes the extra unit)."""
    scale = 10**decimals
    scaled = [round(v * scale, 9) for v in values]
    floors = [math.floor(v) for v in scaled]
    wanted = round(round(sum(values) if total is None else total, decimals) * scale)
    extra = wanted - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[: max(extra, 0)]:
        floors[i] += 1
    for i in order[::-1][: max(-extra, 0)]:  # a total below the sum: the smallest give one back
        floors[i] -= 1
    return [f / scale for f in floors]


PATH_COLUMNS = [
    "År",
    "Period",
    "NKA (%)",
    "Förändring av NKA (p.e.)",
    "Förändring av nettokostnaden per år (mnkr)",
    "Ackumulerad förändring (mnkr)",
    "Förändring av nettokostnaden per år (kr/inv)",
    "Ackumulerad förändring (kr/inv)",
]


def glide_path(target: Target) -> pd.DataFrame:
    """The utgångsläge, then equal steps per budget year from ``start_year`` to the target year.

    Changes of the net cost are negative when it must come down (NKA above the target). The
    steps are rounded to the precision the total is shown with (whole tkr below 1 mnkr, else
    0,1 mnkr; whole kronor per invånare) and add up to that shown total.
    """
    years = list(range(target.start_year, target.target_year + 1))
    whole = -target.gap.mnkr if target.gap.mnkr is not None else math.nan
    per = -target.gap.kr_per_inhabitant if target.gap.kr_per_inhabitant is not None else math.nan
    steps = _steps(whole, len(years), None)
    per_steps = _steps(per, len(years), 0)
    rows = [
        (target.base_year, f"Utgångsläge {target.base_year}", target.nka_now, 0.0)
        + (0.0, 0.0, 0.0, 0.0)
    ]
    done = per_done = 0.0
    for i, year in enumerate(years, start=1):
        share = i / len(years)
        nka = target.nka_now + (target.nka_target - target.nka_now) * share
        done, per_done = done + steps[i - 1], per_done + per_steps[i - 1]
        rows.append(
            (year, str(year), nka, nka - target.nka_now)
            + (steps[i - 1], _tidy(done), per_steps[i - 1], _tidy(per_done))
        )
    return pd.DataFrame(rows, columns=PATH_COLUMNS)


def _steps(total: float, n: int, decimals: int | None) -> list[float]:
    if math.isnan(total):
        return [math.nan] * n
    places = money_decimals(total) if decimals is None else decimals
    return largest_remainder([total / n] * n, places, total)


def _tidy(value: float) -> float:
    return round(value, 9)  # a sum of rounded steps, without float noise


def glide_rows(path: pd.DataFrame) -> pd.DataFrame:
    """The glide path as shown (page and report): four short columns that fit a phone."""
    return pd.DataFrame(
        {
            "År": [str(p) for p in path["Period"]],
            "NKA": path["NKA (%)"].map(fmt.percent),
            "Minskning under året": [
                "–" if i == 0 else money(-v)
                for i, v in enumerate(path["Förändring av nettokostnaden per år (mnkr)"])
            ],
            "Sammanlagt lägre nettokostnad": [
                "–" if i == 0 else f"{money(-v)} ({fmt.kr(-p)}/inv.)"
                for i, (v, p) in enumerate(
                    zip(
                        path["Ackumulerad förändring (mnkr)"],
                        path["Ackumulerad förändring (kr/inv)"],
                        strict=True,
                    )
                )
            ],
        }
    )


# ---- what-if ---------------------------------------------------------------------------------
def nka_after_cut(nka_now: float, ref: ReferenceCost, cut_mnkr: float) -> float:
    """NKA % if the net cost were ``cut_mnkr`` lower (negative: higher), same referenskostnad:
    NKA' = NKA − cut / (referenskostnad × invånare) × 100."""
    if ref.total_mnkr is None or ref.total_mnkr <= 0:
        raise ValueError("referenskostnaden i kronor är okänd")
    return nka_now - cut_mnkr / ref.total_mnkr * 100


def amount_reaching(nka_now: float, ref: ReferenceCost, level: float, mnkr: float) -> str:
    """The amount ``mnkr`` (a gap, positive or negative) for the what-if field, without sign,
    as short as it can be written while the NKA it leads to still shows as the target level:
    "12,9" when that lands on −14,4 %, else "12,94" or "12,937" (whole tkr below 1 mnkr)."""
    want = fmt.percent(level)
    sign = 1 if mnkr >= 0 else -1
    for decimals in (None, 2, 3, 4):
        text = money_input(abs(mnkr), decimals)
        typed = parse_number(text, MNKR_UNITS)
        if fmt.percent(nka_after_cut(nka_now, ref, sign * typed)) == want:
            return text
    return money_input(abs(mnkr), 4)


def rank_among(value: float, peer_values: pd.Series) -> tuple[int, int]:
    """(place, n) of a value among peers with values; 1 = lowest."""
    peers = peer_values.dropna()
    return int((peers < value).sum()) + 1, len(peers) + 1


# ---- the export: target, gap, every input ----------------------------------------------------
EXPORT_COLUMNS = ["Avsnitt", "Uppgift", "År", "Värde", "Enhet", "Text", "Källa"]


@dataclass(frozen=True)
class WhatIf:
    cut_mnkr: float  # positive: the net cost lower
    nka: float
    place: int
    n: int


def export_table(
    target: Target,
    kind: str,
    inputs: Sequence[tuple[str, int | None, float | None, str, str]],
    comparison: pd.DataFrame,
    what_if: WhatIf | None,
    computed: str,
) -> pd.DataFrame:
    """One long table for CSV and Excel: the inputs (as ``(uppgift, år, värde, enhet, källa)``),
    the target, the gap, the targets side by side, the glide path and the what-if."""
    g, base = target.gap, target.base_year
    rows = [("Indata", name, year, value, unit, "", source) for name, year, value, unit, source
            in inputs]  # fmt: skip
    rows += [
        ("Mål", "Mål", base, None, "", TARGETS[kind], computed),
        ("Mål", "Målnivå för NKA", base, target.nka_target, "%", "", computed),
        ("Mål", "Första budgetår", target.start_year, None, "", "", ""),
        ("Mål", "Målår", target.target_year, None, "", "", ""),
        ("Skillnad", "NKA − målnivå", base, g.points, "p.e.", "", computed),
        ("Skillnad", "Belopp (positivt = minska)", base, g.mnkr, "mnkr", gap_words(g.mnkr),
         computed),
        ("Skillnad", "Per invånare (positivt = minska)", base, g.kr_per_inhabitant, "kr/inv",
         per_inhabitant_words(g.kr_per_inhabitant), computed),
    ]  # fmt: skip
    for _, r in comparison.iterrows():
        text = r["I kronor"] or r["Anmärkning"]
        rows.append(("Mål sida vid sida", r["Mål"], base, _num(r["Nivå (%)"]), "%", "", computed))
        rows.append(
            ("Mål sida vid sida", f"{r['Mål']}: skillnad", base, _num(r["Skillnad (mnkr)"]),
             "mnkr", text, computed)
        )  # fmt: skip
    if target.must_cut:
        for _, r in glide_path(target).iloc[1:].iterrows():
            year = int(r["År"])
            rows += [
                ("Väg till målet", "NKA", year, r["NKA (%)"], "%", "", computed),
                ("Väg till målet", "Förändring av nettokostnaden under året", year,
                 r["Förändring av nettokostnaden per år (mnkr)"], "mnkr", "", computed),
                ("Väg till målet", "Ackumulerad förändring", year,
                 r["Ackumulerad förändring (mnkr)"], "mnkr", "", computed),
            ]  # fmt: skip
    if what_if is not None:
        rows += [
            ("Tänk om", "Minska nettokostnaden med", base, what_if.cut_mnkr, "mnkr",
             change_words(what_if.cut_mnkr), "inmatat"),
            ("Tänk om", "NKA efter förändringen", base, what_if.nka, "%", "", computed),
            ("Tänk om", "Plats efter förändringen", base, float(what_if.place), "",
             f"{what_if.place} av {what_if.n}", computed),
        ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    frame["År"] = frame["År"].astype("Int64")
    frame["Värde"] = pd.to_numeric(frame["Värde"], errors="coerce")
    return frame


def _num(value: float) -> float | None:
    return None if pd.isna(value) else float(value)
