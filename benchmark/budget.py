"""Budget targets in kronor: target levels, glide paths and what-if (pure).

All amounts use the kommun's referenskostnad and invånare of the base year (the latest year with
data): a budget target is set against today's cost structure, and the referenskostnad of future
years is not known yet. That assumption is stated wherever these figures are shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from benchmark.analytics import Gap, ReferenceCost, gap

TARGETS = {
    "median": "Jämförelsegruppens median",
    "mean": "Jämförelsegruppens ovägda medel",
    "q1": "Bästa kvartilen i gruppen (nedre kvartilen: lägst avvikelse)",
    "zero": "0 % (referenskostnadens nivå)",
    "custom": "Egen nivå (%)",
}


def target_level(kind: str, stats_row: pd.Series | None, custom: float | None = None) -> float:
    """The target NKA % for a kind of target, from the peers' statistics for the base year."""
    if kind == "zero":
        return 0.0
    if kind == "custom":
        if custom is None or math.isnan(custom):
            raise ValueError("ange en egen nivå i procent")
        return float(custom)
    if kind not in ("median", "mean", "q1"):
        raise ValueError(f"okänt mål {kind!r}")
    if stats_row is None or pd.isna(stats_row.get(kind)):
        raise ValueError("jämförelsegruppen saknar värden för året")
    return float(stats_row[kind])


@dataclass(frozen=True)
class Target:
    nka_now: float
    nka_target: float
    base_year: int
    target_year: int
    gap: Gap  # now − target: positive = the cost must come down


PATH_COLUMNS = [
    "År",
    "NKA (%)",
    "Förändring av NKA (p.e.)",
    "Förändring av nettokostnaden per år (mnkr)",
    "Ackumulerad förändring (mnkr)",
    "Ackumulerad förändring (kr/inv)",
]


def glide_path(target: Target) -> pd.DataFrame:
    """Equal steps per year from the base year to the target year.

    Changes of the net cost are negative when it must come down (NKA above the target).
    """
    years = list(range(target.base_year, target.target_year + 1))
    steps = len(years) - 1
    whole = -target.gap.mnkr if target.gap.mnkr is not None else math.nan
    per_inh = (
        -target.gap.kr_per_inhabitant if target.gap.kr_per_inhabitant is not None else math.nan
    )
    rows = []
    for i, year in enumerate(years):
        share = i / steps if steps else 1.0
        nka = target.nka_now + (target.nka_target - target.nka_now) * share
        step = whole / steps if steps and i else 0.0
        rows.append((year, nka, nka - target.nka_now, step, whole * share, per_inh * share))
    return pd.DataFrame(rows, columns=PATH_COLUMNS)


def make_target(
    nka_now: float, nka_target: float, base_year: int, target_year: int, ref: ReferenceCost
) -> Target:
    if target_year < base_year:
        raise ValueError(f"målåret {target_year} ligger före basåret {base_year}")
    return Target(nka_now, nka_target, base_year, target_year, gap(nka_now, nka_target, ref))


def nka_after_cut(nka_now: float, ref: ReferenceCost, cut_mnkr: float) -> float:
    """NKA % if the net cost were ``cut_mnkr`` lower (negative: higher), same referenskostnad:
    NKA' = NKA − cut / (referenskostnad × invånare) × 100."""
    if ref.total_mnkr is None or ref.total_mnkr <= 0:
        raise ValueError("referenskostnaden i kronor är okänd")
    return nka_now - cut_mnkr / ref.total_mnkr * 100


def rank_among(value: float, peer_values: pd.Series) -> tuple[int, int]:
    """(place, n) of a value among peers with values; 1 = lowest."""
    peers = peer_values.dropna()
    return int((peers < value).sum()) + 1, len(peers) + 1
