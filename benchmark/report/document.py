"""The report assembled: one area (``area_document``) or every area (``all_areas_document``)
as a ``Document`` of blocks, from the figures the pages show; ``needed_kpis`` says what a
report reads, so that it is fetched first and a report never depends on the pages visited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import altair as alt

from benchmark import charts, figures, fmt, forecast_figures, kronor_figures, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.numbers import NumberError, money
from benchmark.report.budget import budget_section
from benchmark.report.drivers import driver_section
from benchmark.report.forecast import FORMULA, BudgetInput, backtest_appendix, forecast_section
from benchmark.report.kronor import kronor_section
from benchmark.report.model import (
    Block,
    Bullets,
    Contents,
    Document,
    Figure,
    Heading,
    Table,
    Text,
    once,
)
from benchmark.report.quality import quality_section
from benchmark.report.sections import (
    FORMULAS,
    caveats,
    key_figures,
    peer_section,
    png,
    prel,
    series_table,
    sources_section,
    summary,
    trend_figure,
    why_nka_moved,
)
from benchmark.source import Source
from benchmark.viewstate import GROUP_KINDS, View
from kolada.catalogue import AREAS, POPULATION
from kolada.drivers import trees_for
from kolada.quality import quality_for

ALL = "alla"  # --omrade alla: every area in one document

Progress = Callable[[float, str], None]


def needed_kpis(view: View, *, all_areas: bool = False) -> list[str]:
    """Every KPI a report of ``view`` reads (``figures.needed_kpis``)."""
    return figures.needed_kpis([a.code for a in AREAS] if all_areas else [view.area])


def _quiet(*_args) -> None:
    return None


def area_blocks(
    src: Source,
    d: figures.OverviewFigures,
    *,
    target: str | None,
    today: date,
    titled: bool,
    progress: Callable[[str], None],
) -> tuple[list[Block], list[str], list[str]]:
    """The sections of one area, the KPIs they use and its notes for "Att tänka på". First the
    summary and the chart, so that the first page holds them; then the key figures, the
    drivers and the budget target. ``titled``: under a heading with the area's name, its
    sections one level down, and its notes left to the document's one "Att tänka på" (a
    document of every area); else "Att tänka på" follows the key figures."""
    a, o = d.area, d.o
    h = 2 if titled else 1
    if o.year is None:
        return [Heading(a.title, 1), Text(d.without_value)], [], []
    progress(f"nyckeltal: {a.title}")
    trees = figures.tree_views(src, d.view, d.span)
    driver = figures.largest_sentence(trees, *d.paragraph_year_and_group)
    sentences, more = summary(d, driver)
    notes = list(dict.fromkeys([*caveats(d), *more]))
    progress(f"diagram: {a.title}")
    blocks: list[Block] = [
        *([Heading(a.title, 1)] if titled else []),
        Heading("Sammanfattning", h),  # generated text; "Bedömning" is the förvaltning's own
        Text(" ".join(sentences)),
        trend_figure(d),
        *_why(d, h + 1),
        Heading(f"Nyckeltal {o.year}", h),
        key_figures(d),
        series_table(d),
        *_kronor(src, d, h),
        *(_notes(notes, h) if not titled else []),
    ]
    kpis = [*a.kpis, POPULATION]
    if trees:
        blocks += [Heading("Kostnadsdrivare", h), Text(DRIVERS, "note")]
        for t in trees:
            blocks += driver_section(t, d.kommun_name, d.span, progress, level=h + 1, said=driver)
            kpis += list(t.tree.kpis)
    # the appendix lists the KPIs with values in the report, not every KPI it asked for
    everyone = {m for t in trees for m in t.peer_years.everyone} | set(d.peer_years.everyone)
    kpis = figures.kpis_with_values(src, kpis, [d.view.kommun, *sorted(everyone)], d.span)
    if quality_for(a.code):
        progress(f"kvalitet: {a.title}")
        section, quality_kpis = quality_section(figures.quality_figures(src, d.view), level=h)
        blocks += section
        kpis += quality_kpis
    if target:
        section = budget_section(figures.budget_base(src, d.view), d.kommun_name, target, today)
        blocks += [replace(b, level=h) if isinstance(b, Heading) else b for b in section]
    return blocks, kpis, notes


DRIVERS = (
    "Vad som driver kostnaden per invånare: hur många som får insatser (volym), vad en insats "
    "kostar (styckkostnad) och hur mycket som köps från andra."
)


def _why(d: figures.OverviewFigures, level: int) -> list[Block]:
    """The answer to "Varför ändrades NKA?" under that heading, when Översikt gives one."""
    why = why_nka_moved(d)
    return [Heading("Varför ändrades NKA?", level), Text(why)] if why else []


def _kronor(src: Source, d: figures.OverviewFigures, level: int) -> list[Block]:
    """Översikt's "Kronor per invånare", where the area has a net cost with values."""
    kf = kronor_figures.kronor_figures(src, d.view)
    return [] if kf is None else kronor_section(kf, level)


