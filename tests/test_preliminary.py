"""Preliminary values are judged by when they were fetched, and marked (▲ prel.) wherever they
show. No network: the cache comes from the fake client."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from benchmark import analytics
from kolada.refresh import refresh
from kolada.store import Store
from tests.conftest import FakeClient, load_fixture, open_expanders

pytestmark = pytest.mark.usefixtures("apptest_env")
APP = str(Path(__file__).resolve().parents[1] / "app.py")
KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]
FINAL = date(2026, 9, 30)  # the fixture KPIs' final publication date for 2025


def test_a_value_fetched_before_the_final_date_stays_preliminary():
    meta = {"publ_period": "2025", "publication_date": FINAL.isoformat()}
    assert analytics.first_preliminary_year(meta, date(2026, 8, 1)) == 2025
    assert analytics.first_preliminary_year(meta, date(2026, 10, 1)) == 2026
    assert analytics.is_preliminary(2025, 2025) and not analytics.is_preliminary(2024, 2025)
    assert not analytics.is_preliminary(2025, None)


def cache_fetched_on(tmp_path: Path, fetched: datetime, monkeypatch) -> None:
    refresh(Store(tmp_path), FakeClient(munis=KOMMUNER), now=fetched, to_year=2025)
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    open_expanders(at)
    assert not at.exception, at.exception
    return at


def test_fetched_before_final_publication_is_marked_on_every_page(tmp_path, monkeypatch):
    cache_fetched_on(tmp_path, datetime(2026, 8, 1, tzinfo=UTC), monkeypatch)
    at = run(till="2025")
    assert at.metric[0].label == "NKA 2025 ▲ prel."
    (expander,) = [e for e in at.expander if e.label.startswith("Tabell: värdena")]
    table = expander.dataframe[0].value
    assert table.loc[2025, "Åtvidaberg"].endswith("▲ prel.")
    assert not table.loc[2024, "Åtvidaberg"].endswith("▲ prel.")
    jamforelse = run("app_pages/jamforelse.py", till="2025")
    values = jamforelse.dataframe[0].value["Värde"]
    assert all(v.endswith("▲ prel.") for v in values if v != "saknas")
    assert any("▲ prel.: värdena för 2025 är preliminära" in c.value for c in jamforelse.caption)


def test_fetched_after_final_publication_is_not_marked(tmp_path, monkeypatch):
    cache_fetched_on(tmp_path, datetime(2026, 10, 15, tzinfo=UTC), monkeypatch)
    at = run(till="2025")
    assert at.metric[0].label == "NKA 2025"
    jamforelse = run("app_pages/jamforelse.py", till="2025")
    assert not any(v.endswith("prel.") for v in jamforelse.dataframe[0].value["Värde"])
