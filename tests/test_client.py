"""The client over HTTP mocked with ``responses`` (no network)."""

import json
import re
import socket
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
import urllib3

from kolada.client import (
    DEFAULT_BASE_URL,
    MAX_PAGES,
    MAX_RPS,
    MUNICIPALITIES_MAX,
    KoladaClient,
    base_url_from_env,
    most_rows,
    parse_body,
)
from kolada.errors import BadInput, KoladaError
from kolada.transport import network_error_text
from tests.conftest import load_fixture

BASE = "https://kolada.test/v3"


@pytest.fixture
def client():
    with KoladaClient(BASE, max_rps=0) as c:
        yield c


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def path_ids(url: str, segment: str) -> list[str]:
    parts = urlsplit(url).path.split("/")
    return parts[parts.index(segment) + 1].split(",")


def test_default_base_url_and_env_override(monkeypatch):
    monkeypatch.delenv("KOLADA_BASE_URL", raising=False)
    assert base_url_from_env() == DEFAULT_BASE_URL == "https://api.kolada.se/v3"
    monkeypatch.setenv("KOLADA_BASE_URL", "http://127.0.0.1:9/v3/")
    assert KoladaClient().base_url == "http://127.0.0.1:9/v3"


def test_session_retries_on_the_adapter(client):
    retry = client.session.get_adapter(BASE).max_retries
    assert {429, 500, 502, 503, 504} <= set(retry.status_forcelist)
    assert retry.respect_retry_after_header
    assert retry.total >= 3 and retry.connect >= 3
    assert retry.backoff_factor > 0
    assert "nka-jamforelse" in client.session.headers["User-Agent"]


def test_paging_follows_next_url_not_count(client, mocked):
    page2_url = load_fixture("data_page1.json")["next_url"].replace(
        "https://api.kolada.se/v3", BASE
    )
    first = load_fixture("data_page1.json") | {"next_url": page2_url, "count": 99}
    mocked.get(re.compile(rf"{re.escape(BASE)}/data/kpi/N30001/.*"), json=first)
    mocked.get(page2_url, json=load_fixture("data_page2.json"))
    mocked.calls.reset()
    rows = client.fetch_values(["N30001"], ["0561", "0780"], [2020, 2021])
    assert [(r["municipality"], r["period"]) for r in rows] == [
        ("0561", 2020), ("0561", 2021), ("0780", 2020),
    ]  # fmt: skip
    assert client.requests_sent == 2
    assert parse_qs(urlsplit(mocked.calls[0].request.url).query)["per_page"] == ["5000"]


def test_more_than_25_ids_are_split_into_segments(client, mocked):
    mocked.get(re.compile(rf"{re.escape(BASE)}/data/.*"), json={"values": [], "next_url": None})
    munis = [f"{i:04d}" for i in range(100, 160)]  # 60 ids
    client.fetch_values(["N30001"], munis, [2020])
    sent = [path_ids(c.request.url, "municipality") for c in mocked.calls]
    assert [len(s) for s in sent] == [25, 25, 10]
    assert [m for s in sent for m in s] == munis


def test_422_splits_further_instead_of_failing(client, mocked):
    def answer(request):
        ids = path_ids(request.url, "municipality")
        if len(ids) > 6:
            return 422, {}, json.dumps({"error": "Too many ids"})
        cell = {"gender": "T", "count": 1, "status": "", "value": 1.0, "isdeleted": False}
        rows = [{"kpi": "N30001", "municipality": m, "period": 2020, "values": [cell]} for m in ids]
        return 200, {}, json.dumps({"values": rows, "count": len(rows), "next_url": None})

    mocked.add_callback(responses.GET, re.compile(rf"{re.escape(BASE)}/data/.*"), callback=answer)
    munis = [f"{i:04d}" for i in range(100, 120)]
    rows = client.fetch_values(["N30001"], munis, [2020])
    assert sorted(r["municipality"] for r in rows) == munis


def test_422_with_single_ids_is_an_error_naming_the_url(client, mocked):
    mocked.get(re.compile(rf"{re.escape(BASE)}/data/.*"), status=422, json={"error": "nope"})
    with pytest.raises(KoladaError, match="HTTP 422") as err:
        client.fetch_values(["N30001"], ["0561"], [2020])
    assert err.value.url.startswith(f"{BASE}/data/kpi/N30001/municipality/0561/year/2020")
    assert err.value.status == 422


def test_body_decoded_as_utf8_whatever_the_headers_say(client, mocked):
    body = json.dumps({"values": [{"id": "0561", "title": "Åtvidaberg", "type": "K"}]},
                      ensure_ascii=False).encode("utf-8")  # fmt: skip
    mocked.get(f"{BASE}/municipality", body=body, content_type="application/json; charset=latin-1")
    assert client.fetch_municipalities()[0]["title"] == "Åtvidaberg"


