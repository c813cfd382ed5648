"""AppTest of every page and the main interactions, on a small fixture cache (no network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import kolada
from benchmark import accessibility as a11y
from kolada.drivers import trees_for
from kolada.quality import quality_for
from kolada.refresh import refresh
from kolada.store import Store
from tests.conftest import (
    FakeClient,
    digest,
    fill_cache,
    load_fixture,
    open_expanders,
    run_app,
    use_cache,
)
from tests.markdown_support import render, rules_after_parsing, visible

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = [
    "app_pages/oversikt.py",
    "app_pages/jamforelse.py",
    "app_pages/alla_omraden.py",
    "app_pages/ifo_delar.py",
    "app_pages/kostnadsdrivare.py",
    "app_pages/kvalitet.py",
    "app_pages/budgetmal.py",
    "app_pages/rapport.py",
    "app_pages/om_data.py",
    "app_pages/tillganglighet.py",
]
KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]
WITHOUT_VALUES = "2031"  # Rättvik, a member of Åtvidaberg's IFO group, has no values here


def fake_client() -> FakeClient:
    return FakeClient(munis=[k for k in KOMMUNER if k != WITHOUT_VALUES])


pytestmark = pytest.mark.usefixtures("apptest_env")


@pytest.fixture(scope="session")
def filled(tmp_path_factory) -> Path:
    return fill_cache(tmp_path_factory.mktemp("appcache"), fake_client())


@pytest.fixture
def cache(filled, tmp_path, monkeypatch) -> Path:
    """A copy of the filled cache per test; refreshes go to the fake client."""
    return use_cache(filled, tmp_path, monkeypatch, fake_client)


def app(**params) -> AppTest:
    return run_app(**params)


def texts(at: AppTest) -> str:
    """What a reader sees in the page's text, messages and captions (Markdown rendered)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in (*at.warning, *at.info, *at.error)]
    return "\n".join(visible(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(cache, page):
    at = app()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title[0].value


def test_every_chart_has_alt_text(cache):
    """Each chart on every page (expanders open) carries a sentence for screen readers, in
    plain text (no Markdown escapes)."""
    charts = 0
    for page in PAGES:
        at = app()
        at.switch_page(page).run()
        at = open_expanders(at)
        for chart in at.get("vega_lite_chart"):
            charts += 1
            alt = chart.proto.alt
            assert len(alt) > 40 and alt.endswith(".") and "\\" not in alt, (page, alt)
    print(f"{charts} charts with alt text")
    assert charts >= 8


def test_the_accessibility_statement_says_what_does_not_conform(cache, monkeypatch):
    monkeypatch.setenv("NKA_TILLGANGLIGHET_KONTAKT", "tillganglighet@kommun.se [x](http://e.vil)")
    at = app()
    at.switch_page("app_pages/tillganglighet.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value.replace("\u00ad", "") == "Tillgänglighetsredogörelse"
    text = texts(at)
    assert "delvis förenlig" in text and "PDF-rapporten är inte taggad" in text
    assert "engelska texter som appen inte kan ändra" in text  # said, not claimed away
    assert "Axeltext" not in text  # the charts' text is dark now (charts.TEXT)
    assert f"{a11y.SCANS} sidvisningar" in text and a11y.SCANS == 40 and "hittade 0 fel" in text
    assert "tillganglighet@kommun.se [x](http://e.vil)" in text  # the contact, as literal text
    assert "digg.se/tdosanmalan" in "\n".join(m.value for m in at.markdown)


def test_default_view_is_atvidaberg_ifo_with_rka_peers(cache):
    at = app()
    assert not at.exception
    assert at.title[0].value == "Individ- och familjeomsorg – Åtvidaberg"
    assert "G36722" in texts(at)
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["NKA 2026 ▲ prel.", "NKA i mnkr 2026", "Plats 2026"]
    assert at.metric[2].value.endswith("av 7")  # Rättvik has no value
    assert "Egen bearbetning av data från Kolada" in texts(at)
    assert param(at, "kommun") == "0561"
    # plain words under the cards; the formula behind "Så räknas det" (a popover)
    text = texts(at)
    assert "Beloppen räknas på Koladas referenskostnad (N30007)." in text
    assert "Referenskostnad 2026: N30007 från Kolada." in text and "härledd" not in text


def param(at: AppTest, key: str) -> str:
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def test_change_kommun_area_group_and_years(cache):
    at = app()
    at.selectbox(key="w_kommun").set_value("1267").run()
    assert at.title[0].value == "Individ- och familjeomsorg – Höör"
    assert "G36535" in texts(at) and param(at, "kommun") == "1267"

    at.selectbox(key="w_area").set_value("aldreomsorg").run()
    assert at.title[0].value == "Äldreomsorg – Höör"
    assert "alla kommuner används i stället" in texts(at)  # no RKA group in the fixture
    assert param(at, "omrade") == "aldreomsorg"

    at.radio(key="w_group").set_value("alla").run()
    assert "Alla kommuner (14 st.)" in texts(at) and param(at, "grupp") == "alla"

    at.slider(key="w_years").set_value((2015, 2020)).run()
    assert not at.exception
    assert "Från och med 2019" in texts(at)  # the method-break note
    assert (param(at, "fran"), param(at, "till")) == ("2015", "2020")
    assert at.metric[0].label == "NKA 2020"


def test_custom_group(cache):
    at = app(grupp="egen", egna="1266,0780")
    assert at.radio(key="w_group").value == "egen"
    assert at.multiselect(key="w_custom").value == ["1266", "0780"]
    assert "Egen grupp (2 kommuner)" in texts(at)
    # two peers are too few for a placement or a median: never "2 av 3"
    assert at.metric[2].value == "–" and at.metric[2].delta == "för få jämförelsevärden (2 av 2)"
    assert at.metric[3].value == "–"


def test_url_round_trip(cache):
    params = {"kommun": "1267", "omrade": "ifo", "grupp": "kommungrupp", "fran": "2017",
              "till": "2023"}  # fmt: skip
    at = app(**params)
    assert not at.exception
    assert at.selectbox(key="w_kommun").value == "1267"
    assert at.radio(key="w_group").value == "kommungrupp"
    assert at.slider(key="w_years").value == (2017, 2023)
    assert {k: param(at, k) for k in params} == params
    again = app(**{k: param(at, k) for k in params})
    assert [m.value for m in again.metric] == [m.value for m in at.metric]


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"kommun": "9999"}, "'9999'"),
        ({"kommun": "../x"}, "'../x'"),
        ({"omrade": "rymd"}, "'rymd'"),
        ({"grupp": "x"}, "'x'"),
        ({"fran": "1700"}, "'1700'"),
        ({"till": "abc"}, "'abc'"),
        ({"grupp": "egen", "egna": "0001,zz"}, "'zz'"),
    ],
)
def test_bad_url_values_warn_in_swedish_and_fall_back(cache, params, needle):
    at = app(**params)
    assert not at.exception
    warnings = [visible(w.value) for w in at.warning]
    assert any(needle in w for w in warnings), warnings
    assert at.title[0].value == "Individ- och familjeomsorg – Åtvidaberg"


