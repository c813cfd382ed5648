"""Kolada's names as an attacker would write them, walked through every page in Chromium
(issue 20): Åtvidaberg named as a Markdown image, a peer as a Markdown link, another as KaTeX,
group titles with an HTML tag. No page renders a link or image to the attacker's host or a
formula, none sends a request there, none shows an exception."""

from __future__ import annotations

import pytest

from tests.conftest import fill_cache
from tests.deploy_support import start_replicas, stop
from tests.integration.test_browser import (
    BROWSER_ARGS,
    CHROMIUM,
    LOCALE,
    linked_resources,
    outside_urls,
)
from tests.test_app import KOMMUNER, WITHOUT_VALUES, CraftedClient

pytestmark = pytest.mark.integration
KATEX = "$$e^{i\\pi}+1=0$$"


class KatexClient(CraftedClient):
    """The crafted names, and Tanum (a member of Åtvidaberg's IFO group) as a formula."""

    def fetch_municipalities(self):
        return [
            {**m, "title": KATEX} if m["id"] == "1435" else m
            for m in super().fetch_municipalities()
        ]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if CHROMIUM is None:
        pytest.fail("Chromium not found: install Debian's package (apt-get install -y chromium)")
    client = KatexClient(munis=[k for k in KOMMUNER if k != WITHOUT_VALUES])
    cache = fill_cache(tmp_path_factory.mktemp("hostile"), client)
    tmp = tmp_path_factory.mktemp("hostile-log")
    # one read-only replica; Kolada's base URL leads nowhere
    procs, ports = start_replicas(cache, 1, tmp, KOLADA_BASE_URL="http://127.0.0.1:9/v3")
    yield f"http://127.0.0.1:{ports[0]}"
    stop(*procs)


def assert_inert(page) -> None:
    assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
    assert page.locator(".katex, .katex-display").count() == 0  # no formula rendered
    assert page.get_by_test_id("stException").count() == 0
    assert outside_urls(linked_resources(page)) == []


def test_hostile_names_are_text_on_every_page(server):
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        context = browser.new_context(locale=LOCALE, viewport={"width": 1440, "height": 1600})
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.goto(f"{server}/?kommun=0561&omrade=ifo")
        page.get_by_test_id("stMetric").first.wait_for(timeout=90_000)
        title = page.locator("h1").first.inner_text().replace("\u2060", "")  # no autolink
        assert "![x](http://evil.example/x.png)" in title
        assert_inert(page)
        nav = page.get_by_test_id("stSidebarNav")
        # each link's text is its icon's name, then the page's
        names = [a.inner_text().split("\n")[-1].strip() for a in nav.locator("a").all()]
        assert "Kostnadsdrivare" in names and "Rapport" in names
        for name in names:
            nav.get_by_text(name, exact=True).click()
            page.locator("h1").first.wait_for(timeout=90_000)
            page.wait_for_timeout(2500)  # the page's elements after its title
            for expander in page.get_by_test_id("stExpander").all():
                expander.locator("summary").click()
            page.wait_for_timeout(1500)
            assert_inert(page)
        page.wait_for_timeout(1000)  # late requests
        browser.close()
    assert requests and outside_urls(requests) == [], outside_urls(requests)
