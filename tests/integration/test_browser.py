"""End to end in a real headless Chromium (Debian's, driven by Playwright) against
``streamlit run app.py`` with the recorded-data mirror as Kolada. Screenshots of every page go to
``test-artifacts/e2e/``."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.integration.conftest import copy_cache

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCALE = "sv-SE"  # every page is opened as a Swedish browser would
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WORD_JOINER = "\u2060"  # escaping.py puts it, invisibly, inside "http://" and "www."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(mirror, reference_cache, tmp_path_factory):
    cache = copy_cache(reference_cache, tmp_path_factory.mktemp("e2e-cache"))
    port = free_port()
    env = {
        **os.environ,
        "KOLADA_BASE_URL": mirror.base_url,
        "KOLADA_CACHE_DIR": str(cache),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    log = tmp_path_factory.mktemp("e2e-log") / "streamlit.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Chromium not found: install Debian's package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield b
        b.close()


def new_page(browser, **kw):
    """A page in its own context with the Swedish locale (close with ``page.context.close()``)."""
    return browser.new_context(locale=LOCALE, **kw).new_page()


def metric_card(page, label: str, timeout: float = 60_000):
    """The metric card labelled ``label`` once it is drawn. By label, not by position: under load
    Streamlit mounts cards out of order (a card waits for its code while the next one shows)."""
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    card.wait_for(timeout=timeout)
    return card


def wait_for_title(page, text: str) -> None:
    page.get_by_role("heading", level=1).filter(has_text=text).wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)  # let Vega finish drawing
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_hoor_ifo_link_then_atvidaberg_and_every_page(server, browser):
    page = new_page(browser, viewport={"width": 1400, "height": 1600})
    start = time.perf_counter()
    page.goto(f"{server}/?kommun=1267&omrade=ifo&fran=2019&till=2024")
    wait_for_title(page, "Individ- och familjeomsorg – Höör")

    nka_card = metric_card(page, "NKA 2024")
    page.locator(
        "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg"
    ).first.wait_for()
    print(f"browser: Översikt with cards and chart {time.perf_counter() - start:.2f} s after goto")
    assert "−20,8 %" in nka_card.inner_text().replace("\xa0", " ")  # Kolada's N30001 = −20.7972
    assert "G36535" in page.get_by_test_id("stCaptionContainer").first.inner_text()
    chart = page.locator("[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg")
    chart.first.wait_for(timeout=30_000)
    assert chart.first.bounding_box()["height"] > 200
    assert "kommun=1267" in page.url and "till=2024" in page.url
    shot(page, "1-oversikt-hoor")

    kommun = page.get_by_test_id("stSelectbox").filter(has_text="Kommun")
    kommun.click()
    page.keyboard.type("Åtvidaberg")
    page.get_by_role("option", name="Åtvidaberg").click()
    wait_for_title(page, "Individ- och familjeomsorg – Åtvidaberg")
    page.wait_for_url(re.compile(r"kommun=0561"))
    assert "G36722" in page.get_by_test_id("stCaptionContainer").first.inner_text()
    shot(page, "2-oversikt-atvidaberg")

    for n, (link, title) in enumerate(
        [
            ("Jämförelse", "Jämförelse – Individ- och familjeomsorg"),
            ("Alla områden", "Alla områden – Åtvidaberg"),
            ("IFO i delar", "IFO i delar – Åtvidaberg"),
            ("Om data", "Om data"),
        ],
        start=3,
    ):
        page.get_by_test_id("stSidebarNav").get_by_text(link, exact=True).click()
        wait_for_title(page, title)
        assert "kommun=0561" in page.url  # the view follows the user between pages
        assert page.get_by_test_id("stException").count() == 0
        shot(page, f"{n}-{link.lower().replace(' ', '-')}")
    page.context.close()


def test_first_request_to_a_page_url_goes_through_the_router(server, browser):
    page = new_page(browser, viewport={"width": 1400, "height": 1200})
    page.goto(f"{server}/jamforelse?kommun=1267&omrade=ifo")
    wait_for_title(page, "Jämförelse – Individ- och familjeomsorg")
    assert "G36535" in page.get_by_test_id("stCaptionContainer").first.inner_text()
    assert page.get_by_test_id("stSidebarNav").get_by_text("Översikt").count() == 1
    page.context.close()


def test_budgetmal_downloads_png_and_bundle(server, browser, tmp_path):
    import io
    import zipfile

    page = new_page(browser, viewport={"width": 1400, "height": 2400}, accept_downloads=True)
    page.goto(f"{server}/budgetmal?kommun=0561&omrade=ifo")
    wait_for_title(page, "Budgetmål – Individ- och familjeomsorg – Åtvidaberg")
    # the page's text after its title: wait for it rather than count its elements
    page.get_by_test_id("stMarkdown").filter(has_text="För att nå målet").first.wait_for()
    shot(page, "7-budgetmal")

    with page.expect_download(timeout=60_000) as png:
        page.get_by_role("button", name="⬇ PNG").first.click()
    png_path = tmp_path / png.value.suggested_filename
    png.value.save_as(png_path)
    assert png_path.name.endswith(".png") and png_path.read_bytes()[:4] == b"\x89PNG"
    assert png_path.stat().st_size > 50_000

    with page.expect_download(timeout=60_000) as bundle:
        page.get_by_role("button", name="⬇ Paket (.zip)").first.click()
    data = tmp_path / bundle.value.suggested_filename
    bundle.value.save_as(data)
    names = zipfile.ZipFile(io.BytesIO(data.read_bytes())).namelist()
    assert "metadata.json" in names
    assert {n.rsplit(".", 1)[1] for n in names} == {"png", "svg", "xlsx", "csv", "json"}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png_path, ARTIFACTS / png_path.name)
    page.context.close()


def test_rapport_downloads_word_and_pdf(server, browser, tmp_path):
    import io

    import docx
    from pypdf import PdfReader

    page = new_page(browser, viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    page.goto(f"{server}/?kommun=0561&omrade=ifo")
    wait_for_title(page, "Individ- och familjeomsorg – Åtvidaberg")
    page.get_by_role("button", name="Skapa rapport").click()  # on Översikt: opens Rapport
    wait_for_title(page, "Rapport – Åtvidaberg")
    page.get_by_text("Rapporten är klar").wait_for(timeout=60_000)
    shot(page, "9-rapport")
    files = {}
    for label, ext in (("⬇ Word (.docx)", "docx"), ("⬇ PDF", "pdf")):
        with page.expect_download(timeout=60_000) as got:
            page.get_by_role("button", name=label).click()
        path = tmp_path / got.value.suggested_filename
        got.value.save_as(path)
        assert path.name == f"rapport-0561-ifo.{ext}"
        files[ext] = path.read_bytes()
    word = docx.Document(io.BytesIO(files["docx"]))
    assert word.paragraphs[0].text == "Individ- och familjeomsorg – Åtvidaberg"
    assert len(word.inline_shapes) == 7  # Översikt, kronor, 4 driver grids, Kostnad och kvalitet
    pdf = PdfReader(io.BytesIO(files["pdf"]))
    assert "32,0 %" in pdf.pages[0].extract_text()
    page.context.close()


def test_printing_a_page_hides_the_sidebar_and_buttons(server, browser):
    page = new_page(browser, viewport={"width": 1400, "height": 1400})
    page.goto(f"{server}/?kommun=0561&omrade=ifo")
    wait_for_title(page, "Individ- och familjeomsorg – Åtvidaberg")
    assert page.get_by_test_id("stSidebar").is_visible()
    from playwright.sync_api import expect

    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden(timeout=15_000)
    expect(page.get_by_role("button", name="Skapa rapport")).to_be_hidden()
    expect(page.get_by_role("button", name="⬇ PNG").first).to_be_hidden()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()  # the content stays
    # the chart, drawn again for the print layout
    page.locator("[data-testid=stVegaLiteChart] svg.marks text").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    printed = ARTIFACTS / "utskrift-oversikt.pdf"
    page.pdf(path=str(printed), prefer_css_page_size=True)  # the page's @page: A4 landscape
    page.context.close()
    # the chart's year labels, printed: a digit of Source Sans is 0,5 em wide, so a label's
    # width gives its size (the body text's "2019" checks the rule: 12 pt)
    words = subprocess.run(
        ["pdftotext", "-bbox", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout
    years = re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>(20\d\d)</word>', words)
    sizes = sorted((float(x1) - float(x0)) / (4 * 0.5) for x0, x1, _ in years)
    print(f"printed year labels: {len(sizes)}, smallest {sizes[0]:.1f} pt, largest {sizes[-1]:.1f}")
    assert sizes[0] >= 7.0 and 11 <= sizes[-1] <= 13, sizes


def test_the_benchmark_client_runs_what_a_browser_runs(server, browser):
    """bench/capacity.py's websocket sessions send the browser's own rerun requests: the same
    view, and the same kommun change, give the same page as Chromium shows."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from tests.session_client import Session

    async def client_view() -> tuple:
        async with Session(server) as s:
            first = await s.run("kommun=0561&omrade=ifo")
            changed = await s.run(None, {"Kommun": "Växjö"})
            return first, changed, s.query

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds this thread's loop
        first, changed, query = pool.submit(asyncio.run, client_view()).result(timeout=120)
    assert first.title == "Individ- och familjeomsorg – Åtvidaberg"
    assert changed.title == "Individ- och familjeomsorg – Växjö" and "kommun=0780" in query
    assert first.seconds_to_chart is not None and changed.seconds_to_chart is not None
    page = new_page(browser, viewport={"width": 1400, "height": 1400})
    page.goto(f"{server}/?kommun=0780&omrade=ifo")
    wait_for_title(page, "Individ- och familjeomsorg – Växjö")
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stMetric").get_by_test_id("stMetricValue")).to_have_count(
        len(changed.metrics)
    )
    shown = {
        m.get_by_test_id("stMetricLabel").inner_text(): m.get_by_test_id("stMetricValue")
        .inner_text()
        .replace("\xa0", " ")
        for m in page.get_by_test_id("stMetric").all()
    }
    assert {k: v.replace("\xa0", " ") for k, v in changed.metrics.items()} == shown
    page.context.close()


