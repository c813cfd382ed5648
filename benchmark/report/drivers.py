"""The report's cost-driver sections (pure content): per driver tree the table, the sentence
about the largest difference, the volume × unit-cost splits and the small multiples — from the
same ``figures.TreeView`` as the Kostnadsdrivare page."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt

from benchmark import analytics, charts, driver_figures, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.figures import TreeView
from benchmark.report.model import Block, Figure, Heading, Table, Text
from benchmark.report.sections import CHART_WIDTH, png

GRID_GAP = 18  # px between small multiples


def _mini(over: driver_figures.DriverSeries, name: str, columns: int) -> alt.LayerChart:
    """One driver over time, sized so that ``columns`` of them fill the chart width."""
    width = (CHART_WIDTH - GRID_GAP * (columns - 1)) // columns - 45  # the y axis beside it
    chart = charts.trend_chart(
        over.lines,
        over.stats,
        name,
        over.driver.unit,
        method_break=False,
        height=150 if columns > 1 else 220,
        legends=False,
    )
    return chart.properties(width=width, title=alt.TitleParams(over.driver.title, fontSize=11))


def driver_section(
    t: TreeView, kommun_name: str, span: tuple[int, int], progress: Callable[[str], None]
) -> list[Block]:
    """One driver tree's table, sentences and small multiples."""
    tree, peers, tf, prel = t.tree, t.peers, t.figures, t.first_preliminary
    blocks: list[Block] = [
        Heading(tree.title, 3),
        Text(
            f"Jämförelsegrupp: {t.peer_years.label_for(tf.year) if tf.year else peers.label}.",
            "caption",
        ),
    ]
    if tf.year is None:
        return [*blocks, Text(t.without_year(kommun_name, span))]
    rows = []
    for f in tf.figures:
        rows.append(
            (
                f"{f.driver.title} ({f.driver.kpi})",
                driver_figures.shown_value(f, prel[f.driver.kpi]),
                driver_figures.median_text(f),
                driver_figures.pooled_text(f),
                f.placement.text if f.placement is not None else "–",
                f"{f.n} av {f.total}",
            )
        )
    blocks.append(
        Table(
            (
                "Nyckeltal",
                kommun_name,
                "Median",
                "Gruppens genomsnitt, vägt",
                "Placering",
                "Med värde",
            ),
            tuple(rows),
            caption=f"{tf.year}. Kommunens värden – {RAW}. Median, vägt genomsnitt (samlad kostnad "
            f"÷ samlade invånare) och placering (1 = lägst värde) – {COMPUTED}; visas bara när "
            f"minst {analytics.MIN_PEERS} och minst hälften av jämförelsekommunerna har värde. "
            "Volymerna är inte behovsjusterade, och ett lågt värde är inte i sig bättre. "
            f"{driver_figures.RULE_TEXT}",
            numeric=(1, 2, 3),
            widths=(3.6, 1.7, 1.5, 1.5, 1.0, 1.0),
        )
    )
    if t.largest is not None:
        blocks.append(
            Text(
                driver_figures.difference_sentence(
                    t.largest, narrative.area_in_sentence(tree.title)
                )
            )
        )
    for fig in tf.identities:
        if fig.split is not None:
            blocks.append(
                Text(
                    fig.sentence(narrative.area_in_sentence(fig.identity.name))
                    + f" ({driver_figures.SPLIT_TEXT}; {COMPUTED}.)"
                )
            )
    drawn = [o for o in tf.over_time if not o.empty]
    if drawn:
        progress(f"diagram: {tree.title}")
        columns = min(3, len(drawn))
        grid = alt.concat(
            *(_mini(o, kommun_name, columns) for o in drawn), columns=columns, spacing=GRID_GAP
        )
        blocks.append(
            Figure(
                png(grid),
                f"{tree.title} {span[0]}–{span[1]}: {kommun_name} (blå linje, ▲ = "
                "preliminärt) mot jämförelsegruppens median (grå linje), ovägda medel "
                "(streckad), mittersta hälften (mörkt band) och lägst–högst (ljust band). "
                f"{RAW}. {COMPUTED}.",
            )
        )
    return blocks