def test_jamforelse_counts_peers_with_values(cache):
    at = app(ar="2024")
    at.switch_page("app_pages/jamforelse.py").run()
    assert not at.exception
    assert at.selectbox(key="w_year").value == 2024
    assert "6 av 7 jämförelsekommuner har värde" in texts(at)
    table = at.dataframe[0].value
    assert "Åtvidaberg (vald)" in set(table["Kommun"])
    assert table.set_index("Kommun").loc["Rättvik", "Värde"] == "saknas"
    assert table["Kommun"].iloc[-1] == "Rättvik"  # missing values last


def test_alla_omraden_links_to_oversikt_per_area(cache):
    at = app()
    at.switch_page("app_pages/alla_omraden.py").run()
    assert not at.exception
    links = [(p.label, p.proto.page) for p in at.get("page_link")]
    to_overview = [label for label, page in links if page == ""]  # the default page
    assert len(to_overview) == 8 and "Äldreomsorg" in to_overview
    # and one to Kostnad och kvalitet per area with quality KPIs
    to_quality = [label for label, page in links if page == "kvalitet"]
    assert to_quality == [f"{t}, kvalitet" for t in ["Individ- och familjeomsorg", "Äldreomsorg",
                          "LSS", "Förskola", "Grundskola F-9", "Gymnasieskola"]]  # fmt: skip
    table = open_expanders(at).dataframe[0].value  # "Tabell: värdena bakom diagrammen"
    cells = [str(v) for v in table.to_numpy().ravel()]
    assert not [c for c in cells if re.fullmatch(r"-?\d+\.\d+", c)]  # no 56.2386, -5.8976
    assert any(re.fullmatch(r"−?\d+,\d", c) for c in table["Avvikelse (%)"])
    assert all(re.fullmatch(r"[+−]?\d+,\d|0,0|saknas", c) for c in table["Skillnad (p.e.)"])


