import pytest

from benchmark.peers import find_peer_group, peer_group
from kolada.catalogue import AREAS, IFO_PARTS, POPULATION, area, catalogue_kpis, missing_kpis
from kolada.drivers import driver_kpis
from kolada.errors import BadInput
from kolada.frames import tidy_groups, tidy_kpis, tidy_municipalities
from kolada.ids import validate_kpi_ids
from kolada.merge import merge_group_snapshots
from kolada.quality import quality_kpis
from tests.conftest import load_fixture


@pytest.fixture
def groups():
    return tidy_groups(load_fixture("municipality_groups.json")["values"])


@pytest.fixture
def munis():
    return tidy_municipalities(load_fixture("municipality.json")["values"])


def test_the_eight_areas_with_their_ids():
    assert [a.code for a in AREAS] == [
        "ifo", "aldreomsorg", "lss", "forskola", "fritidshem", "grundskola", "gymnasieskola",
        "totalt",
    ]  # fmt: skip
    ifo = area("ifo")
    assert (ifo.nka_pct, ifo.nka_mnkr, ifo.reference_cost, ifo.standard_cost, ifo.net_cost) == (
        "N30001", "N30026", "N30007", "N30014", "N30005",
    )  # fmt: skip
    assert area("totalt").nka_pct == "N00097" and area("totalt").nka_mnkr is None
    assert area("totalt").peer_family == "Liknande kommuner, övergripande"
    assert area("aldreomsorg").peer_family == "Liknande kommuner äldreomsorg"


def test_ifo_parts_and_population():
    assert [(p.net_cost, p.cost) for p in IFO_PARTS] == [
        ("N33016", "N33001"), ("N31008", "N31001"), ("N35019", "N35001"),
    ]  # fmt: skip
    assert POPULATION == "N01951"


def test_catalogue_ids_are_valid_and_unique():
    ids = catalogue_kpis()
    assert validate_kpi_ids(ids) == ids
    own = {k for a in AREAS for k in a.kpis} | {POPULATION}
    own |= {k for p in IFO_PARTS for k in (p.net_cost, p.cost)}
    assert len(own) == 42  # the areas', IFO's parts' and population
    assert len(ids) == len(set(ids)) == len(own | set(driver_kpis()) | set(quality_kpis()))
    assert set(driver_kpis()) <= set(ids)  # a refresh fetches the cost drivers too
    assert set(quality_kpis()) <= set(ids)  # and the quality KPIs
    assert {"N30001", "N01951", "N33016", "N00097"} <= set(ids)


def test_unknown_area_names_the_value():
    with pytest.raises(BadInput, match="'vård'"):
        area("vård")


def test_missing_kpis_reports_ids_not_in_the_api_catalogue():
    kpis = tidy_kpis(load_fixture("kpi.json")["values"])
    assert missing_kpis(["N30001", "N30007", "N01951"], kpis) == ["N30007"]


def test_find_peer_group_for_atvidaberg_ifo(groups, munis):
    g = find_peer_group(groups, munis, "0561", "ifo")
    assert g.id == "G36722"
    assert g.title == "Liknande kommuner IFO, Åtvidaberg, 2024"
    assert g.edition_year == 2024  # the newest edition wins over the 2019 one
    assert len(g.members) == 7 and "0561" not in g.member_ids
    assert ("2023", "Malung-Sälen") in g.members


def test_find_peer_group_overgripande_family_with_comma(groups, munis):
    assert find_peer_group(groups, munis, "0561", "totalt").id == "G37598"


def test_no_peer_group_is_none(groups, munis):
    assert find_peer_group(groups, munis, "0780", "ifo") is None
    assert find_peer_group(groups, munis, "0561", "lss") is None


def test_unknown_kommun_is_bad_input(groups, munis):
    with pytest.raises(BadInput, match="'9999'"):
        find_peer_group(groups, munis, "9999", "ifo")


def test_peer_group_uses_snapshots(groups, munis):
    history = merge_group_snapshots(None, groups, "2024-04-06T00:00:00+00:00")
    changed = groups.copy()
    hoor = changed["group_id"] == "G36535"
    changed.loc[hoor, "member_id"] = ["0382", "0884"]
    history = merge_group_snapshots(history, changed, "2026-03-23T00:00:00+00:00")
    now = find_peer_group(history, munis, "1267", "ifo")
    assert now.member_ids == ["0382", "0884"]
    assert now.first_seen.startswith("2026-03-23")
    then = peer_group(history, "G36535", as_of="2025-01-01")
    assert then.member_ids == ["0128", "2523"] and then.first_seen.startswith("2024-04-06")


def test_unknown_group_is_bad_input(groups):
    with pytest.raises(BadInput, match="'G1'"):
        peer_group(groups, "G1")
