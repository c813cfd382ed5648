"""Short Swedish text that states only what the data supports (pure).

(About 400 lines: the sentence rules below hold across every sentence, so they live together.)

The rules every sentence here follows:

* **Direction from the values.** A change is told as what the figure did ("stigit", "sjunkit"),
  never as the deviation "ökat/minskat", which reads backwards when NKA is negative; "över/under
  referenskostnaden" tells the sign of the level.
* **The whole series.** A trend is told over every year shown: a turn is named ("först stigit
  till 32,2 % 2019 och därefter sjunkit till …"), and "i stort sett oförändrad" is said only
  when no two years are ``TREND_POINTS`` or more apart.
* **The method break in the same sentence.** A trend with years on both sides of
  ``METHOD_BREAK_YEAR`` says so in that sentence.
* **Differences of what is printed.** Every difference is taken between the figures as they are
  printed (one decimal), so "från 2,5 % till −13,3 %" comes with 15,8, never 15,7.
* **Placement by cost level.** Plats 1 is the lowest NKA: the lowest cost level relative to the
  referenskostnad.
* **Coverage.** A peer statistic (median, placement, kronor to the median) is stated for a year
  only when enough peers report (``analytics.covered``); otherwise the text says why not.
* **Language.** Names as Kolada and the catalogue write them (only an ordinary first word gets
  a lower-case first letter mid-sentence), Swedish genitive, singular and plural, no nested
  parentheses, group labels without "(ovägt medel)".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from benchmark import fmt
from benchmark.analytics import (
    METHOD_BREAK_YEAR,
    Gap,
    Placement,
    coverage_text,
    covered,
    spans_method_break,
)
from benchmark.escaping import escape_markdown
from benchmark.numbers import money, printed_difference, tenths

TREND_POINTS = 0.5  # procentenheter: the one threshold for "i stort sett oförändrad" and a turn
_TREND_TENTHS = round(TREND_POINTS * 10)
REPORT_TREND_YEARS = 3  # the report tells a trend only when the values span at least three years
METHOD_BREAK_NOTE = (
    f"observera att referenskostnaden beräknas med en ny modell från {METHOD_BREAK_YEAR}, så "
    "åren före är inte direkt jämförbara"
)


# ---- words -----------------------------------------------------------------------------------
def genitive(name: str) -> str:
    """Swedish genitive: 'Höör' → 'Höörs'; a name ending in s, x or z takes no extra s
    ('Västerås', 'Hofors')."""
    name = name.rstrip()
    return name if name[-1:].lower() in ("s", "x", "z") else name + "s"


def listed(names: list[str]) -> str:
    """Names in a sentence: "a", "a och b", "a, b och c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} och {names[-1]}"


