import pytest

from kolada.errors import BadInput
from kolada.ids import (
    chunked,
    require_known,
    validate_kpi_ids,
    validate_municipality_ids,
    validate_years,
)


def test_kpi_ids_are_normalised_and_deduplicated():
    assert validate_kpi_ids(["n30001", "N30001", " U23401 "]) == ["N30001", "U23401"]
    assert validate_kpi_ids("N01951") == ["N01951"]


@pytest.mark.parametrize("bad", ["../x", "N3000", "N300011", "X30001", "N30001;", "", "N30001/.."])
def test_bad_kpi_ids_name_the_value(bad):
    with pytest.raises(BadInput, match=r"nyckeltals-id") as err:
        validate_kpi_ids(["N30001", bad])
    assert repr(bad.strip()) in str(err.value)


def test_municipality_ids_pad_leading_zeros_and_accept_groups():
    assert validate_municipality_ids(["561", "0780", "g36722"]) == ["0561", "0780", "G36722"]


@pytest.mark.parametrize("bad", ["../x", "05610", "Åtvidaberg", "G", "G12a", "0561/../"])
def test_bad_municipality_ids_name_the_value(bad):
    with pytest.raises(BadInput, match="kommun-id") as err:
        validate_municipality_ids([bad])
    assert repr(bad) in str(err.value)


def test_groups_can_be_refused():
    with pytest.raises(BadInput, match="G36722"):
        validate_municipality_ids(["G36722"], allow_groups=False)


@pytest.mark.parametrize("empty", [[], ()])
def test_empty_lists_are_refused(empty):
    with pytest.raises(BadInput, match="Tom lista"):
        validate_kpi_ids(empty)
    with pytest.raises(BadInput, match="Tom lista"):
        validate_municipality_ids(empty)
    with pytest.raises(BadInput, match="Tom lista"):
        validate_years(empty)


@pytest.mark.parametrize("bad", [1800, 3000, "tjugo", None])
def test_years_out_of_range_or_not_numbers(bad):
    with pytest.raises(BadInput, match=str(bad) if bad is not None else "None"):
        validate_years([2020, bad])


def test_years_sorted_unique():
    assert validate_years([2021, 2019, 2021]) == [2019, 2021]


def test_require_known_names_every_unknown_id():
    with pytest.raises(BadInput, match="N99998, N99999"):
        require_known(["N30001", "N99998", "N99999"], ["N30001"], "nyckeltal")


def test_chunked_keeps_order_and_size():
    assert [len(c) for c in chunked(list(range(60)))] == [25, 25, 10]
    assert list(chunked([])) == []
