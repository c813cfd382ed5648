"""Kostnad och kvalitet (issue 22) on the mirror's real data: the page, Budgetmål's lines and the
report section for the kommuner of the issue, and the words against the table for every kommun
and quality KPI the mirror holds — each median recomputed here from the raw values."""

from __future__ import annotations

import io
import re
import statistics
from datetime import date

import docx
import pandas as pd
import pytest

from benchmark import analytics, quality
from benchmark.peers import latest_snapshot, resolve_peers
from benchmark.report import document
from benchmark.report import pdf as report_pdf
from benchmark.report import word as report_docx
from benchmark.source import Source
from benchmark.viewstate import View
from kolada.catalogue import area
from kolada.frames import totals
from kolada.quality import QUALITY_BY_KPI, areas_with_quality, quality_for
from kolada.store import Store
from tests.conftest import open_expanders, run_app

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("apptest_env")]
PAGE = "app_pages/kvalitet.py"
NBSP = "\u00a0"


def run(**params):
    at = open_expanders(run_app(PAGE, **params))
    assert not at.exception, at.exception
    return at


def plain(text: str) -> str:
    return text.replace("\\", "")


def raw_values(cache) -> pd.DataFrame:
    return totals(Store(cache).values())


def independent_median(values: pd.DataFrame, kpi: str, peers: list[str], year: int):
    """The peers' median as the issue defines it: ≥ 3 peers and ≥ half the group with a
    value, else None; with the count."""
    got = values[(values.kpi == kpi) & (values.period == year) & values.municipality.isin(peers)]
    got = got["value"].dropna().tolist()
    ok = len(got) >= 3 and len(got) >= len(peers) / 2
    return (statistics.median(got) if ok else None), len(got)


def table_row(at, title: str) -> pd.Series:
    (table,) = [t.value for t in at.table if "Mått" in t.value.columns]
    return table.set_index("Mått").loc[title]


def test_atvidaberg_aldreomsorg_shows_hemtjanst_helhetssyn_with_the_peers_median(real_cache):
    at = run(kommun="0561", omrade="aldreomsorg")
    src = Source(Store(real_cache))
    peers = list(resolve_peers(View("0561", "aldreomsorg"), src.groups, src.municipalities).ids)
    values = raw_values(real_cache)
    own = values[(values.kpi == "U21468") & (values.municipality == "0561")]
    own = own.dropna(subset=["value"]).sort_values("period").iloc[-1]
    year = int(own.period)
    median, n = independent_median(values, "U21468", peers, year)
    assert year == 2022 and median is not None
    row = table_row(at, QUALITY_BY_KPI["U21468"].title)
    assert row["År"] == "2022"
    assert row["Åtvidaberg"] == quality.value_text(float(own.value), "%") == f"93{NBSP}%"
    assert row["Gruppens median"] == quality.value_text(median, "%")
    assert row["Med värde"] == f"{n} av {len(peers)}"
    side = "bättre resultat" if float(own.value) > median else "sämre resultat"
    assert row["Läge"] == side
    # the scatter opens on this KPI, with the sentence that agrees with the row
    assert at.selectbox(key="quality_kpi").value == "U21468"
    assert len(at.get("vega_lite_chart")) == 1
    sentences = [plain(m.value) for m in at.markdown if "i rutan" in m.value]
    assert len(sentences) == 1
    words = "högre andel nöjda" if float(own.value) > median else "lägre andel nöjda"
    assert f"{words} med hemtjänsten än gruppens median (93{NBSP}% mot " in sentences[0]
    assert f"{n} av {len(peers)} jämförelsekommuner" in plain(
        " ".join(m.value for m in at.markdown)
    ).replace("*", "")


def test_vasteras_ifo_shows_kvalitetsindex_ekonomiskt_bistand_where_kolada_has_it(real_cache):
    at = run(kommun="1980", omrade="ifo")
    values = raw_values(real_cache)
    own = values[(values.kpi == "U31401") & (values.municipality == "1980")]
    own = own.dropna(subset=["value"]).sort_values("period").iloc[-1]
    row = table_row(at, "Kvalitetsindex ekonomiskt bistånd")
    assert row["År"] == str(int(own.period))
    assert row["Västerås"] == quality.value_text(float(own.value), "index")
    assert row["Typ"] == "RKA-index"
    # a KPI with too few values in the group says so instead of a median
    thin = table_row(at, QUALITY_BY_KPI["U33581"].title)
    assert thin["Gruppens median"] == "–" and thin["Läge"] == "för få värden"
    assert thin["Med värde"] == "2 av 7"  # the count stands once, in its own column


def test_too_few_values_and_an_area_without_quality_kpis_say_so(real_cache):
    at = run(kommun="0561", omrade="ifo")  # only the IFO rating, 3 of 7 peers with a value
    infos = [plain(i.value) for i in at.info]
    lead = "Åtvidaberg jämförs inte med gruppens median 2022: för få jämförelsekommuner har värde"
    assert any(i.startswith(lead) for i in infos)
    assert not [m for m in at.markdown if "i rutan" in m.value]
    at = run(kommun="0561", omrade="fritidshem")
    assert plain(at.info[0].value).startswith("Appen har inga kvalitetsmått för fritidshem.")
    assert not at.get("vega_lite_chart")


