"""HTTP client for the Kolada API v3.

(About 460 lines: paging, id splitting, pacing and the checks on what arrives are one request
loop; the transport limits — deadlines, body size, host pinning — are in ``transport``.)

One ``requests.Session`` with timeouts, a User-Agent naming the project, and urllib3 ``Retry`` on
the adapter (connection errors, 429 and 5xx, honouring ``Retry-After``). Requests are spaced to at
most ``max_rps`` per second, and further apart after each 429. Paging follows ``next_url`` until
it is null; id lists are split into path segments of at most 25 ids, and split further if the
server still answers 422.

Nothing that arrives is trusted blindly: ``next_url`` and HTTP redirects are followed only on
the base URL's own scheme, host and port; a query ends after ``max_pages`` pages; every request has
an overall deadline (not only a read timeout that each dripped byte resets) and a maximum body
size; a run (a refresh) can set a deadline of its own; ``Retry-After`` is capped.

Errors are turned into ``KoladaError`` (with the URL) only here, outside the retry boundary.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import product
from urllib.parse import quote, urlencode, urljoin

import requests
import urllib3

from kolada.errors import BadInput, KoladaError
from kolada.ids import (
    FIRST_YEAR,
    chunked,
    validate_kpi_ids,
    validate_municipality_ids,
    validate_years,
)
from kolada.transport import (
    DeadlinePassed,
    InFlight,
    Watchdog,
    build_session,
    network_error_text,
    origin,
    seconds_left,
)

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
PER_PAGE = 5000
MAX_RPS = 4.8  # requests per second, at most
# Pages per query: a next_url that changes forever ends here. The largest real query (25 KPIs ×
# every municipality × the years a refresh asks for) has a few dozen pages; 500 pages at MAX_RPS
# take ~105 s, so the cap is reached well inside a refresh's deadline (300 s).
MAX_PAGES = 500
EMPTY_PAGES = 2  # empty pages in a row that still point further: an endless next_url
# A data row is one KPI × municipality × year: a query cannot hold more rows than the product of
# its segments. Without a municipality segment, every municipality Kolada lists answers (290
# kommuner, 21 regioner, riket: at most 400 with room); without a year segment, every year.
MUNICIPALITIES_MAX = 400
MAX_BODY_BYTES = 64 * 1024 * 1024  # decompressed; a full page of 5000 data rows is ~1 MB
REQUEST_DEADLINE = 120.0  # seconds for one request, redirects and body included
MAX_REDIRECTS = 5
STATUS_SV = {  # what an HTTP status means, for a message
    400: "felaktig fråga",
    401: "inloggning krävs",
    403: "åtkomst nekad",
    404: "finns inte",
    422: "frågan kan inte besvaras",
    429: "för många förfrågningar",
    500: "serverfel",
    502: "tillfälligt otillgänglig",
    503: "tillfälligt otillgänglig",
    504: "tillfälligt otillgänglig",
}
READ_CHUNK = 64 * 1024


def base_url_from_env() -> str:
    """``KOLADA_BASE_URL`` if set, else the public API."""
    return (os.environ.get("KOLADA_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")


def parse_body(content: bytes, url: str) -> dict:
    """Decode a v3 envelope as UTF-8 (whatever the headers say) and check it has ``values``."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KoladaError("Svaret från Kolada är inte giltig UTF-8", url) from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as e:
        raise KoladaError(f"Svaret från Kolada är inte giltig JSON ({e.msg})", url) from None
    except RecursionError:
        raise KoladaError("Svaret från Kolada är för djupt nästlat", url) from None
    if not isinstance(body, dict) or not isinstance(body.get("values"), list):
        raise KoladaError("Svaret från Kolada saknar listan 'values'", url)
    next_url = body.get("next_url")
    if next_url is not None and not isinstance(next_url, str):
        raise KoladaError("Svaret från Kolada har ett ogiltigt 'next_url'", url)
    count = body.get("count")
    if count is not None and (type(count) is not int or count < 0):
        raise KoladaError(
            f"Svaret från Kolada har ett ogiltigt 'count' ({_short(str(count).encode(), 40)})", url
        )
    return body


