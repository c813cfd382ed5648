"""WCAG 2.1 A and AA, checked by axe-core (``axe-playwright-python`` injects its bundled
axe.min.js into Debian's Chromium; nothing is downloaded) on every page, at 1440 and 400 px, for
Åtvidaberg's IFO and for Höör, whose latest years have preliminary values and too few peers.
Any violation fails the test, named with its rule, page, width and elements."""

from __future__ import annotations

import pytest

from benchmark import accessibility as a11y
from tests.integration.test_browser import browser, new_page, server  # noqa: F401 fixtures

pytestmark = pytest.mark.integration

PAGES = ["", "jamforelse", "alla_omraden", "ifo_delar", "kostnadsdrivare", "kvalitet",
         "budgetmal", "rapport", "om_data"]  # fmt: skip
VIEWS = ["kommun=0561&omrade=ifo", "kommun=1267&omrade=ifo&fran=2018&till=2025"]
WIDTHS = [1440, 400]
PAGES.append("tillganglighet")
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


def scan(browser, url: str, width: int) -> list[dict]:  # noqa: F811 - the fixture, passed in
    from axe_playwright_python.sync_playwright import Axe

    page = new_page(browser, viewport={"width": width, "height": 1000})
    try:
        page.goto(url)
        page.get_by_role("heading", level=1).first.wait_for(timeout=90_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1000)  # let Vega draw
        page.wait_for_function("document.documentElement.lang === 'sv'", timeout=30_000)
        response = Axe().run(page, options=WCAG_21_AA).response
        assert response["testEngine"]["version"].startswith(a11y.AXE_VERSION + ".")
        return response["violations"]
    finally:
        page.context.close()


def test_every_page_has_no_wcag_21_aa_violation(server, browser):  # noqa: F811
    found, scans = [], 0
    for view in VIEWS:
        for width in WIDTHS:
            for name in PAGES:
                scans += 1
                for v in scan(browser, f"{server}/{name}?{view}", width):
                    targets = [n["target"] for n in v["nodes"][:3]]
                    found.append(f"{v['id']} ({v['impact']}) {name or 'oversikt'} {width} px "
                                 f"{view}: {v['help']} — {targets}")  # fmt: skip
    print(f"axe-core: {scans} page scans, {len(found)} violations")
    assert not found, "\n".join(found)
    # what the tillgänglighetsredogörelse says was tested
    assert len(PAGES) * len(WIDTHS) * len(VIEWS) == a11y.SCANS
    assert tuple(WIDTHS) == a11y.WIDTHS and a11y.VIOLATIONS == 0


def tab_to(page, test: str, most: int = 250) -> None:
    """Press Tab until ``test`` (JS, given the focused element ``el``) holds."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!({test}); }})()"):
            return
    raise AssertionError(f"the keyboard never reached: {test}")


def test_the_keyboard_alone_changes_kommun_opens_every_page_and_downloads(server, browser):  # noqa: F811
    """Without a mouse: Tab to the kommun picker and choose Västerås, Tab to each page's link in
    the sidebar and open it, and on Översikt download the chart's CSV."""
    page = new_page(browser, viewport={"width": 1440, "height": 1000})
    try:
        page.goto(f"{server}/?kommun=0561&omrade=ifo")
        page.get_by_role("heading", level=1).filter(has_text="Åtvidaberg").wait_for(timeout=90_000)
        page.wait_for_load_state("networkidle")
        in_sidebar = "el.closest('[data-testid=stSidebar]')"
        tab_to(page, f"el.getAttribute('role') === 'combobox' && {in_sidebar}")
        page.keyboard.type("Västerås")
        page.keyboard.press("Enter")
        page.get_by_role("heading", level=1).filter(has_text="Västerås").wait_for(timeout=90_000)
        links = {"Jämförelse": "jamforelse", "Alla områden": "alla_omraden",
                 "IFO i delar": "ifo_delar", "Kostnadsdrivare": "kostnadsdrivare",
                 "Kostnad och kvalitet": "kvalitet",
                 "Budgetmål": "budgetmal", "Rapport": "rapport", "Om data": "om_data",
                 "Tillgänglighet": "tillganglighet", "Översikt": ""}  # fmt: skip
        for title, slug in links.items():
            page.locator("body").focus()
            tab_to(page, f"el.tagName === 'A' && el.textContent.trim().endsWith({title!r})")
            page.keyboard.press("Enter")
            page.wait_for_url(lambda url, s=slug: url.split("?")[0].rstrip("/").endswith(
                f"/{s}" if s else str(server).rstrip("/")), timeout=60_000)  # fmt: skip
            page.get_by_role("heading", level=1).first.wait_for(timeout=90_000)
            page.wait_for_load_state("networkidle")
        page.get_by_role("heading", level=1).filter(has_text="Västerås").wait_for(timeout=90_000)
        page.locator("body").focus()
        tab_to(
            page, "el.textContent.includes('CSV') && el.closest('[data-testid=stDownloadButton]')"
        )
        with page.expect_download(timeout=60_000) as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".csv")
    finally:
        page.context.close()
