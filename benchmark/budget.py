"""Budget targets in kronor: target levels, the base year, glide paths, what-if and the words
for them (pure).

All amounts use the kommun's referenskostnad and invånare of the base year ("utgångsläge": the
latest year with data): a budget target is set against today's cost structure, and the
referenskostnad of future years is not known yet. NKA is measured against each year's national
cost level, so a target in % moves with it. Both are stated wherever these figures are shown.

Signs: ``Gap.mnkr`` is own − target, positive when the net cost must come down. Text never
shows that sign: it says "minska nettokostnaden med 4,5 mnkr" or "nettokostnaden ligger
12,9 mnkr under målet". In the glide path a change of the net cost is negative when the cost
comes down.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from benchmark import analytics, fmt
from benchmark.analytics import Gap, ReferenceCost, gap
from benchmark.narrative import genitive
from benchmark.numbers import money, printed_difference, shown
from kolada.catalogue import POPULATION, Area

TARGETS = {
    "median": "Jämförelsegruppens median",
    "mean": "Jämförelsegruppens ovägda medel",
    "pooled": "Jämförelsegruppens vägda nivå (stora kommuner väger tyngre)",
    "q1": "Bästa kvartilen i gruppen (nedre kvartilen: lägst kostnadsnivå)",
    "zero": "0 % (referenskostnadens nivå)",
    "custom": "Egen nivå (%)",
}
SHORT = {  # in the table of targets side by side
    "median": "Median",
    "mean": "Ovägt medel",
    "pooled": "Vägd nivå",
    "q1": "Bästa kvartilen",
    "zero": "0 % (referenskostnadens nivå)",
    "custom": "Egen nivå",
}
NAMES = {  # definite form, in sentences: "Höör ligger redan 25,2 p.e. under medianen"
    "median": "medianen",
    "mean": "det ovägda medlet",
    "pooled": "den vägda nivån",
    "q1": "bästa kvartilen",
    "zero": "referenskostnadens nivå (0 %)",
    "custom": "den egna nivån",
}
PEER_TARGETS = ("median", "mean", "pooled", "q1")  # need enough peers with values
COMPARED = ("median", "mean", "pooled", "q1", "zero")  # the table of targets side by side
PLAN_YEARS = 2  # default target year: the budget year and two plan years


# ---- the base year -------------------------------------------------------------------------
@dataclass(frozen=True)
class BaseChoice:
    """A year the kommun has a value for, and whether enough peers report that year."""

    year: int
    n: int  # peers with a value
    total: int  # peers in the group
    covered: bool

    @property
    def reason(self) -> str:
        return analytics.coverage_text(self.n, self.total)

    @property
    def label(self) -> str:
        return str(self.year) if self.covered else f"{self.year} – {self.reason}"


def base_choices(own_years: Iterable[int], stats: pd.DataFrame, peers_total: int) -> list:
    """The years that can be an utgångsläge (the kommun has a value), latest first, with the
    peers' coverage from ``analytics.peer_stats``."""
    counts = {} if stats.empty else dict(zip(stats["period"], stats["n"], strict=True))
    choices = []
    for year in sorted(set(own_years), reverse=True):
        n = int(counts.get(year, 0))
        choices.append(BaseChoice(int(year), n, peers_total, analytics.covered(n, peers_total)))
    return choices


def default_base(choices: Sequence[BaseChoice], last: int | None = None) -> int | None:
    """The latest covered year with the kommun's value (up to ``last``, the view's last year,
    when there is one); without one, the latest covered year at all; else the latest year."""
    covered = [c.year for c in choices if c.covered]
    within = [y for y in covered if last is None or y <= last]
    if within or covered:
        return max(within or covered)
    return max((c.year for c in choices), default=None)


# ---- the pooled ("vägt") peer level ----------------------------------------------------------
@dataclass(frozen=True)
class Pooled:
    """Σ nettokostnad / Σ referenskostnad − 1 over the peers with both, in %."""

    level: float | None
    n: int  # peers with both amounts
    total: int  # peers in the group
    net_mnkr: float  # Σ nettokostnad
    reference_mnkr: float  # Σ referenskostnad

    @property
    def covered(self) -> bool:
        return analytics.covered(self.n, self.total)