class _BodyError(Exception):
    """A response whose body was cut short or is not a v3 envelope (may be asked for again)."""

    def __init__(self, error: KoladaError):
        self.error = error


class _Throttle:
    """Spaces requests by at least 1/rate seconds (thread-safe); a rate of 0 sends at once.

    The next slot is anchored on when a request really leaves, not on when it was planned: a
    thread that wakes up late (another thread holding the GIL) must not squeeze the next gap.
    A server that still answers 429 (its clock sees our requests bunched by the network and its
    own load, or its limit is lower than ours) gets a slower pace from then on: each 429 widens
    the gap by half, up to ``SLOWEST`` seconds.
    """

    SLOWEST = 2.0

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_start = 0.0
        self.lock = threading.Lock()

    def slow_down(self) -> None:
        with self.lock:
            if self.interval:
                self.interval = min(self.interval * 1.5, self.SLOWEST)

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:  # one thread at a time takes the next slot
            delay = self.next_start - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.next_start = time.monotonic() + self.interval


@dataclass(frozen=True)
class Page:
    url: str
    values: list[dict]


ProgressFn = Callable[[str], None]


class KoladaClient:
    """Reads Kolada v3. Counts every request it sends, retries included, in ``requests_sent``.

    Safe to share between a few threads: the session's pool, the throttle and the counter are.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = (5.0, 60.0),
        max_rps: float = MAX_RPS,
        per_page: int = PER_PAGE,
        body_retries: int = 3,
        max_pages: int = MAX_PAGES,
        max_body_bytes: int = MAX_BODY_BYTES,
        request_deadline: float = REQUEST_DEADLINE,
    ):
        self.base_url = (base_url or base_url_from_env()).rstrip("/")
        self.session = session or build_session(
            on_retry=self._count_request, time_left=self._time_left
        )
        self.timeout = timeout
        self.per_page = per_page
        self.body_retries = body_retries
        self.max_pages = max_pages
        self.max_body_bytes = max_body_bytes
        self.request_deadline = request_deadline
        self.stop_at: float | None = None  # time.monotonic() after which no request is sent
        self.stop_reason = ""
        self.requests_sent = 0
        self._count_lock = threading.Lock()
        self._in_flight: set[InFlight] = set()  # requests under way, on any thread
        self._local = threading.local()
        self._throttle = _Throttle(max_rps)

    def _count_request(self, status: int | None = None) -> None:
        """One more request sent (a first try, or a retry for ``status``)."""
        if status == 429:
            self._throttle.slow_down()
        with self._count_lock:
            self.requests_sent += 1
        self._local.sent = self.thread_requests() + 1

    def _time_left(self) -> float:
        """Seconds until the calling thread's request must be done (sooner after ``abort``)."""
        left = seconds_left(getattr(self._local, "ends_at", None))
        stop = self.stop_at
        return left if stop is None else min(left, max(stop - time.monotonic(), 0.0))

    @contextmanager
    def deadline(self, seconds: float | None, reason: str) -> Iterator[None]:
        """No request is sent, and none waits for its answer, after ``seconds`` from now."""
        outer = self.stop_at, self.stop_reason
        if seconds is not None:
            self.stop_at, self.stop_reason = time.monotonic() + seconds, reason
        try:
            yield
        finally:
            self.stop_at, self.stop_reason = outer

    def abort(self, reason: str) -> None:
        """Send no further request and cut the ones in flight now (another part of a refresh
        failed: it fails at once, not when a hung request reaches its own deadline)."""
        self.stop_at, self.stop_reason = time.monotonic(), reason
        with self._count_lock:
            in_flight = list(self._in_flight)
        for request in in_flight:
            request.expire()

    @contextmanager
    def _watched(self, ends_at: float) -> Iterator[InFlight]:
        """A request cut at ``ends_at`` by a watchdog, or sooner by ``abort``."""
        with Watchdog(ends_at - time.monotonic()) as request:
            with self._count_lock:
                self._in_flight.add(request)
            try:
                if self.stop_at is not None and self.stop_at <= time.monotonic():
                    request.expire()  # aborted between the deadline check and here
                yield request
            finally:
                with self._count_lock:
                    self._in_flight.discard(request)

    def thread_requests(self) -> int:
        """Requests sent by the calling thread (exact per task when a few threads share us)."""
        return getattr(self._local, "sent", 0)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- one request -----------------------------------------------------------------------
    def _ends_at(self) -> float:
        end = time.monotonic() + self.request_deadline
        return end if self.stop_at is None else min(end, self.stop_at)

    def _late(self, ends_at: float, url: str) -> KoladaError:
        if self.stop_at is not None and ends_at >= self.stop_at:
            return KoladaError(f"Tidsgränsen för {self.stop_reason} överskreds", url)
        return KoladaError(f"Kolada svarade inte färdigt inom {self.request_deadline:g} s", url)

    def require_same_origin(self, url: str, came_from: str) -> None:
        """Raise ``KoladaError`` naming both URLs unless ``url`` is on the base URL's scheme,
        host and port."""
        mine = origin(self.base_url)
        if mine is None or origin(url) != mine:
            raise KoladaError(
                f"Kolada pekade vidare till en annan server ({_short(url.encode(), 120)}); "
                f"bara {self.base_url} används",
                came_from,
            )

    def _send(self, url: str, ends_at: float) -> requests.Response:
        self._throttle.wait()
        stop = self.stop_at  # moved earlier by ``abort`` since ``ends_at`` was set
        left = (ends_at if stop is None else min(ends_at, stop)) - time.monotonic()
        if left <= 0:
            raise self._late(ends_at, url)
        self._count_request()
        self._local.ends_at = ends_at
        logger.debug("GET %s", url)
        try:
            return self.session.get(
                url,
                timeout=(min(self.timeout[0], left), min(self.timeout[1], left)),
                stream=True,
                allow_redirects=False,
            )
        except DeadlinePassed:
            raise self._late(ends_at, url) from None
        except requests.RequestException as e:
            raise KoladaError(f"Kunde inte nå Kolada: {network_error_text(e)}", url) from None

    def _read_body(self, response: requests.Response, url: str, ends_at: float) -> bytes:
        """The decompressed body, read as it arrives, within the deadline and size limit."""
        parts, size = [], 0
        while True:
            if time.monotonic() >= ends_at:
                raise self._late(ends_at, url)
            try:
                chunk = response.raw.read1(READ_CHUNK, decode_content=True)
            except (urllib3.exceptions.HTTPError, OSError) as e:
                raise _BodyError(
                    KoladaError(f"Svaret från Kolada avbröts ({network_error_text(e)})", url)
                ) from None
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            if size > self.max_body_bytes:
                raise KoladaError(
                    f"Svaret från Kolada är större än {self.max_body_bytes // 2**20} MB", url
                )
            parts.append(chunk)

    def _get_once(self, url: str, ends_at: float) -> dict:
        """One GET (redirects on the same host followed), cut at ``ends_at`` by a watchdog."""
        with self._watched(ends_at) as request:
            try:
                response = self._follow(url, ends_at)
                with response:
                    content = self._read_body(response, url, ends_at)
            except (KoladaError, _BodyError):
                if request.expired:
                    raise self._late(ends_at, url) from None
                raise
        if response.status_code != 200:
            status = response.status_code
            said = STATUS_SV.get(status) or ("serverfel" if status >= 500 else "fel i frågan")
            body = _short(content)
            raise KoladaError(
                f"Kolada svarade HTTP {status} ({said})" + (f": {body}" if body else ""),
                url,
                status=status,
            )
        try:
            return parse_body(content, url)
        except KoladaError as e:
            raise _BodyError(e) from None

    def _follow(self, url: str, ends_at: float) -> requests.Response:
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(target, ends_at)
            if not response.is_redirect:
                return response
            location = urljoin(target, response.headers.get("Location", ""))
            response.close()
            self.require_same_origin(location, target)
            target = location
        raise KoladaError(f"Fler än {MAX_REDIRECTS} omdirigeringar", url)

    def get_json(self, url: str) -> dict:
        """GET one page within one deadline. A body that is cut short or malformed is asked for
        again a few times (urllib3 cannot see those faults); then it raises ``KoladaError``
        naming the URL."""
        ends_at = self._ends_at()
        for attempt in range(self.body_retries + 1):
            try:
                return self._get_once(url, ends_at)
            except _BodyError as e:
                if attempt == self.body_retries:
                    raise e.error from None
                logger.info("frågar igen efter ett trasigt svar: %s (%s)", url, e.error)
        raise AssertionError("unreachable")

    # ---- paging ----------------------------------------------------------------------------
    def url(self, path: str, params: dict | None = None) -> str:
        query = {"per_page": self.per_page, **(params or {})}
        return f"{self.base_url}/{path.lstrip('/')}?{urlencode(query)}"

    def iter_pages(
        self, path: str, params: dict | None = None, *, max_rows: int | None = None
    ) -> Iterator[Page]:
        """Every page of a listing, following ``next_url`` until it is null: only on the base
        URL's host, never in a circle, at most ``max_pages`` pages, never more than
        ``EMPTY_PAGES`` empty pages in a row that still point further, and never more than
        ``max_rows`` rows (what the query can hold: an endless ``next_url`` of full pages).
        A ``count`` larger than the rows sent, on the last page, is an error (rows went
        missing)."""
        url: str | None = self.url(path, params)
        seen: set[str] = set()
        rows = empty = 0
        while url:
            if url in seen:
                raise KoladaError("Kolada skickade samma sida två gånger (next_url i cirkel)", url)
            if len(seen) >= self.max_pages:
                raise KoladaError(f"Fler än {self.max_pages} sidor för en och samma fråga", url)
            seen.add(url)
            body = self.get_json(url)
            rows += len(body["values"])
            if max_rows is not None and rows > max_rows:
                raise KoladaError(
                    f"Kolada skickade fler än {max_rows} rader för en fråga som kan ha högst så "
                    "många; svaret godtas inte",
                    url,
                )
            next_url = body.get("next_url")
            count = body.get("count")
            empty = empty + 1 if next_url and not body["values"] else 0
            if empty > EMPTY_PAGES:
                raise KoladaError(
                    f"Kolada skickade {empty} tomma sidor i rad som pekar vidare; svaret godtas "
                    "inte",
                    url,
                )
            if not next_url and isinstance(count, int) and count > rows:
                raise KoladaError(
                    f"Kolada angav {count} rader men skickade {rows}; svaret är ofullständigt",
                    url,
                )
            yield Page(url, body["values"])
            if next_url:
                self.require_same_origin(next_url, url)
            url = next_url

    def get_all(self, path: str, params: dict | None = None) -> list[dict]:
        return [row for page in self.iter_pages(path, params) for row in page.values]

    # ---- metadata --------------------------------------------------------------------------
    def fetch_kpis(
        self, ids: Sequence[str] | None = None, *, title: str | None = None
    ) -> list[dict]:
        """KPI metadata: by id list (chunked by 25), by title search, or the whole catalogue."""
        if ids is not None:
            ids = validate_kpi_ids(ids)
            return [r for chunk in chunked(ids) for r in self.get_all(f"kpi/{_seg(chunk)}")]
        return self.get_all("kpi", {"title": title} if title else None)

    def fetch_municipalities(self, kind: str | None = None) -> list[dict]:
        """All municipalities, or only kommuner (``K``) / regions (``L``)."""
        if kind not in (None, "K", "L"):
            raise BadInput(f"Ogiltig kommuntyp {kind!r}: väntade 'K' eller 'L'.")
        return self.get_all("municipality", {"region_type": kind} if kind else None)

    def fetch_groups(
        self, ids: Sequence[str] | None = None, *, title: str | None = None
    ) -> list[dict]:
        """Municipality groups with members: all, by id list, or by title search."""
        if ids is not None:
            ids = validate_municipality_ids(ids)
            return [
                r
                for chunk in chunked(ids)
                for r in self.get_all(f"municipality_groups/{_seg(chunk)}")
            ]
        return self.get_all("municipality_groups", {"title": title} if title else None)

    # ---- data ------------------------------------------------------------------------------
    def fetch_values(self, *args, **kwargs) -> list[dict]:
        """All rows of ``iter_value_pages`` (same arguments) in one list."""
        return [row for page in self.iter_value_pages(*args, **kwargs) for row in page]

    def iter_value_pages(
        self,
        kpis: Sequence[str] | None,
        municipalities: Sequence[str] | None = None,
        years: Sequence[int] | None = None,
        *,
        from_date: str | None = None,
        on_page: ProgressFn | None = None,
    ) -> Iterator[list[dict]]:
        """Raw v3 data objects for KPIs × municipalities × years (any two of the three), one
        page at a time, so a caller can tidy them as they arrive.

        ``municipalities=None`` uses ``/data/kpi/{ids}/year/{years}``: every kommun in one go.
        Group ids (``G…``) are accepted as municipalities (Kolada returns their unweighted mean).
        Every argument is checked before the first request.
        """
        segments: dict[str, list[str]] = {}
        if kpis is not None:
            segments["kpi"] = validate_kpi_ids(kpis)
        if municipalities is not None:
            segments["municipality"] = validate_municipality_ids(municipalities)
        if years is not None:
            segments["year"] = [str(y) for y in validate_years(years)]
        if len(segments) < 2:
            raise BadInput("Ange minst två av nyckeltal, kommuner och år.")
        params = {"from_date": _check_date(from_date)} if from_date else None
        return self._pages_of(segments, params, on_page)

    def _pages_of(self, segments, params, on_page) -> Iterator[list[dict]]:
        names = list(segments)
        for combo in product(*(list(chunked(segments[n])) for n in names)):
            yield from self._split_pages(dict(zip(names, combo, strict=True)), params, on_page)

    def _split_pages(
        self, segments: dict[str, list[str]], params: dict | None, on_page: ProgressFn | None
    ) -> Iterator[list[dict]]:
        """All pages of one data path; on 422 (which Kolada sends for the first page) split the
        longest segment in two and try again."""
        path = "data/" + "/".join(f"{name}/{_seg(ids)}" for name, ids in segments.items())
        pages = 0
        try:
            for page in self.iter_pages(path, params, max_rows=most_rows(segments)):
                pages += 1
                if on_page:
                    on_page(page.url)
                yield page.values
        except KoladaError as e:
            longest = max(segments, key=lambda n: len(segments[n]))
            if e.status != 422 or pages or len(segments[longest]) < 2:
                raise
            half = len(segments[longest]) // 2
            logger.info("HTTP 422 för %s: delar %s i två", e.url, longest)
            for part in (segments[longest][:half], segments[longest][half:]):
                yield from self._split_pages({**segments, longest: part}, params, on_page)


def most_rows(segments: dict[str, list[str]], *, today: date | None = None) -> int | None:
    """The most data rows a query on ``segments`` can hold: one per KPI × municipality × year
    (every municipality, or every year Kolada may have, where a segment is not given; no bound
    of ours for every KPI)."""
    if "kpi" not in segments:
        return None
    municipalities = len(segments.get("municipality", ())) or MUNICIPALITIES_MAX
    years = len(segments.get("year", ())) or (today or date.today()).year + 2 - FIRST_YEAR
    return len(segments["kpi"]) * municipalities * years


def _seg(ids: Sequence[str]) -> str:
    return quote(",".join(ids), safe=",")


def _short(content: bytes, limit: int = 200) -> str:
    text = " ".join(content.decode("utf-8", errors="replace").split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _check_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise BadInput(f"Ogiltigt datum {value!r}: väntade ÅÅÅÅ-MM-DD.") from None
