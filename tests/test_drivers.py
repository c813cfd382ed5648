"""The cost-driver catalogue (issue 9) as data: well formed, consistent with the area catalogue,
and its identity arithmetic on a few rows in Kolada v3 shape. No network."""

import dataclasses

import pytest

from kolada.catalogue import AREAS_BY_CODE, IFO_PARTS, catalogue_kpis
from kolada.drivers import (
    BASES,
    DRIVER_TREES,
    KINDS,
    UNITS,
    Driver,
    DriverTree,
    Identity,
    basis_population,
    derived_unit_cost,
    driver_kpis,
    trees_for,
)
from kolada.frames import tidy_values, totals
from kolada.ids import validate_kpi_ids

IDENTITIES = [(t, i) for t in DRIVER_TREES for i in t.identities]


def _cost(identity: Identity, volume: float | None, unit_cost: float | None) -> float | None:
    """The identity: cost per invånare of the basis = volume × unit cost × factor."""
    if volume is None or unit_cost is None:
        return None
    return volume * unit_cost * identity.factor


def _identity(name: str) -> Identity:
    return next(i for _, i in IDENTITIES if i.name == name)


def test_tree_codes_are_unique_and_belong_to_known_areas():
    codes = [t.code for t in DRIVER_TREES]
    assert len(codes) == len(set(codes))
    assert codes == [
        "barn_unga", "ekonomiskt_bistand", "missbruk_vuxna", "ifo_total", "lss", "aldreomsorg",
    ]  # fmt: skip
    assert {t.area for t in DRIVER_TREES} <= set(AREAS_BY_CODE)


@pytest.mark.parametrize("tree", DRIVER_TREES, ids=lambda t: t.code)
def test_each_tree_is_well_formed(tree: DriverTree):
    kpis = [d.kpi for d in tree.drivers]
    assert kpis and len(kpis) == len(set(kpis))
    assert validate_kpi_ids(kpis) == kpis
    for d in tree.drivers:
        assert d.kind in KINDS and d.unit in UNITS, d
        assert d.title.strip() and d.means.strip() and "\n" not in d.means, d
        assert "=" not in d.means and "×" not in d.means, d  # a sentence, not a formula
    # first the cost driver(s), then volumes, unit costs, shares, counts
    assert tree.drivers[0].kind in ("cost", "share")
    order = [KINDS.index(d.kind) for d in tree.drivers]
    assert order == sorted(order)


@pytest.mark.parametrize("tree", DRIVER_TREES, ids=lambda t: t.code)
def test_units_agree_with_kinds(tree: DriverTree):
    for d in tree.drivers:
        if d.kind == "cost":
            assert d.unit.startswith("kr/inv"), d
        elif d.kind == "unit_cost":
            assert d.unit.startswith("kr/") and not d.unit.startswith("kr/inv"), d
        elif d.kind == "count":
            assert d.unit == "antal", d
        elif d.kind == "share":
            assert d.unit == "%", d
        else:
            assert d.unit == "%" or d.unit.startswith("antal/"), d


@pytest.mark.parametrize(("tree", "identity"), IDENTITIES, ids=[i.name for _, i in IDENTITIES])
def test_identity_kpis_are_among_the_trees_drivers(tree: DriverTree, identity: Identity):
    kinds = {d.kpi: d.kind for d in tree.drivers}
    assert kinds[identity.cost] == "cost"
    assert kinds[identity.volume] == "volume"
    if identity.unit_cost is not None:
        assert kinds[identity.unit_cost] == "unit_cost"
    else:
        assert identity.derived  # ekonomiskt bistånd: cost / (volume × factor)
    if identity.count is not None:
        assert kinds[identity.count] == "count"
    assert identity.basis in BASES
    assert identity.factor in (1 / 100, 1 / 10_000)
    assert set(identity.kpis) <= set(tree.kpis)
    volume_unit = tree.driver(identity.volume).unit
    assert identity.factor == (1 / 100 if volume_unit == "%" else 1 / 10_000)
    cost_unit = tree.driver(identity.cost).unit
    assert cost_unit == ("kr/inv 65+" if identity.basis == "invånare 65+" else "kr/inv")


def test_the_identities_of_the_issue():
    boende = _identity("LSS boende")
    assert (boende.cost, boende.volume, boende.unit_cost, boende.count) == (
        "N28012", "N28820", "N28013", "N28801",
    )  # fmt: skip
    assert boende.factor == 1 / 10_000 and boende.basis == "invånare"
    daglig = _identity("LSS daglig verksamhet")
    assert (daglig.cost, daglig.volume, daglig.unit_cost, daglig.count) == (
        "N28009", "N28819", "N28015", "N28804",
    )  # fmt: skip
    hemtjanst = _identity("Hemtjänst")
    assert (hemtjanst.cost, hemtjanst.volume, hemtjanst.unit_cost, hemtjanst.count) == (
        "N21009", "N21701", "N21006", "N21702",
    )  # fmt: skip
    assert hemtjanst.factor == 1 / 100 and hemtjanst.basis == "invånare 65+"
    bistand = _identity("Ekonomiskt bistånd")
    assert (bistand.cost, bistand.volume, bistand.unit_cost, bistand.count) == (
        "N31001", "N31807", None, None,
    )  # fmt: skip
    assert bistand.factor == 1 / 100 and bistand.basis == "invånare" and bistand.derived
    # personlig assistans (net of Försäkringskassan) and särskilt boende (different bases) have
    # drivers but no identity
    identity_costs = {i.cost for _, i in IDENTITIES}
    assert not {"N28008", "N23005"} & identity_costs


