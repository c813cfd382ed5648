"""Peer-group editions: snapshots read as editions, what changed, the edition in force per year,
statistics per edition, and the Översikt explainer and toggles. No network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from benchmark import analytics, charts, editions, exports
from kolada.frames import tidy_groups
from kolada.merge import merge_group_snapshots
from kolada.refresh import refresh
from kolada.store import Store
from tests.conftest import FakeClient, load_fixture, open_expanders

APP = str(Path(__file__).resolve().parents[1] / "app.py")
KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]
GROUPS = load_fixture("municipality_groups.json")["values"]
T1 = datetime(2023, 3, 1, tzinfo=UTC)
T2 = datetime(2026, 11, 20, tzinfo=UTC)


def edition_2022(groups: list[dict]) -> list[dict]:
    """G36722 as an older edition: 2022, with Hörby and Tanum where the 2024 one has others."""
    out = []
    for g in groups:
        if g["id"] == "G36722":
            members = [m for m in g["members"] if m["member_id"] not in ("1907", "2023")]
            members += [{"member_id": "0180", "member_title": "Stockholm"}]
            g = {**g, "title": "Liknande kommuner IFO, Åtvidaberg, 2022", "members": members}
        out.append(g)
    return out


def snapshots() -> pd.DataFrame:
    old = merge_group_snapshots(None, tidy_groups(edition_2022(GROUPS)), T1.isoformat())
    return merge_group_snapshots(old, tidy_groups(GROUPS), T2.isoformat())


def test_snapshots_read_as_editions_with_changes():
    held = editions.editions(snapshots(), "G36722")
    assert [e.year for e in held] == [2022, 2024]
    change = editions.changes(held[0], held[1])
    assert [n for _, n in change.added] == sorted(
        [t for m, t in held[1].members if m in ("1907", "2023")]
    )
    assert [n for _, n in change.removed] == ["Stockholm"]
    assert held[0].first_seen.startswith("2023-03-01")


def test_the_edition_in_force_per_year():
    held = editions.editions(snapshots(), "G36722")
    assert editions.edition_for_year(held, 2019).year == 2022  # before all: the oldest held
    assert editions.edition_for_year(held, 2023).year == 2022
    assert editions.edition_for_year(held, 2025).year == 2024
    by_year = editions.members_by_year(held, range(2022, 2025), "0561")
    assert "0180" in by_year[2022] and "0180" not in by_year[2024]
    assert editions.summary(held, (2019, 2025)) == "2019–2023: utgåva 2022; 2024–2025: utgåva 2024"


def test_stats_per_edition_count_each_years_members():
    held = editions.editions(snapshots(), "G36722")
    by_year = editions.members_by_year(held, [2022, 2024], "0561")
    rows = [("N30001", m, y, 1.0) for y in (2022, 2024) for m in sorted(by_year[y])]
    rows += [("N30001", "0180", 2024, 99.0)]  # Stockholm left the group: not counted in 2024
    values = pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])
    stats = analytics.peer_stats_by_year(values, "N30001", by_year, (2022, 2024)).set_index(
        "period"
    )
    assert stats.loc[2024, "max"] == 1.0 and stats.loc[2024, "n"] == len(by_year[2024])
    assert stats.loc[2022, "N"] == len(by_year[2022])


def test_peer_lines_render_in_an_export():
    values = pd.DataFrame(
        [("N30001", m, y, float(i + y - 2020)) for i, m in enumerate(("1266", "1435"))
         for y in (2020, 2021, 2022)],
        columns=["kpi", "municipality", "period", "value"],
    )  # fmt: skip
    own = pd.Series({2020: 5.0, 2021: 6.0, 2022: 7.0})
    stats = pd.DataFrame(columns=["period", "n", "N", "min", "q1", "median", "q3", "max", "mean"])
    base = charts.trend_chart(charts.trend_data(own, stats, "Åtvidaberg", None), stats,
                              "Åtvidaberg", "NKA (%)")  # fmt: skip
    chart = charts.with_peer_lines(base, values, {"1266": "Hörby", "1435": "Tanum"})
    info = exports.ExportInfo(name="x", title="t", subtitle="s", source="k")
    svg = exports.to_svg(chart, info)
    assert svg.startswith("<svg") and len(svg) > 1000


@pytest.fixture
def two_editions(tmp_path, monkeypatch) -> Path:
    old = FakeClient(munis=KOMMUNER)
    old.fetch_groups = lambda: edition_2022(GROUPS)
    refresh(Store(tmp_path), old, now=T1)
    refresh(Store(tmp_path), FakeClient(munis=KOMMUNER), now=T2, ttl=timedelta(0))
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.usefixtures("apptest_env")
def test_oversikt_offers_each_years_edition_and_explains_the_group(two_editions):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["fran"] = "2019"
    at.run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert any("samma medlemmar används för alla år" in c for c in captions)
    (explainer,) = [
        e for e in open_expanders(at).expander if e.label.startswith("Om jämförelsegruppen")
    ]
    text = " ".join(m.value for m in explainer.markdown)
    assert "tillkomna" in text and "borttagna Stockholm" in text
    assert "strukturfaktorer" in text
    at.toggle(key="w_per_edition").set_value(True).run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert any("utgåva 2022" in c and "utgåva 2024" in c for c in captions)
    at.toggle(key="w_peer_lines").set_value(True).run()
    assert not at.exception, at.exception


@pytest.mark.usefixtures("apptest_env")
def test_the_edition_choice_lives_in_the_link_and_reaches_every_page(two_editions):
    from tests.conftest import run_app

    at = run_app(fran="2019", utgava="per-ar")
    assert not at.exception, at.exception
    assert at.toggle(key="w_per_edition").value is True
    assert any("utgåva 2022" in c.value for c in at.caption)
    delar = run_app("app_pages/ifo_delar.py", fran="2019", utgava="per-ar")
    assert not delar.exception, delar.exception
    notes = [c.value.replace("\\", "") for c in delar.caption]
    assert any("Varje år jämförs med den utgåva som gällde då: 2019–2023: utgåva 2022" in n
               for n in notes)  # fmt: skip
    alla = run_app("app_pages/alla_omraden.py", fran="2019", utgava="per-ar")
    assert not alla.exception, alla.exception
    assert any("utgåva av områdets grupp som gällde då" in c.value for c in alla.caption)
    today = run_app("app_pages/alla_omraden.py", fran="2019")
    assert any("samma medlemmar används för alla år" in c.value for c in today.caption)


def test_utgava_in_the_link_is_checked():
    from benchmark.viewstate import View, parse_view

    view, problems = parse_view({"utgava": "per-ar"}, {"0561": "Åtvidaberg"}, (2010, 2025))
    assert view.per_edition and not problems
    assert view.to_params()["utgava"] == "per-ar"
    view, problems = parse_view({"utgava": "x" * 200}, {"0561": "Åtvidaberg"}, (2010, 2025))
    assert not view.per_edition and "utgava=" in problems[0] and len(problems[0]) < 300
    assert "utgava" not in View().to_params()


def test_no_rows_stay_a_frame_with_its_columns():
    empty = pd.DataFrame(columns=["kpi", "municipality", "period", "value"])
    assert list(analytics.members_by_year_only(empty, {2020: {"0561"}}).columns) == list(
        empty.columns
    )
    stats = analytics.peer_stats_by_year(empty, "N30001", {2020: {"0561"}}, (2020, 2020))
    assert stats.empty