def test_utf8_bom_is_accepted():
    body = "\ufeff" + json.dumps({"values": [], "next_url": None})
    assert parse_body(body.encode("utf-8"), "u")["values"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"values": [ {"kpi": "N3000', "inte giltig JSON"),  # cut short
        (b"<html>Service unavailable</html>", "inte giltig JSON"),
        (b'{"error": "x"}', "saknar listan 'values'"),
        (b'{"values": {"a": 1}}', "saknar listan 'values'"),
        (b"[]", "saknar listan 'values'"),
        (b'{"values": [], "next_url": 5}', "next_url"),
        (b"\xff\xfe<html>", "UTF-8"),
    ],
)
def test_bad_bodies_raise_with_the_url(body, message):
    with pytest.raises(KoladaError, match=message) as err:
        parse_body(body, "https://kolada.test/v3/x")
    assert "https://kolada.test/v3/x" in str(err.value)


def test_malformed_body_is_asked_for_again_then_fails_with_url(client, mocked):
    mocked.get(f"{BASE}/municipality", body=b"not json")
    with pytest.raises(KoladaError, match="inte giltig JSON") as err:
        client.fetch_municipalities()
    assert f"{BASE}/municipality" in str(err.value)
    assert len(mocked.calls) == client.body_retries + 1


def test_malformed_then_good_body_succeeds(client, mocked):
    mocked.get(f"{BASE}/municipality", body=b"<html>")
    mocked.get(f"{BASE}/municipality", json=load_fixture("municipality.json"))
    assert len(client.fetch_municipalities()) == len(load_fixture("municipality.json")["values"])


def test_next_url_loop_is_an_error(client, mocked):
    url = f"{BASE}/kpi?per_page=5000"
    mocked.get(url, json={"values": [], "next_url": url})
    with pytest.raises(KoladaError, match="cirkel"):
        client.fetch_kpis()


def test_connection_error_names_the_url(client, mocked):
    mocked.get(f"{BASE}/municipality", body=requests.ConnectionError("refused"))
    with pytest.raises(KoladaError, match="Kunde inte nå Kolada") as err:
        client.fetch_municipalities()
    assert err.value.url.startswith(f"{BASE}/municipality")


def test_metadata_endpoints(client, mocked):
    mocked.get(f"{BASE}/kpi/N30001,N30026,N01951", json=load_fixture("kpi.json"))
    mocked.get(f"{BASE}/municipality_groups", json=load_fixture("municipality_groups.json"))
    mocked.get(f"{BASE}/municipality", json=load_fixture("municipality.json"))
    assert [k["id"] for k in client.fetch_kpis(["N30001", "N30026", "N01951"])][:1] == ["N30001"]
    assert client.fetch_groups(title="Åtvidaberg")[0]["id"] == "G36722"
    assert parse_qs(urlsplit(mocked.calls[1].request.url).query)["title"] == ["Åtvidaberg"]
    client.fetch_municipalities("K")
    assert parse_qs(urlsplit(mocked.calls[2].request.url).query)["region_type"] == ["K"]


def test_bulk_form_without_municipalities(client, mocked):
    mocked.get(re.compile(rf"{re.escape(BASE)}/data/kpi/N30001/year/2019,2020\?.*"),
               json={"values": [], "next_url": None})  # fmt: skip
    client.fetch_values(["N30001"], None, [2020, 2019])
    assert len(mocked.calls) == 1


def test_municipality_and_year_without_kpis(client, mocked):
    mocked.get(re.compile(rf"{re.escape(BASE)}/data/municipality/0561/year/2020\?.*"),
               json={"values": [], "next_url": None})  # fmt: skip
    client.fetch_values(None, ["0561"], [2020])
    assert len(mocked.calls) == 1


def test_from_date_is_passed_and_checked(client, mocked):
    mocked.get(re.compile(rf"{re.escape(BASE)}/data/.*"), json={"values": [], "next_url": None})
    client.fetch_values(["N30001"], None, [2020], from_date="2026-01-01")
    assert parse_qs(urlsplit(mocked.calls[0].request.url).query)["from_date"] == ["2026-01-01"]
    with pytest.raises(BadInput, match="2026-13-01"):
        client.fetch_values(["N30001"], None, [2020], from_date="2026-13-01")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpis": ["../x"], "municipalities": ["0561"]}, "'../x'"),
        ({"kpis": ["N30001"], "municipalities": ["../x"]}, "'../x'"),
        ({"kpis": [], "municipalities": ["0561"]}, "Tom lista"),
        ({"kpis": ["N30001"], "municipalities": []}, "Tom lista"),
        ({"kpis": ["N30001"], "years": [1899]}, "1899"),
        ({"kpis": ["N30001"]}, "minst två"),
        ({"kpis": None, "municipalities": ["0561"]}, "minst två"),
    ],
)
def test_bad_input_is_refused_before_any_request(client, mocked, kwargs, message):
    with pytest.raises(BadInput, match=re.escape(message)):
        client.fetch_values(**kwargs)
    assert len(mocked.calls) == 0
    assert client.requests_sent == 0


