"""Prognos (issue 23) as Budgetmål and the report show it: where a forecast starts
(``forecast_start``, read through a ``Source``) and, for a budget, the figure itself
(``Prognosis``: the expected NKA, where Kolada's figure is likely to land, the place among the
peers, the net cost that reaches the target, Riket's growth one point either way) with its words
— one object, so the page and the document say the same. The arithmetic is ``forecast``'s."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from benchmark import analytics, budget, fmt, forecast, glide, narrative
from benchmark.analytics import METHOD_BREAK_YEAR
from benchmark.attribution import COMPUTED
from benchmark.numbers import (
    MNKR_UNITS,
    PERCENT_UNITS,
    NumberError,
    money,
    parse_number,
)
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.catalogue import POPULATION, RIKET, Area, area

LABEL = "Prognos – egen bearbetning av data från Kolada, inte Koladas siffra"
METHOD_TEXT = (
    "NKA (%) = (n / r − 1) × 100, där n är nettokostnaden per invånare och r referenskostnaden "
    "per invånare. Skriv r = s × R, där R är rikets nettokostnad per invånare för området och "
    "s = r / R kommunens strukturindex, som ändras långsamt. Från det senaste året b med alla "
    "värden: R för budgetåret T = R_b × (1 + g)^(T − b), där g är rikets årliga ökning (förvalt "
    f"det geometriska medelvärdet av rikets årliga ökning de {forecast.GROWTH_YEARS} åren fram "
    "till b, avrundat till en decimal, eller det antagande man skriver in), r_T = s_b × R_T, och "
    "för en budgeterad nettokostnad N (kronor) med invånarantalet P är den förväntade NKA = "
    "(N / P / r_T − 1) × 100. Omvänt ger nettokostnaden r_T × (1 + mål/100) × P målet. Den "
    "troliga nivån är hur långt från prognosen Koladas siffra hamnade för 80 % av kommun-åren "
    "när metoden prövades på alla kommuner och tidigare år med samma avstånd (de år som "
    "prövades står vid prognosen). Där metoden inte var bättre än att anta oförändrad NKA (LSS) "
    "ges ingen prognos."
)


MAX_GROWTH = 50.0  # % a year: beyond it, a typing error rather than an assumption
PLAUSIBLE = 4.0  # a budget per invånare more than 4 times (or under a quarter of) the base's


def read_budget(text: str) -> float:
    """A budget typed in mnkr ("123,4", "123,4 mnkr", "123 400 tkr"); ``NumberError`` naming
    the value when it is not a number above 0."""
    mnkr = parse_number(text, MNKR_UNITS)
    if mnkr <= 0:
        raise NumberError(f"Budgeten ”{text.strip()}” måste vara större än 0 mnkr.")
    return mnkr


def read_growth(text: str) -> float:
    """Riket's yearly growth typed in % ("3,1", "−0,5 %"); ``NumberError`` naming the value
    beyond ±``MAX_GROWTH`` %."""
    growth = parse_number(text, PERCENT_UNITS)
    if abs(growth) > MAX_GROWTH:
        raise NumberError(
            f"Rikets kostnadsökning ”{text.strip()}” är orimlig: skriv en ökning per år mellan "
            f"−{MAX_GROWTH:.0f} och {MAX_GROWTH:.0f} %."
        )
    return growth


def read_population(text: str) -> float:
    """The number of invånare typed ("11 506"); ``NumberError`` naming the value when it is not
    a whole number above 0."""
    population = parse_number(text)
    if population < 1 or population != int(population):
        raise NumberError(f"Invånarantalet ”{text.strip()}” måste vara ett helt tal över 0.")
    return population


@dataclass(frozen=True)
class Prognosis:
    """What a budget gives (``outlook``), placed among the peers' NKA of the base year and
    measured against a target level (``target_name``: "medianen", …; ``target_level`` None
    where the target cannot be used)."""

    outlook: forecast.Outlook
    default_growth_pct: float  # Riket's growth as extrapolated, % as printed
    base_population: float  # the base year's invånare (the default)
    peer_nka: tuple[float, ...]
    target_name: str
    target_level: float | None

    @property
    def year(self) -> int:
        return self.outlook.year

    @property
    def base_year(self) -> int:
        return self.outlook.base.year

    @property
    def growth_pct(self) -> float:
        return 100 * self.outlook.base.growth

    @property
    def target_with_level(self) -> str:
        """ "medianen 2022 (30,1 %)"; a name that holds its level says it once ("… (0 %)")."""
        if "%" in self.target_name:
            return self.target_name
        return f"{self.target_name} ({fmt.percent(self.target_level)})"

    @cached_property
    def place(self) -> tuple[int, int]:
        return glide.rank_among(self.outlook.nka, pd.Series(self.peer_nka, dtype=float))

    def metrics(self) -> list[tuple[str, str]]:
        """The three figures Budgetmål shows as cards: (label, value)."""
        low, high = self.outlook.likely
        place, n = self.place
        return [
            (f"Förväntad NKA {self.year}", fmt.percent(self.outlook.nka)),
            (f"Trolig nivå ({fmt.percent(80, 0)})", f"{fmt.percent(low)} till {fmt.percent(high)}"),
            (f"Plats mot gruppens NKA {self.base_year}", f"{place} av {n}"),
        ]

    def sentence(self) -> str:
        o = self.outlook
        low, high = o.likely
        text = (
            f"Med en nettokostnad på {money(o.budget_mnkr)} år {self.year} blir "
            f"nettokostnadsavvikelsen enligt prognosen {fmt.percent(o.nka)}, troligen mellan "
            f"{fmt.percent(low)} och {fmt.percent(high)}."
        )
        if self.target_level is not None:
            name = self.target_with_level
            text += (
                f" {name[:1].upper()}{name[1:]} nås med en nettokostnad på "
                f"{money(o.budget_for(self.target_level))}."
            )
        return (
            f"{text} Om rikets kostnader ökar en procentenhet mer per år blir prognosen "
            f"{fmt.percent(o.nka_if_riket(1))}, en procentenhet mindre "
            f"{fmt.percent(o.nka_if_riket(-1))}."
        )

    def caption(self) -> str:
        o, band = self.outlook, self.outlook.band
        return (
            f"{LABEL}. Utgår från {self.base_year}: kommunens referenskostnad delad med rikets "
            f"nettokostnad per invånare ({fmt.number(o.base.structure, 2)}) gånger rikets nivå "
            f"{self.year} ({fmt.percent(self.growth_pct, sign=True)} per år), och "
            f"{fmt.integer(o.population)} invånare. Trolig nivå: hur fel metoden slog när den "
            f"prövades på tidigare år ({band.horizon} år framåt, {band.n} kommun-år "
            f"{_bases(band)}: Koladas "
            f"siffra hamnade för 80 % av dem mellan {fmt.number(-band.p90, sign=True)} och "
            f"{fmt.number(-band.p10, sign=True)} procentenheter från prognosen; att anta "
            f"oförändrad NKA gav {fmt.number(band.unchanged_median_abs)} mot metodens "
            f"{fmt.number(band.median_abs)} i mitten av fördelningen). Plats: bland "
            f"jämförelsekommunernas NKA {self.base_year}."
        )

    def assumptions(self) -> list[tuple[str, str]]:
        """Every input and result in words, for the report's table: (uppgift, värde)."""
        o = self.outlook
        growth = fmt.percent(self.growth_pct, sign=True)
        if round(self.growth_pct, 1) == self.default_growth_pct:
            growth += f" (rikets genomsnittliga ökning de {forecast.GROWTH_YEARS} åren fram till "
            growth += f"{self.base_year})"
        else:
            growth += " (angivet antagande)"
        population = (f"Invånare ({self.base_year})", fmt.integer(o.population))
        if round(o.population) != round(self.base_population):
            population = (f"Invånare {self.year} (angivet)", fmt.integer(o.population))
        rows = [
            (f"Budgeterad nettokostnad {self.year}", money(o.budget_mnkr)),
            population,
            (f"Strukturindex s = r / R ({self.base_year})", fmt.number(o.base.structure, 2)),
            ("Rikets kostnadsökning per år", growth),
            (
                f"Förväntad referenskostnad {self.year}",
                f"{fmt.integer(o.reference)} kr per invånare, "
                f"{money(o.reference * o.population / 1e6)}",
            ),
            *self.metrics(),
        ]
        if self.target_level is not None:
            rows.append(
                (
                    f"Nettokostnad som ger {self.target_with_level}",
                    money(o.budget_for(self.target_level)),
                )
            )
        return rows


