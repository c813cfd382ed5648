"""Short Swedish text that states only what the data supports (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from benchmark import fmt
from benchmark.analytics import Gap, Placement, spans_method_break
from benchmark.escaping import escape_markdown

FLAT_POINTS = 0.5  # a change smaller than this (procentenheter) is called unchanged


@dataclass(frozen=True)
class Facts:
    kommun: str
    area: str  # e.g. "individ- och familjeomsorg"
    year: int
    nka: float
    preliminary: bool = False
    median: float | None = None
    peers_with_value: int = 0
    peers_total: int = 0
    placement: Placement | None = None
    first_year: int | None = None  # the first year in the range with a value
    first_nka: float | None = None
    gap_to_median: Gap | None = None


def _over_under(value: float) -> str:
    return "över" if value > 0 else "under"


def _against_median(nka: float, median: float) -> str:
    diff = nka - median
    if abs(diff) < 0.05:
        return "i nivå med medianen"
    return f"{fmt.number(abs(diff))} procentenheter {_over_under(diff)} medianen"


def overview_sentences(f: Facts) -> list[str]:
    """Sentences for the overview, as Markdown: the kommun's name (Kolada's) is escaped, so it
    shows as written. (The report paragraph is plain text.)"""
    out = []
    kommun = escape_markdown(f.kommun)
    prel = " (preliminärt värde)" if f.preliminary else ""
    if abs(f.nka) < 0.05:
        level = "i nivå med den referenskostnad som kommunens struktur motiverar"
    else:
        level = (
            f"{fmt.number(abs(f.nka))} % {_over_under(f.nka)} den referenskostnad som "
            "kommunens struktur motiverar"
        )
    out.append(
        f"År {f.year} var nettokostnadsavvikelsen för {f.area} i {kommun} "
        f"{fmt.percent(f.nka)}{prel}: kostnaden låg {level}."
    )
    if f.median is not None and f.peers_with_value:
        out.append(
            f"Medianen i jämförelsegruppen var {fmt.percent(f.median)} "
            f"({f.peers_with_value} av {f.peers_total} jämförelsekommuner har värde); "
            f"{kommun} låg {_against_median(f.nka, f.median)}."
        )
    elif f.peers_total:
        out.append(f"Ingen av jämförelsekommunerna har värde för {f.year}.")
    if f.placement is not None and f.placement.n > 1:
        out.append(
            f"Bland kommunen och jämförelsekommunerna med värde har {kommun} plats "
            f"{f.placement.text}, räknat från lägst avvikelse."
        )
    if f.first_year is not None and f.first_nka is not None and f.first_year < f.year:
        change = f.nka - f.first_nka
        if abs(change) < FLAT_POINTS:
            trend = "legat i stort sett oförändrad"
        else:
            verb = "ökat" if change > 0 else "minskat"
            trend = f"{verb} med {fmt.number(abs(change))} procentenheter"
        out.append(
            f"Sedan {f.first_year} har avvikelsen {trend} "
            f"(från {fmt.percent(f.first_nka)} till {fmt.percent(f.nka)})."
        )
    g = f.gap_to_median
    if g is not None and g.mnkr is not None and abs(g.points) >= 0.05:
        direction = "lägre" if g.points > 0 else "högre"
        per = (
            f" ({fmt.kr_per_inhabitant(abs(g.kr_per_inhabitant))})"
            if g.kr_per_inhabitant is not None
            else ""
        )
        out.append(
            f"Att ligga på gruppens median skulle motsvara en {direction} nettokostnad med "
            f"omkring {fmt.mnkr(abs(g.mnkr))}{per} år {f.year}, räknat på kommunens "
            "referenskostnad."
        )
    return out


# ---- the report paragraph (for a tjänsteskrivelse) --------------------------------------------
SMALL_KOMMUN = 20_000  # invånare: below this, single placements can swing IFO costs a lot
LARGE_SWING = 10.0  # procentenheter between two consecutive years


@dataclass(frozen=True)
class ReportFacts:
    kommun: str
    area: str  # lower case, e.g. "individ- och familjeomsorg"
    year: int
    nka: float
    series: dict[int, float]  # the kommun's NKA % by year (the years shown)
    first_shown_year: int
    preliminary: bool = False
    group: str = ""  # the peer group's label
    median: float | None = None
    peers_with_value: int = 0
    peers_total: int = 0
    placement: Placement | None = None
    gap_to_median: Gap | None = None
    population: float | None = None


@dataclass(frozen=True)
class Report:
    sentences: list[str]
    caveats: list[str]

    def text(self) -> str:
        body = " ".join(self.sentences)
        if not self.caveats:
            return body
        return body + "\n\nAtt beakta: " + " ".join(self.caveats)


def _trend(f: ReportFacts) -> str | None:
    start = f.year - 2
    if start not in f.series or f.year not in f.series:
        return None
    change = f.series[f.year] - f.series[start]
    if abs(change) < FLAT_POINTS:
        return (
            f"Avvikelsen har legat i stort sett oförändrad de senaste tre åren ({start}–{f.year})."
        )
    verb = "ökat" if change > 0 else "minskat"
    return (
        f"Avvikelsen har {verb} med {fmt.number(abs(change))} procentenheter de senaste tre åren "
        f"(från {fmt.percent(f.series[start])} {start})."
    )


def _largest_swing(series: dict[int, float]) -> float:
    years = sorted(series)
    return max(
        (abs(series[b] - series[a]) for a, b in zip(years, years[1:], strict=False) if b == a + 1),
        default=0.0,
    )


def report_paragraph(f: ReportFacts) -> Report:
    """Sentences true in the data, then the caveats that apply; nothing else."""
    s: list[str] = []
    prel = " (preliminärt)" if f.preliminary else ""
    s.append(
        f"År {f.year} var nettokostnadsavvikelsen för {f.area} i {f.kommun} {fmt.percent(f.nka)}"
        f"{prel}, det vill säga kostnaden låg "
        + (
            "i nivå med referenskostnaden."
            if abs(f.nka) < 0.05
            else f"{fmt.number(abs(f.nka))} % {_over_under(f.nka)} referenskostnaden."
        )
    )
    trend = _trend(f)
    if trend:
        s.append(trend)
    if f.median is not None and f.peers_with_value:
        s.append(
            f"Det är {_against_median(f.nka, f.median)} i jämförelsegruppen ({f.group}), "
            f"som var {fmt.percent(f.median)}."
        )
    if f.placement is not None and f.placement.n > 1:
        s.append(
            f"{f.kommun} har plats {f.placement.text} bland kommunen och jämförelsekommunerna "
            "med värde, räknat från lägst avvikelse."
        )
    g = f.gap_to_median
    if g is not None and g.mnkr is not None and abs(g.points) >= 0.05:
        per = (
            f" ({fmt.kr_per_inhabitant(abs(g.kr_per_inhabitant))})"
            if g.kr_per_inhabitant is not None
            else ""
        )
        if g.points > 0:
            s.append(
                f"Att nå medianens nivå motsvarar att nettokostnaden minskar med omkring "
                f"{fmt.mnkr(abs(g.mnkr))}{per}, räknat på {f.year} års referenskostnad."
            )
        else:
            s.append(
                f"På medianens nivå hade nettokostnaden varit omkring {fmt.mnkr(abs(g.mnkr))}"
                f"{per} högre, räknat på {f.year} års referenskostnad."
            )

    c: list[str] = []
    if spans_method_break((f.first_shown_year, f.year)):
        c.append(
            "Från 2019 beräknas avvikelsen med en ny modell, så jämförelser med åren före 2019 "
            "är osäkra."
        )
    if f.preliminary:
        c.append(f"Värdet för {f.year} är preliminärt och kan revideras av Kolada.")
    missing = f.peers_total - f.peers_with_value
    if f.peers_total and missing > 0:
        c.append(f"{missing} av {f.peers_total} jämförelsekommuner saknar värde för {f.year}.")
    swing = _largest_swing(f.series)
    if f.population is not None and f.population < SMALL_KOMMUN and swing >= LARGE_SWING:
        c.append(
            f"{f.kommun} är en mindre kommun ({fmt.integer(f.population)} invånare) där "
            f"avvikelsen har ändrats med upp till {fmt.number(swing)} procentenheter mellan två "
            "år; enstaka placeringar kan ge stora utslag."
        )
    c.append(
        "Nettokostnadsavvikelsen visar kostnadsläget i förhållande till kommunens struktur, "
        "inte verksamhetens kvalitet."
    )
    return Report(s, c)
