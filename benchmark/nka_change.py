"""Why NKA moved between two years: the net cost, the national level or the kommun's structure
(pure).

NKA % = (nettokostnad / referenskostnad − 1) × 100, both kr per invånare. Between two years
the change in procentenheter splits exactly into a net-cost part and a reference-cost part
(the symmetric, Shapley split of nettokostnad × 1/referenskostnad):

    net part       = (n₂ − n₁) × (1/r₁ + 1/r₂)/2 × 100
    reference part = (1/r₂ − 1/r₁) × (n₁ + n₂)/2 × 100

which add up to 100 × (n₂/r₂ − n₁/r₁). When the referenskostnad is derived from NKA
(r = n / (1 + NKA/100)) that is NKA₂ − NKA₁ to float precision. With Kolada's own
referenskostnad, Kolada's NKA may differ from n/r by rounding; ``NkaChange.residual`` holds
that difference (the parts still add up to the change that n and r imply).

The reference cost is in turn r = (r / R) × R, with R Riket's net cost per invånare for the
area (Riket's NKA is 0 by construction, so R is also Riket's reference cost): R is the national
cost level, r / R the kommun's structure relative to it. The reference part splits exactly,
again symmetrically, into a **national part** and a **structure part** (``national_part``,
``structure_part``). Västerås IFO 2019→2020: the reference cost rose 3,8 %, of which Riket's
level +4,1 % and the structure −0,3 %.

The sentence follows the rules of ``benchmark.narrative``: direction words from the values
("steg/sjönk" for NKA, "ökade/minskade" for the costs, "var oförändrad" when the figure as
printed does not move), and the NKA change quoted is the difference of the two NKA values as
printed with one decimal. Across the 2019 method break the split is still made — the net cost
per invånare is comparable across it — and the sentence says that the two reference costs come
from different models (rather than refusing the sentence).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from benchmark import analytics, fmt
from benchmark.analytics import METHOD_BREAK_YEAR
from benchmark.numbers import tenths
from kolada.catalogue import RIKET, Area

METHOD_TEXT = (
    "NKA = nettokostnad / referenskostnad − 1. Ändringen delas symmetriskt i en del från "
    "nettokostnaden per invånare och en del från referenskostnaden, och referenskostnaden i "
    "rikets kostnadsnivå för området (rikets nettokostnad per invånare; rikets NKA är 0) och "
    "kommunens struktur (referenskostnaden / rikets nivå); delarna summerar till ändringen."
)
NET = "nettokostnaden per invånare"
REFERENCE = "referenskostnaden"
DERIVED_NOTE = " (referenskostnaden härledd ur nettokostnad och NKA)"


def method_break_note(year: int = METHOD_BREAK_YEAR) -> str:
    return (
        f"Åren ligger på var sin sida om metodbytet {year}, så referenskostnaderna är räknade "
        "med olika modeller."
    )


@dataclass(frozen=True)
class YearFigures:
    """One kommun-year: NKA %, nettokostnad and (when Kolada has it) referenskostnad, both kr per
    invånare. Without ``reference_cost`` it is derived: nettokostnad / (1 + NKA/100)."""

    year: int
    nka: float
    net_cost: float
    reference_cost: float | None = None


@dataclass(frozen=True)
class NkaChange:
    year_from: int
    year_to: int
    nka_from: float  # %
    nka_to: float
    net_from: float  # kr/invånare
    net_to: float
    reference_from: float  # kr/invånare
    reference_to: float
    reference_derived: bool  # at least one year's referenskostnad derived from NKA
    riket_from: float | None = None  # Riket's net cost per invånare for the area (R)
    riket_to: float | None = None

    @property
    def years(self) -> tuple[int, int]:
        return self.year_from, self.year_to

    @property
    def points(self) -> float:
        """NKA change in procentenheter (to − from)."""
        return self.nka_to - self.nka_from

    @property
    def net_change_pct(self) -> float:
        return (self.net_to / self.net_from - 1) * 100

    @property
    def reference_change_pct(self) -> float:
        return (self.reference_to / self.reference_from - 1) * 100

    @property
    def net_part(self) -> float:
        """The p.e. the change in nettokostnad accounts for."""
        n1, n2, r1, r2 = self.net_from, self.net_to, self.reference_from, self.reference_to
        return (n2 - n1) * (1 / r1 + 1 / r2) / 2 * 100

    @property
    def reference_part(self) -> float:
        """The p.e. the change in referenskostnad accounts for (negative when it rose)."""
        n1, n2, r1, r2 = self.net_from, self.net_to, self.reference_from, self.reference_to
        return (1 / r2 - 1 / r1) * (n1 + n2) / 2 * 100

    @property
    def has_national(self) -> bool:
        return self.riket_from is not None and self.riket_to is not None

    @property
    def national_change_pct(self) -> float:
        return (self.riket_to / self.riket_from - 1) * 100

    @property
    def structure_change_pct(self) -> float:
        """The change in the kommun's reference cost relative to Riket's level (r / R)."""
        s1 = self.reference_from / self.riket_from
        s2 = self.reference_to / self.riket_to
        return (s2 / s1 - 1) * 100

    def _inverse_parts(self) -> tuple[float, float]:
        """1/r = (R/r) × (1/R): the change in 1/r split symmetrically into the part of 1/R
        (national level) and the part of R/r (structure)."""
        a1, a2 = self.riket_from / self.reference_from, self.riket_to / self.reference_to
        b1, b2 = 1 / self.riket_from, 1 / self.riket_to
        return (b2 - b1) * (a1 + a2) / 2, (a2 - a1) * (b1 + b2) / 2

    @property
    def national_part(self) -> float:
        """The p.e. the change in Riket's cost level accounts for (negative when it rose)."""
        national, _ = self._inverse_parts()
        return national * (self.net_from + self.net_to) / 2 * 100

    @property
    def structure_part(self) -> float:
        """The p.e. the change in the kommun's structure accounts for; with ``national_part``
        it adds up to ``reference_part``."""
        _, structure = self._inverse_parts()
        return structure * (self.net_from + self.net_to) / 2 * 100

    @property
    def residual(self) -> float:
        """``points`` − (net part + reference part): 0 to float precision when the
        referenskostnad is derived; Kolada's rounding otherwise."""
        return self.points - (self.net_part + self.reference_part)

    def crosses_method_break(self, year: int = METHOD_BREAK_YEAR) -> bool:
        return self.year_from < year <= self.year_to


