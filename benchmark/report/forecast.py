"""The report's "Prognos" section (pure content), when a budget is given: what NKA the budget
gives with its likely range, the inputs and results in a table, the method's assumptions in
words — the same ``forecast_figures.Prognosis`` as Budgetmål — and, for the appendix, the
formula and how the method did when it was tried on earlier years."""

from __future__ import annotations

from dataclasses import dataclass

from benchmark.forecast_figures import (
    BACKTEST_CAPTION,
    BACKTEST_COLUMNS,
    METHOD_TEXT,
    ForecastStart,
    Prognosis,
)
from benchmark.report.model import Block, Heading, Table, Text


@dataclass(frozen=True)
class BudgetInput:
    """A budget for the report's forecast: the area's net cost in mnkr for the first budget
    year, Riket's yearly growth in % (None: extrapolated) and the invånare (None: the latest
    year's)."""

    mnkr: float
    growth_pct: float | None = None
    population: float | None = None


FORMULA = f"Prognos: {METHOD_TEXT}"


def forecast_section(
    fc: ForecastStart, year: int, prognosis: Prognosis | None, level: int, why: str = ""
) -> list[Block]:
    """The section under "Prognos {year}": the forecast or why there is none (``why``: a
    reason the caller found, e.g. a budget far from the base year's)."""
    blocks: list[Block] = [Heading(f"Prognos {year}", level)]
    if prognosis is None:
        return [*blocks, Text(why or fc.why_not(year) or "Ingen prognos.")]
    return [
        *blocks,
        Text(prognosis.sentence()),
        Table(
            ("Uppgift", "Värde"),
            tuple(prognosis.assumptions()),
            caption=prognosis.caption(),
            numeric=(1,),
            widths=(4.2, 3.8),
        ),
    ]


def backtest_appendix(fc: ForecastStart, year: int) -> list[Block]:
    """The method tried on earlier years, for the area, every horizon (the forecast's marked in
    the heading), under "Källor och metod"."""
    rows = fc.backtest_rows()
    if not rows or fc.base is None:
        return []
    return [
        Heading(f"Prognosmetoden prövad ({fc.area.title})", 2),
        Table(
            BACKTEST_COLUMNS,
            tuple(rows),
            caption=f"Prognosen för {year} utgår från {fc.base.year}, {year - fc.base.year} år "
            f"framåt: den raden ger den troliga nivån. {BACKTEST_CAPTION}",
            numeric=(1, 3, 4, 5, 6),
            widths=(1.2, 1.2, 1.3, 1.2, 1.0, 1.0, 1.5),
        ),
    ]