EVIL_LINK = "[Logga in här](http://evil.example/login)"
EVIL_IMAGE = "![x](http://evil.example/x.png)"
PAGES = [
    ("Jämförelse", "Jämförelse – Individ- och familjeomsorg"),
    ("Alla områden", "Alla områden – Åtvidaberg"),
    ("IFO i delar", "IFO i delar – Åtvidaberg"),
    ("Budgetmål", "Budgetmål – Individ- och familjeomsorg – Åtvidaberg"),
    ("Om data", "Om data"),
]


def outside_urls(urls: list[str]) -> list[str]:
    """The URLs (http, https, ws, wss) that go to a host other than this machine."""
    return [
        u
        for u in urls
        if urlsplit(u).scheme in ("http", "https", "ws", "wss")
        and urlsplit(u).hostname not in LOOPBACK
    ]


def linked_resources(page) -> list[str]:
    """Every URL the page's DOM points the browser at (icons, styles, scripts, images, frames)."""
    return page.eval_on_selector_all(
        "link[href], script[src], img[src], iframe[src], source[src]",
        "els => els.map(e => e.href || e.src)",
    )


def assert_warning_shows_literally(page, crafted: str) -> None:
    box = page.get_by_test_id("stAlert").filter(has_text="Ogiltigt värde i länken")
    box.wait_for(timeout=30_000)
    assert f"kommun='{crafted}'" in box.inner_text().replace(WORD_JOINER, "")
    assert box.locator("a").count() == 0 and box.locator("img").count() == 0
    assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0