def _positive(name: str, value: float) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} måste vara större än 0, inte {value!r}")
    return value


def _reference(f: YearFigures) -> tuple[float, bool]:
    if f.reference_cost is not None:
        return _positive(f"referenskostnaden {f.year}", f.reference_cost), False
    if not math.isfinite(f.nka) or f.nka <= -100:
        raise ValueError(f"referenskostnaden {f.year} kan inte härledas ur NKA {f.nka!r}")
    return f.net_cost / (1 + f.nka / 100), True


def nka_change(
    before: YearFigures,
    after: YearFigures,
    riket: tuple[float | None, float | None] = (None, None),
) -> NkaChange:
    """The change from ``before`` to ``after`` (an earlier year to a later one). Costs must be
    finite and > 0, NKA finite (and > −100 to derive a referenskostnad); ValueError otherwise.
    ``riket``: Riket's net cost per invånare for the area in the two years, for the national
    and structure parts (left out unless both are > 0)."""
    if before.year >= after.year:
        raise ValueError(f"året {before.year} ligger inte före {after.year}")
    for f in (before, after):
        _positive(f"nettokostnaden {f.year}", f.net_cost)
        if not math.isfinite(f.nka):
            raise ValueError(f"NKA {f.year} är inte ett tal: {f.nka!r}")
    r1, derived1 = _reference(before)
    r2, derived2 = _reference(after)
    return NkaChange(
        year_from=before.year,
        year_to=after.year,
        nka_from=float(before.nka),
        nka_to=float(after.nka),
        net_from=float(before.net_cost),
        net_to=float(after.net_cost),
        reference_from=r1,
        reference_to=r2,
        reference_derived=derived1 or derived2,
        **_riket(riket),
    )


def _riket(riket: tuple[float | None, float | None]) -> dict:
    r1, r2 = riket
    if r1 is None or r2 is None or not (r1 > 0 and r2 > 0):
        return {}
    return {"riket_from": float(r1), "riket_to": float(r2)}


# ---- the sentence ----------------------------------------------------------------------------
def _verb(t: int) -> str:
    return "ökade" if t > 0 else "minskade"


def _pct(t: int) -> str:
    """A change in tenths of a percent, without sign: 42 → '4,2 %'."""
    return fmt.percent(abs(t) / 10)


def _costs(tn: int, tr: int, t_nka: int) -> str:
    """How the two costs moved (changes in tenths of a percent as printed)."""
    if tn == 0 and tr == 0:
        return f"{NET} och {REFERENCE} var oförändrade"
    if tn == 0:
        return f"{NET} var oförändrad medan {REFERENCE} {_verb(tr)} {_pct(tr)}"
    if tr == 0:
        return f"{NET} {_verb(tn)} {_pct(tn)} medan {REFERENCE} var oförändrad"
    if (tn > 0) != (tr > 0):
        return f"{NET} {_verb(tn)} {_pct(tn)} medan {REFERENCE} {_verb(tr)} {_pct(tr)}"
    if tn == tr:
        return f"{NET} och {REFERENCE} {_verb(tn)} båda {_pct(tn)}"
    if t_nka != 0 and (t_nka > 0) != (tn > 0):  # NKA moved against the net cost
        return f"{NET} {_verb(tn)} {_pct(tn)} men {REFERENCE} {_verb(tr)} mer, {_pct(tr)}"
    return f"{NET} {_verb(tn)} {_pct(tn)} och {REFERENCE} {_pct(tr)}"


