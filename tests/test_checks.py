"""Checks of what Kolada sends (pure) and the shrink guard in refresh (fake client, no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from kolada.checks import KEEP_SHARE, check_listing, check_value_page, find_shrinks
from kolada.errors import KoladaError
from kolada.refresh import RefreshFailed, refresh
from kolada.store import Store
from tests.conftest import FakeClient, digest

URL = "https://kolada.test/v3/data/kpi/N30001/year/2020"
CELL = {"gender": "T", "count": 1, "status": "", "value": 1.5, "isdeleted": False}
GOOD = {"kpi": "N30001", "municipality": "0561", "period": 2020, "values": [CELL]}


def check(rows):
    check_value_page(rows, URL, kpis={"N30001"}, years={2020})


def test_a_good_page_passes():
    null = {**GOOD, "values": [{**CELL, "value": None}, {**CELL, "gender": "K", "value": 3}]}
    check([GOOD, null, {**GOOD, "municipality": 561}])  # a number loses its zero: padded


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        ({**GOOD, "kpi": None}, "nyckeltal som inte efterfrågades: None"),
        ({**GOOD, "kpi": "N30026"}, "nyckeltal som inte efterfrågades: 'N30026'"),
        ({**GOOD, "municipality": "NONE"}, "ogiltigt kommun-id: 'NONE'"),
        ({**GOOD, "municipality": None}, "ogiltigt kommun-id: None"),
        ({**GOOD, "period": "2020"}, "år utanför det efterfrågade: '2020'"),
        ({**GOOD, "period": 2019}, "år utanför det efterfrågade: 2019"),
        ({**GOOD, "period": True}, "år utanför det efterfrågade: True"),
        ({**GOOD, "values": "x"}, "saknar listan 'values'"),
        ({**GOOD, "values": [{**CELL, "gender": "X"}]}, "okänt kön: 'X'"),
        ({**GOOD, "values": [{**CELL, "value": "12,5"}]}, "värdet är inte ett tal: '12,5'"),
        ({**GOOD, "values": [{**CELL, "value": True}]}, "värdet är inte ett tal: True"),
        ({**GOOD, "values": [{**CELL, "value": float("inf")}]}, "värdet är inte ett tal: inf"),
        ({**GOOD, "values": [7]}, "värdecell är inte ett objekt: 7"),
        ({**GOOD, "values": [{**CELL, "isdeleted": "no"}]}, "ogiltigt 'isdeleted'"),
        ("x" * 500, "är inte ett objekt: 'xxxxxxxx"),
    ],
)
def test_a_bad_row_names_the_row_the_value_and_the_url(row, needle):
    with pytest.raises(KoladaError) as err:
        check([GOOD, row])
    text = str(err.value)
    assert needle in text and "rad 2" in text and URL in text
    assert len(text) < 250  # long values are cut


def frame(kpi: str, n: int) -> pd.DataFrame:
    rows = [(kpi, f"{i:04d}", 2020, "T", 1.0) for i in range(n)]
    return pd.DataFrame(rows, columns=["kpi", "municipality", "period", "gender", "value"])


def test_shrink_threshold_is_98_percent_of_the_total_values():
    old = pd.concat([frame("N30001", 100), frame("N30026", 100)])
    assert KEEP_SHARE == 0.98
    assert (
        find_shrinks(old, pd.concat([frame("N30001", 98), frame("N30026", 100)]), ["N30001"]) == []
    )
    (shrink,) = find_shrinks(old, frame("N30001", 97), ["N30001", "N30026"])[:1]
    assert (shrink.kpi, shrink.before, shrink.after) == ("N30001", 100, 97)
    assert [s.kpi for s in find_shrinks(old, frame("N30001", 97), ["N30001", "N30026"])] == [
        "N30001",
        "N30026",
    ]
    assert find_shrinks(None, frame("N30001", 1), ["N30001"]) == []  # nothing cached yet


def test_gender_rows_do_not_count_twice():
    old = frame("N01951", 10)
    genders = pd.concat([old.assign(gender=g) for g in "TKM"])
    assert find_shrinks(genders, old, ["N01951"]) == []


def test_listing_checks():
    check_listing("kommuner", 290, 290)
    with pytest.raises(KoladaError, match="tom lista med kommuner"):
        check_listing("kommuner", 0, 290)
    with pytest.raises(KoladaError, match="12 kommuner mot 290 i cachen"):
        check_listing("kommuner", 12, 290)


NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_a_delta_that_deletes_most_values_is_refused_unless_accepted(tmp_path):
    client = FakeClient()
    refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2019, now=NOW)
    before = digest(tmp_path)
    client.deleted = {("N30001", m, y) for m in client.munis for y in range(2019, 2025)}
    later = NOW + timedelta(days=2)
    with pytest.raises(RefreshFailed, match="N30001: 6 kommun-år från Kolada mot 24 i cachen"):
        refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2019, now=later)
    assert digest(tmp_path) == before
    result = refresh(
        Store(tmp_path), client, kpis=["N30001"], from_year=2019, now=later, accept_shrink=True
    )
    assert result.changes.removed == 18
    assert "borttaget enligt --accept-shrink: N30001" in result.summary()
    assert len(Store(tmp_path).values()) == 6


def test_a_narrower_year_range_keeps_the_other_years_and_refetches_them_later(tmp_path):
    client = FakeClient()
    refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2015, now=NOW)
    refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2020, full=True, now=NOW)
    values = Store(tmp_path).values()
    assert values["period"].min() == 2015  # 2015–2019 are kept …
    assert Store(tmp_path).meta("values")["kpis"]["N30001"]["from_year"] == 2020
    client.calls.clear()
    refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2015, now=NOW + timedelta(days=2))
    (call,) = [c for c in client.calls if c[0] == "values"]
    assert call[2] is None  # … and fetched again in full, not as changes since a date


def test_a_shrink_inside_a_narrow_window_is_not_diluted_by_other_years(tmp_path):
    client = FakeClient()
    refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2010, now=NOW)
    before = digest(tmp_path)
    client.munis = client.munis[:1]  # 2026: one kommun of three comes back
    with pytest.raises(RefreshFailed, match="N30001: 1 kommun-år från Kolada mot 3 i cachen"):
        refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2026, full=True, now=NOW)
    assert digest(tmp_path) == before


def test_a_first_fetch_of_one_kpi_without_values_is_accepted(tmp_path):
    client = FakeClient(munis=[])
    result = refresh(Store(tmp_path), client, kpis=["N30001"], from_year=2019, now=NOW)
    assert result.rows == 0


def _values(kpi, values, gender="T"):
    return pd.DataFrame(
        [(kpi, f"{i:04d}", 2022, gender, v) for i, v in enumerate(values, start=1)],
        columns=["kpi", "municipality", "period", "gender", "value"],
    )


def test_a_unit_change_is_found_when_most_values_jump_by_50_or_more():
    from kolada.checks import find_unit_changes

    old = _values("N28892", [0.834, 0.70, 0.91, 1.2])  # per cent, as cached
    new = _values("N28892", [83.4, 70.0, 91.0, 1.3])  # per 10 000, as Kolada now sends
    (change,) = find_unit_changes(old, new, ["N28892"])
    assert change.kpi == "N28892" and change.factor == pytest.approx(100.0)
    assert change.share == 0.75 and "N28892 (värdena × 100 för 75 % av kommunåren)" in change.line()
    # an ordinary revision, or a jump for a minority, is not a unit change
    assert find_unit_changes(old, _values("N28892", [0.9, 0.7, 0.9, 1.2]), ["N28892"]) == []
    assert find_unit_changes(old, _values("N28892", [83.4, 0.7, 0.9, 1.2]), ["N28892"]) == []
    assert find_unit_changes(None, new, ["N28892"]) == []


def test_the_refresh_summary_names_a_unit_change():
    from kolada.checks import UnitChange
    from kolada.refresh import RefreshResult

    result = RefreshResult(unit_changes=[UnitChange("N28892", 100.0, 0.99)])
    assert "troligen ny enhet i Kolada (kontrollera titeln): N28892 (värdena × 100" in (
        result.summary()
    )