def area_in_sentence(title: str) -> str:
    """An area title as written, for use mid-sentence: an ordinary first word gets a lower-case
    first letter ('Grundskola F-9' → 'grundskola F-9'); an acronym stays ('LSS')."""
    first = title.split(" ", 1)[0]
    letters = [c for c in first if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return title
    return title[:1].lower() + title[1:]


def peer_count(n: int) -> str:
    """'1 jämförelsekommun', '7 jämförelsekommuner'."""
    return f"{n} jämförelsekommun" if n == 1 else f"{n} jämförelsekommuner"


def _of_peers(n: int, total: int) -> str:
    """'6 av 7 jämförelsekommuner', '1 av 1 jämförelsekommun'."""
    return f"{n} av {peer_count(total)}"


_OVAGT = re.compile(r"\s*\(ovägt medel\)", re.IGNORECASE)
_TRAILING = re.compile(r"^(?P<name>.*?)\s*\((?P<detail>[^()]*)\)$")


def group_label(label: str) -> str:
    """A peer group's label for a sentence: Kolada's '(ovägt medel)' dropped, the name in
    quotation marks and its id (or size) in one pair of parentheses, never nested:
    'Storstäder (ovägt medel) (G92787)' → '”Storstäder” (G92787)'."""
    plain = _OVAGT.sub("", label).strip()
    hit = _TRAILING.match(plain)
    if hit and hit["name"]:
        return f"”{hit['name']}” ({hit['detail']})"
    return f"”{plain}”"


# ---- figures as printed ----------------------------------------------------------------------
def _points(t: int) -> str:
    """A difference in tenths as '15,8 procentenheter' (no sign)."""
    return f"{fmt.number(abs(t) / 10)} procentenheter"


def _over_under(value: float) -> str:
    return "över" if value > 0 else "under"


def _against_median(nka: float, median: float) -> str:
    diff = tenths(nka) - tenths(median)
    if diff == 0:
        return "i nivå med medianen"
    return f"{_points(diff)} {_over_under(diff)} medianen"


def _placement_words(p: Placement) -> str:
    """'plats 1 av 8 (lägst kostnadsnivå)': plats 1 is the lowest NKA."""
    if p.rank == 1:
        note = "lägst kostnadsnivå"
    elif p.rank == p.n:
        note = "högst kostnadsnivå"
    else:
        note = "plats 1 har lägst kostnadsnivå"
    return f"plats {p.text} ({note})"


def _crosses_break(years: list[int]) -> bool:
    return bool(years) and min(years) < METHOD_BREAK_YEAR <= max(years)


# ---- the trend over the whole series ---------------------------------------------------------
def trend_sentence(series: Mapping[int, float], who: str) -> str | None:
    """One sentence on the whole series (``who``: the kommun's name in the genitive, as it
    should appear): flat, rising or falling, or with its turns named; the method break in the
    same sentence when the series has years on both sides of it. None below two years."""
    years = sorted(series)
    if len(years) < 2:
        return None
    t = {y: tenths(series[y]) for y in years}
    first, last = years[0], years[-1]
    hi = min(years, key=lambda y: (-t[y], y))  # the first year at the highest value
    lo = min(years, key=lambda y: (t[y], y))  # the first year at the lowest value

    def pct(y: int) -> str:
        return fmt.percent(t[y] / 10)

    subject = f"Sedan {first} har {who} nettokostnadsavvikelse"
    if t[hi] - t[lo] < _TREND_TENTHS:
        spread = f"på {pct(lo)}" if t[hi] == t[lo] else f"mellan {pct(lo)} och {pct(hi)}"
        text = f"{subject} legat i stort sett oförändrad, {spread}"
    else:
        if _turns(t, years) > 1:  # up and down more than once: the extremes, not a path
            latest = "" if last in (lo, hi) else f"; {last} var den {pct(last)}"
            text = (
                f"{subject} gått upp och ned: lägst {pct(lo)} {lo} och högst {pct(hi)} {hi}{latest}"
            )
            if _crosses_break(years):
                text += f" – {METHOD_BREAK_NOTE}"
            return text + "."
        peak = first < hi < last and min(t[hi] - t[first], t[hi] - t[last]) >= _TREND_TENTHS
        dip = first < lo < last and min(t[first] - t[lo], t[last] - t[lo]) >= _TREND_TENTHS
        turns = sorted(y for y, is_turn in ((hi, peak), (lo, dip)) if is_turn)
        change = t[last] - t[first]
        if not turns and abs(change) < _TREND_TENTHS:
            text = (
                f"{subject} varierat mellan {pct(lo)} {lo} och {pct(hi)} {hi} och var "
                f"{pct(last)} {last}"
            )
        elif not turns:
            verb = "stigit" if change > 0 else "sjunkit"
            text = (
                f"{subject} {verb} med {_points(change)}, från {pct(first)} till {pct(last)} {last}"
            )
        else:
            points = [first, *turns, last]
            moves = [
                ("stigit" if t[b] > t[a] else "sjunkit", b)
                for a, b in zip(points, points[1:], strict=False)
            ]
            parts = [f"först {moves[0][0]} från {pct(first)} till {pct(moves[0][1])} {moves[0][1]}"]
            joiners = ["därefter"] if len(moves) == 2 else ["därefter", "till sist"]
            rest = [
                f"{word} {verb} till {pct(y)} {y}"
                for word, (verb, y) in zip(joiners, moves[1:], strict=True)
            ]
            body = ", ".join([*parts, *rest[:-1]]) + " och " + rest[-1]
            text = f"{subject} {body}"
    if _crosses_break(years):
        text += f" – {METHOD_BREAK_NOTE}"
    return text + "."


def _turns(t: Mapping[int, int], years: list[int]) -> int:
    """How many times the series (in tenths) changes direction by at least the trend
    threshold: a zigzag over the years, moves smaller than the threshold ignored."""
    turns, direction = 0, 0
    extreme = t[years[0]]
    for y in years[1:]:
        move = t[y] - extreme
        if direction == 0:
            if abs(move) >= _TREND_TENTHS:
                direction, extreme = (1 if move > 0 else -1), t[y]
        elif (move > 0) == (direction > 0) and move != 0:
            extreme = t[y]  # further the same way
        elif abs(move) >= _TREND_TENTHS:
            turns, direction, extreme = turns + 1, -direction, t[y]
    return turns


def _comparison_not_made(year: int, n: int, total: int) -> str:
    return f"Jämförelse med gruppen görs inte för {year}: {coverage_text(n, total)}."


# ---- Översikt --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Facts:
    kommun: str  # Kolada's name, as written
    area: str  # the catalogue's title, as written: "Individ- och familjeomsorg", "LSS"
    year: int
    nka: float
    preliminary: bool = False
    median: float | None = None
    peers_with_value: int = 0  # in ``year``
    peers_total: int = 0  # the group's members
    placement: Placement | None = None
    series: Mapping[int, float] = field(default_factory=dict)  # NKA % by year shown
    gap_to_median: Gap | None = None
    edition: str | None = None  # per-year mode: "utgåva 2022, som gällde 2022"


def _series_to(series: Mapping[int, float], year: int, nka: float) -> dict[int, float]:
    """The series up to ``year``, with ``nka`` as that year's value."""
    out = {int(y): float(v) for y, v in series.items() if int(y) < year}
    out[year] = nka
    return out


def _has_cover(median: float | None, n: int, total: int) -> bool:
    return median is not None and covered(n, total)


def overview_sentences(f: Facts) -> list[str]:
    """Sentences for the overview, as Markdown: the kommun's name (Kolada's) is escaped, so it
    shows as written. (The report paragraph is plain text.)"""
    out = []
    kommun = escape_markdown(f.kommun)
    area = area_in_sentence(f.area)
    prel = " (preliminärt värde)" if f.preliminary else ""
    if tenths(f.nka) == 0:
        level = "i nivå med den referenskostnad som kommunens struktur motiverar"
    else:
        level = (
            f"{fmt.number(abs(f.nka))}{fmt.SPACE}% {_over_under(f.nka)} den referenskostnad som "
            "kommunens struktur motiverar"
        )
    out.append(
        f"År {f.year} var nettokostnadsavvikelsen för {area} i {kommun} "
        f"{fmt.percent(f.nka)}{prel}: kostnaden låg {level}."
    )
    trend = trend_sentence(_series_to(f.series, f.year, f.nka), escape_markdown(genitive(f.kommun)))
    if trend:
        out.append(trend)
    if not f.peers_total:
        return out
    if not _has_cover(f.median, f.peers_with_value, f.peers_total):
        out.append(_comparison_not_made(f.year, f.peers_with_value, f.peers_total))
        return out
    edition = f" ({f.edition})" if f.edition else ""
    out.append(
        f"Medianen i jämförelsegruppen{edition} var {fmt.percent(f.median)} "
        f"({_of_peers(f.peers_with_value, f.peers_total)} har värde); "
        f"{kommun} låg {_against_median(f.nka, f.median)}."
    )
    if f.placement is not None and f.placement.n > 1:
        out.append(
            f"Bland kommunen och jämförelsekommunerna med värde har {kommun} "
            f"{_placement_words(f.placement)}."
        )
    g = f.gap_to_median
    diff = tenths(f.nka) - tenths(f.median)
    if g is not None and g.mnkr is not None and diff != 0:
        direction = "lägre" if diff > 0 else "högre"
        per = (
            f" ({fmt.kr_per_inhabitant(abs(g.kr_per_inhabitant))})"
            if g.kr_per_inhabitant is not None
            else ""
        )
        out.append(
            f"Att ligga på gruppens median skulle motsvara en {direction} nettokostnad med "
            f"omkring {money(abs(g.mnkr))}{per} år {f.year}, räknat på kommunens "
            "referenskostnad."
        )
    return out


# ---- the report paragraph (for a tjänsteskrivelse) --------------------------------------------
SMALL_KOMMUN = 20_000  # invånare: below this, single placements can swing IFO costs a lot
LARGE_SWING = 10.0  # procentenheter between two consecutive years


@dataclass(frozen=True)
class ReportFacts:
    kommun: str  # Kolada's name, as written
    area: str  # the catalogue's title, as written
    year: int
    nka: float
    series: Mapping[int, float]  # the kommun's NKA % by year (the years shown)
    first_shown_year: int
    preliminary: bool = False
    group: str = ""  # the peer group's label
    median: float | None = None
    peers_with_value: int = 0  # in ``year``
    peers_total: int = 0  # the group's members
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


def _largest_swing(series: Mapping[int, float]) -> float:
    """The largest change between two consecutive years as printed, not across the method
    break (a new model, not a change in costs)."""
    years = sorted(series)
    return max(
        (
            abs(printed_difference(series[b], series[a]))
            for a, b in zip(years, years[1:], strict=False)
            if b == a + 1 and b != METHOD_BREAK_YEAR
        ),
        default=0.0,
    )


def _gap_sentence(f: ReportFacts, g: Gap, diff: int) -> str:
    per = (
        f" ({fmt.kr_per_inhabitant(abs(g.kr_per_inhabitant))})"
        if g.kr_per_inhabitant is not None
        else ""
    )
    if diff > 0:
        return (
            f"Att nå medianens nivå motsvarar att nettokostnaden minskar med omkring "
            f"{money(abs(g.mnkr))}{per}, räknat på {f.year} års referenskostnad."
        )
    return (
        f"På medianens nivå hade nettokostnaden varit omkring {money(abs(g.mnkr))}"
        f"{per} högre, räknat på {f.year} års referenskostnad."
    )


def report_paragraph(f: ReportFacts) -> Report:
    """Sentences true in the data, then the caveats that apply; nothing else. Plain text (the
    pages show it in ``st.code``), so Kolada's names are not escaped here."""
    s: list[str] = []
    kommun = f.kommun
    prel = " (preliminärt)" if f.preliminary else ""
    s.append(
        f"År {f.year} var nettokostnadsavvikelsen för {area_in_sentence(f.area)} i {kommun} "
        f"{fmt.percent(f.nka)}{prel}, det vill säga kostnaden låg "
        + (
            "i nivå med referenskostnaden."
            if tenths(f.nka) == 0
            else f"{fmt.number(abs(f.nka))}{fmt.SPACE}% {_over_under(f.nka)} referenskostnaden."
        )
    )
    series = _series_to(f.series, f.year, f.nka)
    trend = None
    if min(series) <= f.year - (REPORT_TREND_YEARS - 1):
        trend = trend_sentence(series, genitive(f.kommun))
        s.append(trend)
    has_cover = _has_cover(f.median, f.peers_with_value, f.peers_total)
    if f.peers_total and not has_cover:
        s.append(_comparison_not_made(f.year, f.peers_with_value, f.peers_total))
    elif has_cover:
        group = f" {group_label(f.group)}" if f.group else ""
        s.append(
            f"Medianen i jämförelsegruppen{group} var {fmt.percent(f.median)}; {kommun} låg "
            f"{_against_median(f.nka, f.median)}."
        )
        if f.placement is not None and f.placement.n > 1:
            s.append(
                f"{kommun} har {_placement_words(f.placement)} bland kommunen och "
                "jämförelsekommunerna med värde."
            )
        g = f.gap_to_median
        diff = tenths(f.nka) - tenths(f.median)
        if g is not None and g.mnkr is not None and diff != 0:
            s.append(_gap_sentence(f, g, diff))

    c: list[str] = []
    if spans_method_break((f.first_shown_year, f.year)) and not (
        trend and METHOD_BREAK_NOTE in trend
    ):
        c.append(
            f"Referenskostnaden beräknas med en ny modell från {METHOD_BREAK_YEAR}, så åren före "
            f"{METHOD_BREAK_YEAR} är inte direkt jämförbara med senare år."
        )
    if f.preliminary:
        c.append(f"Värdet för {f.year} är preliminärt och kan revideras av Kolada.")
    missing = f.peers_total - f.peers_with_value
    if has_cover and missing > 0:
        c.append(f"{_of_peers(missing, f.peers_total)} saknar värde för {f.year}.")
    swing = _largest_swing(series)
    if f.population is not None and f.population < SMALL_KOMMUN and swing >= LARGE_SWING:
        c.append(
            f"{kommun} är en mindre kommun ({fmt.integer(f.population)} invånare) där "
            f"nettokostnadsavvikelsen har ändrats med upp till {fmt.number(swing)} "
            "procentenheter mellan två år i följd; enstaka placeringar kan ge stora utslag."
        )
    c.append(
        "Nettokostnadsavvikelsen visar kostnadsläget i förhållande till kommunens struktur, "
        "inte verksamhetens kvalitet."
    )
    return Report(s, c)