def _notes(notes: list[str], level: int) -> list[Block]:
    """The section "Att tänka på": every caveat that applies, once (the report paragraph's
    "Att beakta" and the report's own, merged)."""
    return [Heading("Att tänka på", level), Bullets(tuple(notes))] if notes else []


def shared_notes(by_area: list[tuple[str, list[str]]]) -> list[str]:
    """Every area's notes for one "Att tänka på" in a document of every area: each note once,
    led by the areas it applies to unless it applies to every area ("Individ- och
    familjeomsorg och LSS: …") — a note that is true of eight areas is said once, not eight
    times."""
    areas: dict[str, list[str]] = {}
    for title, notes in by_area:
        for note in notes:
            areas.setdefault(note, []).append(title)
    everyone = len(by_area)
    lead = narrative.area_in_sentence
    return [
        note
        if len(titles) == everyone
        else f"{narrative.listed([titles[0], *map(lead, titles[1:])])}: {note}"
        for note, titles in areas.items()
    ]


def _prognosis(
    src: Source, view: View, target: str | None, today: date, given: BudgetInput
) -> tuple[list[Block], list[Block]]:
    """The forecast for the budget given — for the first budget year and against the target
    (the median when none is chosen), as Budgetmål opens — and its appendix."""
    fc = forecast_figures.forecast_start(src, view)
    b = figures.budget_base(src, view)
    kind = target or "median"
    level = b.at(b.default).levels.get(kind) if b.default is not None else None
    base = b.default if b.default is not None else today.year - 1
    year = forecast_figures.budget_year(b.default, today.year)
    try:
        p = fc.prognosis(
            year,
            given.mnkr,
            given.growth_pct,
            given.population,
            target_name=forecast_figures.target_words(kind, base),
            target_level=level if isinstance(level, float | int) else None,
        )
    except NumberError as e:  # a budget or population far from the base year's: said
        return forecast_section(fc, year, None, 1, str(e)), []
    return forecast_section(fc, year, p, 1), (backtest_appendix(fc, year) if p else [])


def area_document(
    src: Source,
    view: View,
    *,
    target: str | None = None,
    budget_input: BudgetInput | None = None,
    today: date,
    progress: Progress = _quiet,
) -> Document:
    d = figures.overview_figures(src, view)
    # key figures, the chart, each tree's charts, the quality chart
    steps = 2 + len(trees_for(d.area.code)) + bool(quality_for(d.area.code))
    done = [0]

    def step(message: str) -> None:
        done[0] += 1
        progress(min(done[0] / steps, 1.0), message)

    blocks, kpis, _ = area_blocks(src, d, target=target, today=today, titled=False, progress=step)
    appendix: list[Block] = []
    if budget_input is not None and d.o.year is not None:
        section, appendix = _prognosis(src, view, target, today, budget_input)
        blocks += section
    if d.o.year is not None:
        blocks += peer_section(d)
    blocks += sources_section(src, kpis, (*FORMULAS, FORMULA) if appendix else FORMULAS)
    blocks += appendix
    progress(1.0, "klart")
    return Document(
        title=f"{d.area.title} – {d.kommun_name}",
        subtitle=" · ".join(
            [
                d.kommun_name,
                d.area.title,
                f"Jämförelsegrupp: {d.peers.label}",
                f"År {d.span[0]}–{d.span[1]}",
            ]
        ),
        made=today,
        stem=f"rapport-{view.kommun}-{view.area}",
        blocks=once(blocks),
    )


