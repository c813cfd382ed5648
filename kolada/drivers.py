"""Cost drivers (issue 9, "Kostnadsdrivare") as data: for each part of an area, the KPIs that
explain its cost per inhabitant — volumes (how many get the service), unit costs (what one user
costs), shares (how much is bought from others) and counts (how many users the kommun has).

Where Kolada publishes the pieces of a product, an ``Identity`` says how they multiply back to
the cost per inhabitant: ``cost = volume × unit_cost × factor``. The ids and units follow the
Kolada v3 catalogue of 2026-03; each ``title`` is a short label in Kolada's own words (the full
title is in the cached KPI list). Pure data and arithmetic: never imports streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

KINDS = ("cost", "volume", "unit_cost", "share", "count")  # also the order within a tree
UNITS = (
    "kr/inv",
    "kr/inv 65+",
    "kr/inv 80+",
    "kr/brukare",
    "kr/hemtjänsttagare",
    "kr/hushåll",
    "%",
    "antal/1 000 inv 0–20 år",
    "antal/10 000 inv",
    "antal",
)
BASES = ("invånare", "invånare 65+")
PER_10_000 = 1 / 10_000
PERCENT = 1 / 100


@dataclass(frozen=True)
class Driver:
    kpi: str  # Kolada id
    title: str  # short Swedish label, as Kolada words it
    means: str  # one Swedish line on what it measures, for a politician
    unit: str  # one of UNITS
    kind: str  # one of KINDS


@dataclass(frozen=True)
class Identity:
    """cost = volume × unit_cost × factor, per inhabitant of ``basis``."""

    name: str
    cost: str  # kr per inhabitant of the basis
    volume: str  # users per 10 000 inhabitants, or percent of the basis
    unit_cost: str | None  # kr per user; None: derived as cost / (volume × factor)
    factor: float  # 1/10 000 for per-10 000 volumes, 1/100 for percent volumes
    count: str | None  # the kommun's own count of users, or None
    basis: str  # "invånare" (N01951) or "invånare 65+" (count / (volume × factor))

    @property
    def kpis(self) -> tuple[str, ...]:
        ids = (self.cost, self.volume, self.unit_cost, self.count)
        return tuple(i for i in ids if i)

    @property
    def derived(self) -> bool:
        """True when the unit cost is our own arithmetic, not a Kolada KPI."""
        return self.unit_cost is None


@dataclass(frozen=True)
class DriverTree:
    code: str
    title: str
    area: str  # Area code in kolada/catalogue.py
    drivers: tuple[Driver, ...]  # costs, then volumes, unit costs, shares, counts
    identities: tuple[Identity, ...] = ()
    peer_family: str | None = None  # RKA family where the part has its own

    @property
    def kpis(self) -> tuple[str, ...]:
        return tuple(d.kpi for d in self.drivers)

    def driver(self, kpi: str) -> Driver:
        for d in self.drivers:
            if d.kpi == kpi:
                return d
        raise KeyError(kpi)


def _d(kpi: str, title: str, unit: str, kind: str, means: str) -> Driver:
    return Driver(kpi, title, means, unit, kind)


_BOUGHT = "som kommunen köper av andra utförare (privata eller andra kommuner)"

BARN_UNGA = DriverTree(
    "barn_unga",
    "Barn och unga",
    "ifo",
    (
        _d("N33001", "Kostnad barn och ungdomsvård, kr/inv", "kr/inv", "cost",
           "Vad vården av barn och unga 0–20 år (HVB, familjehem, öppenvård) kostar per "
           "invånare, före intäkter."),
        _d("N33816", "Placerade på HVB, antal/1 000 inv 0–20 år", "antal/1 000 inv 0–20 år",
           "volume",
           "Hur många barn och unga som någon gång under året bott på HVB (hem för vård eller "
           "boende), per 1 000 invånare 0–20 år."),
        _d("N33817", "Placerade i familjehem, antal/1 000 inv 0–20 år",
           "antal/1 000 inv 0–20 år", "volume",
           "Hur många barn och unga som någon gång under året bott i familjehem (även jour- och "
           "nätverkshem), per 1 000 invånare 0–20 år."),
        _d("N33802", "Öppna insatser, andel (%) av inv 0–20 år", "%", "volume",
           "Andelen barn och unga 0–20 år med en biståndsbedömd öppen insats, till exempel "
           "kontaktperson eller öppenvårdsprogram."),
        _d("N33023", "Köp av barn- och ungdomsvård, andel (%)", "%", "share",
           f"Hur stor del av kostnaden för barn- och ungdomsvården som går till vård {_BOUGHT}."),
    ),
)  # fmt: skip

EKONOMISKT_BISTAND = DriverTree(
    "ekonomiskt_bistand",
    "Ekonomiskt bistånd",
    "ifo",
    (
        _d("N31001", "Kostnad ekonomiskt bistånd, kr/inv", "kr/inv", "cost",
           "Vad ekonomiskt bistånd (utbetalt bistånd och handläggning) kostar per invånare, "
           "före intäkter."),
        _d("N31008", "Nettokostnad ekonomiskt bistånd, kr/inv", "kr/inv", "cost",
           "Vad ekonomiskt bistånd kostar per invånare när intäkterna är avräknade."),
        _d("N31807", "Invånare med ekonomiskt bistånd, andel (%) av bef.", "%", "volume",
           "Andelen av invånarna, barn inräknade, som någon gång under året fått ekonomiskt "
           "bistånd."),
        _d("N31816", "Långvarigt ekonomiskt bistånd, andel (%) av befolkningen 18+", "%",
           "volume",
           "Andelen vuxna invånare som haft ekonomiskt bistånd i 10–12 månader av året."),
        _d("N31849", "Utbetalt ekonomiskt bistånd, kr/hushåll", "kr/hushåll", "unit_cost",
           "Hur mycket ett hushåll med bistånd i genomsnitt fick utbetalt under året."),
        _d("N31814", "Långvarigt ekonomiskt bistånd, andel (%) av biståndsmottagare 18+", "%",
           "share",
           "Hur stor del av de vuxna biståndsmottagarna som haft bistånd i 10–12 månader av "
           "året."),
        _d("N31910", "Biståndshushåll, antal", "antal", "count",
           "Hur många hushåll i kommunen som fått ekonomiskt bistånd under året."),
    ),
    identities=(
        Identity("Ekonomiskt bistånd", "N31001", "N31807", None, PERCENT, None, "invånare"),
    ),
    peer_family="Liknande kommuner ekonomiskt bistånd",
)  # fmt: skip

MISSBRUK_VUXNA = DriverTree(
    "missbruk_vuxna",
    "Missbruk vuxna",
    "ifo",
    (
        _d("N35001", "Kostnad missbruksvård vuxna, kr/inv", "kr/inv", "cost",
           "Vad vård och stöd till vuxna med missbruksproblem kostar per invånare, före "
           "intäkter."),
        _d("N35030", "Köp av vård för vuxna med missbruksproblem, andel (%)", "%", "share",
           f"Hur stor del av kostnaden för missbruksvården som går till vård {_BOUGHT}."),
    ),
)  # fmt: skip

IFO_TOTAL = DriverTree(
    "ifo_total",
    "IFO totalt",
    "ifo",
    (
        _d("N04159", "Köp av individ- och familjeomsorg totalt, andel (%)", "%", "share",
           f"Hur stor del av hela IFO:s kostnad (familjerätten inräknad) som går till "
           f"verksamhet {_BOUGHT}."),
    ),
)  # fmt: skip

LSS = DriverTree(
    "lss",
    "LSS",
    "lss",
    (
        _d("N28016", "Nettokostnad LSS och SFB, kr/inv", "kr/inv", "cost",
           "Vad stödet till personer med funktionsnedsättning enligt LSS och SFB kostar per "
           "invånare när intäkterna är avräknade."),
        _d("N28012", "Kostnad LSS boende, kr/inv", "kr/inv", "cost",
           "Vad boende enligt LSS (gruppbostad, servicebostad, familjehem) kostar per invånare."),
        _d("N28009", "Kostnad LSS daglig verksamhet, kr/inv", "kr/inv", "cost",
           "Vad daglig verksamhet enligt LSS kostar per invånare."),
        _d("N28008", "Kostnad personlig assistans minus ersättning från FK, kr/inv", "kr/inv",
           "cost",
           "Vad personlig assistans kostar kommunen per invånare, efter ersättningen från "
           "Försäkringskassan."),
        _d("N28892", "Invånare med insatser enl. LSS, antal/10 000 inv", "antal/10 000 inv",
           "volume",
           "Hur många invånare som har någon insats enligt LSS, per 10 000 invånare."),
        _d("N28820", "Personer med boende enligt LSS, antal/10 000 inv", "antal/10 000 inv",
           "volume", "Hur många som har ett boende enligt LSS, per 10 000 invånare."),
        _d("N28819", "Personer med daglig verksamhet enligt LSS, antal/10 000 inv",
           "antal/10 000 inv", "volume",
           "Hur många som har daglig verksamhet enligt LSS, per 10 000 invånare."),
        _d("N28818", "Personer med personlig assistans enligt LSS, antal/10 000 inv",
           "antal/10 000 inv", "volume",
           "Hur många som har personlig assistans enligt LSS, per 10 000 invånare."),
        _d("N28013", "Kostnad LSS boende, kr/brukare", "kr/brukare", "unit_cost",
           "Vad ett år i boende enligt LSS i genomsnitt kostar per boende."),
        _d("N28015", "Kostnad LSS daglig verksamhet, kr/brukare", "kr/brukare", "unit_cost",
           "Vad ett år med daglig verksamhet enligt LSS i genomsnitt kostar per deltagare."),
        _d("N28027", "Köp av insatser enligt LSS och SFB, andel (%)", "%", "share",
           f"Hur stor del av kostnaden för LSS-insatserna (utom personlig assistans) som går "
           f"till verksamhet {_BOUGHT}."),
        _d("N28801", "Personer med boende enligt LSS, antal", "antal", "count",
           "Hur många personer i kommunen som har ett boende enligt LSS (den 1 oktober)."),
        _d("N28804", "Personer med daglig verksamhet enligt LSS, antal", "antal", "count",
           "Hur många personer i kommunen som har daglig verksamhet enligt LSS (den 1 oktober)."),
        _d("N28805", "Personer med personlig assistans enligt LSS, antal", "antal", "count",
           "Hur många personer i kommunen som har personlig assistans enligt LSS "
           "(den 1 oktober)."),
    ),
    identities=(
        Identity("LSS boende", "N28012", "N28820", "N28013", PER_10_000, "N28801", "invånare"),
        Identity(
            "LSS daglig verksamhet", "N28009", "N28819", "N28015", PER_10_000, "N28804",
            "invånare",
        ),
    ),
)  # fmt: skip

ALDREOMSORG = DriverTree(
    "aldreomsorg",
    "Äldreomsorg",
    "aldreomsorg",
    (
        _d("N20007", "Kostnad äldreomsorg, kr/inv 65+", "kr/inv 65+", "cost",
           "Vad äldreomsorgen kostar per invånare som är 65 år eller äldre, före intäkter."),
        _d("N20048", "Kostnad äldreomsorg, kr/inv 80+", "kr/inv 80+", "cost",
           "Vad äldreomsorgen kostar per invånare som är 80 år eller äldre, före intäkter."),
        _d("N21009", "Kostnad hemtjänst äldreomsorg, kr/inv 65+", "kr/inv 65+", "cost",
           "Vad hemtjänsten till äldre kostar per invånare 65+."),
        _d("N23005", "Kostnad särskilt/annat boende äldreomsorg, kr/inv 65+", "kr/inv 65+",
           "cost", "Vad särskilt boende för äldre kostar per invånare 65+."),
        _d("N20891", "Invånare 65+ i särskilt boende eller med hemtjänst, andel (%)", "%",
           "volume",
           "Andelen invånare 65+ som bor i särskilt boende eller har hemtjänst hemma."),
        _d("N21701", "Invånare 65+ med hemtjänst i ordinärt boende, andel (%)", "%", "volume",
           "Andelen invånare 65+ som har hemtjänst i sitt eget hem."),
        _d("N23801", "Invånare 80+ i särskilt boende, andel (%)", "%", "volume",
           "Andelen invånare 80+ som bor i särskilt boende."),
        _d("N21006", "Kostnad hemtjänst äldreomsorg, kr/hemtjänsttagare", "kr/hemtjänsttagare",
           "unit_cost",
           "Vad hemtjänsten i genomsnitt kostar per år för en hemtjänsttagare 65+."),
        _d("N23009", "Kostnad särskilt boende äldreomsorg, kr/brukare", "kr/brukare",
           "unit_cost",
           "Vad en plats i särskilt boende i genomsnitt kostar per år och boende 65+."),
        _d("N20805", "Köp av äldreomsorg, andel (%)", "%", "share",
           f"Hur stor del av äldreomsorgens kostnad som går till verksamhet {_BOUGHT}."),
        _d("N21702", "Hemtjänsttagare 65+ i ordinärt boende, antal", "antal", "count",
           "Hur många invånare 65+ som har hemtjänst i sitt eget hem."),
        _d("N23805", "Brukare 65+ i särskilt boende, antal", "antal", "count",
           "Hur många invånare 65+ som bor i särskilt boende."),
    ),
    identities=(
        Identity("Hemtjänst", "N21009", "N21701", "N21006", PERCENT, "N21702", "invånare 65+"),
    ),
)  # fmt: skip

DRIVER_TREES: tuple[DriverTree, ...] = (
    BARN_UNGA,
    EKONOMISKT_BISTAND,
    MISSBRUK_VUXNA,
    IFO_TOTAL,
    LSS,
    ALDREOMSORG,
)

TREES_BY_CODE = {t.code: t for t in DRIVER_TREES}


def trees_for(area_code: str) -> tuple[DriverTree, ...]:
    """The trees of an area, in catalogue order ("ifo" → its three parts, then IFO totalt);
    empty for an area without drivers."""
    return tuple(t for t in DRIVER_TREES if t.area == area_code)


def driver_kpis() -> list[str]:
    """Every KPI id in every tree, sorted and unique."""
    return sorted({d.kpi for t in DRIVER_TREES for d in t.drivers})


def _finite(*xs: float | None) -> bool:
    return all(x is not None and math.isfinite(x) for x in xs)


def derived_unit_cost(identity: Identity, cost: float | None, volume: float | None) -> float | None:
    """cost / (volume × factor): kr per user where Kolada has no unit-cost KPI; None where the
    inputs are missing or the volume is 0."""
    if not _finite(cost, volume) or volume == 0:
        return None
    return cost / (volume * identity.factor)


def basis_population(identity: Identity, count: float | None, volume: float | None) -> float | None:
    """count / (volume × factor): the inhabitants of the basis (e.g. invånare 65+), derived from
    the kommun's count of users and its volume; None where that cannot be done."""
    if not _finite(count, volume) or volume == 0:
        return None
    return count / (volume * identity.factor)


