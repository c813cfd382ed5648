"""The kronor behind the per cent on Översikt and in the report (issue 24): read through a
``Source`` (``kronor_figures``) into one ``KronorFigures`` — cards, sentence, caption, table,
the chart's lines and the export's matrix — that the page and the report both render. The
arithmetic is ``kronor``'s and ``matrix``'s."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from benchmark import analytics, fmt, kronor, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.matrix import peer_matrix
from benchmark.source import PeerYears, Source
from benchmark.viewstate import View
from kolada.catalogue import POPULATION, RIKET, Area, area


@dataclass(frozen=True)
class KronorFigures:
    """Net cost and reference cost per invånare over the years shown (``kronor``), for the
    kommun and as the peers' median, with Riket and the län's other kommuner beside them."""

    view: View
    area: Area
    kommun_name: str
    span: tuple[int, int]
    peer_years: PeerYears
    values: pd.DataFrame
    names: Mapping[str, str]
    table: pd.DataFrame  # ``kronor.kronor_table``
    prel_from: int | None

    @property
    def latest(self) -> pd.Series:
        """The latest year's row with the kommun's net cost (``kronor_figures`` makes none
        without one), indexed by the table's columns; its ``name`` is the year."""
        by_year = self.table.set_index("År")
        return by_year.loc[int(by_year[by_year.columns[0]].dropna().index.max())]

    def cards(self) -> list[tuple[str, str]]:
        """(label, value) of the latest year: the kommun's net cost, the peers' median and the
        kommun's reference cost, per invånare."""
        row, year = self.latest, int(self.latest.name)
        net, ref, peer = (row.iloc[i] for i in (0, 1, 2))
        prel = f" {fmt.PRELIMINARY}" if analytics.is_preliminary(year, self.prel_from) else ""
        return [
            (f"Nettokostnad {year}{prel}", fmt.kr_per_inhabitant(net)),
            (f"Gruppens median, nettokostnad {year}", fmt.kr_per_inhabitant(peer)),
            (f"Referenskostnad {year}", fmt.kr_per_inhabitant(ref)),
        ]

    def caption(self, riket: bool, lan: bool) -> str:
        """What the chart shows and where each line comes from (page and report alike)."""
        a = self.area
        derived = self.derived_years
        how = f"härledd ur nettokostnad och NKA ({a.net_cost}, {a.nka_pct}) – {COMPUTED}"
        if not derived:
            reference = f"{RAW} ({a.reference_cost})"
        elif len(derived) == self.own_years:
            reference = how
        else:
            years = narrative.listed([str(y) for y in derived])
            reference = f"{RAW} ({a.reference_cost}); för {years} {how}"
        return (
            f"{narrative.genitive(self.kommun_name)} nettokostnad per invånare (heldragen "
            "mörkblå linje) och referenskostnad per invånare (streckad mörkblå linje) – det "
            "strukturen motiverar – mot jämförelsegruppens median för nettokostnaden (grå linje)"
            + ("; riket: svart prickad linje" if riket else "")
            + ("; länets övriga kommuner: grå streck-prickad linje" if lan else "")
            + ("; trianglar: preliminära värden" if self.preliminary else "")
            + f", {self.span[0]}–{self.span[1]}. Kronor i löpande priser. Nettokostnad och "
            f"riket – {RAW} ({a.net_cost}). Referenskostnad – {reference}. Medianer – "
            f"{COMPUTED}."
        )

    @property
    def sentence(self) -> str:
        """The latest year's net and reference cost against the peers' medians."""
        row, year = self.latest, int(self.latest.name)
        return kronor.kronor_sentence(
            row.to_dict(), self.kommun_name, year, narrative.area_in_sentence(self.area.title),
            analytics.is_preliminary(year, self.prel_from),
        )  # fmt: skip

    @property
    def derived_years(self) -> list[int]:
        """The years whose reference cost is derived (not Kolada's)."""
        done = self.table["Referenskostnad härledd"] == "ja"
        return [int(y) for y in self.table.loc[done, "År"]]

    @property
    def derived(self) -> bool:
        return bool(self.derived_years)

    def shown(self) -> pd.DataFrame:
        """The table as the page shows it: whole kronor, "–" where there is no value, short
        column names (the kommun is the page's; the export keeps the full names)."""
        out = self.table.copy()
        kolada = {out.columns[1], f"{kronor.RIKET_NET} ({kronor.UNIT})"}  # else: computed
        for column in out.columns:
            if column.endswith(f"({kronor.UNIT})"):
                missing = fmt.MISSING if column in kolada else "–"  # not asked vs too few
                out[column] = [fmt.number(v, 0) if v == v else missing for v in out[column]]
        own = out.columns[1]  # the kommun's net cost: Kolada's value, preliminary or not
        out[own] = [
            f"{v} {fmt.PRELIMINARY}"
            if analytics.is_preliminary(y, self.prel_from) and v != fmt.MISSING
            else v
            for y, v in zip(out["År"], out[own], strict=True)
        ]
        out["År"] = out["År"].astype(str)
        short = ["År", "Nettokostnad", "Referenskostnad", "Gruppens median, nettokostnad",
                 "Gruppens median, referenskostnad", "Riket, nettokostnad",
                 "Länets median, nettokostnad", "Referenskostnad härledd"]  # fmt: skip
        return out.set_axis(short, axis=1)

    def lines(self, riket: bool, lan: bool) -> pd.DataFrame:
        return kronor.kronor_lines(self.table, self.kommun_name, riket, lan, self.prel_from)

    @property
    def own_years(self) -> int:
        """How many years shown have the kommun's net cost."""
        return int(self.table[self.table.columns[1]].notna().sum())

    @property
    def preliminary(self) -> bool:
        """Some year shown has the kommun's net cost before Kolada's final publication."""
        own = self.table.set_index("År")[self.table.columns[1]].dropna()
        return any(analytics.is_preliminary(int(y), self.prel_from) for y in own.index)

    @property
    def matrix(self) -> pd.DataFrame:
        """Every kommun's net cost per invånare × every year, with the peers' statistics."""
        return peer_matrix(
            self.values, self.area.net_cost, self.view.kommun, self.peer_years, self.names,
            list(range(self.span[0], self.span[1] + 1)), None, self.prel_from, decimals=0,
        )  # fmt: skip


def kronor_figures(src: Source, view: View) -> KronorFigures | None:
    """None where the area has no net cost KPI or the kommun no value for it in the years."""
    a = area(view.area)
    if a.net_cost is None:
        return None
    span = src.span(view)
    py = src.peer_years(view, span)
    lan = src.peers(replace(view, group="lan", custom=())).ids
    kpis = [k for k in (a.net_cost, a.nka_pct, a.reference_cost, a.nka_mnkr) if k]
    values = src.values([*kpis, POPULATION], [view.kommun, *py.everyone, *lan, RIKET])
    years = list(range(span[0], span[1] + 1))
    name = src.names.get(view.kommun, view.kommun)
    table = kronor.kronor_table(values, a, view.kommun, name, py.by_year, years, lan)
    if table[table.columns[1]].isna().all():
        return None
    return KronorFigures(
        view, a, name, span, py, values, src.names, table, src.first_preliminary(a.net_cost)
    )