def _summary(datas: list[figures.OverviewFigures]) -> Table:
    rows = tuple(
        (
            d.area.title,
            str(d.o.year) if d.o.year else "–",
            prel(fmt.percent(d.o.nka), d.o.preliminary) if d.o.year else fmt.MISSING,
            fmt.percent(d.o.median) if d.o.covered else (d.o.too_few if d.o.year else "–"),
            fmt.points(d.o.to_median, short=True) if d.o.covered else "–",
            money(d.o.gap.mnkr, sign=True) if d.o.gap and d.o.gap.mnkr is not None else "–",
            d.o.placement.text if d.o.placement else "–",
        )
        for d in datas
    )
    return Table(
        ("Område", "År", "NKA", "Median", "Skillnad", "Mot medianen", "Plats"),
        rows,
        caption=f"Senaste år med värde för kommunen i varje område. NKA: {RAW}. Median, "
        f"skillnad, belopp (tkr eller mnkr) och plats (1 = lägst kostnadsnivå): "
        f"{COMPUTED}. Varje område jämförs med sin egen jämförelsegrupp.",
        numeric=(2, 3, 4, 5),
        widths=(3.2, 0.9, 1.7, 1.5, 1.4, 1.7, 1.2),
    )


# px a row (Översikt's 34): the chart fits the first page, below the contents and the table
HEATMAP_ROWS = alt.Step(24)


def _heatmap(src: Source, view: View, kommun_name: str, span: tuple[int, int]) -> list[Block]:
    """Every area's NKA by year in one chart; ▲ explained where a value is preliminary."""
    matrix = figures.area_matrix(src, view, span).matrix
    if matrix.empty:
        return []
    marked = f" ▲: preliminärt värde ({fmt.PRELIMINARY})." if matrix["preliminary"].any() else ""
    return [
        Figure(
            png(charts.heatmap(matrix, "nka", "Avvikelse (%)").properties(height=HEATMAP_ROWS)),
            f"{narrative.genitive(kommun_name)} nettokostnadsavvikelse per verksamhetsområde "
            f"och år {span[0]}–{span[1]}. Blått: lägre kostnad än referenskostnaden; "
            f"orange: högre.{marked} {RAW}.",
        )
    ]


def all_areas_document(
    src: Source, view: View, *, today: date, progress: Progress = _quiet
) -> Document:
    """Every area: the contents, a summary table and the heatmap, what to bear in mind for
    them all, then each area under a heading with its name: its text, chart, key figures and
    drivers."""
    kommun_name = src.names.get(view.kommun, view.kommun)
    datas = []
    for i, a in enumerate(AREAS):
        progress(i / (len(AREAS) * 3), f"läser {a.title}")
        datas.append(figures.overview_figures(src, replace(view, area=a.code)))
    span = (min(d.span[0] for d in datas), max(d.span[1] for d in datas))
    progress(0.4, "diagram: alla områden")
    blocks: list[Block] = [
        Contents(1),
        Heading("Sammanfattning", 1),
        _summary(datas),
        *_heatmap(src, view, kommun_name, span),
    ]
    areas: list[Block] = []
    kpis: list[str] = []
    notes: list[tuple[str, list[str]]] = []
    for i, d in enumerate(datas):
        progress(0.4 + 0.55 * i / len(datas), f"avsnitt: {d.area.title}")
        more, used, said = area_blocks(
            src, d, target=None, today=today, titled=True, progress=_quiet
        )
        areas += more
        if d.o.year is not None:
            areas.append(
                Text(
                    f"Jämförelsegrupp: {d.peers.label}. Medlemmar: "
                    + ", ".join(n for _, n in d.peers.members)
                    + ".",
                    "caption",
                )
            )
            notes.append((d.area.title, said))
        kpis += used
    blocks += [*_notes(shared_notes(notes), 1), *areas, *sources_section(src, kpis)]
    progress(1.0, "klart")
    group = GROUP_KINDS.get(view.group, view.group)
    return Document(
        title=f"Alla verksamhetsområden – {kommun_name}",
        subtitle=f"{kommun_name} · Alla verksamhetsområden · Jämförelsegrupp: {group}, varje "
        f"område med sin egen grupp · År {span[0]}–{span[1]}",
        made=today,
        stem=f"rapport-{view.kommun}-alla",
        blocks=once(blocks),
    )


def make_document(
    src: Source,
    view: View,
    *,
    all_areas: bool = False,
    target: str | None = None,
    budget_input: BudgetInput | None = None,
    today: date,
    progress: Progress = _quiet,
) -> Document:
    if all_areas:
        return all_areas_document(src, view, today=today, progress=progress)
    return area_document(
        src, view, target=target, budget_input=budget_input, today=today, progress=progress
    )