def _net_mnkr(got: Mapping[str, float], area: Area, ref: ReferenceCost) -> float | None:
    """Nettokostnad in mnkr from one kommun-year's values: Kolada's kr/invånare × invånare;
    without it, referenskostnad × (1 + NKA/100) (NKA's definition)."""
    pop = got.get(POPULATION)
    net = got.get(area.net_cost) if area.net_cost else None
    if net is not None and pop:
        return net * pop / 1e6
    nka = got.get(area.nka_pct)
    if nka is not None and ref.total_mnkr is not None:
        return ref.total_mnkr * (1 + nka / 100)
    return None


def pooled_level(values: pd.DataFrame, area: Area, peers: Iterable[str], year: int) -> Pooled:
    """The peers' pooled level (kronor-weighted), beside Kolada's ovägt medel. Referenskostnad
    in kronor as ``analytics.reference_cost`` gives it (Kolada's, or derived)."""
    members = list(dict.fromkeys(peers))
    lookups = analytics.by_kommun(values, year, members)
    net_sum = ref_sum = 0.0
    n = 0
    for peer in members:
        got = lookups[peer]
        ref = analytics.reference_cost_of(got, area)
        if ref is None or ref.total_mnkr is None or ref.total_mnkr <= 0:
            continue
        net = _net_mnkr(got, area, ref)
        if net is None:
            continue
        net_sum += net
        ref_sum += ref.total_mnkr
        n += 1
    level = (net_sum / ref_sum - 1) * 100 if n else None
    return Pooled(level, n, len(members), net_sum, ref_sum)


# ---- the target and the years --------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    nka_now: float
    nka_target: float
    base_year: int  # utgångsläge: the latest year with data
    target_year: int
    gap: Gap  # now − target: positive = the cost must come down
    start_year: int  # the first budget year of the glide path

    @property
    def must_cut(self) -> bool:
        """The net cost must come down to reach the target (as shown, after rounding)."""
        if self.gap.mnkr is not None:
            return shown(self.gap.mnkr) > 0
        return round(self.gap.points, 1) > 0


def make_target(
    nka_now: float,
    nka_target: float,
    base_year: int,
    target_year: int,
    ref: ReferenceCost,
    start_year: int | None = None,
) -> Target:
    """A target from ``base_year``'s level; the glide path runs from ``start_year`` (the next
    budget year; default the year after the base) to ``target_year``."""
    start = base_year + 1 if start_year is None else start_year
    if start <= base_year:
        raise ValueError(f"första budgetåret {start} ligger inte efter utgångsläget {base_year}")
    if target_year < start:
        raise ValueError(f"målåret {target_year} ligger före första budgetåret {start}")
    return Target(nka_now, nka_target, base_year, target_year, gap(nka_now, nka_target, ref), start)


def budget_years(today_year: int, base_year: int, count: int = 6) -> tuple[list[int], int]:
    """The years that can be the first budget year, and the default: next year (today's year
    + 1), never a year before the one after the base."""
    first = max(base_year + 1, today_year)
    default = max(base_year + 1, today_year + 1)
    return list(range(first, max(first + count, default + 1))), default


def target_years(start_year: int, count: int = 8) -> tuple[list[int], int]:
    """The years that can be the target year, and the default (the budget year and
    ``PLAN_YEARS`` plan years)."""
    return list(range(start_year, start_year + count)), start_year + PLAN_YEARS


# ---- words -----------------------------------------------------------------------------------
def gap_words(mnkr: float | None) -> str:
    """The kronor gap to a target in words, never as a bare sign: "minska nettokostnaden med
    4,5 mnkr" (above the target) or "nettokostnaden ligger 12,9 mnkr under målet" (below it:
    the cost could rise that much and still meet the target)."""
    if mnkr is None or math.isnan(mnkr):
        return "beloppet i kronor saknas"
    if shown(mnkr) > 0:
        return f"minska nettokostnaden med {money(mnkr)}"
    if shown(mnkr) < 0:
        return f"nettokostnaden ligger {money(-mnkr)} under målet"
    return "nettokostnaden ligger på målet"


def per_inhabitant_words(kr: float | None) -> str:
    """The gap per invånare, in the same words: "450 kr per invånare"."""
    if kr is None or math.isnan(kr):
        return ""
    return f"{fmt.number(abs(kr), 0)}{fmt.SPACE}kr per invånare"


def position_text(kommun: str, nka: float, level: float, kind: str) -> str:
    """Where the kommun stands against a target, said first: "Höör ligger redan 25,2 p.e.
    under medianen" / "Åtvidaberg ligger 4,1 p.e. över medianen" — the difference of the two
    figures as shown (``numbers.printed_difference``)."""
    points = printed_difference(nka, level)
    size = fmt.number(abs(points), 1)
    name = NAMES[kind]
    if round(points, 1) < 0:
        return f"{kommun} ligger redan {size} p.e. under {name}"
    if round(points, 1) > 0:
        return f"{kommun} ligger {size} p.e. över {name}"
    return f"{kommun} ligger på {name}"


