"""The matrix behind a chart (issue 24) and the kronor behind the per cent: every kommun ×
year with "saknas" and "ej i gruppen", the statistics under it, the edition per year, which
values are preliminary; its sheet in Excel and its CSV; the kronor table's medians and lines."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import openpyxl
import pandas as pd

from benchmark import exports, kronor, matrix
from benchmark.editions import Edition
from benchmark.peers import Peers
from benchmark.source import PeerYears
from kolada.catalogue import POPULATION, RIKET, area

IFO = area("ifo")
NAMES = {"0561": "Åtvidaberg", "0001": "=Bkommun", "0002": "Akommun", "0003": "Ckommun"}


def values(rows):
    return pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])


def peer_years(by_year, per_edition=False, held=()):
    members = tuple((m, NAMES[m]) for m in ("0001", "0002", "0003"))
    peers = Peers("egen", "Egen grupp (3 kommuner)", members)
    return PeerYears(peers, held, by_year, (2021, 2022), per_edition)


V = values(
    [
        ("N30001", "0561", 2021, 10.04),
        ("N30001", "0561", 2022, 12.36),
        ("N30001", "0001", 2021, 1.0),
        ("N30001", "0001", 2022, 2.0),
        ("N30001", "0002", 2021, 3.0),
        ("N30001", "0003", 2022, 5.55),
    ]
)


def test_every_kommun_every_year_saknas_and_not_a_member():
    py = peer_years({2021: {"0001", "0002"}, 2022: {"0001", "0002", "0003"}})
    stats = pd.DataFrame(
        {"Median": [2.04, 3.5], "Kommuner med värde": [2, 2], "Kommuner i gruppen": [2, 3]},
        index=[2021, 2022],
    )
    m = matrix.peer_matrix(V, "N30001", "0561", py, NAMES, [2021, 2022], stats, 2022)
    assert list(m.columns) == ["Kommun", "Kommun-id", "Roll", "2021", "2022", "Preliminärt"]
    rows = {r["Kommun"]: r for _, r in m.iterrows()}
    assert list(m["Kommun"])[:4] == ["Åtvidaberg", "=Bkommun", "Akommun", "Ckommun"]  # by name
    assert (rows["Åtvidaberg"]["2021"], rows["Åtvidaberg"]["2022"]) == (10.0, 12.4)
    assert rows["Akommun"]["2022"] == matrix.MISSING  # a member, no value
    assert rows["Ckommun"]["2021"] == matrix.NOT_PEER  # not in 2021's edition
    assert rows["Median"]["2021"] == 2.0 and rows["Median"]["Roll"] == matrix.STAT
    assert rows["Kommuner i gruppen"]["2022"] == 3 and rows["Kommuner i gruppen"]["Roll"] == "Antal"
    assert rows["Jämförelsegrupp"]["2021"] == "Egen grupp (3 kommuner)"
    # preliminary from 2022: the rows with a 2022 value say so; counts and missing do not
    assert rows["Åtvidaberg"]["Preliminärt"] == "2022" and rows["Median"]["Preliminärt"] == "2022"
    assert rows["Akommun"]["Preliminärt"] == "" and rows["Kommuner i gruppen"]["Preliminärt"] == ""


def test_each_year_names_the_edition_it_was_compared_with():
    older = Edition("G1", "Liknande 2022", 2022, (("0001", "=Bkommun"),), None, None)
    newer = replace(older, year=2024, members=(("0002", "Akommun"),))
    py = peer_years({2021: {"0001"}, 2022: {"0002"}}, per_edition=True, held=(older, newer))
    m = matrix.peer_matrix(V, "N30001", "0561", py, NAMES, [2021, 2022], None, None)
    group = m[m["Kommun"] == matrix.EDITION_ROW].iloc[0]
    assert group["2021"] == "G1 (utgåva 2022)"  # the edition in force that year, not today's


def info_with(m: pd.DataFrame, unit: str = "%") -> exports.ExportInfo:
    return exports.ExportInfo("x", "Titel", "Urval", "Källa", matrix=m, matrix_unit=unit)


def test_the_matrix_sheet_comes_first_with_numbers_as_numbers_and_no_formula():
    py = peer_years({2021: {"0001", "0002"}, 2022: {"0001", "0002", "0003"}})
    stats = pd.DataFrame({"Kommuner med värde": [2, 2]}, index=[2021, 2022])
    m = matrix.peer_matrix(V, "N30001", "0561", py, NAMES, [2021, 2022], stats, None)
    data = pd.DataFrame({"År": [2021, 2022], "Åtvidaberg": [10.04, 12.36]})
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(data, info_with(m))))
    assert book.sheetnames == ["Alla värden", "Data", "Metadata"]
    sheet = book["Alla värden"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Kommun", "Kommun-id", "Roll", "2021", "2022", "Preliminärt")
    assert rows[1][:5] == ("Åtvidaberg", "0561", "Vald kommun", 10.0, 12.4)
    assert sheet["D2"].number_format == '0.0" %"' and sheet["D2"].data_type == "n"
    assert rows[2][0] == "'=Bkommun"  # a name that would be a formula is text
    counts = [r for r in rows if r[0] == "Kommuner med värde"][0]
    assert counts[3:5] == (2, 2)
    cells = [c for s in book for row in s.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    alone = openpyxl.load_workbook(io.BytesIO(exports.matrix_xlsx(info_with(m))))
    assert alone.sheetnames == ["Alla värden", "Metadata"]


def test_the_csv_has_the_chart_s_data_then_the_matrix_and_numbers_stay_numbers():
    py = peer_years({2021: {"0001", "0002"}, 2022: {"0001", "0002", "0003"}})
    negative = pd.concat([V, values([("N30001", "0003", 2021, -3.64)])])
    m = matrix.peer_matrix(negative, "N30001", "0561", py, NAMES, [2021, 2022], None, None)
    data = pd.DataFrame({"År": [2021], "Åtvidaberg": [10.04]})
    text = exports.to_csv(data, info_with(m)).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["År", "Åtvidaberg"] and rows[1] == ["2021", "10,04"] and rows[2] == []
    assert rows[3] == ["Kommun", "Kommun-id", "Roll", "2021", "2022", "Preliminärt"]
    assert rows[4][:5] == ["Åtvidaberg", "0561", "Vald kommun", "10,0", "12,4"]
    assert rows[5][0] == "'=Bkommun" and rows[6][4] == "saknas"
    assert rows[7][3] == "ej i gruppen"  # Ckommun was not in 2021's group …
    ckommun = [r for r in rows if r[:1] == ["Ckommun"]][0]
    assert ckommun[4] == "5,5"  # 5,55 as the app prints it (a float just under 5,55)
    # … and a negative value is a number, not text behind a quote
    py = peer_years({2021: {"0001", "0002", "0003"}, 2022: {"0001", "0002", "0003"}})
    m = matrix.peer_matrix(negative, "N30001", "0561", py, NAMES, [2021, 2022], None, None)
    text = exports.to_csv(data, info_with(m)).decode("utf-8-sig")
    assert ";-3,6;" in text and "'-3,6" not in text


def test_the_counts_stay_where_too_few_peers_report():
    stats = pd.DataFrame(
        {"period": [2021, 2022], "n": [1, 3], "N": [3, 3], "median": [5.0, 6.0],
         "covered": [False, True]}
    )  # fmt: skip
    by_year = matrix.stats_by_year(stats)
    assert by_year.loc[2021, "Kommuner med värde"] == 1 and by_year.loc[2021, "Median"] != 5.0
    py = peer_years({2021: {"0001", "0002", "0003"}, 2022: {"0001", "0002", "0003"}})
    m = matrix.peer_matrix(V, "N30001", "0561", py, NAMES, [2021, 2022], by_year, None)
    rows = {r["Kommun"]: r for _, r in m.iterrows()}
    assert rows["Median"]["2021"] == matrix.NO_STAT and rows["Kommuner med värde"]["2021"] == 1


def test_the_matrix_s_years_count_for_the_method_break_and_the_metadata():
    py = peer_years({2018: {"0001"}, 2019: {"0001"}})
    m = matrix.peer_matrix(V, "N30001", "0561", py, NAMES, [2018, 2019], None, None)
    info = replace(info_with(m), years=(2022, 2022))  # a one-year chart, a matrix from 2018
    assert info.method_break
    meta = dict(info.metadata().values.tolist())
    assert meta["År i Alla värden"] == "2018–2019"


def test_kronor_medians_riket_and_the_lan_beside_the_kommun():
    rows = []
    for m, net, nka in (("0561", 5000, 25.0), ("0001", 4000, 0.0), ("0002", 4400, 10.0),
                        ("0003", 6000, 20.0), ("0004", 3000, 0.0)):  # fmt: skip
        rows += [(IFO.net_cost, m, 2022, float(net)), (IFO.nka_pct, m, 2022, nka)]
        rows += [(POPULATION, m, 2022, 10_000.0)]
    rows.append((IFO.net_cost, RIKET, 2022, 4500.0))
    by_year = {2022: {"0001", "0002", "0003"}}
    table = kronor.kronor_table(
        values(rows), IFO, "0561", "Å", by_year, [2022], ["0561", "0003", "0004", "0002"]
    )
    row = table.iloc[0]
    assert row["Å, nettokostnad (kr/inv)"] == 5000
    assert row["Å, referenskostnad (kr/inv)"] == 4000  # 5 000 / 1,25, derived
    assert row[f"{kronor.PEER_NET} (kr/inv)"] == 4400  # median of 4 000, 4 400, 6 000
    assert row[f"{kronor.PEER_REF} (kr/inv)"] == 4000  # of 4 000, 4 000, 5 000
    assert row[f"{kronor.RIKET_NET} (kr/inv)"] == 4500
    assert row[f"{kronor.LAN_NET} (kr/inv)"] == 4400  # the län's others: 6 000, 3 000, 4 400
    assert row["Referenskostnad härledd"] == "ja"
    lines = kronor.kronor_lines(table, "Å", riket=False, lan=True)
    assert list(lines["serie"]) == [
        "Å, nettokostnad", "Å, referenskostnad", kronor.PEER_NET, kronor.LAN_NET,
    ]  # fmt: skip
    assert lines["text"].iloc[0] == "5\xa0000\xa0kr/invånare"


def test_a_kommun_alone_in_its_lan_gets_no_lan_median_and_no_error():
    rows = [(IFO.net_cost, "0561", 2022, 5000.0), (IFO.nka_pct, "0561", 2022, 25.0)]
    table = kronor.kronor_table(values(rows), IFO, "0561", "Å", {2022: set()}, [2022], ["0561"])
    assert table[f"{kronor.LAN_NET} (kr/inv)"].isna().all()
    assert table[f"{kronor.PEER_NET} (kr/inv)"].isna().all()
    sentence = kronor.kronor_sentence(table.iloc[0].to_dict(), "Å", 2022, "ifo")
    assert "gruppens median saknas (för få jämförelsekommuner med värde)" in sentence
