"""AppTest on the real recorded data (a full refresh from the mirror): the cases a user meets,
named by kommun."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import open_expanders
from tests.markdown_support import visible

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def run(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    open_expanders(at.run())
    assert not at.exception, at.exception
    return at


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_atvidaberg_default_range_ends_at_the_latest_covered_year(real_cache):
    at = run()
    assert at.slider(key="w_years").value[1] == 2022  # not 2025: no peer values after 2022
    assert "Plats 2022" in cards(at)
    assert cards(at)["Plats 2022"].endswith("av 8")
    # Kolada has no N30007 for 2022: plain words under the cards, the formula behind
    # "Så räknas det", with the KPIs named
    text = "\n".join(visible(t.value) for t in [*at.caption, *at.markdown])
    assert "räknat fram ur nettokostnaden och nettokostnadsavvikelsen i procent, eftersom " in text
    assert "Referenskostnad 2022 = N30005 / (1 + N30001/100); N30005: " in text


@pytest.mark.parametrize("kommun", ["0764", "1260"])  # Alvesta, Bjuv
def test_no_placement_or_median_among_too_few_peers(real_cache, kommun):
    at = run(kommun=kommun, omrade="ifo", fran="2019", till="2025")
    shown = cards(at)
    placement = next(v for k, v in shown.items() if k.startswith("Plats"))
    year = int(next(k for k in shown if k.startswith("Plats")).split()[-1])
    if year >= 2023:  # only a few kommuner around Höör have values after 2022
        card = next(m for m in at.metric if m.label.startswith("Plats"))
        assert placement == "–" and card.delta.startswith("för få jämförelsevärden (")
        assert shown["Mot gruppens median"] == "–"
    for value in shown.values():
        assert value not in ("1 av 1", "2 av 2", "1 av 2")


def test_at_most_the_covered_years_have_a_median_in_the_table(real_cache):
    at = run(kommun="0561", omrade="ifo", fran="2019", till="2025")
    (expander,) = [e for e in at.expander if e.label.startswith("Tabell: värdena")]
    table = expander.dataframe[0].value
    medians = dict(zip(table.index, table["Median"], strict=True))
    assert medians[2022] != "saknas"
    assert all(medians[y] == "saknas" for y in (2023, 2024, 2025) if y in medians)


def test_ifo_parts_use_ifo_or_their_own_family_and_gross_cost_where_net_is_missing(real_cache):
    at = run(kommun="0561", omrade="lss")  # whatever area the sidebar shows
    at.switch_page("app_pages/ifo_delar.py").run()
    assert not at.exception, at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]
    groups = [c for c in captions if c.startswith("Jämförelsegrupp:")]
    assert len(groups) == 3
    assert "Liknande kommuner IFO, Åtvidaberg, 2024" in groups[0]  # barn och unga
    assert "Liknande kommuner ekonomiskt bistånd, Åtvidaberg" in groups[1]
    assert "Liknande kommuner IFO, Åtvidaberg, 2024" in groups[2]  # missbruk vuxna
    gross = [c for c in captions if "Kolada har ingen nettokostnad för" in c]
    assert len(gross) == 2 and "N33016" in gross[0] and "N35019" in gross[1]
    assert len(at.get("vega_lite_chart")) == 3  # no empty chart, no "inga värden"
    assert not [i for i in at.info if "inga värden" in i.value]


def test_vasteras_2014_2022_names_the_turn_and_the_method_break(real_cache):
    at = run(kommun="1980", omrade="ifo", fran="2014", till="2022")
    text = " ".join(m.value for m in at.markdown).replace("\\", "")
    # 12,3 → 14,3 → 10,0 → 12,4 → 32,2 (2019) → 4,7: it turns more than once, so the lowest and
    # the highest year are named (issue 19), not a path that skips the turns of 2015–2017
    assert "gått upp och ned: lägst 4,7\u00a0% 2022 och högst 32,2\u00a0% 2019" in text
    assert "ny modell från 2019" in text
    assert "Västeråss" not in text


def chart_frames(at: AppTest, index: int = 0) -> list:
    """The data frames behind a chart (Streamlit sends them as Arrow)."""
    import pyarrow as pa

    proto = at.get("vega_lite_chart")[index].proto
    return [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in proto.datasets]


def test_vaxjo_2017_is_a_gap_in_the_line(real_cache):
    at = run(kommun="0780", omrade="ifo", fran="2014", till="2022")
    (lines,) = [f for f in chart_frames(at) if "serie" in f.columns]
    own = lines[lines["serie"] == "Växjö"].set_index("period")["value"]
    assert own.isna()[2017] and not own.isna()[2016] and not own.isna()[2018]
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert "break-paths-show-domains" in spec  # a null breaks the line: never bridged