def change_words(mnkr: float) -> str:
    """A what-if amount in words: "minska nettokostnaden med 2,5 mnkr" / "öka nettokostnaden
    med 2,5 mnkr" (a negative amount) / "oförändrad nettokostnad"."""
    if shown(mnkr) > 0:
        return f"minska nettokostnaden med {money(mnkr)}"
    if shown(mnkr) < 0:
        return f"öka nettokostnaden med {money(-mnkr)}"
    return "oförändrad nettokostnad"


def target_sentence(kommun: str, kind: str, level: float, target: Target) -> str:
    """One sentence on the chosen target for the report text."""
    level_part = "" if kind == "zero" else f" ({fmt.percent(level)})"
    start = f"Målet att nå {NAMES[kind]}{level_part} till {target.target_year}"
    if target.must_cut:
        return (
            f"{start} innebär att {gap_words(target.gap.mnkr)}, räknat på "
            f"{target.base_year} års referenskostnad."
        )
    return (
        f"{position_text(kommun, target.nka_now, target.nka_target, kind)} ({target.base_year}); "
        f"{gap_words(target.gap.mnkr)}, räknat på {target.base_year} års referenskostnad."
    )


# ---- targets side by side --------------------------------------------------------------------
def target_levels(
    choice: BaseChoice, stats_row: Mapping | None, pooled: Pooled
) -> dict[str, float | str]:
    """Each compared target's level in the base year, or why it has none ("för få
    jämförelsevärden (1 av 7)")."""
    levels: dict[str, float | str] = {}
    for kind in COMPARED:
        if kind == "zero":
            levels[kind] = 0.0
        elif kind == "pooled":
            levels[kind] = (
                pooled.level if pooled.covered else analytics.coverage_text(pooled.n, pooled.total)
            )
        elif not choice.covered or stats_row is None:
            levels[kind] = choice.reason
        else:
            levels[kind] = float(stats_row[kind])
    return levels


def side_text(points: float) -> str:
    """Where the kommun stands against a target: "1,9 p.e. över", "på målet", "–"."""
    if pd.isna(points):
        return "–"
    if round(points, 1) == 0:
        return "på målet"
    return f"{fmt.number(abs(points), 1)} p.e. {'över' if points > 0 else 'under'}"


COMPARE_COLUMNS = [
    "Mål",
    "Nivå (%)",
    "Skillnad (p.e.)",
    "Skillnad (mnkr)",
    "Skillnad (kr/inv)",
    "I kronor",
    "Anmärkning",
]


def compare_targets(
    nka: float, ref: ReferenceCost | None, levels: Mapping[str, float | str]
) -> pd.DataFrame:
    """The gap to each target side by side. ``levels`` maps a target kind to its level in %,
    or to the reason it has none (e.g. "för få jämförelsevärden (1 av 7)"). Skillnad is own −
    target (positive: the net cost must come down); "I kronor" says it in words."""
    rows = []
    for kind, level in levels.items():
        if isinstance(level, str):
            rows.append((SHORT[kind], math.nan, math.nan, math.nan, math.nan, "", level))
            continue
        g = (
            gap(nka, level, ref)
            if ref is not None
            else Gap(printed_difference(nka, level), None, None)
        )
        words = gap_words(g.mnkr)
        per = per_inhabitant_words(g.kr_per_inhabitant)
        rows.append(
            (
                SHORT[kind],
                level,
                g.points,
                math.nan if g.mnkr is None else g.mnkr,
                math.nan if g.kr_per_inhabitant is None else g.kr_per_inhabitant,
                f"{words} ({per})" if per and g.mnkr is not None and shown(g.mnkr) else words,
                "",
            )
        )
    frame = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    frame.index = list(levels)
    return frame


# ---- one base year: every input a target is computed from ------------------------------------
@dataclass(frozen=True)
class BaseFigures:
    """The kommun's figures in a base year (utgångsläge), and each compared target's level."""

    year: int
    choice: BaseChoice
    nka: float
    ref: ReferenceCost | None
    population: float | None
    pooled: Pooled
    stats_row: Mapping | None  # the peers' statistics that year; None when none
    levels: dict[str, float | str]  # target kind → level in %, or why it has none
    peer_values: pd.Series  # the peers' NKA that year (for the what-if's placement)

    def comparison(self, custom: float | None = None) -> pd.DataFrame:
        """The targets side by side (``compare_targets``), with a custom level when given."""
        levels = dict(self.levels)
        if custom is not None:
            levels["custom"] = custom
        return compare_targets(self.nka, self.ref, levels)