def change_sentence(change: NkaChange, method_break_year: int = METHOD_BREAK_YEAR) -> str:
    """'2019→2020 sjönk NKA 9,1 p.e.: nettokostnaden per invånare minskade 4,2 % medan
    referenskostnaden ökade 3,0 %.' Plain text. The NKA change is the difference of the two
    values as printed; the cost changes are rounded to one decimal. A derived referenskostnad is
    said once; years on both sides of ``method_break_year`` add a sentence saying that the
    reference costs come from different models."""
    t_nka = tenths(change.nka_to) - tenths(change.nka_from)
    years = f"{change.year_from}→{change.year_to}"
    if t_nka == 0:
        head = f"{years} var NKA oförändrad"
    else:
        verb = "steg" if t_nka > 0 else "sjönk"
        head = f"{years} {verb} NKA {fmt.number(abs(t_nka) / 10)} p.e."
    body = _costs(tenths(change.net_change_pct), tenths(change.reference_change_pct), t_nka)
    note = DERIVED_NOTE if change.reference_derived else ""
    text = f"{head}: {body}{note}."
    if change.has_national:
        text += " " + _national_sentence(change)
    if change.crosses_method_break(method_break_year):
        text += " " + method_break_note(method_break_year)
    return text


def _national_sentence(change: NkaChange) -> str:
    """'Referenskostnadens ändring består av rikets kostnadsnivå för området, som ökade 4,1 %,
    och kommunens struktur i förhållande till riket, som minskade 0,3 %.'"""

    def moved(t: int) -> str:
        return "var oförändrad" if t == 0 else f"{_verb(t)} {_pct(t)}"

    national = tenths(change.national_change_pct)
    structure = tenths(change.structure_change_pct)
    parts = (
        f"{fmt.points(change.net_part, short=True)} från nettokostnaden, "
        f"{fmt.points(change.national_part, short=True)} från rikets nivå och "
        f"{fmt.points(change.structure_part, short=True)} från strukturen"
    )
    return (
        f"Referenskostnadens ändring består av rikets kostnadsnivå för området, som "
        f"{moved(national)}, och kommunens struktur i förhållande till riket, som "
        f"{moved(structure)}. Av NKA:s ändring kommer {parts}."
    )


def change_table(change: NkaChange) -> pd.DataFrame:
    """The figures behind the sentence, as page and report show them: the two years' values
    and each part's contribution in p.e. (the parts add up to the NKA change)."""
    ref_title = "Referenskostnad (kr/inv)" + (" härledd" if change.reference_derived else "")
    table = {
        "År": [str(change.year_from), str(change.year_to), "Bidrag till förändringen"],
        "NKA": [
            fmt.percent(change.nka_from),
            fmt.percent(change.nka_to),
            fmt.points(change.points),
        ],
        "Nettokostnad (kr/inv)": [
            fmt.number(change.net_from, 0),
            fmt.number(change.net_to, 0),
            fmt.points(change.net_part),
        ],
        ref_title: [
            fmt.number(change.reference_from, 0),
            fmt.number(change.reference_to, 0),
            fmt.points(change.reference_part),
        ],
    }
    if change.has_national:
        table["därav riket (kr/inv)"] = [
            fmt.number(change.riket_from, 0),
            fmt.number(change.riket_to, 0),
            fmt.points(change.national_part),
        ]
        table["därav struktur (kvot)"] = [
            fmt.number(change.reference_from / change.riket_from, 3),
            fmt.number(change.reference_to / change.riket_to, 3),
            fmt.points(change.structure_part),
        ]
    return pd.DataFrame(table)


# ---- the years a view compares ---------------------------------------------------------------
def comparable_years(values: pd.DataFrame, area: Area, kommun: str, own: pd.Series) -> list[int]:
    """The years of ``own`` (the kommun's NKA) that also have its net cost (an area may have no
    net cost KPI: then none)."""
    if not area.net_cost:
        return []
    return [int(y) for y in own.index if analytics.value_at(values, area.net_cost, kommun, int(y))]


def default_pair(years: list[int]) -> tuple[int, int] | None:
    """From the first year of the new model (2019) when the years hold two from it, else from
    the first year, to the last; None with fewer than two years."""
    if len(years) < 2:
        return None
    after = [y for y in years if y >= METHOD_BREAK_YEAR]
    return (after[0] if len(after) > 1 else years[0], years[-1])


def change_between(
    values: pd.DataFrame, area: Area, kommun: str, first: int, last: int
) -> NkaChange:
    """Why the kommun's NKA moved from ``first`` to ``last`` (Kolada's values of the area)."""
    figures = [
        YearFigures(
            int(y),
            analytics.value_at(values, area.nka_pct, kommun, int(y)),
            analytics.value_at(values, area.net_cost, kommun, int(y)),
            analytics.value_at(values, area.reference_cost, kommun, int(y)),
        )
        for y in (first, last)
    ]
    riket = tuple(analytics.value_at(values, area.net_cost, RIKET, y) for y in (first, last))
    return nka_change(*figures, riket=riket)