def test_first_run_fetches_what_the_view_needs(tmp_path, monkeypatch):
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    calls = []
    real = kolada.refresh

    def fetch(store, **kw):
        calls.append(kw.get("kpis"))
        return real(store, fake_client(), **kw)

    monkeypatch.setattr(kolada, "refresh", fetch)
    at = app()
    assert not at.exception
    # the area's KPIs and its driver trees': no page (nor the report) depends on another visit
    area_kpis = {"N30001", "N30026", "N30007", "N30014", "N30005", "N01951"}
    drivers = {k for tree in trees_for("ifo") for k in tree.kpis}
    quality = {q.kpi for q in quality_for("ifo")}  # and its quality KPIs (Kostnad och kvalitet)
    assert calls and set(calls[0]) == area_kpis | drivers | quality
    assert at.title[0].value == "Individ- och familjeomsorg – Åtvidaberg"
    assert set(Store(tmp_path).meta("values")["kpis"]) == set(calls[0])


def test_no_network_and_no_cache_explains_in_swedish(tmp_path, monkeypatch):
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))

    def offline(store, **kw):
        client = FakeClient()
        client.fail_on = "kpis"
        return kolada.refresh.__wrapped__(store, client, **kw)

    real = kolada.refresh
    offline.__wrapped__ = real
    monkeypatch.setattr(kolada, "refresh", offline)
    at = app()
    assert not at.exception
    assert "Kolada gick inte att nå" in at.error[0].value
    assert "KOLADA_BASE_URL" in at.error[0].value


def test_banner_when_last_refresh_failed(cache):
    Store(cache).record_refresh(False, "Kolada svarade HTTP 503", "2026-11-22T10:00:00+00:00")
    at = app()
    assert any("misslyckades" in w.value for w in at.warning)


def test_om_data_refresh_reports_changes(cache):
    at = app()
    at.switch_page("app_pages/om_data.py").run()
    assert "Egen bearbetning av data från" in texts(at)
    status = at.table[0].value  # a static table of four short columns: it fits a phone
    assert list(status.columns) == ["Datamängd", "Rader", "Hämtad", "Status"]
    assert "Hämtat från " in texts(at)
    at.button[0].click().run()
    assert not at.exception
    assert "Ändrat sedan förra hämtningen" in at.success[0].value


def test_a_shared_writable_deployment_asks_for_the_admin_key_and_pauses(cache, monkeypatch):
    """KOLADA_READ_ONLY=0 with KOLADA_ADMIN_TOKEN: a wrong key refreshes nothing; the right one
    refreshes; another refresh right after is refused until the pause has passed."""
    from ui import admin

    monkeypatch.setenv("KOLADA_READ_ONLY", "0")
    monkeypatch.setenv("KOLADA_ADMIN_TOKEN", "hemlig-nyckel")
    monkeypatch.setattr(admin, "WRONG", admin.WrongKeys())
    Store(cache).record_refresh(True, "ok", "2020-01-01T00:00:00+00:00")  # long ago
    before = digest(cache)
    at = app()
    at.switch_page("app_pages/om_data.py").run()
    at.text_input(key="admin_key").input("fel").run()
    at.button[0].click().run()
    assert "Fel administratörsnyckel." in texts(at)
    assert digest(cache) == before
    at.text_input(key="admin_key").input("hemlig-nyckel").run()
    at.button[0].click().run()
    assert not at.exception
    assert "Ändrat sedan förra hämtningen" in at.success[0].value
    at.button[0].click().run()
    assert "Nästa kan startas om 10 min" in texts(at)
    assert not at.success