def base_figures(
    values: pd.DataFrame,
    area: Area,
    kommun: str,
    peers: Sequence[str],
    stats: pd.DataFrame,
    base: int,
    choices: Sequence[BaseChoice],
) -> BaseFigures:
    """``values``: the area's KPIs and the population for the kommun and ``peers``; ``stats``:
    the peers' statistics by year (``analytics.peer_stats``)."""
    choice = next(c for c in choices if c.year == base)
    row = stats[stats["period"] == base]
    row = row.iloc[0].to_dict() if not row.empty else None
    pooled = pooled_level(values, area, peers, base)
    nka_values = values[(values["kpi"] == area.nka_pct) & (values["period"] == base)]
    return BaseFigures(
        base,
        choice,
        analytics.value_at(values, area.nka_pct, kommun, base),
        analytics.reference_cost(values, area, kommun, base),
        analytics.population(values, kommun, base),
        pooled,
        row,
        target_levels(choice, row, pooled),
        nka_values[nka_values["municipality"].isin(peers)]["value"],
    )


def comparison_rows(comparison: pd.DataFrame, kind: str, chosen: str = "{} (valt)") -> pd.DataFrame:
    """The targets side by side as shown (page and report): Mål (the chosen one marked with
    ``chosen``), level, where the kommun stands, and the gap in words."""
    return pd.DataFrame(
        {
            "Mål": [
                chosen.format(m) if k == kind else m
                for k, m in zip(comparison.index, comparison["Mål"], strict=True)
            ],
            "Nivå": comparison["Nivå (%)"].map(lambda v: "–" if pd.isna(v) else fmt.percent(v)),
            "Läge": comparison["Skillnad (p.e.)"].map(side_text),
            "I kronor": [
                t or note
                for t, note in zip(comparison["I kronor"], comparison["Anmärkning"], strict=True)
            ],
        }
    )


# ---- the kommun's newest own value, when the base year is older --------------------------------
@dataclass(frozen=True)
class Newest:
    """The kommun's newest NKA, when it is newer than the base year (too few peers report it):
    said beside the base year, with a target in % applied to it."""

    year: int
    nka: float
    ref: ReferenceCost | None

    def text(self, kommun: str, base: int, too_few: Sequence[int] = ()) -> str:
        """'Bjuvs senaste värde, 2025: 32,3 % — jämförelsen görs för 2022, det senaste år då
        tillräckligt många i gruppen har värden.' With ``too_few``, the years after the base
        that lack enough peers are named: '… har värden (inte 2023–2025).'"""
        years = f" (inte {fmt.years_text(list(too_few))})" if too_few else ""
        return (
            f"{genitive(kommun)} senaste värde, {self.year}: {fmt.percent(self.nka)} — "
            f"jämförelsen görs för {base}, det senaste år då tillräckligt många i gruppen har "
            f"värden{years}."
        )

    def target_text(self, kommun: str, kind: str, level: float, base: int) -> str:
        """The target level (of ``base``) applied to the newest year: where the kommun stands
        and what reaching it means in kronor on the newest year's reference cost."""
        where = position_text(kommun, self.nka, level, kind)
        level_text = f"{NAMES[kind]} {base} var {fmt.percent(level)}"
        head = f"Tillämpat på {self.year}: {where} ({level_text})"
        if self.ref is None or self.ref.total_mnkr is None:
            return f"{head}; Kolada saknar referenskostnad för {self.year}, så inget belopp."
        g = gap(self.nka, level, self.ref)
        return (
            f"{head}. Att nå den nivån {self.year}: {gap_words(g.mnkr)}, räknat på "
            f"{self.year} års referenskostnad."
        )


def newest_value(
    values: pd.DataFrame, area: Area, kommun: str, choices: Sequence[BaseChoice], base: int
) -> Newest | None:
    """The kommun's newest value when it is newer than ``base``; None otherwise."""
    newest = max((c.year for c in choices), default=None)
    if newest is None or newest <= base:
        return None
    nka = analytics.value_at(values, area.nka_pct, kommun, newest)
    return Newest(newest, nka, analytics.reference_cost(values, area, kommun, newest))
