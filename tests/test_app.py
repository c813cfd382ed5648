"""AppTest smoke tests of the placeholder app (no network: refresh is faked)."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import kolada
from kolada.store import Store
from tests.conftest import FakeClient

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_empty_cache_explains_what_to_do(cache_dir):
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Om data"
    assert "Cachen är tom" in at.info[0].value
    assert at.dataframe[0].value["Status"].tolist() == ["saknas"] * 4


def test_refresh_button_fills_the_cache(cache_dir, monkeypatch):
    real = kolada.refresh
    monkeypatch.setattr(kolada, "refresh", lambda store, **kw: real(store, FakeClient(), **kw))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Klart:")
    assert Store(cache_dir).exists("values")
    at.run()
    assert at.dataframe[0].value["Status"].tolist() == ["aktuell"] * 4


def test_refresh_failure_is_a_swedish_message_not_a_traceback(cache_dir, monkeypatch):
    real = kolada.refresh
    monkeypatch.setattr(kolada, "refresh", lambda store, **kw: _fail(real, store, **kw))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.button[0].click().run()
    assert not at.exception
    assert "Kunde inte hämta från Kolada" in at.error[0].value
    assert "oförändrad" in at.error[0].value


def _fail(real, store, **kw):
    client = FakeClient()
    client.fail_on = "groups"
    return real(store, client, **kw)
