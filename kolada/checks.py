"""Checks of what Kolada sends before it may reach the cache (pure).

An answer can be well-formed JSON with HTTP 200 and still be wrong: rows for a KPI we did not ask
for, a null id, a year outside the range, text where a number belongs, or far fewer rows than the
cache already holds. Each check raises ``KoladaError`` naming the URL (pages) or the KPI and both
counts (results), so a refresh fails and the cache stays as it was.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import pandas as pd

from kolada.errors import KoladaError, quoted
from kolada.frames import municipality_id
from kolada.ids import MUNICIPALITY_ID

GENDERS = frozenset({"T", "K", "M"})
KEEP_SHARE = 0.98  # a full fetch must bring back at least 98 % of the T values cached …
CHANGE_SHARE = 0.02  # … and change at most 2 % of them (before the last five years)
MAX_ABS = 1e9  # no Kolada value is this large
OPEN_YEARS = 5  # the last five calendar years: Kolada revises them (preliminary, then final)
COUNT_FLOOR = -0.5  # a count below this would show as negative (−0,01 rounds to 0)
LISTING_SHARE = 0.90  # a metadata listing must keep at least 90 % of the cached entries


def _bad(url: str, index: int, what: str, value: object) -> KoladaError:
    return KoladaError(f"Ogiltig rad {index + 1} från Kolada: {what} {quoted(value)}", url)


def check_value_page(
    objects: Iterable[object],
    url: str,
    *,
    kpis: Collection[str],
    years: Collection[int],
) -> None:
    """Every data object on a page: ``kpi`` among those asked for, ``municipality`` a 4-digit id
    (all kommuner are asked for), ``period`` an int among ``years``, and every value
    cell with gender T/K/M and a number or null."""
    for i, obj in enumerate(objects):
        if not isinstance(obj, dict):
            raise _bad(url, i, "är inte ett objekt:", obj)
        kpi = obj.get("kpi")
        if not isinstance(kpi, str) or kpi.upper() not in kpis:
            raise _bad(url, i, "nyckeltal som inte efterfrågades:", kpi)
        raw = obj.get("municipality")
        muni = municipality_id(raw) if isinstance(raw, str | int) else raw
        if not isinstance(muni, str) or not MUNICIPALITY_ID.fullmatch(muni):
            raise _bad(url, i, "ogiltigt kommun-id:", muni)
        period = obj.get("period")
        if type(period) is not int or period not in years:
            raise _bad(url, i, "år utanför det efterfrågade:", period)
        cells = obj.get("values") or []  # absent or null: no values, as frames.py reads it
        if not isinstance(cells, list):
            raise _bad(url, i, "saknar listan 'values':", cells)
        for cell in cells:
            _check_cell(cell, url, i)


def _check_cell(cell: object, url: str, index: int) -> None:
    if not isinstance(cell, dict):
        raise _bad(url, index, "värdecell är inte ett objekt:", cell)
    if (cell.get("gender") or "T") not in GENDERS:  # absent or null: the total
        raise _bad(url, index, "okänt kön:", cell.get("gender"))
    value = cell.get("value")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if value is not None and not (number and math.isfinite(value)):
        raise _bad(url, index, "värdet är inte ett tal:", value)
    if not isinstance(cell.get("isdeleted", False), bool):
        raise _bad(url, index, "ogiltigt 'isdeleted':", cell.get("isdeleted"))


@dataclass(frozen=True)
class Shrink:
    """A KPI that would keep fewer kommun-years than the cache holds."""

    kpi: str
    before: int
    after: int

    def line(self) -> str:
        return (
            f"{self.kpi}: {self.after} kommun-år från Kolada mot {self.before} i cachen "
            f"({self.before - self.after} skulle tas bort)"
        )


def kommun_years(values: pd.DataFrame | None) -> pd.Series:
    """Distinct (municipality, period) pairs per KPI with a total (gender T) value: a lie that
    keeps the K/M rows and drops T is a loss."""
    if values is None or values.empty:
        return pd.Series(dtype="int64")
    totals = values[(values["gender"] == "T") & values["value"].notna()]
    return totals.drop_duplicates(["kpi", "municipality", "period"]).groupby("kpi").size()


def find_shrinks(
    old: pd.DataFrame | None,
    new: pd.DataFrame,
    kpis: Iterable[str],
    *,
    years: Iterable[int] | None = None,
    share: float = KEEP_SHARE,
) -> list[Shrink]:
    """KPIs in ``kpis`` whose kommun-years in ``new`` are fewer than ``share`` of ``old``'s
    (counted within ``years`` when given: the window a full fetch replaced)."""
    if years is not None:
        years = list(years)
        old = None if old is None else old[old["period"].between(min(years), max(years))]
        new = new[new["period"].between(min(years), max(years))]
    before, after = kommun_years(old), kommun_years(new)
    out = []
    for kpi in kpis:
        b, a = int(before.get(kpi, 0)), int(after.get(kpi, 0))
        if b and a < share * b:
            out.append(Shrink(kpi, b, a))
    return out


def shrink_error(shrinks: list[Shrink]) -> KoladaError:
    lines = "; ".join(s.line() for s in shrinks[:5])
    more = f" och {len(shrinks) - 5} nyckeltal till" if len(shrinks) > 5 else ""
    return KoladaError(
        f"Kolada skickade långt färre eller andra värden än cachen har – {lines}{more}. "
        f"Kör med --accept-shrink om Kolada verkligen har tagit bort eller ändrat värdena"
    )


def check_listing(what: str, fetched: int, cached: int, url: str | None = None) -> None:
    """A metadata listing (kommuner, nyckeltal, grupper) that is empty, or far shorter than the
    cached one, is not accepted."""
    if fetched == 0:
        raise KoladaError(f"Kolada skickade en tom lista med {what}", url)
    if cached and fetched < LISTING_SHARE * cached:
        raise KoladaError(
            f"Kolada skickade {fetched} {what} mot {cached} i cachen; listan godtas inte", url
        )


# ---- a unit that changed between the cached and the fetched values ---------------------------
UNIT_FACTOR = 50.0  # a value this many times larger or smaller …
UNIT_SHARE = 0.5  # … for more than this share of a KPI's kommun-years: its unit changed


@dataclass(frozen=True)
class UnitChange:
    kpi: str
    factor: float  # median new / old over the kommun-years both hold
    share: float  # of those kommun-years that moved by at least UNIT_FACTOR

    def line(self) -> str:
        factor = f"{self.factor:.3g}".replace(".", ",")
        return f"{self.kpi} (värdena × {factor} för {self.share:.0%} av kommunåren)".replace(
            "%", " %"
        )


def find_unit_changes(
    old: pd.DataFrame | None, new: pd.DataFrame, kpis: Iterable[str]
) -> list[UnitChange]:
    """KPIs whose values jump by a factor ≥ ``UNIT_FACTOR`` (either way) between the cached
    and the fetched set for most of the kommun-years both hold (gender T, nonzero values):
    Kolada changed the KPI's unit, as it did with N28892 (per cent → per 10 000)."""
    if old is None or old.empty or new.empty:
        return []
    wanted = set(kpis)
    key = ["kpi", "municipality", "period"]

    def totals_of(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame[frame["kpi"].isin(wanted) & (frame["gender"] == "T")]
        rows = rows.dropna(subset=["value"])
        return rows[rows["value"] != 0][[*key, "value"]]

    both = totals_of(old).merge(totals_of(new), on=key, suffixes=("_old", "_new"))
    out = []
    for kpi, rows in both.groupby("kpi"):
        ratio = (rows["value_new"] / rows["value_old"]).abs()
        moved = ((ratio >= UNIT_FACTOR) | (ratio <= 1 / UNIT_FACTOR)).mean()
        if moved > UNIT_SHARE:
            out.append(UnitChange(str(kpi), float(ratio.median()), float(moved)))
    return out


# ---- what a lie changes ---------------------------------------------------------------------
@dataclass(frozen=True)
class Rewrite:
    """A KPI whose full fetch would change many of the T values the cache holds."""

    kpi: str
    changed: int
    total: int

    def line(self) -> str:
        return f"{self.kpi}: {self.changed} av {self.total} värden skulle ändras"


def find_rewrites(
    old: pd.DataFrame | None,
    new: pd.DataFrame,
    kpis: Iterable[str],
    years: Iterable[int],
    this_year: int,
) -> list[Rewrite]:
    """KPIs of a full fetch whose T values in ``years`` change for more than ``CHANGE_SHARE``
    of those the cache holds, leaving out the last ``OPEN_YEARS`` calendar years before
    ``this_year`` (Kolada revises them as it finalises them): history is not rewritten."""
    if old is None or old.empty:
        return []
    years = list(years)
    key = ["kpi", "municipality", "period"]

    def totals(frame: pd.DataFrame) -> pd.DataFrame:
        rows = frame[frame["kpi"].isin(set(kpis)) & (frame["gender"] == "T")]
        rows = rows[rows["period"].between(min(years), max(years)) & rows["value"].notna()]
        return rows[[*key, "value"]]

    before = totals(old)
    before = before[before["period"] < this_year - OPEN_YEARS]
    if before.empty:
        return []
    both = before.merge(totals(new), on=key, suffixes=("_old", "_new"))
    moved = ~((both["value_old"] - both["value_new"]).abs() <= 1e-9 * both["value_old"].abs())
    out = []
    for kpi, total in before.groupby("kpi").size().items():
        changed = int(moved[both["kpi"] == kpi].sum())
        if changed > CHANGE_SHARE * total:
            out.append(Rewrite(str(kpi), changed, int(total)))
    return out


def check_values_frame(
    frame: pd.DataFrame, url: str, municipalities: Collection[str] | None, counts: Collection[str]
) -> None:
    """A fetched value frame before it may reach the cache: no key twice (kpi, kommun, year,
    gender), only kommuner, regions and Riket of Kolada's municipality listing (when known), no
    value beyond ±1e9, and no negative count or population (``counts``: their KPI ids).
    ``KoladaError`` naming the URL and the first bad row otherwise."""
    if frame.empty:
        return
    twice = frame[frame.duplicated(["kpi", "municipality", "period", "gender"], keep=False)]
    if not twice.empty:
        r = twice.iloc[0]
        raise KoladaError(
            f"Kolada skickade samma värde två gånger ({r['kpi']}, {r['municipality']}, "
            f"{int(r['period'])}, {r['gender']}); svaret godtas inte",
            url,
        )
    if municipalities is not None:
        # unique() first: iterating ~400 000 Arrow strings one by one took 0,5 s of a refresh
        unknown = sorted(set(frame["municipality"].unique()) - set(municipalities))
        if unknown:
            raise KoladaError(
                f"Kolada skickade värden för kommun-id som inte finns i kommunlistan: "
                f"{', '.join(quoted(u) for u in unknown[:3])}; svaret godtas inte",
                url,
            )
    values = frame["value"]
    huge = frame[values.abs() > MAX_ABS]
    if not huge.empty:
        r = huge.iloc[0]
        raise KoladaError(
            f"Orimligt värde från Kolada: {r['kpi']} {r['municipality']} {int(r['period'])} = "
            f"{r['value']:g}; svaret godtas inte",
            url,
        )
    negative = frame[frame["kpi"].isin(set(counts)) & (values < COUNT_FLOOR)]
    if not negative.empty:
        r = negative.iloc[0]
        raise KoladaError(
            f"Negativt antal från Kolada: {r['kpi']} {r['municipality']} {int(r['period'])} = "
            f"{r['value']:g}; svaret godtas inte",
            url,
        )


def check_kept_kommuner(old: pd.DataFrame | None, new: pd.DataFrame) -> None:
    """A municipality listing may not lose a kommun the cache knows (Kolada does not remove
    kommuner; a shorter list is a broken answer)."""
    if old is None or old.empty:
        return
    lost = sorted(set(old.loc[old["type"] == "K", "id"]) - set(new["id"]))
    if lost:
        raise KoladaError(
            f"Kolada:s kommunlista saknar {len(lost)} kommuner som cachen känner "
            f"({', '.join(lost[:5])}{' …' if len(lost) > 5 else ''}); svaret godtas inte"
        )
