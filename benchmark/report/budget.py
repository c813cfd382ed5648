"""The report's Budgetmål section (pure content): the chosen target beside the others, the gap
in kronor and the glide path — for the default utgångsläge and budget years, as Budgetmål
opens, from the same ``figures.BudgetBase`` as the page."""

from __future__ import annotations

from datetime import date

from benchmark import budget, fmt, glide
from benchmark.attribution import COMPUTED
from benchmark.figures import BudgetBase
from benchmark.report.model import Block, Heading, Table, Text


def budget_section(b: BudgetBase, kommun_name: str, kind: str, today: date) -> list[Block]:
    blocks: list[Block] = [Heading("Budgetmål", 2)]
    if b.default is None:
        return [*blocks, Text("Inget utgångsläge: kommunen saknar värden.")]
    base = b.default
    at = b.at(base)
    rows = budget.comparison_rows(at.comparison(), kind)
    table = Table(
        ("Mål", f"Nivå {base}", "Läge", "I kronor"),
        tuple(tuple(r) for r in rows.itertuples(index=False)),
        caption=f"Skillnaden mellan nettokostnadsavvikelsen {base} (utgångsläge) och varje mål, i "
        f"kronor räknat på {base} års referenskostnad och invånarantal. Vägd nivå: hela gruppens "
        "nettokostnad mot hela gruppens referenskostnad, så att stora kommuner väger tyngre "
        "(Σ nettokostnad / Σ referenskostnad − 1 över jämförelsekommunerna). NKA mäts mot varje "
        f"års nationella kostnadsnivå, så ett mål i procent är rörligt. {COMPUTED}.",
        widths=(2.2, 1.4, 1.8, 4.6),
    )
    level = at.levels[kind]
    if isinstance(level, str):
        name = budget.NAMES[kind].capitalize()
        return [*blocks, Text(f"{name} för {base} kan inte användas som mål: {level}."), table]
    if at.ref is None:
        return [
            *blocks,
            Text(
                f"Kolada saknar referenskostnad för {base}; målet visas bara i "
                f"procent ({fmt.percent(level)})."
            ),
            table,
        ]
    _, start = budget.budget_years(today.year, base)
    _, target_year = budget.target_years(start)
    target = budget.make_target(at.nka, level, base, target_year, at.ref, start_year=start)
    sentence = budget.target_sentence(kommun_name, kind, level, target)
    if target.must_cut:  # a target reached: the sentence says where the kommun stands itself
        sentence = f"{budget.position_text(kommun_name, at.nka, level, kind)}. {sentence}"
    blocks.append(Text(sentence))
    newest = b.newest(base)
    if newest is not None:
        blocks.append(Text(newest.text(kommun_name, base)))
        blocks.append(Text(newest.target_text(kommun_name, kind, level, base)))
    blocks.append(table)
    if target.must_cut:
        path = glide.glide_rows(glide.glide_path(target))
        blocks.append(
            Table(
                tuple(path.columns),
                tuple(tuple(r) for r in path.itertuples(index=False)),
                caption=f"Väg till målet {target_year}: lika stora steg per budgetår {start}–"
                f"{target_year} från utgångsläget {base}, avrundade så att de summerar till "
                f"beloppet; referenskostnad och invånare på {base} års nivå. {COMPUTED}.",
                numeric=(1, 2, 3),
                widths=(2, 1.4, 2.2, 3.4),
            )
        )
    return blocks