def test_a_shared_writable_deployment_without_a_key_has_no_refresh_button(cache, monkeypatch):
    monkeypatch.setenv("KOLADA_READ_ONLY", "0")
    monkeypatch.delenv("KOLADA_ADMIN_TOKEN", raising=False)
    at = app()
    at.switch_page("app_pages/om_data.py").run()
    assert not [b for b in at.button if b.label == "Uppdatera från Kolada"]
    assert "Datan uppdateras automatiskt från Kolada" in at.info[0].value  # plain words
    assert "uppdatering från appen är avstängd" in texts(at)  # under Teknisk information


def test_report_paragraph_on_oversikt(cache):
    at = open_expanders(app())
    code = at.code[0].value
    assert code.startswith("År 2026 var nettokostnadsavvikelsen för individ- och familjeomsorg")
    assert "Att beakta:" in code and "Källa: Kolada" in code
    assert "1 av 7 jämförelsekommuner saknar värde för 2026" in code


def test_banner_when_the_cache_is_older_than_its_ttl(tmp_path, monkeypatch):
    from datetime import UTC, datetime, timedelta

    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    refresh(Store(tmp_path), fake_client(), now=datetime.now(UTC) - timedelta(days=3))
    at = app()
    assert not at.exception
    assert any("för 3\u00a0dagar sedan" in i.value for i in at.info), [i.value for i in at.info]


