"""The kronor behind the per cent (issue 24): net cost and reference cost per invånare over the
years, for the kommun and as the peers' median, with Riket's net cost (Kolada's 0000; Riket's
reference cost is its net cost, NKA 0) and the län's median beside them. Current prices. Pure:
frames in, frames out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from benchmark import analytics, fmt, narrative
from kolada.catalogue import RIKET, Area

NET, REF = "nettokostnad", "referenskostnad"
PEER_NET = "Median nettokostnad, jämförelsegrupp"
PEER_REF = "Median referenskostnad, jämförelsegrupp"
RIKET_NET = "Riket, nettokostnad"
LAN_NET = "Median nettokostnad, länets övriga kommuner"
UNIT = "kr/inv"


def references(
    values: pd.DataFrame, area: Area, kommuner: Iterable[str], years: Iterable[int]
) -> pd.DataFrame:
    """Each kommun-year's reference cost per invånare (Kolada's or derived) as rows ``kpi``
    "referenskostnad", ``municipality``, ``period``, ``value`` — a frame the peer statistics
    take like any KPI's."""
    rows, kommuner = [], list(kommuner)
    for y in years:
        got = analytics.by_kommun(values, y, kommuner)  # one pass over the year's rows
        for m in kommuner:
            ref = analytics.reference_cost_of(got[m], area)
            if ref is not None and ref.kr_per_inhabitant is not None:
                rows.append((REF, m, int(y), ref.kr_per_inhabitant))
    return pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])


def _median(stats: pd.DataFrame, year: int) -> float | None:
    """The peers' median a year, only where it is covered (≥ 3 and ≥ half of the group)."""
    row = stats[stats["period"] == year] if not stats.empty else stats
    if row.empty or not bool(row["covered"].iloc[0]):
        return None
    return float(row["median"].iloc[0])


def kronor_table(
    values: pd.DataFrame,
    area: Area,
    kommun: str,
    kommun_name: str,
    by_year: Mapping[int, set],
    years: list[int],
    lan: list[str],
) -> pd.DataFrame:
    """A row a year: the kommun's net cost and reference cost per invånare, the peers' median
    of each (where covered), Riket's net cost and the median net cost of the län's other
    kommuner (``lan``; where covered), and whether the kommun's reference cost is derived."""
    span = (years[0], years[-1])
    refs = references(values, area, [kommun, *set().union(*by_year.values())], years)
    net_stats = analytics.peer_stats_by_year(values, area.net_cost, by_year, span)
    ref_stats = analytics.peer_stats_by_year(refs, REF, by_year, span)
    others = [m for m in lan if m != kommun]
    lan_stats = analytics.peer_stats_by_year(
        values, area.net_cost, {y: set(others) for y in years}, span
    )
    out = []
    for y in years:
        ref = analytics.reference_cost(values, area, kommun, y)
        out.append(
            {
                "År": y,
                f"{kommun_name}, {NET} ({UNIT})": analytics.value_at(
                    values, area.net_cost, kommun, y
                ),
                f"{kommun_name}, {REF} ({UNIT})": ref.kr_per_inhabitant if ref else None,
                f"{PEER_NET} ({UNIT})": _median(net_stats, y),
                f"{PEER_REF} ({UNIT})": _median(ref_stats, y),
                f"{RIKET_NET} ({UNIT})": analytics.value_at(values, area.net_cost, RIKET, y),
                f"{LAN_NET} ({UNIT})": _median(lan_stats, y) if others else None,
                "Referenskostnad härledd": "ja" if ref is not None and ref.derived else "",
            }
        )
    return pd.DataFrame(out).astype({"År": int})


def kronor_lines(
    table: pd.DataFrame, kommun_name: str, riket: bool, lan: bool, prel_from: int | None = None
) -> pd.DataFrame:
    """The chart's long frame (``period``, ``serie``, ``value``, ``text``, ``status``): the
    kommun's two lines and the peers' median net cost, Riket's and the län's when asked for;
    the kommun's values from ``prel_from`` on are "Preliminärt"."""
    wanted = [f"{kommun_name}, {NET}", f"{kommun_name}, {REF}", PEER_NET]
    wanted += [RIKET_NET] if riket else []
    wanted += [LAN_NET] if lan else []
    rows = [
        (int(r["År"]), serie, r[f"{serie} ({UNIT})"])
        for _, r in table.iterrows()
        for serie in wanted
    ]
    frame = pd.DataFrame(rows, columns=["period", "serie", "value"])
    frame["value"] = pd.to_numeric(frame["value"])
    own = frame["serie"].str.startswith(f"{kommun_name}, ")
    prel = own & frame["period"].map(lambda y: analytics.is_preliminary(y, prel_from))
    frame["status"] = prel.map({True: "Preliminärt", False: "Slutligt"})
    frame["text"] = [
        fmt.kr_per_inhabitant(v) + (" (preliminärt)" if p else "")
        for v, p in zip(frame["value"], prel, strict=True)
    ]
    return frame


def _compared(own: float, median: float | None) -> str:
    """ "lägre än gruppens median (4 722 kr)" on the values as printed (whole kronor), so the
    word always agrees with the table: equal when they print the same."""
    if median is None or median != median:
        return "gruppens median saknas (för få jämförelsekommuner med värde)"
    a, b = round(own), round(median)
    word = "samma som" if a == b else "lägre än" if a < b else "högre än"
    return f"{word} gruppens median ({fmt.number(median, 0)} kr)"


def kronor_sentence(
    row: Mapping[str, object], kommun_name: str, year: int, area_text: str,
    preliminary: bool = False,
) -> str:  # fmt: skip
    """What the latest year's kronor say, beside NKA: the net cost and the reference cost per
    invånare, each against the peers' median — two facts, no cause."""
    own_net = row[f"{kommun_name}, {NET} ({UNIT})"]
    own_ref = row[f"{kommun_name}, {REF} ({UNIT})"]
    text = (
        f"{year} var {narrative.genitive(kommun_name)} nettokostnad för {area_text} "
        f"{fmt.number(own_net, 0)} kr per invånare{' (preliminärt)' if preliminary else ''}, "
        f"{_compared(own_net, row[f'{PEER_NET} ({UNIT})'])}."
    )
    if own_ref is None or own_ref != own_ref:
        return text
    return (
        f"{text} Referenskostnaden – vad kommunens struktur motiverar – var "
        f"{fmt.number(own_ref, 0)} kr, {_compared(own_ref, row[f'{PEER_REF} ({UNIT})'])}."
    )