def _bases(band: forecast.Band) -> str:
    """The base years a band was measured from, and a warning when all lie before 2019."""
    years = (
        f"från basåret {band.first_base}"
        if band.first_base == band.last_base
        else f"från basåren {band.first_base}–{band.last_base}"
    )
    if band.last_base < METHOD_BREAK_YEAR:
        years += (
            f", alla före metodbytet {METHOD_BREAK_YEAR}, så spridningen bygger på den "
            "gamla modellen för referenskostnaden"
        )
    return years


def budget_year(default_base: int | None, today_year: int) -> int:
    """The year a report's forecast is for: the first budget year as Budgetmål opens (next
    year, never before the one after the base)."""
    base = default_base if default_base is not None else today_year - 1
    return budget.budget_years(today_year, base)[1]


def target_words(kind: str, base_year: int) -> str:
    """The target in a forecast's sentence, with the year of a peer level ("medianen 2022")."""
    return (
        f"{budget.NAMES[kind]} {base_year}" if kind in budget.PEER_TARGETS else budget.NAMES[kind]
    )


@dataclass(frozen=True)
class ForecastStart:
    """Where a forecast of the area's NKA starts: the latest year with the kommun's reference
    cost, its net cost, its population and Riket's net cost (and three years of Riket before
    it, for Riket's growth), the peers' NKA that year, and the backtest's bands."""

    area: Area
    base: forecast.Base | None
    population: float | None
    net_mnkr: float | None  # the kommun's net cost in the base year (the default budget)
    peer_nka: list[float]
    bands: pd.DataFrame

    def outlook(self, year: int, budget_mnkr: float) -> forecast.Outlook | None:
        band = self.band(year)
        if self.base is None or self.population is None or band is None:
            return None
        return forecast.Outlook(self.base, year, self.population, budget_mnkr, band)

    def prognosis(
        self,
        year: int,
        budget_mnkr: float,
        growth_pct: float | None = None,
        population: float | None = None,
        *,
        target_name: str,
        target_level: float | None,
    ) -> Prognosis | None:
        """The forecast for a budget (mnkr) in ``year``, with Riket's growth ``growth_pct`` %
        a year (None: extrapolated, as printed) and ``population`` invånare (None: the base
        year's); None where ``why_not`` says why there is none."""
        outlook = self.outlook(year, budget_mnkr)
        if outlook is None or self.why_not(year) is not None:
            return None
        self._check(budget_mnkr, population)
        default = self.default_growth_pct
        outlook = replace(
            outlook.with_growth((default if growth_pct is None else growth_pct) / 100),
            population=outlook.population if population is None else population,
        )
        return Prognosis(
            outlook, default, self.population, tuple(self.peer_nka), target_name, target_level
        )

    def _check(self, budget_mnkr: float, population: float | None) -> None:
        """``NumberError`` for a budget or a population far from the base year's: most likely
        kronor or tkr typed as mnkr, or a typing error."""
        if population is not None and not 0.5 <= population / self.population <= 2:
            raise NumberError(
                f"Invånarantalet {fmt.integer(population)} ligger långt från "
                f"{fmt.integer(self.population)} ({self.base.year}): kontrollera siffran."
            )
        ratio = budget_mnkr / (self.population if population is None else population)
        ratio /= self.net_mnkr / self.population
        if not 1 / PLAUSIBLE <= ratio <= PLAUSIBLE:
            raise NumberError(
                f"Budgeten {money(budget_mnkr)} ger {fmt.number(ratio, 1)} gånger så hög "
                f"nettokostnad per invånare som {self.base.year} (då {money(self.net_mnkr)}). "
                "Skriv beloppet i mnkr (miljoner kronor)."
            )

    @property
    def default_growth_pct(self) -> float | None:
        """Riket's extrapolated growth in % as printed (one decimal), so that a forecast from
        the default says what its printed assumption gives — the page's field holds the same."""
        return None if self.base is None else round(100 * self.base.growth, 1)

    def band(self, year: int) -> forecast.Band | None:
        if self.base is None:
            return None
        return forecast.band_for(self.bands, self.area.code, year - self.base.year)

    def why_not(self, year: int) -> str | None:
        """Why there is no forecast for ``year`` (None when there is one)."""
        area_text = narrative.area_in_sentence(self.area.title)
        if self.base is None or self.population is None:
            return (
                f"Ingen prognos för {area_text}: den kräver kommunens nettokostnad och "
                "referenskostnad per invånare och rikets nettokostnad för området de senaste "
                "fyra åren, och cachen saknar dem."
            )
        horizon = year - self.base.year
        band = self.band(year)
        if self.bands.empty or self.area.code not in set(self.bands["area"]):
            return (
                f"Ingen prognos för {area_text}: metoden har inte prövats för området (Kolada "
                "har ingen nettokostnad per invånare för det i de år som prövades), så det går "
                "inte att säga hur säker den är."
            )
        if band is None:
            return (
                f"Ingen prognos för {area_text} {year}: metoden har inte prövats {horizon} år "
                f"framåt från {self.base.year} (det finns för få år att pröva den på)."
            )
        if not band.beats_unchanged:
            return (
                f"Ingen prognos för {area_text}: när metoden prövades på tidigare år var den "
                f"inte bättre än att anta oförändrad nettokostnadsavvikelse ({horizon} år "
                f"framåt: {fmt.number(band.median_abs)} mot {fmt.number(band.unchanged_median_abs)}"
                " procentenheters fel i mitten av fördelningen). Referenskostnaden följer där "
                "annat än rikets nivå, för LSS kommunens egna verkställda beslut."
                + self._volume_note(horizon)
            )
        return None

    def _volume_note(self, horizon: int) -> str:
        """What the backtest found when the kommun's own volume was known (LSS), at the
        horizon or the longest shorter one it was tried at."""
        for h in range(horizon, 0, -1):
            tried = forecast.band_for(
                self.bands, self.area.code, h, forecast.VOLUME, forecast.VOLUME_UNCHANGED
            )
            if tried is not None:
                return (
                    " Inte heller med antalet invånare med insatser enligt LSS känt i förväg "
                    f"blev den bättre ({h} år framåt: {fmt.number(tried.median_abs)} mot "
                    f"{fmt.number(tried.unchanged_median_abs)}), så appen frågar inte efter det."
                )
        return ""

    def backtest_rows(self) -> list[tuple[str, ...]]:
        """The backtest of the area, a row per horizon: år framåt, n, the method's median
        absolute error, p10, p90, and "NKA unchanged"'s median absolute error."""
        rows = []
        for horizon in sorted(set(self.bands.loc[self.bands["area"] == self.area.code, "horizon"])):
            band = forecast.band_for(self.bands, self.area.code, int(horizon))
            if band is not None:
                rows.append(
                    (
                        str(band.horizon),
                        fmt.integer(band.n),
                        str(band.first_base)
                        if band.first_base == band.last_base
                        else f"{band.first_base}–{band.last_base}",
                        fmt.number(band.median_abs),
                        fmt.number(band.p10, sign=True),
                        fmt.number(band.p90, sign=True),
                        fmt.number(band.unchanged_median_abs),
                    )
                )
        return rows


