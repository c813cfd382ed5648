"""What controllers rebuild in Excel (issue 24), on the mirror's data through the pages: the
Översikt Excel holds every peer × every year with the statistics under them, net cost per
invånare stands beside NKA with the peers' median, and a custom group's name titles the chart,
the Excel metadata and the report. The pages' export infos are caught where the page hands
them to the download buttons."""

from __future__ import annotations

import io
import re
import statistics
from datetime import date

import openpyxl
import pytest

from benchmark import exports, fmt, kronor
from benchmark.report import document
from benchmark.source import Source
from benchmark.viewstate import parse_view
from kolada.catalogue import RIKET, area
from kolada.store import Store
from tests.conftest import open_expanders, run_app

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]
NEIGHBOURS = "0513,0509,0560,0562"  # Kinda, Ödeshög, Boxholm, Finspång


@pytest.fixture
def handed(monkeypatch):
    """Every (data, info) a page hands to its download buttons."""
    from ui import exports as ui_exports

    caught: list[tuple] = []
    real = ui_exports.export_buttons

    def catch(chart, data, info):
        caught.append((data, info))
        return real(chart, data, info)

    monkeypatch.setattr(ui_exports, "export_buttons", catch)
    return caught


def raw(src: Source, kpi: str, ids: list[str], years: range) -> dict:
    values = src.values([kpi], ids)
    values = values[values["period"].isin(years)]
    return {(m, int(p)): float(v) for m, p, v in values[["municipality", "period", "value"]].values}


def test_the_oversikt_excel_has_every_peer_every_year_and_the_statistics(real_cache, handed):
    at = run_app(kommun="0561", omrade="ifo", fran="2019", till="2022")
    assert not at.exception
    data, info = next((d, i) for d, i in handed if i.name.startswith("nka-"))
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(data, info)))
    rows = list(book["Alla värden"].iter_rows(values_only=True))
    assert rows[0] == ("Kommun", "Kommun-id", "Roll", "2019", "2020", "2021", "2022", "Preliminärt")
    kommuner = [r for r in rows[1:] if r[2] in ("Vald kommun", "Jämförelsekommun")]
    assert kommuner[0][:3] == ("Åtvidaberg", "0561", "Vald kommun") and len(kommuner) == 8
    src = Source(Store(real_cache))
    ids = [r[1] for r in kommuner]
    kolada = raw(src, "N30001", ids, range(2019, 2023))
    for row in kommuner:
        for i, year in enumerate(range(2019, 2023)):
            assert row[3 + i] == round(kolada[(row[1], year)], 1), (row[0], year)
    stats = {r[0]: r[3:7] for r in rows if r[2] in ("Statistik", "Antal")}
    for i, year in enumerate(range(2019, 2023)):
        peers = [kolada[(m, year)] for m in ids[1:]]
        assert stats["Median"][i] == round(statistics.median(peers), 1)
        assert stats["Lägst"][i] == round(min(peers), 1)
        assert stats["Kommuner med värde"][i] == 7
    assert [r[0] for r in rows][-1] == "Jämförelsegrupp"
    print(f"\n{len(kommuner)} kommuner × 4 years and {len(stats)} statistics rows checked")


def test_net_cost_per_invanare_beside_nka_with_the_peers_median(real_cache, handed):
    at = run_app(kommun="0561", omrade="ifo", fran="2019", till="2022")
    src = Source(Store(real_cache))
    view = parse_view({"kommun": "0561", "omrade": "ifo"}, src.names, src.require_values())[0]
    peers = src.peers(view).ids
    net = raw(src, "N30005", ["0561", *peers], range(2022, 2023))
    cards = {m.label: m.value for m in at.metric}
    assert cards["Nettokostnad 2022"] == fmt.kr_per_inhabitant(net[("0561", 2022)])
    median = statistics.median(net[(m, 2022)] for m in peers)
    assert cards["Gruppens median, nettokostnad 2022"] == fmt.kr_per_inhabitant(median)
    assert "NKA 2022" in cards  # on the same page, beside it
    kronor = next(i for _, i in handed if i.name.startswith("kronor-"))
    assert kronor.matrix is not None and kronor.matrix_unit == "kr"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("⬇ Alla värden (Excel)") == 2  # NKA's and the kronor's
    at.switch_page("app_pages/jamforelse.py").run()
    assert "⬇ Alla värden (Excel)" in [b.proto.label for b in at.get("download_button")]


