"""The report assembled: one area (``area_document``) or every area (``all_areas_document``)
as a ``Document`` of blocks, from the figures the pages show; ``needed_kpis`` says what a
report reads, so that it is fetched first and a report never depends on the pages visited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from benchmark import charts, figures, fmt, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.numbers import money
from benchmark.report.budget import budget_section
from benchmark.report.drivers import driver_section
from benchmark.report.model import Block, Bullets, Document, Figure, Heading, Table, Text
from benchmark.report.sections import (
    caveats,
    key_figures,
    peer_section,
    png,
    prel,
    series_table,
    sources_section,
    trend_figure,
    why_nka_moved,
)
from benchmark.source import Source
from benchmark.viewstate import GROUP_KINDS, View
from kolada.catalogue import AREAS, POPULATION
from kolada.drivers import trees_for

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
) -> tuple[list[Block], list[str]]:
    """The sections of one area and the KPIs they use; ``titled``: under a heading with the
    area's name (a document of every area), its sections one level down."""
    a, o = d.area, d.o
    h = 2 if titled else 1
    if o.year is None:
        return [Heading(a.title, 1), Text(d.without_value)], []
    kpis = [*a.kpis, POPULATION]
    progress(f"nyckeltal: {a.title}")
    blocks: list[Block] = [
        *([Heading(a.title, 1)] if titled else []),
        Heading(f"Nyckeltal {o.year}", h),
        key_figures(d),
    ]
    progress(f"diagram: {a.title}")
    blocks += [trend_figure(d), series_table(d)]
    trees = figures.tree_views(src, d.view, d.span)
    blocks += [Heading("Sammanfattning", h)]  # generated text; "Bedömning" is the förvaltning's own
    blocks += [
        Text(p)
        for p in d.report_text(figures.largest_sentence(trees, *d.paragraph_year_and_group)).split(
            "\n\n"
        )
    ]
    why = why_nka_moved(d)
    if why:
        blocks.append(Text(f"Varför ändrades NKA? {why}"))
    if trees:
        blocks.append(Heading("Kostnadsdrivare", h))
        blocks.append(
            Text(
                "Vad som driver kostnaden per invånare: hur många som får insatser (volym), vad en "
                "insats kostar (styckkostnad) och hur mycket som köps från andra.",
                "caption",
            )
        )
        for t in trees:
            blocks += driver_section(t, d.kommun_name, d.span, progress)
            kpis += list(t.tree.kpis)
    # the appendix lists the KPIs with values in the report, not every KPI it asked for
    everyone = {m for t in trees for m in t.peer_years.everyone} | set(d.peer_years.everyone)
    kpis = figures.kpis_with_values(src, kpis, [d.view.kommun, *sorted(everyone)], d.span)
    if target:
        section = budget_section(figures.budget_base(src, d.view), d.kommun_name, target, today)
        blocks += [replace(b, level=h) if isinstance(b, Heading) else b for b in section]
    notes = caveats(d)
    if notes:
        blocks += [Heading("Att tänka på", h), Bullets(tuple(notes))]
    return blocks, kpis


def area_document(
    src: Source,
    view: View,
    *,
    target: str | None = None,
    today: date,
    progress: Progress = _quiet,
) -> Document:
    d = figures.overview_figures(src, view)
    steps = 2 + len(trees_for(d.area.code))  # key figures, the chart, each tree's charts
    done = [0]

    def step(message: str) -> None:
        done[0] += 1
        progress(min(done[0] / steps, 1.0), message)

    blocks, kpis = area_blocks(src, d, target=target, today=today, titled=False, progress=step)
    if d.o.year is not None:
        blocks += peer_section(d)
    blocks += sources_section(src, kpis)
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
        blocks=blocks,
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
        ("Område", "År", "NKA", "Median", "Skillnad", "Mot medianen", "Placering"),
        rows,
        caption=f"Senaste år med värde för kommunen i varje område. NKA: {RAW}. Median, "
        f"skillnad, belopp (tkr eller mnkr) och placering (1 = lägst kostnadsnivå): "
        f"{COMPUTED}. Varje område jämförs med sin egen jämförelsegrupp.",
        numeric=(2, 3, 4, 5),
        widths=(3.2, 0.9, 1.7, 1.5, 1.4, 1.7, 1.2),
    )


def all_areas_document(
    src: Source, view: View, *, today: date, progress: Progress = _quiet
) -> Document:
    """Every area: a summary table and the heatmap, then each area's key figures, chart, text
    and drivers."""
    kommun_name = src.names.get(view.kommun, view.kommun)
    datas = []
    for i, a in enumerate(AREAS):
        progress(i / (len(AREAS) * 3), f"läser {a.title}")
        datas.append(figures.overview_figures(src, replace(view, area=a.code)))
    blocks: list[Block] = [Heading("Sammanfattning", 1), _summary(datas)]
    span = (min(d.span[0] for d in datas), max(d.span[1] for d in datas))
    matrix = figures.area_matrix(src, view, span).matrix
    if not matrix.empty:
        progress(0.4, "diagram: alla områden")
        blocks.append(
            Figure(
                png(charts.heatmap(matrix, "nka", "Avvikelse (%)")),
                f"{narrative.genitive(kommun_name)} nettokostnadsavvikelse per verksamhetsområde "
                f"och år {span[0]}–{span[1]}. Blått: lägre kostnad än referenskostnaden; "
                f"orange: högre. {RAW}.",
            )
        )
    kpis: list[str] = []
    for i, d in enumerate(datas):
        progress(0.4 + 0.55 * i / len(datas), f"avsnitt: {d.area.title}")
        more, used = area_blocks(src, d, target=None, today=today, titled=True, progress=_quiet)
        blocks += more
        if d.o.year is not None:
            blocks.append(
                Text(
                    f"Jämförelsegrupp: {d.peers.label}. Medlemmar: "
                    + ", ".join(n for _, n in d.peers.members)
                    + ".",
                    "caption",
                )
            )
        kpis += used
    blocks += sources_section(src, kpis)
    progress(1.0, "klart")
    group = GROUP_KINDS.get(view.group, view.group)
    return Document(
        title=f"Alla verksamhetsområden – {kommun_name}",
        subtitle=f"{kommun_name} · Alla verksamhetsområden · Jämförelsegrupp: {group}, varje "
        f"område med sin egen grupp · År {span[0]}–{span[1]}",
        made=today,
        stem=f"rapport-{view.kommun}-alla",
        blocks=blocks,
    )


def make_document(
    src: Source,
    view: View,
    *,
    all_areas: bool = False,
    target: str | None = None,
    today: date,
    progress: Progress = _quiet,
) -> Document:
    if all_areas:
        return all_areas_document(src, view, today=today, progress=progress)
    return area_document(src, view, target=target, today=today, progress=progress)