BACKTEST_COLUMNS = (
    "År framåt", "Kommun-år", "Basår", "Medianfel", "p10", "p90", "Oförändrad NKA",
)  # fmt: skip
BACKTEST_CAPTION = (
    "Prognosmetoden prövad på Koladas värden för tidigare år: prognos minus Koladas NKA i "
    "procentenheter, med rikets ökning framskriven. Medianfel: medianen av det absoluta felet; "
    "p10 och p90: 10:e och 90:e percentilen av felet; Oförändrad NKA: medianfelet om NKA antas "
    "bli som basårets, på samma kommun-år; Basår: de år prognoserna gjordes från (före 2019: "
    f"den gamla modellen för referenskostnaden). {COMPUTED}."
)


def forecast_start(src: Source, view: View) -> ForecastStart:
    a = area(view.area)
    bands = forecast.load_bands()
    if a.net_cost is None:
        return ForecastStart(a, None, None, None, [], bands)
    peers = src.peers(view).ids
    values = src.values([*a.kpis, POPULATION], [view.kommun, *peers, RIKET])
    riket = forecast.riket_series(values, a)
    years = sorted(set(analytics.years_with_data(values, a.net_cost, view.kommun)) & set(riket))
    for year in reversed(years):
        growth = forecast.riket_growth(riket, year)
        population = analytics.population(values, view.kommun, year)
        base = forecast.base_at(values, a, view.kommun, year, riket, growth or 0.0)
        if growth is None or base is None or not population:
            continue
        net = analytics.value_at(values, a.net_cost, view.kommun, year)
        peer_nka = [analytics.value_at(values, a.nka_pct, p, year) for p in peers]
        return ForecastStart(
            a, base, population, net * population / 1e6, [v for v in peer_nka if v is not None],
            bands,
        )  # fmt: skip
    return ForecastStart(a, None, None, None, [], bands)
