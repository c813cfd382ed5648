"""The report's "Kostnad och kvalitet" section (pure content): where the kommun stands on the
area's quality KPIs, the cost × quality chart of the KPI the page shows first (its latest year)
with the sentence on its quadrant, and the table of every quality KPI — from the same
``figures.QualityFigures`` as the page."""

from __future__ import annotations

from benchmark import analytics, charts, fmt, narrative, quality
from benchmark.attribution import COMPUTED, RAW
from benchmark.figures import QualityFigures
from benchmark.report.model import Block, Figure, Heading, Table, Text
from benchmark.report.sections import png

TRIANGLE = fmt.PRELIMINARY.split()[0]  # "▲"
NO_PROMISE = "Ett mål för kostnaden säger inget om vad som händer med kvaliteten."


def _positions(f: QualityFigures) -> Table:
    table = quality.positions_table(f.positions, f.kommun_name).drop(columns="Typ")
    return Table(
        tuple(table.columns),
        tuple(tuple(row) for row in table.itertuples(index=False)),
        caption="Varje mått det senaste året då kommunen har ett värde. Läge: bättre eller sämre "
        "än jämförelsekommunernas median efter måttets riktning (en kortare väntetid är bättre); "
        f"medianen visas bara när minst {analytics.MIN_PEERS} och minst hälften av gruppen har "
        f"värde. Kommunens värden – {RAW}. Median och läge – {COMPUTED}.",
        numeric=(2, 3),
        widths=(3.6, 0.8, 1.3, 1.3, 1.0, 1.9, 1.3),
    )


def quality_section(f: QualityFigures, *, level: int) -> tuple[list[Block], list[str]]:
    """The section under a heading at ``level`` and the KPIs it shows; nothing for an area
    without quality KPIs."""
    if not f.positions:
        return [], []
    if not f.fetched:
        return [Heading("Kostnad och kvalitet", level), Text(f.not_fetched)], []
    blocks: list[Block] = [
        Heading("Kostnad och kvalitet", level),
        Text(" ".join(quality.standing_today(f.positions, f.kommun_name))),
        Text(NO_PROMISE, "note"),  # given once in a document of every area
    ]
    kpi = f.default_kpi
    s = f.scatter(kpi) if kpi is not None else None
    if s is not None:
        area_text = narrative.area_in_sentence(f.area.title)
        sentence = s.quadrant.sentence(f.kommun_name, area_text) if s.quadrant else ""
        caption = (
            f"{s.q.title} mot nettokostnadsavvikelsen {s.year}: {f.kommun_name} och "
            f"{s.both} av {len(s.points) - 1} jämförelsekommuner (de med båda värdena); "
            f"streckade linjer: jämförelsekommunernas medianer; den tunna linjen: "
            f"{narrative.genitive(f.kommun_name)} värden de år som har båda måtten"
            + ("" if s.q.higher_is_better else f"; axeln är vänd så att {s.q.comparatives[1]} "
               "står högre")
            + (f"; {TRIANGLE} = preliminärt (NKA {s.year})" if s.preliminary else "")
            + ". " + " ".join(t for t in (f.lag_note(s), quality.NOT_A_CAUSE) if t)
            + f" {RAW} ({f.area.nka_pct}, {s.q.kpi}). Medianer och rutor – {COMPUTED}."
        )  # fmt: skip
        blocks += [
            Figure(png(charts.quadrant_chart(*s.chart_args)), caption),
            *([Text(sentence)] if sentence else []),
        ]
    blocks.append(_positions(f))
    return blocks, [p.q.kpi for p in f.positions]