def test_offline_with_a_partial_cache_keeps_working_and_does_not_retry_each_click(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    refresh(Store(tmp_path), fake_client(), kpis=["N30001", "N30026", "N01951"])
    attempts = []

    def offline(store, **kw):
        attempts.append(kw.get("kpis"))
        raise kolada.RefreshFailed("Kunde inte nå Kolada", "https://api.kolada.se/v3/kpi")

    monkeypatch.setattr(kolada, "refresh", offline)
    at = app()
    assert not at.exception
    assert at.title[0].value == "Individ- och familjeomsorg – Åtvidaberg"
    assert any("kunde inte hämtas" in w.value for w in at.warning)
    at.radio(key="w_group").set_value("alla").run()
    assert not at.exception
    assert len(attempts) == 1  # the session works from the cache instead of asking again


# ---- text from outside is shown as text -----------------------------------------------------
EVIL_LINK = "[Logga in här](http://evil.example/login)"
EVIL_IMAGE = "![x](http://evil.example/x.png)"
EVIL_HTML = "<img src=http://evil.example/y>"
RENAMED = {"0561": EVIL_IMAGE, "1266": EVIL_LINK}  # Åtvidaberg, and a member of its IFO group


class CraftedClient(FakeClient):
    """Kolada's names as an attacker would write them: Åtvidaberg (the default kommun) and one
    of its peers renamed, every group title naming Åtvidaberg with the new name, and SKR's
    kommungrupp titled with an HTML tag."""

    def fetch_municipalities(self):
        return [
            {**m, "title": RENAMED.get(m["id"], m["title"])} for m in super().fetch_municipalities()
        ]

    def fetch_groups(self):
        out = []
        for g in super().fetch_groups():
            title = g["title"].replace("Åtvidaberg", EVIL_IMAGE)
            if g["id"] == "G92792":
                title = f"{EVIL_HTML} {title}"
            members = [
                {**m, "member_title": RENAMED.get(m["member_id"], m["member_title"])}
                for m in g["members"]
            ]
            out.append({**g, "title": title, "members": members})
        return out


def crafted_client() -> CraftedClient:
    return CraftedClient(munis=[k for k in KOMMUNER if k != WITHOUT_VALUES])


@pytest.fixture(scope="session")
def crafted_filled(tmp_path_factory) -> Path:
    return fill_cache(tmp_path_factory.mktemp("craftedcache"), crafted_client())


@pytest.fixture
def crafted(crafted_filled, tmp_path, monkeypatch) -> Path:
    return use_cache(crafted_filled, tmp_path, monkeypatch, crafted_client)


def markdown_sources(at: AppTest) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown."""
    out = [e.value for e in (*at.title, *at.header, *at.subheader, *at.markdown, *at.caption)]
    out += [e.value for e in (*at.warning, *at.info, *at.error, *at.success)]
    out += [m.label for m in at.metric] + [e.label for e in at.expander]
    out += [t.label for t in at.tabs] + [b.label for b in at.button]
    out += [str(o) for r in at.radio for o in r.options] + [r.label for r in at.radio]
    out += [p.label for p in at.get("page_link")]
    # st.table renders its headers and cells as Markdown too
    out += [str(c) for t in at.table for c in t.value.columns]
    out += [str(v) for t in at.table for v in t.value.to_numpy().ravel()]
    return out


def assert_shown_as_text(at: AppTest) -> None:
    open_expanders(at)
    assert not at.exception, at.exception
    for source in markdown_sources(at):
        html = render(source)
        assert '<a href="http://evil' not in html and "<img" not in html, (source, html)
        assert rules_after_parsing(source) == [], source


@pytest.mark.parametrize("crafted_value", [EVIL_LINK, EVIL_IMAGE, EVIL_HTML])
def test_a_crafted_link_value_is_shown_as_text_on_every_page(cache, crafted_value):
    at = app(kommun=crafted_value)
    warnings = [visible(w.value) for w in at.warning]
    assert f"kommun='{crafted_value}'" in "\n".join(warnings), warnings
    assert_shown_as_text(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert_shown_as_text(at)


@pytest.mark.parametrize("grupp", ["rka", "kommungrupp", "alla"])
def test_crafted_kommun_and_group_titles_are_shown_as_text_on_every_page(crafted, grupp):
    at = app(kommun=EVIL_LINK, grupp=grupp)
    shown = texts(at) + "\n".join(visible(t.value) for t in at.title)
    assert EVIL_IMAGE in shown  # the default kommun, under its crafted name
    assert EVIL_LINK in shown  # the URL value in the warning
    if grupp == "rka":
        assert any(EVIL_IMAGE in visible(str(o)) for o in at.radio(key="w_group").options)
    if grupp == "kommungrupp":
        assert EVIL_HTML in texts(at)
    assert_shown_as_text(at)
    for page in PAGES:
        at.switch_page(page).run()
        assert_shown_as_text(at)
        assert at.title[0].value


def test_a_repeated_link_parameter_is_named_and_the_last_value_used(cache):
    at = app(kommun=["0561", "1267"])
    assert not at.exception
    assert at.title[0].value == "Individ- och familjeomsorg – Höör"
    warnings = [visible(w.value) for w in at.warning]
    assert warnings == [
        "Parametern kommun förekommer flera gånger i länken; den sista ('1267') används."
    ]
    assert param(at, "kommun") == "1267"  # the link is written back with one value


def test_a_long_link_value_is_cut_in_the_message(cache):
    at = app(kommun="x" * 5000)
    warning = visible(at.warning[0].value)
    assert "…" in warning and len(warning) < 150


def test_rapport_made_on_click_with_word_and_pdf(cache):
    at = app()
    at.switch_page("app_pages/rapport.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Rapport – Åtvidaberg"
    assert not at.get("download_button")  # nothing is made before the click
    at.button(key="report_make").click().run()
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["⬇ Word (.docx)", "⬇ PDF"]
    assert "Rapporten är klar" in at.success[0].value


def test_skapa_rapport_on_oversikt_opens_rapport_and_makes_it(cache):
    at = app(kommun="0561", omrade="ifo")
    at.session_state["budget_kind"] = "mean"  # chosen on Budgetmål earlier in the session
    at.button(key="oversikt_report").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Rapport – Åtvidaberg"
    assert at.selectbox(key="report_target").value == "mean"
    assert [b.proto.label for b in at.get("download_button")] == ["⬇ Word (.docx)", "⬇ PDF"]


def never_fetch(store, **kw):
    raise AssertionError("a read-only replica must not fetch from Kolada")


def test_read_only_never_fetches_and_says_who_fills_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KOLADA_READ_ONLY", "1")
    monkeypatch.setattr(kolada, "refresh", never_fetch)
    at = app()
    assert not at.exception, at.exception
    assert "Appen körs i läsläge" in at.error[0].value
    assert "python -m kolada refresh" in at.error[0].value


def test_read_only_serves_the_shared_cache_without_a_refresh_button(cache, monkeypatch):
    monkeypatch.setenv("KOLADA_READ_ONLY", "1")
    monkeypatch.setattr(kolada, "refresh", never_fetch)
    Store(cache).record_refresh(True, "Klart", "2026-12-03T05:00:00+00:00")
    at = app(omrade="lss")  # LSS is in the cache: nothing to fetch
    assert not at.exception, at.exception
    assert at.title[0].value == "LSS – Åtvidaberg"
    captions = [visible(c.value) for c in at.sidebar.caption]
    assert any(
        "uppdaterad 2026-12-03 06:00 (svensk tid) av en schemalagd" in c for c in captions
    ), captions
    at.switch_page("app_pages/om_data.py").run()
    assert not at.exception, at.exception
    assert not [b for b in at.button if b.label == "Uppdatera från Kolada"]
    assert "schemalagd körning" in at.info[0].value and "KOLADA" not in at.info[0].value
    assert "KOLADA_READ_ONLY=1" in texts(at)  # for the technician, under Teknisk information


def test_sessions_share_the_data_instead_of_copying_it(cache):
    """What a session keeps (session_state) holds no frame of its own: the source (metadata,
    values read) and the kommun names are one object for every session (issue 11: memory per
    added session)."""
    import dataclasses

    import pandas as pd

    first, second = app(), app(kommun="0780")
    a, b = first.session_state["_ctx"], second.session_state["_ctx"]
    assert a.src is b.src and a.names is b.names  # shared, not one copy per session
    for at in (first, second):
        for key in list(at.session_state.keys()):
            value = at.session_state[key]
            fields = (
                [getattr(value, f.name) for f in dataclasses.fields(value) if f.name != "src"]
                if dataclasses.is_dataclass(value)
                else [value]
            )
            assert not any(isinstance(v, pd.DataFrame | pd.Series) for v in fields), key


def test_quality_kpis_never_fetched_are_said_to_be_so_not_missing(tmp_path, monkeypatch):
    """A read-only cache filled before the quality KPIs existed: Kostnad och kvalitet,
    Budgetmål and Alla områden say they are not fetched yet, never that Kolada has no value."""
    from kolada.catalogue import POPULATION, area

    kpis = sorted({*area("aldreomsorg").kpis, *area("ifo").kpis, POPULATION})
    kpis += [a.nka_pct for a in kolada.AREAS if a.nka_pct not in kpis]
    refresh(Store(tmp_path), fake_client(), kpis=kpis)
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("KOLADA_READ_ONLY", "1")
    said = "inte hämtade från Kolada ännu"
    for page in ("app_pages/kvalitet.py", "app_pages/budgetmal.py", "app_pages/alla_omraden.py"):
        at = run_app(page, kommun="0561", omrade="aldreomsorg")
        assert not at.exception, page
        text = texts(at)
        assert "Inget värde" not in text and "inget värde" not in text, page
        if page.endswith("alla_omraden.py"):
            (table,) = [t.value for t in at.table if "År för jämförelserna" in t.value.columns]
            assert set(table["År för jämförelserna"]) == {"inte hämtade ännu"}
        else:
            assert said in text, page