def test_crafted_links_show_as_text_and_nothing_is_fetched_from_elsewhere(server, browser):
    """A link with Markdown in ``kommun=`` is shown as text; no page sends a request to a host
    other than this machine (Google's fonts for a :material/ favicon, or evil.example)."""
    requests: list[str] = []
    context = browser.new_context(locale=LOCALE, viewport={"width": 1440, "height": 1600})
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    page.on("websocket", lambda ws: requests.append(ws.url))
    for n, crafted in enumerate([EVIL_LINK, EVIL_IMAGE], start=1):
        page.goto(f"{server}/?kommun={quote(crafted)}")
        wait_for_title(page, "Individ- och familjeomsorg – Åtvidaberg")
        page.get_by_test_id("stMetric").first.wait_for()
        page.get_by_role("button", name="⬇ PNG").first.wait_for()
        assert_warning_shows_literally(page, crafted)
        shot(page, f"crafted-{n}-oversikt-1440")
        if n == 1:
            page.set_viewport_size({"width": 400, "height": 1600})
            page.wait_for_timeout(500)
            assert_warning_shows_literally(page, crafted)
            shot(page, f"crafted-{n}-oversikt-400")
            page.set_viewport_size({"width": 1440, "height": 1600})
        assert outside_urls(linked_resources(page)) == []
    for link, title in PAGES:
        page.get_by_test_id("stSidebarNav").get_by_text(link, exact=True).click()
        wait_for_title(page, title)
        assert page.get_by_test_id("stException").count() == 0
        assert outside_urls(linked_resources(page)) == []
    page.wait_for_timeout(1000)  # late requests (fonts, icons)
    assert requests and outside_urls(requests) == [], outside_urls(requests)
    context.close()


