"""The HTTP transport under the Kolada client: one ``requests.Session`` whose adapter retries
(urllib3 ``Retry``), and whose connections can be cut when a request's deadline passes.

A read timeout alone does not bound a request: a server that drips one byte at a time resets it
at every byte, in the headers as well as in the body. So every request runs with a watchdog
(``Watchdog``): a timer that, at the deadline, shuts down the socket the request is using, which
ends whatever read is blocked on it. Retries never sleep past the deadline either, and a
``Retry-After`` is capped.
"""

from __future__ import annotations

import contextlib
import errno
import math
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import parse_url
from urllib3.util.retry import Retry

from kolada.errors import shorten

USER_AGENT = "nka-jamforelse/0.1 (Streamlit-app för nettokostnadsavvikelse; python-requests)"
MAX_RETRY_AFTER = 60.0  # seconds: a Retry-After longer than this is shortened
DEFAULT_PORTS = {"http": 80, "https": 443}


class DeadlinePassed(Exception):
    """A request's deadline passed (raised inside urllib3, where no URL is known)."""


# ---- origin ---------------------------------------------------------------------------------
def origin(url: str) -> tuple[str, str, int] | None:
    """Scheme, host and port (default port filled in) of a URL; None for a URL whose host two
    parsers could read differently (a backslash, user info, a bad port)."""
    if "\\" in url or any(ord(c) < 33 for c in url):
        return None
    try:
        parsed, split = parse_url(url), urlsplit(url)
        split_port = split.port
    except (ValueError, urllib3.exceptions.LocationParseError):
        return None
    scheme = (parsed.scheme or "").lower()
    host = (parsed.host or "").lower().strip("[]")
    if parsed.auth or split.username or host != (split.hostname or "").lower():
        return None
    port = parsed.port or DEFAULT_PORTS.get(scheme)
    if port is None or (split_port or DEFAULT_PORTS.get(scheme)) != port:
        return None
    return scheme, host, port


# ---- the watchdog ---------------------------------------------------------------------------
class InFlight:
    """One request in flight: the socket it reads from, and whether its deadline passed."""

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        self.expired = False
        self.lock = threading.Lock()

    def attach(self, sock: socket.socket | None) -> None:
        with self.lock:
            self.sock = sock
            expired = self.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            sock = self.sock
        _shut(sock)


def _shut(sock: socket.socket | None) -> None:
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()  # .request: the InFlight of this thread's request


class Watchdog:
    """``with Watchdog(seconds):`` — the request made inside is cut at ``seconds``."""

    def __init__(self, seconds: float):
        self.request = InFlight()
        self.timer = threading.Timer(max(seconds, 0.0), self.request.expire)
        self.timer.daemon = True

    def __enter__(self) -> InFlight:
        _current.request = self.request
        self.timer.start()
        return self.request

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        _current.request = None


def _watch(sock: socket.socket | None) -> None:
    request = getattr(_current, "request", None)
    if request is not None:
        request.attach(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self, *args, **kwargs):
        _watch(self.sock)  # from here the request waits on this socket: headers, then body
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self, *args, **kwargs):
        _watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPPool,
            "https": _WatchedHTTPSPool,
        }


