import pytest

from benchmark.peers import resolve_peers
from benchmark.viewstate import View
from kolada.frames import tidy_groups, tidy_municipalities
from tests.conftest import load_fixture


@pytest.fixture
def meta():
    groups = tidy_groups(load_fixture("municipality_groups.json")["values"])
    munis = tidy_municipalities(load_fixture("municipality.json")["values"])
    return groups, munis


@pytest.mark.parametrize(
    ("group", "group_id", "members"),
    [
        ("rka", "G36722", 7),
        ("kommungrupp", "G92792", 2),
        ("lan", "G33615", 1),
    ],
)
def test_group_kinds(meta, group, group_id, members):
    p = resolve_peers(View(kommun="0561", group=group), *meta)
    assert p.group.id == group_id and len(p.ids) == members and "0561" not in p.ids
    assert group_id in p.label and p.note is None


def test_rka_label_names_edition(meta):
    p = resolve_peers(View(kommun="0561"), *meta)
    assert p.label == "Liknande kommuner IFO, Åtvidaberg, 2024 (G36722, utgåva 2024)"


def test_all_and_custom(meta):
    everyone = resolve_peers(View(kommun="0561", group="alla"), *meta)
    assert len(everyone.ids) == 14 and "0561" not in everyone.ids
    custom = resolve_peers(View(kommun="0561", group="egen", custom=("1266", "0780")), *meta)
    assert custom.members == (("1266", "Hörby"), ("0780", "Växjö"))


def test_missing_group_falls_back_to_all_with_a_note(meta):
    p = resolve_peers(View(kommun="0780", area="lss"), *meta)
    assert p.kind == "alla" and "Växjö" in p.note and "LSS" in p.note
