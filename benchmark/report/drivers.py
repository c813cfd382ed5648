"""The report's cost-driver sections (pure content): per driver tree the table, the sentence
about the largest difference, the volume × unit-cost splits and the small multiples — from the
same ``figures.TreeView`` as the Kostnadsdrivare page."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt

from benchmark import analytics, charts, driver_figures, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.figures import TreeView
from benchmark.report.fonts import text_width
from benchmark.report.model import Block, Figure, Heading, Table, Text
from benchmark.report.sections import CHART_WIDTH, LABEL_SIZE, png

GRID_GAP = 18  # px between small multiples
Y_AXIS = 62  # px beside each small multiple for its y axis: labels ("60 000") and unit
TITLE_SIZE = LABEL_SIZE  # px, bold: a small multiple's title
SPLIT_NOTE = f"{driver_figures.SPLIT_TEXT}."
GRID_MOST = 9  # small multiples in one figure: three rows of three


def title_lines(title: str, width: float) -> list[str]:
    """A small multiple's title in lines no wider than its place in the grid (measured in the
    report's font, DejaVu Sans, wider than the chart's): a long title ("Långvarigt ekonomiskt
    bistånd, andel (%) av biståndsmottagare 18+") would otherwise widen the grid, and the image
    printed at the text width would shrink every label in it."""
    lines: list[str] = []
    for word in title.split():
        wider = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(wider, TITLE_SIZE, bold=True) <= width:
            lines[-1] = wider
        else:
            lines.append(word)
    return lines


def mini_width(columns: int) -> int:
    """The plot width of a small multiple, so that ``columns`` of them with their y axes and
    the gaps between them fill the chart width."""
    return (CHART_WIDTH - GRID_GAP * (columns - 1)) // columns - Y_AXIS


def _mini(over: driver_figures.DriverSeries, name: str, columns: int) -> alt.LayerChart:
    """One driver over time, sized so that ``columns`` of them fill the chart width."""
    width = mini_width(columns)
    chart = charts.trend_chart(
        over.lines,
        over.stats,
        name,
        over.driver.unit,
        method_break=False,
        height=150 if columns > 1 else 220,
        legends=False,
    )
    lines = title_lines(over.driver.title, width + Y_AXIS)
    title = alt.TitleParams(lines, fontSize=TITLE_SIZE)
    return chart.properties(width=width, title=title)


def _preliminary(drawn: list[driver_figures.DriverSeries]) -> bool:
    return any(bool(o.lines["preliminary"].any()) for o in drawn if not o.lines.empty)


def _grid(drawn: list, kommun_name: str, caption: str) -> Figure:
    """Small multiples three to a row; the caption explains ▲ only where a value drawn is
    preliminary."""
    columns = min(3, len(drawn))
    grid = alt.concat(
        *(_mini(o, kommun_name, columns) for o in drawn), columns=columns, spacing=GRID_GAP
    )
    marked = ", ▲ = preliminärt" if _preliminary(drawn) else ""
    return Figure(
        png(grid),
        f"{caption}: {kommun_name} (blå linje{marked}) mot jämförelsegruppens median (grå "
        "linje), ovägda medel (streckad), mittersta hälften (mörkt band) och lägst–högst (ljust "
        f"band). {RAW}. {COMPUTED}.",
    )


def _grids(title: str, drawn: list, kommun_name: str, span: tuple[int, int]) -> list[Figure]:
    """A tree's small multiples, in figures of at most ``GRID_MOST`` (three rows), as even as
    can be: more rows would make a figure taller than a page, and shrunk to fit, its text too
    small to read (LSS has 14 drivers: two figures of 7)."""
    parts = -(-len(drawn) // GRID_MOST)
    size = -(-len(drawn) // parts)
    chunks = [drawn[i : i + size] for i in range(0, len(drawn), size)]
    caption = f"{title} {span[0]}–{span[1]}"
    return [
        _grid(chunk, kommun_name, caption + (f" ({n} av {parts})" if parts > 1 else ""))
        for n, chunk in enumerate(chunks, 1)
    ]


def _table(t: TreeView, kommun_name: str) -> Table:
    tf, prel = t.figures, t.first_preliminary
    rows = tuple(
        (
            f"{f.driver.title} ({f.driver.kpi})",
            driver_figures.shown_value(f, prel[f.driver.kpi]),
            driver_figures.median_text(f),
            driver_figures.pooled_text(f),
            f.placement.text if f.placement is not None else "–",
            f"{f.n} av {f.total}",
        )
        for f in tf.figures
    )
    return Table(
        ("Nyckeltal", kommun_name, "Median", "Gruppens genomsnitt, vägt", "Plats", "Med värde"),
        rows,
        caption=f"{tf.year}. Kommunens värden – {RAW}. Median, vägt genomsnitt (samlad kostnad "
        f"÷ samlade invånare) och plats (1 = lägst värde) – {COMPUTED}; visas bara när "
        f"minst {analytics.MIN_PEERS} och minst hälften av jämförelsekommunerna har värde. "
        "Volymerna är inte behovsjusterade, och ett lågt värde är inte i sig bättre. "
        f"{driver_figures.RULE_TEXT}",
        numeric=(1, 2, 3),
        widths=(3.6, 1.7, 1.5, 1.5, 1.0, 1.0),
    )


def _sentences(t: TreeView, said: str | None) -> list[Block]:
    """The sentence on the largest difference, unless the summary has ``said`` it, and each
    volume × unit-cost split followed by how the split is made (a note, which a document
    gives once: ``model.once``)."""
    blocks: list[Block] = []
    if t.largest is not None:
        sentence = driver_figures.difference_sentence(
            t.largest, narrative.area_in_sentence(t.tree.title)
        )
        if not (said and said.startswith(sentence)):
            blocks.append(Text(sentence))
    for fig in t.figures.identities:
        if fig.split is not None:
            blocks += [
                Text(
                    fig.sentence(narrative.area_in_sentence(fig.identity.name)) + f" ({COMPUTED}.)"
                ),
                Text(SPLIT_NOTE, "note"),
            ]
    return blocks


def driver_section(
    t: TreeView,
    kommun_name: str,
    span: tuple[int, int],
    progress: Callable[[str], None],
    *,
    level: int,
    said: str | None = None,
) -> list[Block]:
    """One driver tree's table, sentences and small multiples, under a heading at ``level``;
    ``said``: the driver sentence the summary gives already."""
    tree, tf = t.tree, t.figures
    blocks: list[Block] = [
        Heading(tree.title, level),
        Text(
            f"Jämförelsegrupp: {t.peer_years.label_for(tf.year) if tf.year else t.peers.label}.",
            "caption",
        ),
    ]
    if tf.year is None:
        return [*blocks, Text(t.without_year(kommun_name, span))]
    blocks += [_table(t, kommun_name), *_sentences(t, said)]
    drawn = [o for o in tf.over_time if not o.empty]
    if drawn:
        progress(f"diagram: {tree.title}")
        blocks += _grids(tree.title, drawn, kommun_name, span)
    return blocks