# ---- retries --------------------------------------------------------------------------------
class CountingRetry(Retry):
    """urllib3 ``Retry`` that reports each retry with the status that caused it, if any (so request
    counts include retries and a 429 can slow the client down), and never waits past the
    request's deadline (``time_left``)."""

    def __init__(
        self,
        *args,
        on_retry: Callable[[int | None], None] | None = None,
        time_left: Callable[[], float] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.on_retry = on_retry
        self.time_left = time_left

    def new(self, **kwargs) -> CountingRetry:
        retry = super().new(**kwargs)
        retry.on_retry, retry.time_left = self.on_retry, self.time_left
        return retry

    def increment(self, method=None, url=None, response=None, *args, **kwargs) -> Retry:
        # raises when retries are used up
        retry = super().increment(method, url, response, *args, **kwargs)
        if self.time_left is not None and self.time_left() <= 0:
            raise DeadlinePassed
        if self.on_retry:
            self.on_retry(response.status if response is not None else None)
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        """A server may ask for a pause, but not for an hour."""
        return min(super().parse_retry_after(retry_after), MAX_RETRY_AFTER)

    def sleep(self, response=None) -> None:
        if self.time_left is not None:
            wait = None
            if self.respect_retry_after_header and response is not None:
                wait = self.get_retry_after(response)
            if wait is None:
                wait = self.get_backoff_time()
            if wait >= self.time_left():
                raise DeadlinePassed
        super().sleep(response)


def build_session(
    *,
    retries: int = 5,
    backoff_factor: float = 0.3,
    on_retry: Callable[[int | None], None] | None = None,
    time_left: Callable[[], float] | None = None,
) -> requests.Session:
    """A session whose adapter retries connection errors, 429 and 5xx with backoff, and whose
    connections a ``Watchdog`` can cut."""
    retry = CountingRetry(
        on_retry=on_retry,
        time_left=time_left,
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff_factor,
        backoff_max=30,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # hand back the last response so we can name its status
    )
    session = requests.Session()
    adapter = _WatchedAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


def seconds_left(ends_at: float | None) -> float:
    return math.inf if ends_at is None else ends_at - time.monotonic()


# ---- failures, in Swedish -------------------------------------------------------------------
def _chain(error: BaseException):
    """``error`` and what lies behind it: the exceptions it wraps (requests puts urllib3's in
    its args; urllib3's ``MaxRetryError`` names its ``reason``), causes and contexts."""
    seen: set[int] = set()
    todo = [error]
    while todo:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        inner = [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
        reason = getattr(e, "reason", None)
        todo += [*inner, *([reason] if isinstance(reason, BaseException) else [])]
        todo += [x for x in (e.__cause__, e.__context__) if x is not None]


_TOO_MANY = re.compile(r"too many (\d{3}) error responses")


def _said(e: BaseException) -> str | None:
    if isinstance(e, urllib3.exceptions.NameResolutionError | socket.gaierror):
        return "servernamnet gick inte att slå upp (fel adress eller inget DNS)"
    if isinstance(e, ConnectionRefusedError):
        return "servern tog inte emot anslutningen"
    if isinstance(e, ConnectionResetError | urllib3.exceptions.ProtocolError):
        return "anslutningen bröts"
    if isinstance(e, OSError) and e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return "nätverket eller servern går inte att nå"
    if isinstance(e, ssl.SSLError | urllib3.exceptions.SSLError | requests.exceptions.SSLError):
        return "en säker anslutning (TLS) gick inte att upprätta"
    if isinstance(e, urllib3.exceptions.NewConnectionError):
        return None  # look behind it: refused, unreachable …
    if isinstance(e, urllib3.exceptions.ConnectTimeoutError | requests.ConnectTimeout):
        return "ingen anslutning inom tidsgränsen"
    if isinstance(e, urllib3.exceptions.ReadTimeoutError | requests.ReadTimeout):
        return "inget svar inom tidsgränsen"
    if isinstance(e, requests.exceptions.InvalidSchema | requests.exceptions.MissingSchema):
        return "adressen måste börja med http:// eller https://"
    if isinstance(e, requests.exceptions.InvalidURL | urllib3.exceptions.LocationParseError):
        return "ogiltig adress"
    match = _TOO_MANY.search(str(e)) if isinstance(e, urllib3.exceptions.ResponseError) else None
    if match:
        return f"Kolada svarade med fel (HTTP {match.group(1)}) vid varje nytt försök"
    return None


def network_error_text(error: BaseException) -> str:
    """A network failure as one Swedish phrase ("servern tog inte emot anslutningen"); what is
    not recognised keeps the library's words as a short detail."""
    for e in _chain(error):
        said = _said(e)
        if said:
            return said
    return f"nätverksfel ({shorten(' '.join(str(error).split()), 120)})"
