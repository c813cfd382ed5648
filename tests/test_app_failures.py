"""The app over a damaged, misplaced or busy cache: Swedish text, never an exception. No network
(refreshes go to the fake client, or fail before any request)."""

from __future__ import annotations

from pathlib import Path

import pytest
from filelock import FileLock
from streamlit.testing.v1 import AppTest

import kolada
from kolada.refresh import refresh
from kolada.store import Store
from tests.conftest import FakeClient, copy_cache, load_fixture
from ui import fetch

APP = str(Path(__file__).resolve().parents[1] / "app.py")
KOMMUNER = [m["id"] for m in load_fixture("municipality.json")["values"] if m["type"] == "K"]


pytestmark = pytest.mark.usefixtures("apptest_env")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("failcache")
    refresh(Store(root), FakeClient(munis=KOMMUNER))
    return root


def use_cache(path: Path, monkeypatch, client: FakeClient | None = None) -> None:
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(path))
    real = kolada.refresh
    client = client or FakeClient(munis=KOMMUNER)
    monkeypatch.setattr(kolada, "refresh", lambda store, **kw: real(store, client, **kw))


def run_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [w.value for w in (*at.warning, *at.info, *at.error)]
    return "\n".join(parts)


@pytest.mark.parametrize("entity", ["values", "municipalities", "groups"])
def test_damaged_dataset_is_fetched_again_and_the_page_shows(filled, tmp_path, monkeypatch, entity):
    copy_cache(filled, tmp_path)
    path = Store(tmp_path).path(entity)
    path.write_bytes(path.read_bytes()[:100])
    use_cache(tmp_path, monkeypatch)
    at = run_app()
    assert not at.exception, at.exception
    assert at.title[0].value == "Individ- och familjeomsorg – Åtvidaberg"
    assert Store(tmp_path).health(entity) == "ok"  # healed by the first-run fetch


def test_cache_path_that_is_a_file_gives_a_swedish_message(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    path.write_text("not a folder")
    use_cache(path, monkeypatch)
    at = run_app()
    assert not at.exception, at.exception
    text = shown(at)
    assert "Det finns ingen sparad data ännu" in text
    assert "kunde inte använda cachen" in text
    assert path.read_text() == "not a folder"


def test_damaged_cache_that_cannot_be_rewritten_gives_a_swedish_message(
    filled, tmp_path, monkeypatch
):
    copy_cache(filled, tmp_path)
    path = Store(tmp_path).path("values")
    path.write_bytes(b"garbage")
    failing = FakeClient(munis=KOMMUNER)
    failing.fail_on = "values"
    use_cache(tmp_path, monkeypatch, failing)
    at = run_app()
    assert not at.exception, at.exception
    text = shown(at)
    assert "Den sparade datan är skadad (värden) och kunde inte hämtas på nytt" in text
    assert "HTTP 503" in text  # the technical reason, escaped, under the Swedish message


def test_a_read_only_replica_names_a_damaged_file_instead_of_saying_no_data(
    filled, tmp_path, monkeypatch
):
    """One version, its values file damaged, no earlier set to fall back on: the replica says
    which data is damaged and who rewrites it, not "Det finns ingen data ännu"."""
    copy_cache(filled, tmp_path)
    path = Store(tmp_path).path("values")
    path.write_bytes(b"garbage")
    use_cache(tmp_path, monkeypatch)
    monkeypatch.setenv("KOLADA_READ_ONLY", "1")
    at = run_app()
    assert not at.exception, at.exception
    text = shown(at)
    assert "Den delade datan är skadad (värden)" in text
    assert "nästa schemalagda uppdatering skriver filen på nytt" in text
    assert "Det finns ingen data ännu" not in text
    assert path.read_bytes() == b"garbage"  # a replica writes nothing


def test_another_refresh_holding_the_lock_ends_in_bounded_time(tmp_path, monkeypatch):
    """A hung refresh in another process holds the lock: the first-run fetch waits
    FETCH_LOCK_WAIT, then explains in Swedish."""
    monkeypatch.setattr(fetch, "FETCH_LOCK_WAIT", 1.0)
    use_cache(tmp_path, monkeypatch)
    with FileLock(tmp_path / ".refresh.lock"):
        at = run_app()
    assert not at.exception, at.exception
    text = shown(at)
    assert "En annan uppdatering" in text and "pågår fortfarande" in text


def test_an_unexpected_error_is_one_swedish_message(filled, tmp_path, monkeypatch):
    from benchmark import analytics

    copy_cache(filled, tmp_path)
    use_cache(tmp_path, monkeypatch)

    def broken(*args, **kwargs):
        raise TypeError("an odd value")

    monkeypatch.setattr(analytics, "peer_stats", broken)
    monkeypatch.delenv("NKA_STRICT_ERRORS")  # as in production
    at = run_app()
    assert not at.exception, at.exception
    assert "Något gick fel när sidan skulle visas" in shown(at)
    assert "TypeError" in shown(at)