def test_budgetmal_says_where_quality_stands_beside_the_target(real_cache):
    at = run_app("app_pages/budgetmal.py", kommun="0561", omrade="aldreomsorg")
    assert not at.exception
    text = plain(" ".join(m.value for m in at.markdown))
    assert "Kvalitet enligt de senaste värdena, mot samma jämförelsegrupp" in text
    said = "Åtvidaberg har enligt de senaste värdena högre andel nöjda med hemtjänsten"
    assert f"{said} än gruppens median (93{NBSP}%" in text
    links = [p.proto.page for p in at.get("page_link")]
    assert "kvalitet" in links


def test_the_report_has_the_section_in_word_and_pdf(reference_cache):
    src = Source(Store(reference_cache), today=date(2026, 12, 3))
    doc = document.make_document(src, View("0561", "aldreomsorg"), today=date(2026, 12, 3))
    headings = [b.text for b in doc.blocks if type(b).__name__ == "Heading"]
    assert "Kostnad och kvalitet" in headings
    d = docx.Document(io.BytesIO(report_docx.to_docx(doc)))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "– i rutan lägre kostnad, bättre resultat." in text
    assert "Åtvidaberg har enligt de senaste värdena högre andel nöjda med hemtjänsten" in text
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert QUALITY_BY_KPI["U21468"].title in cells
    assert report_pdf.to_pdf(doc).startswith(b"%PDF")
    # the appendix lists the quality KPIs with values
    assert "U21468" in "\n".join(p.text for p in d.paragraphs) + " ".join(cells)


def family_peers(src: Source, family: str) -> dict[str, list[str]]:
    """Each kommun's peers in an RKA family, found here in one pass over the groups: the newest
    edition of "<family>, <kommun>, <år>" in the newest membership snapshot."""
    groups = latest_snapshot(src.groups)
    ids = dict(zip(src.municipalities["title"], src.municipalities["id"], strict=True))
    pattern = re.compile(rf"{re.escape(family)}, (.+), (\d{{4}})")
    newest: dict[str, tuple[int, str]] = {}
    for gid, title in groups.drop_duplicates("group_id")[["group_id", "title"]].itertuples(
        index=False
    ):
        hit = pattern.fullmatch(title)
        if hit and hit.group(1) in ids:
            kommun, year = ids[hit.group(1)], int(hit.group(2))
            newest[kommun] = max(newest.get(kommun, (0, "")), (year, gid))
    members = groups.groupby("group_id")["member_id"].apply(list)
    return {k: [m for m in members[g] if m != k] for k, (_, g) in newest.items()}


def test_words_agree_with_the_table_for_every_kommun_and_quality_kpi(reference_cache):
    """Every kommun × area with quality KPIs × KPI, in the year the page and the report show
    (the latest of 2019–2022 with both the NKA and the quality value; the newest RKA group):
    the median is the one recomputed here (coverage rule included), the side follows the KPI's
    direction, and the quadrant sentence names the row's quadrant with the comparative the
    printed values call for."""
    src = Source(Store(reference_cache))
    checked = sentences = 0
    for a_code in areas_with_quality():
        qs = quality_for(a_code)
        nka_kpi = area(a_code).nka_pct
        vals = src.values([nka_kpi, *[q.kpi for q in qs]])
        vals = vals[vals.period.between(2019, 2022)]
        vals = vals.astype({"kpi": object, "municipality": object, "period": int})  # plain, fast
        held = {
            (k, m): set(g["period"])
            for (k, m), g in vals.dropna(subset=["value"]).groupby(["kpi", "municipality"])
        }
        by_muni = {m: f for m, f in vals.groupby("municipality")}
        for kommun, peers in family_peers(src, area(a_code).peer_family).items():
            if kommun not in by_muni:
                continue
            group = pd.concat([by_muni[m] for m in [kommun, *peers] if m in by_muni])
            for q in qs:
                both = held.get((nka_kpi, kommun), set()) & held.get((q.kpi, kommun), set())
                if not both:
                    continue
                year = max(both)
                local = group[group.kpi.isin([nka_kpi, q.kpi]) & (group.period == year)]
                p = quality.position(local, q, kommun, {year: peers}, (year, year))
                median, n = independent_median(local, q.kpi, peers, year)
                assert (p.median, p.n, p.total) == (median, n, len(peers)), (kommun, q.kpi)
                checked += 1
                if p.side is None:
                    continue
                diff = round(p.own, 1) - round(p.median, 1)
                same, more = abs(diff) < 1e-9, (diff > 0) == q.higher_is_better
                assert p.side == (quality.SAME if same else (1 if more else -1))
                nka_median, _ = independent_median(local, nka_kpi, peers, year)
                if nka_median is None:
                    continue
                own_nka = analytics.value_at(local, nka_kpi, kommun, year)
                quad = quality.Quadrant(year, own_nka, nka_median, p)
                points = quality.points(local, nka_kpi, q, kommun, peers, year, src.names)
                row = quality.points_table(points, q, (nka_median, p.median)).iloc[0]
                sentence = quad.sentence("X", "området")
                if not same:
                    word = q.comparatives[0] if diff > 0 else q.comparatives[1]
                    assert f" {word} {q.measure} än gruppens median" in sentence
                if quad.cost != 0:
                    assert sentence.endswith(f"i rutan {row['Ruta']}.")
                sentences += 1
    print(
        f"quality positions checked: {checked}; quadrant sentences against their row: {sentences}"
    )
    assert checked > 4_000 and sentences > 3_000