def test_a_named_group_titles_the_chart_the_excel_and_the_report(real_cache, handed):
    name = "Våra grannkommuner"
    at = run_app(kommun="0561", omrade="ifo", grupp="egen", egna=NEIGHBOURS, namn=name)
    assert not at.exception
    _, info = next((d, i) for d, i in handed if i.name.startswith("nka-"))
    assert info.title.endswith(f"Åtvidaberg och {name}")
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(*next(
        (d, i) for d, i in handed if i.name.startswith("nka-")
    ))))  # fmt: skip
    meta = {r[0]: r[1] for r in book["Metadata"].iter_rows(values_only=True)}
    assert meta["Jämförelsegrupp"].startswith(f"{name} (egen grupp, 4 kommuner)")
    assert at.sidebar.text_input(key="w_custom_name").value == name
    src = Source(Store(real_cache))
    view = parse_view(
        {"kommun": "0561", "grupp": "egen", "egna": NEIGHBOURS, "namn": name},
        src.names,
        src.require_values(),
    )[0]
    doc = document.make_document(src, view, today=date.today())
    assert f"Jämförelsegrupp: {name} (egen grupp, 4 kommuner)" in doc.subtitle


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("app_pages/jamforelse.py", {"omrade": "ifo"}),
        ("app_pages/ifo_delar.py", {"omrade": "ifo"}),
        ("app_pages/kostnadsdrivare.py", {"omrade": "lss"}),
        ("app_pages/kvalitet.py", {"omrade": "aldreomsorg"}),
    ],
)
def test_every_chart_over_peers_carries_its_matrix(real_cache, handed, page, params):
    """Each chart of peers over years hands its export every kommun × year: the Excel opens on
    "Alla värden" with the kommun first and the CSV is that matrix."""
    at = open_expanders(run_app(page, kommun="0561", fran="2019", till="2022", **params))
    assert not at.exception
    with_peers = [(d, i) for d, i in handed if i.matrix is not None]
    assert with_peers, "no export with a matrix"
    for data, info in with_peers:
        book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(data, info)))
        assert book.sheetnames[0] == "Alla värden", info.name
        first = next(book["Alla värden"].iter_rows(min_row=2, values_only=True))
        assert first[:3] == ("Åtvidaberg", "0561", "Vald kommun"), info.name
        lines = exports.to_csv(data, info).decode("utf-8-sig").splitlines()
        matrix_head = lines[lines.index("") + 1]  # after the chart's data and an empty line
        assert matrix_head.startswith("Kommun;Kommun-id;Roll;2019;2020;2021;2022"), info.name
    print(f"\n{page}: {len(with_peers)} exports with a matrix")


SENTENCE = re.compile(
    r"(nettokostnad för .+?|Referenskostnaden – vad kommunens struktur motiverar – var) "
    r"(?P<own>[\d\xa0]+) kr(?: per invånare)?, (?P<word>lägre än|högre än|samma som) "
    r"gruppens median \((?P<median>[\d\xa0]+) kr\)"
)


def test_the_kronor_sentence_agrees_with_its_table_for_every_kommun_year(real_cache):
    """Invariant, every kommun and year 2019–2022 the mirror holds (IFO, against each kommun's
    RKA group): each comparison in the sentence has the word its printed numbers give, and the
    numbers are the table's, rounded as shown."""
    src = Source(Store(real_cache))
    a = area("ifo")
    kommuner = sorted(m for m in src.municipalities.query("type == 'K'")["id"] if m != RIKET)
    values = src.values([a.net_cost, a.nka_pct, a.reference_cost, "N01951"])
    checked = 0
    for kommun in kommuner:
        view = parse_view({"kommun": kommun, "omrade": "ifo"}, src.names, (2010, 2025))[0]
        peers = src.peers(view).ids
        mine = values[values["municipality"].isin([kommun, *peers])]
        name = src.names[kommun]
        years = list(range(2019, 2023))
        table = kronor.kronor_table(
            mine, a, kommun, name, {y: set(peers) for y in years}, years, []
        ).set_index("År")
        for year, row in table.iterrows():
            if row.iloc[0] != row.iloc[0]:
                continue
            text = kronor.kronor_sentence(row.to_dict(), name, int(year), "ifo")
            found = list(SENTENCE.finditer(text))
            assert found, text
            for m in found:
                own, median = (int(m[g].replace("\xa0", "")) for g in ("own", "median"))
                word = "samma som" if own == median else "lägre än" if own < median else "högre än"
                assert m["word"] == word, text
            assert fmt.number(row.iloc[0], 0) == found[0]["own"], text
            checked += 1
    assert checked > 1000
    print(f"\n{checked} kommun-years: every kronor sentence agrees with its table")
