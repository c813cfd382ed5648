"""One rounding rule for a gap, everywhere: over every kommun and area the mirror holds, the
gap to the median on Översikt's card, in its text, in the report paragraph and in the area
matrix is the difference of the two figures as shown, and the kronor beside it are computed
from that same value. Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import re

import pytest

from benchmark import analytics, fmt, narrative, overview
from benchmark.numbers import money, printed_difference
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.catalogue import AREAS, POPULATION
from kolada.store import Store

pytestmark = pytest.mark.integration
SPAN_FIRST = 2019
POINTS = re.compile(r"låg (\d+,\d) procentenheter (över|under) medianen")


@pytest.fixture(scope="module")
def src(reference_cache) -> Source:
    return Source(Store(reference_cache))


def test_a_gap_is_the_difference_of_the_figures_shown_everywhere(src):
    munis = src.store.read_all()["municipalities"].frame
    kommuner = sorted(munis.loc[munis["type"] == "K", "id"])
    checked = mismatches = 0
    for a in AREAS:
        values = src.values([*a.kpis, POPULATION], None)
        last = int(values["period"].max())
        for kommun in kommuner:
            peers = src.peers(View(kommun=kommun, area=a.code))
            ids = [p for p in peers.ids if p != kommun]
            by_year = {y: set(ids) for y in range(SPAN_FIRST, last + 1)}
            o = overview.overview(values, a, kommun, by_year, (SPAN_FIRST, last), None)
            if o.median is None or o.nka is None:
                continue
            checked += 1
            rule = printed_difference(o.nka, o.median)
            card = fmt.points(o.to_median, short=True)
            facts = overview.sentence_facts(o, kommun, a.title, peers)
            text = " ".join(narrative.overview_sentences(facts))
            report = " ".join(
                narrative.report_paragraph(
                    overview.report_facts(o, kommun, a.title, "", (SPAN_FIRST, last), len(ids))
                ).sentences
            )
            said = [m.group(1) for m in POINTS.finditer(text + " " + report)]
            matrix = analytics.area_matrix(values, kommun, [a], {a.code: by_year}, (o.year, o.year))
            ok = (
                card == fmt.points(rule, short=True)
                and all(s == fmt.number(abs(rule), 1) for s in said)
                and (rule == 0 or len(said) == 2)
                and float(matrix["diff"].iloc[0]) == rule
            )
            if o.gap is not None:
                assert o.gap.points == rule
                if o.gap.mnkr is not None:
                    assert o.gap.mnkr == rule / 100 * o.ref.total_mnkr
                    if rule != 0:
                        ok = (
                            ok
                            and money(abs(o.gap.mnkr)) in text
                            and money(abs(o.gap.mnkr)) in report
                        )
            mismatches += not ok
    print(f"\nkommun-areas checked: {checked}; gap mismatches: {mismatches}")
    assert checked > 1_500
    assert mismatches == 0