def test_trees_for_an_area():
    assert [t.code for t in trees_for("ifo")] == [
        "barn_unga", "ekonomiskt_bistand", "missbruk_vuxna", "ifo_total",
    ]  # fmt: skip
    assert [t.code for t in trees_for("ifo")][:3] == [p.code for p in IFO_PARTS]
    assert [t.code for t in trees_for("lss")] == ["lss"]
    assert [t.code for t in trees_for("aldreomsorg")] == ["aldreomsorg"]
    assert trees_for("forskola") == ()
    assert trees_for("ingen") == ()


def test_peer_family_matches_the_ifo_parts():
    parts = {p.code: p.peer_family for p in IFO_PARTS}
    for tree in trees_for("ifo"):
        assert tree.peer_family == parts.get(tree.code)
    assert trees_for("ifo")[1].peer_family == "Liknande kommuner ekonomiskt bistånd"


def test_driver_kpis_are_sorted_unique_and_in_the_catalogue():
    ids = driver_kpis()
    assert ids == sorted(set(ids))
    assert set(ids) == {d.kpi for t in DRIVER_TREES for d in t.drivers}
    assert set(ids) <= set(catalogue_kpis())
    assert {"N33816", "N31807", "N28013", "N21006", "N04159"} <= set(ids)


def test_catalogue_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DRIVER_TREES[0].code = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        DRIVER_TREES[0].drivers[0].kpi = "N00000"  # type: ignore[misc]
    assert isinstance(DRIVER_TREES[0].drivers[0], Driver)


def _row(kpi: str, *values: tuple[str, float | None]) -> dict:
    return {
        "kpi": kpi,
        "municipality": "0561",
        "period": 2022,
        "values": [
            {"gender": g, "count": 1, "status": "", "value": v, "isdeleted": False}
            for g, v in values
        ],
    }


# Åtvidaberg 2022 as Kolada v3 sends it (gender-split KPIs list K and M before T)
LSS_BOENDE_0561_2022 = [
    _row("N28012", ("T", 3895.011298)),
    _row("N28820", ("K", 37.095919), ("M", 37.639007), ("T", 37.371806)),
    _row("N28013", ("T", 1042232.558139)),
    _row("N28801", ("K", 21.0), ("M", 22.0), ("T", 43.0)),
]


def test_lss_boende_cost_is_volume_times_unit_cost_times_factor():
    identity = _identity("LSS boende")
    values = totals(tidy_values(LSS_BOENDE_0561_2022))
    v = dict(zip(values["kpi"], values["value"], strict=True))
    cost = _cost(identity, v[identity.volume], v[identity.unit_cost])
    assert cost == pytest.approx(v[identity.cost], rel=1e-6)  # 37,37/10 000 × 1 042 233 kr
    # the kommun's own count gives back its population (Åtvidaberg had 11 506 invånare)
    assert basis_population(identity, v[identity.count], v[identity.volume]) == pytest.approx(
        11_506, abs=1
    )
    # and the unit cost follows from the other two
    derived = derived_unit_cost(identity, v[identity.cost], v[identity.volume])
    assert derived == pytest.approx(v[identity.unit_cost], rel=1e-6)


def test_identity_arithmetic_without_inputs():
    bistand = _identity("Ekonomiskt bistånd")
    assert derived_unit_cost(bistand, 1158.8, 1.94681) == pytest.approx(59_523, abs=1)
    assert derived_unit_cost(bistand, 1158.8, 0.0) is None
    assert derived_unit_cost(bistand, None, 1.9) is None
    assert derived_unit_cost(bistand, float("nan"), 1.9) is None
    assert _cost(bistand, 1.9, None) is None
    assert basis_population(bistand, 10.0, 0.0) is None


# Åtvidaberg 2022, the other two identities that Kolada's figures close (v3 shape)
LSS_DAGLIG_0561_2022 = [
    _row("N28009", ("T", 551.190683)),
    _row("N28819", ("T", 41.717364)),
    _row("N28015", ("T", 132125.0)),
    _row("N28804", ("T", 48.0)),
]
HEMTJANST_0561_2022 = [
    _row("N21009", ("T", 26605.271721)),
    _row("N21701", ("K", 6.666667), ("M", 4.904632), ("T", 5.824927)),
    _row("N21006", ("T", 456748.603352)),
    _row("N21702", ("K", 107.0), ("M", 72.0), ("T", 179.0)),
]


@pytest.mark.parametrize(
    ("name", "rows", "basis"),
    [
        # 48 deltagare / (41,72 per 10 000) = the 11 506 invånare of LSS boende's check
        ("LSS daglig verksamhet", LSS_DAGLIG_0561_2022, 11_506),
        # 179 hemtjänsttagare / 5,82 % = 3 073 invånare 65+
        ("Hemtjänst", HEMTJANST_0561_2022, 3_073),
    ],
)
def test_each_identity_closes_on_kolada_figures(name, rows, basis):
    identity = _identity(name)
    values = totals(tidy_values(rows))
    v = dict(zip(values["kpi"], values["value"], strict=True))
    cost = _cost(identity, v[identity.volume], v[identity.unit_cost])
    assert cost == pytest.approx(v[identity.cost], rel=5e-3)  # the issue's 0,5 %
    assert basis_population(identity, v[identity.count], v[identity.volume]) == pytest.approx(
        basis, abs=1
    )