# ---- plausibility: checks as data ------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """A value of ``kpi`` is implausible when it is below (``at_least``) or above
    (``at_most``) the same kommun-year's value of ``other``: a part cannot exceed its whole, an
    "any LSS insats" rate cannot be below the rate of one of them."""

    kpi: str
    rule: str  # "at_least" or "at_most"
    other: str


CHECKS: tuple[Check, ...] = (
    Check("N28892", "at_least", "N28820"),  # any LSS insats ≥ LSS boende
    Check("N28892", "at_least", "N28819"),  # ≥ daglig verksamhet
    Check("N28892", "at_least", "N28818"),  # ≥ personlig assistans
    Check("N20891", "at_least", "N21701"),  # särskilt boende or hemtjänst ≥ hemtjänst
    Check("N21009", "at_most", "N20007"),  # hemtjänst ≤ all äldreomsorg (kr/inv 65+)
    Check("N23005", "at_most", "N20007"),  # särskilt boende ≤ all äldreomsorg
    Check("N28012", "at_most", "N28016"),  # LSS boende ≤ LSS och SFB (net of FK)
)
# The range a value in each unit can have; outside it, the unit or the value is wrong.
RANGES: dict[str, tuple[float, float]] = {
    "%": (0.0, 100.0),
    "antal/10 000 inv": (0.0, 10_000.0),
    "antal/1 000 inv 0–20 år": (0.0, 1_000.0),
}


# ---- how many persons stand behind a value (for the material rule) ---------------------------
SHARE_0_20 = 0.24  # Riket's share of invånare 0–20 år (SCB 2022: 2,47 of 10,45 miljoner)


@dataclass(frozen=True)
class Persons:
    """The persons behind a driver's value: a count KPI, or a rate × the population
    (``per`` inhabitants, × ``share`` of the population in the rate's age band — an estimate)."""

    count: str | None = None
    per: float | None = None  # 100 for percent, 10 000, 1 000
    share: float = 1.0


PERSONS: dict[str, Persons] = {
    "N28820": Persons("N28801"),
    "N28013": Persons("N28801"),
    "N28819": Persons("N28804"),
    "N28015": Persons("N28804"),
    "N28818": Persons("N28805"),
    "N21701": Persons("N21702"),
    "N21006": Persons("N21702"),
    "N23801": Persons("N23805"),
    "N23009": Persons("N23805"),
    "N31849": Persons("N31910"),
    "N31814": Persons("N31910"),
    "N31807": Persons(per=100),
    "N31816": Persons(per=100),
    "N33816": Persons(per=1_000, share=SHARE_0_20),
    "N33817": Persons(per=1_000, share=SHARE_0_20),
    "N33802": Persons(per=100, share=SHARE_0_20),
}


def persons(kpi: str, own: dict[str, float], population: float | None) -> float | None:
    """How many persons stand behind the kommun's value of ``kpi`` (``own``: its values of the
    year by KPI id); None where that is not known."""
    how = PERSONS.get(kpi)
    if how is None:
        return None
    if how.count is not None:
        return own.get(how.count)
    rate = own.get(kpi)
    if rate is None or population is None or not _finite(rate, population):
        return None
    return rate / how.per * population * how.share


# ---- the inhabitants a cost is per -----------------------------------------------------------
COST_BASIS = {"invånare": "kr/inv", "invånare 65+": "kr/inv 65+"}  # Identity.basis → cost unit
HOME_CARE_COUNT, HOME_CARE_SHARE = "N21702", "N21701"  # hemtjänsttagare 65+, their share (%)


def inhabitants(unit: str, own: dict[str, float]) -> float | None:
    """The inhabitants a cost in ``unit`` is per, for one kommun-year (``own``: its values by
    KPI id): the population (N01951) for kr/inv; for kr/inv 65+, derived as hemtjänsttagare
    65+ / their share of invånare 65+ (Kolada publishes no 65+ population among these KPIs).
    None where it cannot be had (kr/inv 80+, say)."""
    if unit == "kr/inv":
        return own.get("N01951")
    if unit == "kr/inv 65+":
        count, share = own.get(HOME_CARE_COUNT), own.get(HOME_CARE_SHARE)
        if not _finite(count, share) or share == 0:
            return None
        return count / (share * PERCENT)
    return None


# ---- definition changes Kolada documents -----------------------------------------------------
COUNT_METHOD_2021 = (
    2021,
    "Från 2021 räknas hemtjänsttagare och boende i särskilt boende på ett nytt sätt "
    "(Socialstyrelsens individdata i stället för en mätdag), så förändringar över 2021 är inte "
    "helt jämförbara.",
)
DEFINITION_CHANGES: dict[str, tuple[int, str]] = {
    kpi: COUNT_METHOD_2021
    for kpi in ("N20891", "N21701", "N21702", "N21006", "N23801", "N23805", "N23009")
}