def test_bad_municipality_type(client, mocked):
    with pytest.raises(BadInput, match="'X'"):
        client.fetch_municipalities("X")
    assert len(mocked.calls) == 0


def test_throttle_spaces_requests(mocked):
    import time

    mocked.get(f"{BASE}/municipality", json={"values": [], "next_url": None})
    with KoladaClient(BASE, max_rps=20) as c:
        start = time.monotonic()
        for _ in range(5):
            c.fetch_municipalities()
        assert time.monotonic() - start >= 4 / 20 * 0.95


def test_a_429_slows_the_pace_for_the_rest_of_the_run(mocked):
    """A server that still answers 429 at our pace (its clock sees requests bunched by the network
    and its own load) gets a wider gap from then on; a 503 is not about pace and changes nothing."""
    url = f"{BASE}/municipality"
    ok = {"json": {"values": [], "next_url": None}}
    mocked.get(url, status=429, headers={"Retry-After": "0"})
    mocked.get(url, **ok)
    mocked.get(url, status=503, headers={"Retry-After": "0"})
    mocked.get(url, **ok)
    with KoladaClient(BASE, max_rps=20) as c:
        c.fetch_municipalities()
        assert c.requests_sent == 2  # the retry is counted
        assert c._throttle.interval == pytest.approx(1 / 20 * 1.5)
        c.fetch_municipalities()  # 503, then 200
        assert c.requests_sent == 4
        assert c._throttle.interval == pytest.approx(1 / 20 * 1.5)
        for _ in range(20):
            c._count_request(429)
        assert c._throttle.interval == c._throttle.SLOWEST  # never slower than one per 2 s


def test_no_pace_stays_no_pace_after_a_429():
    with KoladaClient(BASE, max_rps=0) as c:
        c._count_request(429)
        assert c._throttle.interval == 0


def test_the_page_cap_is_reached_inside_a_refresh_deadline():
    """An endless next_url ends at the cap before the refresh's deadline would: the cap can
    actually be reached at the polite request rate."""
    from kolada.refresh import DEFAULT_DEADLINE

    assert MAX_PAGES / MAX_RPS < DEFAULT_DEADLINE / 2


def test_most_rows_is_the_product_of_the_segments():
    seg = {"kpi": ["N1", "N2"], "municipality": ["0561", "0780", "1267"], "year": ["2021"]}
    assert most_rows(seg) == 6
    assert most_rows({"kpi": ["N1"], "year": ["2021", "2022"]}) == MUNICIPALITIES_MAX * 2
    today = date(2026, 12, 7)  # every year from 1990 to next year: 38
    assert most_rows({"kpi": ["N1"], "municipality": ["0561"]}, today=today) == 38
    assert most_rows({"municipality": ["0561"], "year": ["2021"]}) is None


def _wrapped(reason: BaseException) -> requests.ConnectionError:
    """What requests raises when urllib3 gave up: its error wrapping urllib3's MaxRetryError."""
    url = "/v3/municipality"
    return requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, url, reason))


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            _wrapped(urllib3.exceptions.NameResolutionError("kolada.se", None, OSError("x"))),
            "servernamnet gick inte att slå upp",
        ),
        (
            _wrapped(urllib3.exceptions.ResponseError("too many 503 error responses")),
            "Kolada svarade med fel (HTTP 503) vid varje nytt försök",
        ),
        (requests.ConnectTimeout("HTTPSConnectionPool: timed out"), "ingen anslutning inom"),
        (requests.ReadTimeout("Read timed out."), "inget svar inom tidsgränsen"),
        (requests.exceptions.InvalidSchema("No connection adapters were found"), "http://"),
        (requests.exceptions.SSLError("CERTIFICATE_VERIFY_FAILED"), "säker anslutning (TLS)"),
        (requests.ConnectionError(ConnectionResetError(104, "reset")), "anslutningen bröts"),
    ],
)
def test_network_errors_are_said_in_swedish(error, said):
    text = network_error_text(error)
    assert said in text
    for english in ("Max retries", "No connection adapters", "timed out", "Caused by"):
        assert english not in text


def test_a_refused_connection_and_a_wrong_scheme_are_said_in_swedish():
    """Real requests, to a loopback port nobody listens on and to an ftp:// address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for base, said in [
        (f"http://127.0.0.1:{port}/v3", "servern tog inte emot anslutningen"),
        ("ftp://127.0.0.1/v3", "adressen måste börja med http:// eller https://"),
    ]:
        with KoladaClient(base, max_rps=0) as client, pytest.raises(KoladaError) as info:
            client.fetch_municipalities()
        assert f"Kunde inte nå Kolada: {said} ({base}/municipality" in str(info.value)
        assert "Max retries" not in str(info.value)


def test_an_unrecognised_network_error_keeps_its_words_as_a_detail():
    assert network_error_text(requests.RequestException("odd thing")) == "nätverksfel (odd thing)"