def test_budgetmal_what_if_reads_a_decimal_comma(server, browser):
    """A Swedish browser typing "2,5" into Budgetmål's what-if gets 2,5 mnkr (a browser number
    field read it as 25); screenshots of Åtvidaberg and Höör at 1440 and 400 px wide."""
    page = new_page(browser, viewport={"width": 1440, "height": 1600})
    page.goto(f"{server}/budgetmal?kommun=0561&omrade=ifo")
    wait_for_title(page, "Budgetmål – Individ- och familjeomsorg – Åtvidaberg")
    field = page.get_by_label("Belopp (mnkr eller tkr)", exact=True)
    field.fill("2,5")
    field.press("Enter")
    result = page.get_by_test_id("stMarkdown").filter(
        has_text=re.compile(r"Minska nettokostnaden med 2,5\s+mnkr")
    )
    result.wait_for(timeout=30_000)
    result.scroll_into_view_if_needed()
    main = page.get_by_test_id("stMain").inner_text().replace("\xa0", " ")
    assert "med 25,0 mnkr" not in main and "med 25 mnkr" not in main
    assert field.input_value() == "2,5"
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "budgetmal-what-if-2,5")

    for kommun, name, title in (("0561", "atvidaberg", "Åtvidaberg"), ("1267", "hoor", "Höör")):
        for width in (1440, 400):
            # tall enough for the whole page: Streamlit scrolls inside, not the document
            page.set_viewport_size({"width": width, "height": 4200 if width > 1000 else 8000})
            page.goto(f"{server}/budgetmal?kommun={kommun}&omrade=ifo")
            wait_for_title(page, f"Budgetmål – Individ- och familjeomsorg – {title}")
            page.locator(
                "[data-testid=stVegaLiteChart] canvas, [data-testid=stVegaLiteChart] svg"
            ).first.wait_for(timeout=30_000)
            assert page.get_by_test_id("stException").count() == 0
            shot(page, f"budgetmal-{name}-{width}")
    page.context.close()
