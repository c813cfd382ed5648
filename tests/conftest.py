"""Shared fixtures: the repo's own small v3-shaped JSON files and a fake client (no network)."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from kolada.catalogue import catalogue_kpis
from kolada.errors import KoladaError
from kolada.ids import validate_kpi_ids

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def copy_cache(src: Path, dst: Path) -> Path:
    """A copy of a cache folder (manifest, versions, datasets), without its lock files."""
    shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.lock"))
    return dst


@pytest.fixture
def apptest_env(monkeypatch):
    """AppTest with empty Streamlit caches; an unexpected error in a page is raised
    (``at.exception``), not shown as a message."""
    import streamlit as st

    monkeypatch.setenv("NKA_STRICT_ERRORS", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def fill_cache(root: Path, client) -> Path:
    """A cache filled once by a fake client (for session-scoped fixtures)."""
    from kolada.refresh import refresh
    from kolada.store import Store

    refresh(Store(root), client)
    return root


def use_cache(filled: Path, tmp_path: Path, monkeypatch, make_client) -> Path:
    """A per-test copy of a filled cache that the app reads; its refreshes go to a fresh fake
    client from ``make_client``."""
    import kolada

    copy_cache(filled, tmp_path)
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    real = kolada.refresh
    monkeypatch.setattr(kolada, "refresh", lambda store, **kw: real(store, make_client(), **kw))
    return tmp_path


def run_app(page: str | None = None, **params):
    """The app under AppTest with these URL parameters (then ``page``, if given)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def open_expanders(at):
    """Open every expander on the page, as a reader's clicks do, and run again: their content
    is built only when open (``ui.lazy``). The key is the end of the expander's id."""
    for e in at.expander:
        at.session_state[e.proto.id.split("-", 2)[-1]] = True
    return at.run()


def digest(folder: Path) -> dict[str, str]:
    """sha256 of every file in a cache folder (manifest, versions, datasets), except the lock
    files and ``last_refresh.json`` (which records a failure by design)."""
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix != ".lock" and p.name != "last_refresh.json"
    )
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }


class FakeClient:
    """Stands in for KoladaClient in refresh tests: serves made-up values for a few kommuner,
    counts requests (one per call, or per 'page' of ``page_size`` rows), and can fail on demand."""

    base_url = "https://fake.invalid/v3"

    def __init__(self, munis=("0561", "0780", "1266"), page_size=1000):
        self.munis = list(munis)
        self.page_size = page_size
        self.requests_sent = 0
        self.calls: list[tuple] = []
        self.fail_on: str | None = None  # name of a call that raises KoladaError
        self.offset = 0.0  # shift every value (a "revision")
        self.deleted: set[tuple] = set()  # (kpi, muni, year) answered as isdeleted in deltas
        self.threads: set[str] = set()
        self._local = threading.local()
        self.known_kpis = set(catalogue_kpis())

    def thread_requests(self) -> int:
        return getattr(self._local, "sent", 0)

    @contextmanager
    def deadline(self, seconds, reason):
        yield

    def abort(self, reason):
        self.aborted = reason

    def _count(self, name: str, n: int = 1) -> None:
        self.threads.add(threading.current_thread().name)
        if self.fail_on == name:
            raise KoladaError(
                "Kolada svarade HTTP 503: unavailable", f"{self.base_url}/{name}", 503
            )
        self.requests_sent += n
        self._local.sent = self.thread_requests() + n

    def fetch_kpis(self, ids):
        self.calls.append(("kpis", tuple(ids)))
        self._count("kpis")
        rows = load_fixture("kpi.json")["values"]
        template = rows[0]
        return [
            {**template, "id": i, "title": f"Nyckeltal {i}"} for i in ids if i in self.known_kpis
        ]

    def fetch_municipalities(self):
        self.calls.append(("municipalities",))
        self._count("municipalities")
        return load_fixture("municipality.json")["values"]

    def fetch_groups(self):
        self.calls.append(("groups",))
        self._count("groups")
        return load_fixture("municipality_groups.json")["values"]

    def fetch_values(self, kpis, municipalities, years, *, from_date=None, on_page=None):
        kpis = validate_kpi_ids(kpis)
        self.calls.append(("values", tuple(kpis), from_date))
        rows = []
        for kpi in kpis:
            for m in self.munis:
                for y in years:
                    deleted = (kpi, m, y) in self.deleted
                    if from_date and not (deleted or self.offset):
                        continue
                    value = (int(kpi[1:]) % 97) + int(m) / 1000 + (y - 2000) + self.offset
                    rows.append(
                        {
                            "kpi": kpi,
                            "municipality": m,
                            "period": y,
                            "values": [
                                {
                                    "gender": "T",
                                    "count": 1,
                                    "status": "",
                                    "value": round(value, 4),
                                    "isdeleted": deleted,
                                }
                            ],
                        }
                    )
        pages = max(1, -(-len(rows) // self.page_size))
        self._count("values", pages)
        for page in range(pages):
            if on_page:
                on_page(f"{self.base_url}/data?page={page + 1}")
        return rows

    def iter_value_pages(self, kpis, municipalities, years, *, from_date=None, on_page=None):
        rows = self.fetch_values(kpis, municipalities, years, from_date=from_date, on_page=on_page)
        for start in range(0, max(len(rows), 1), self.page_size):
            yield rows[start : start + self.page_size]


@pytest.fixture
def fake_client() -> FakeClient:
    return FakeClient()
