"""The report's "Kronor per invånare" section (pure content): the sentence, the table with
Riket, and the chart as Översikt opens (without Riket and the län, which are toggles there)
under it — from the same ``kronor_figures.KronorFigures`` as the page."""

from __future__ import annotations

from benchmark import charts, narrative
from benchmark.attribution import COMPUTED, RAW
from benchmark.kronor_figures import KronorFigures
from benchmark.report.model import Block, Figure, Heading, Table, Text
from benchmark.report.sections import png

# År, the kommun's net and reference cost, the peers' median net cost, Riket's: short headers,
# so that no word is broken on A4 (the caption says which are net costs)
COLUMNS = {0: "År", 1: "Nettokostnad", 2: "Referenskostnad", 3: "Gruppens median", 5: "Riket"}


def kronor_section(kf: KronorFigures, level: int) -> list[Block]:
    shown = kf.shown()
    rows = tuple(tuple(str(r.iloc[i]) for i in COLUMNS) for _, r in shown.iterrows())
    return [
        Heading("Kronor per invånare", level),
        Text(kf.sentence),
        Table(
            tuple(COLUMNS.values()),
            rows,
            caption=f"Kronor per invånare, löpande priser: {narrative.genitive(kf.kommun_name)} "
            "nettokostnad och "
            "referenskostnad, jämförelsegruppens median för nettokostnaden och rikets "
            f"nettokostnad. {kf.kommun_name} och riket: {RAW}. Median"
            f"{' och härledd referenskostnad' if kf.derived else ''}: {COMPUTED}.",
            numeric=(1, 2, 3, 4),
            widths=(0.8, 1.6, 1.8, 1.8, 1.4),
        ),
        Figure(
            png(charts.kronor_chart(kf.lines(False, False), kf.kommun_name, height=240)),
            kf.caption(False, False),
        ),
    ]
