"""WCAG 2.1 A and AA, checked by axe-core (``axe-playwright-python`` injects its bundled
axe.min.js into Debian's Chromium; nothing is downloaded) on every page, at 1440 and 400 px, for
Åtvidaberg's IFO and for Höör, whose latest years have preliminary values and too few peers.
Any violation fails the test, named with its rule, page, width and elements."""

from __future__ import annotations

import pytest

from benchmark import accessibility as a11y
from tests.integration.test_browser import browser, new_page, server  # noqa: F401 fixtures

pytestmark = pytest.mark.integration

PAGES = ["", "jamforelse", "alla_omraden", "ifo_delar", "kostnadsdrivare", "budgetmal",
         "rapport", "om_data"]  # fmt: skip
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
