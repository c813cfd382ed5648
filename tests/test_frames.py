import math

from kolada.frames import (
    VALUE_COLUMNS,
    edition_year,
    municipality_id,
    tidy_groups,
    tidy_kpis,
    tidy_municipalities,
    tidy_values,
    totals,
)
from tests.conftest import load_fixture


def test_tidy_values_columns_and_types():
    frame = tidy_values(load_fixture("data_mixed.json")["values"])
    assert list(frame.columns) == VALUE_COLUMNS
    assert frame["period"].dtype == "int32"
    assert frame["value"].dtype == "float64"
    assert set(frame["gender"]) == {"T", "K", "M"}


def test_gender_rows_kept_and_total_selected_by_gender_not_position():
    frame = tidy_values(load_fixture("data_mixed.json")["values"])
    pop = frame[(frame["kpi"] == "N01951") & (frame["municipality"] == "0561")]
    assert dict(zip(pop["gender"], pop["value"], strict=True)) == {
        "K": 5589.0,
        "M": 5838.0,
        "T": 11427.0,
    }
    total = totals(frame)
    assert total.loc[total["kpi"] == "N01951", "value"].tolist() == [11427.0]


def test_null_value_is_nan_and_deleted_rows_are_dropped():
    frame = tidy_values(load_fixture("data_mixed.json")["values"])
    vaxjo = frame[(frame["municipality"] == "0780") & (frame["period"] == 2017)]
    assert len(vaxjo) == 1 and math.isnan(vaxjo["value"].iloc[0])
    assert vaxjo["count"].iloc[0] == 0
    deleted = frame[(frame["kpi"] == "N30026") & (frame["period"] == 2019)]
    assert deleted.empty


def test_keep_deleted_for_merging_deltas():
    frame = tidy_values(load_fixture("data_mixed.json")["values"], keep_deleted=True)
    row = frame[(frame["kpi"] == "N30026") & (frame["period"] == 2019)]
    assert row["isdeleted"].tolist() == [True]


def test_municipality_ids_are_four_characters_with_leading_zeros():
    frame = tidy_values(load_fixture("data_mixed.json")["values"])
    assert "0180" in set(frame["municipality"])
    assert all(len(m) == 4 or m.startswith("G") for m in frame["municipality"])
    assert municipality_id(561) == "0561"
    assert municipality_id("561.0") == "0561"
    assert municipality_id("G36722") == "G36722"


def test_status_and_group_rows_are_kept():
    frame = tidy_values(load_fixture("data_mixed.json")["values"])
    status = frame.loc[(frame["kpi"] == "N30026") & (frame["period"] == 2020), "status"]
    assert status.tolist() == ["X"]
    group = frame[frame["municipality"] == "G36722"]
    assert group["count"].tolist() == [7]


def test_paged_values_concatenate():
    objs = load_fixture("data_page1.json")["values"] + load_fixture("data_page2.json")["values"]
    frame = tidy_values(objs)
    assert len(frame) == 3
    assert frame["value"].round(4).tolist() == [44.9338, 23.2264, -9.5121]


def test_empty_values_give_an_empty_frame_with_columns():
    frame = tidy_values([])
    assert frame.empty and list(frame.columns) == VALUE_COLUMNS


def test_kpi_frame():
    frame = tidy_kpis(load_fixture("kpi.json")["values"])
    assert frame["id"].tolist() == ["N01951", "N30001", "N30026"]
    n30001 = frame.set_index("id").loc["N30001"]
    assert n30001["publ_period"] == "2025"
    assert n30001["publication_date"] == "2026-09-30"
    assert bool(frame.set_index("id").loc["N01951", "is_divided_by_gender"]) is True


def test_municipality_frame():
    frame = tidy_municipalities(load_fixture("municipality.json")["values"])
    assert frame.set_index("id").loc["0561", "title"] == "Åtvidaberg"
    kommuner = frame.loc[frame["type"] == "K", "id"]
    assert len(kommuner) == 15 and {"0180", "0561", "2523"} <= set(kommuner)
    assert set(frame.loc[frame["type"] == "L", "id"]) == {"0000", "0005"}


def test_group_frame_long_form():
    frame = tidy_groups(load_fixture("municipality_groups.json")["values"])
    assert list(frame.columns) == ["group_id", "title", "edition_year", "member_id", "member_title"]
    g = frame[frame["group_id"] == "G36722"]
    assert len(g) == 7
    assert set(g["edition_year"]) == {2024}
    assert "Malung-Sälen" in set(g["member_title"])


def test_group_frame_accepts_v2_member_keys():
    frame = tidy_groups([{"id": "G1", "title": "X", "members": [{"id": "561", "title": "Å"}]}])
    assert frame["member_id"].tolist() == ["0561"]
    assert frame["edition_year"].isna().all()


def test_edition_year():
    assert edition_year("Liknande kommuner, övergripande, Åtvidaberg, 2025") == 2025
    assert edition_year("Alla kommuner (ovägt medel)") is None


def test_titles_lose_control_characters_that_break_charts_and_documents():
    from kolada.frames import tidy_groups, tidy_municipalities

    munis = tidy_municipalities([{"id": "0561", "title": "Åtvid\x07aberg\n", "type": "K"}])
    assert munis.loc[0, "title"] == "Åtvidaberg "
    groups = tidy_groups(
        [{"id": "G1", "title": "Liknande\x1b kommuner IFO, Höör, 2024",
          "members": [{"member_id": "1267", "member_title": "Hö\x00ör"}]}]
    )  # fmt: skip
    assert groups.loc[0, "title"] == "Liknande kommuner IFO, Höör, 2024"
    assert groups.loc[0, "edition_year"] == 2024 and groups.loc[0, "member_title"] == "Höör"


def test_text_from_kolada_is_data_not_noise():
    """Noncharacters and lone surrogates go (they abort the chart renderer), text is NFC, and a
    title is at most 200 characters."""
    from kolada.frames import MAX_TITLE, clean_text

    assert clean_text("Åt\ufffevidaberg\ud800\U0010ffff") == "Åtvidaberg"
    assert clean_text("A\u030atvidaberg") == "Åtvidaberg"  # NFC
    long = clean_text("x" * 5_000_000)
    assert len(long) == MAX_TITLE and long.endswith("…")
    assert clean_text(None) is None
