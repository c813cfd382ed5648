"""Many users, locally: three ``streamlit run`` replicas in read-only mode on one shared cache,
Debian's nginx in front with deploy/nginx.conf (sticky sessions), the mirror as Kolada, and the
refresh job (``python -m kolada refresh``) run while ten Chromium sessions read. Every session
renders Åtvidaberg's figures, every request of a session reaches one replica, downloads work
through the balancer, no session sees a half-written cache, and after the job every replica
shows the new data."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from benchmark.source import Source
from kolada.store import Store
from tests.deploy_support import nginx_binary, start_nginx, start_replicas, stop
from tests.integration.conftest import copy_cache, start_mirror
from tests.integration.test_browser import CHROMIUM, metric_card, new_page, wait_for_title

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
REPLICAS = 3
SESSIONS = 10
NKA_CARD = re.compile(r"NKA 2022\s+(−?\d+,\d) %")


@pytest.fixture(scope="module")
def farm(reference_cache, tmp_path_factory):
    """The cache (a copy of the mirror's full refresh), three replicas and nginx."""
    tmp = tmp_path_factory.mktemp("farm")
    cache = copy_cache(reference_cache, tmp / "cache")
    nginx_binary()  # fails with the reason when Debian's nginx is missing
    # a replica must never need Kolada: its base URL leads nowhere
    procs, ports = start_replicas(cache, REPLICAS, tmp, KOLADA_BASE_URL="http://127.0.0.1:9/v3")
    nginx, url, log, tls_url = start_nginx(ports, tmp)
    yield {"url": url, "tls_url": tls_url, "cache": cache, "ports": ports, "log": log, "tmp": tmp}
    stop(nginx, *procs)


def nka_shown(page) -> str:
    card = metric_card(page, "NKA 2022", timeout=90_000)
    found = NKA_CARD.search(card.inner_text().replace("\xa0", " "))
    assert found, card.inner_text()
    return found.group(1)


def expected_nka(cache: Path) -> str:
    """Åtvidaberg's IFO NKA 2022 as the cache holds it, written as the card writes it."""
    src = Source(Store(cache))
    vals = src.values(["N30001"], ["0561"])
    value = float(vals[vals["period"] == 2022]["value"].iloc[0])
    return f"{value:.1f}".replace(".", ",").replace("-", "−")


def test_ten_sessions_through_nginx_while_the_job_refreshes(farm, tmp_path):
    if CHROMIUM is None:
        pytest.fail("Chromium not found: install Debian's package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    from tests.integration.test_browser import BROWSER_ARGS

    before = expected_nka(farm["cache"])
    mirror = start_mirror(farm["tmp"], "--revise", "1000000", "--latency-ms", "150", "--seed", "7")
    job_env = {**os.environ, "KOLADA_CACHE_DIR": str(farm["cache"]), "KOLADA_BASE_URL":
               mirror.base_url}  # fmt: skip
    job = None
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            job = subprocess.Popen(
                [sys.executable, "-m", "kolada", "refresh", "--full", "--quiet"],
                cwd=ROOT, env=job_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            )  # fmt: skip
            pages = []
            for _ in range(SESSIONS):  # the sessions open while the job runs
                page = new_page(browser, viewport={"width": 1400, "height": 1400},
                                accept_downloads=True)  # fmt: skip
                page.goto(f"{farm['url']}/?kommun=0561&omrade=ifo")
                pages.append(page)
            during = [nka_shown(page) for page in pages]
            for page in pages:
                assert page.get_by_test_id("stException").count() == 0
                assert page.get_by_role("alert").filter(has_text="gick fel").count() == 0
            running = job.poll() is None
            out, _ = job.communicate(timeout=300)
            assert job.returncode == 0, out
            after = expected_nka(farm["cache"])
            assert after != before  # the mirror revised every value since 2021
            # a session saw the old cache or the new one, never a half-written one
            assert set(during) <= {before, after}, (during, before, after)
            assert during.count(before) > 0  # sessions rendered while the job was writing

            with pages[0].expect_download(timeout=60_000) as got:  # through the balancer
                pages[0].get_by_role("button", name="⬇ CSV").first.click()
            csv = tmp_path / got.value.suggested_filename
            got.value.save_as(csv)
            assert "Åtvidaberg" in csv.read_bytes().decode("utf-8-sig")

            for page in pages:  # a new run on each replica shows the job's data
                page.reload()
                assert nka_shown(page) == after
                sidebar = page.get_by_test_id("stSidebar").inner_text()
                assert "av en schemalagd körning" in sidebar
            browser.close()
    finally:
        if job is not None and job.poll() is None:  # a failed assertion leaves no job behind
            job.kill()
            job.communicate()
        mirror.stop()

    served = defaultdict(set)
    for line in farm["log"].read_text().splitlines():
        cookie, upstream, *_ = line.split(" ")
        if cookie != "-" and upstream != "-":
            served[cookie].add(upstream)
    assert len(served) >= SESSIONS
    assert all(len(upstreams) == 1 for upstreams in served.values()), served  # sticky
    used = set().union(*served.values())
    assert len(used) >= 2, used  # the sessions were spread over the replicas
    print(
        f"replicas used: {len(used)} of {REPLICAS}; sessions: {len(served)}; while the job ran: "
        f"{during.count(before)} saw the old data, {during.count(after)} the new; job still "
        f"running after all {SESSIONS} had rendered: {running}"
    )


def test_nginx_answers_with_security_headers_and_hides_streamlits_internals(farm):
    """The live nginx of the farm: security headers on every answer, no version, no metrics,
    a host-config that lists no foreign origin, and the affinity cookie without Secure on
    plain HTTP (the browser would drop a Secure cookie there)."""
    import json
    import urllib.error
    import urllib.request

    with urllib.request.urlopen(farm["url"] + "/", timeout=30) as answer:
        headers = answer.headers
        page = answer.read().decode()
    assert '<html lang="sv">' in page and 'lang="en"' not in page  # Swedish, for screen readers
    assert "window.__streamlit={BACKEND_BASE_URL:" in page  # no probing from a page's link
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert headers["Server"] == "nginx"  # server_tokens off: no version
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("nka_affinity=") and "HttpOnly" in cookie and "Secure" not in cookie
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(farm["url"] + "/_stcore/metrics", timeout=30)
    assert missing.value.code == 404
    assert missing.value.headers["X-Content-Type-Options"] == "nosniff"
    missing.value.close()  # an HTTPError holds the answer open
    with urllib.request.urlopen(farm["url"] + "/_stcore/host-config", timeout=30) as answer:
        assert json.load(answer)["allowedOrigins"] == []


def test_nginx_serves_tls_with_hsts_and_a_secure_cookie(farm):
    """The TLS server block with a (here self-signed) mounted certificate: the app over HTTPS,
    HSTS, and the affinity cookie marked Secure; plain HTTP has no HSTS."""
    import ssl
    import urllib.request

    context = ssl.create_default_context(cafile=str(farm["tmp"] / "nginx" / "tls" / "tls.crt"))
    with urllib.request.urlopen(farm["tls_url"] + "/", timeout=30, context=context) as answer:
        headers = answer.headers
        assert answer.status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("nka_affinity=") and "; Secure" in cookie and "HttpOnly" in cookie
    with urllib.request.urlopen(farm["url"] + "/", timeout=30) as answer:
        assert "Strict-Transport-Security" not in answer.headers


def test_a_link_straight_to_a_page_loads_without_a_404(farm):
    """Streamlit finds its server by probing the link's path first (/jamforelse/_stcore/health:
    a 404 in the console on every direct link); nginx tells it the root instead."""
    if CHROMIUM is None:
        pytest.fail("Chromium not found: install Debian's package (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    from tests.integration.test_browser import BROWSER_ARGS

    missing, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        for page_name, title in (("jamforelse", "Jämförelse"), ("om_data", "Om data")):
            page = new_page(browser)
            page.on("response", lambda r: r.status >= 400 and missing.append(r.url))
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.goto(f"{farm['url']}/{page_name}?kommun=0561&omrade=ifo")
            wait_for_title(page, title)
            page.context.close()
        browser.close()
    print(f"direct links opened: 2; answers ≥ 400: {len(missing)}; console errors: {len(errors)}")
    assert missing == [] and errors == [], (missing, errors)
