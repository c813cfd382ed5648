"""A damaged, half-written, read-only or misplaced cache: readers carry on, the next refresh heals
it, and every failure is one Swedish line (CLI exit 1, or 2 for bad arguments) recorded in
``last_refresh.json``. No network: the refreshes use the fake client."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

import kolada.store as store_module
from kolada.cli import main
from kolada.refresh import RefreshFailed, refresh
from kolada.status import cache_status
from kolada.store import MANIFEST, Store
from tests.conftest import FakeClient, copy_cache, digest

ROOT = Path(__file__).resolve().parents[1]
KPIS = ["N30001", "N30026"]
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def fill(root: Path, client: FakeClient | None = None, **kw) -> None:
    kw.setdefault("now", NOW)
    refresh(Store(root), client or FakeClient(), kpis=KPIS, from_year=2019, **kw)


@pytest.fixture
def filled(tmp_path) -> Path:
    fill(tmp_path)
    return tmp_path


def damage(path: Path, how: str) -> None:
    body = path.read_bytes()
    if how == "truncated":
        path.write_bytes(body[: len(body) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    else:
        path.write_bytes(b"garbage, not parquet" * 50)


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage"])
@pytest.mark.parametrize("entity", ["values", "municipalities"])
def test_damaged_dataset_reads_as_missing_then_heals(filled, entity, how, capsys):
    store = Store(filled)
    damage(store.path(entity), how)
    assert entity not in store.read_all()
    assert store.read(entity) is None
    state = {s.entity: s for s in cache_status(store)}[entity]
    assert state.damaged and "skadad" in state.line()
    assert main(["--cache-dir", str(filled), "status"]) == 0
    assert "skadad" in capsys.readouterr().out
    if entity == "values":
        assert store.values(kpis=["N30001"]).empty  # no exception, just nothing
    fill(filled)  # within the TTL: only what is missing or damaged is fetched
    assert store.health(entity) == "ok"
    assert not store.read(entity).frame.empty


def test_garbage_manifest_falls_back_and_a_refresh_rewrites_it(filled):
    (filled / MANIFEST).write_text("{not json", "utf-8")
    fill(filled)
    manifest = json.loads((filled / MANIFEST).read_text("utf-8"))
    assert set(manifest["datasets"]) == {"kpis", "municipalities", "groups", "values"}
    assert not Store(filled).values().empty


def test_orphan_temp_files_and_folders_are_removed_by_the_next_refresh(filled):
    (filled / ".values.abc123.tmp").write_bytes(b"half a file")
    (filled / ".manifest.xyz.tmp").write_bytes(b"{")
    orphan = filled / "versions" / "vorphan"
    orphan.mkdir()
    (orphan / "values.parquet").write_bytes(b"from a killed refresh")
    fill(filled)
    assert not list(filled.glob(".*.tmp"))
    assert not orphan.exists()


def test_crash_between_writing_and_publishing_leaves_the_old_set(filled, monkeypatch):
    """A refresh killed after writing its files but before replacing the manifest: readers see
    the old set, whole; the next refresh removes the unfinished folder."""
    store = Store(filled)
    before = digest(filled)
    old_values = store.values()
    real = store_module._write_atomic

    def crash(path, body):
        if path.name == MANIFEST:
            raise KeyboardInterrupt  # the process dies here
        real(path, body)

    monkeypatch.setattr(store_module, "_write_atomic", crash)
    monkeypatch.setattr(store_module.shutil, "rmtree", lambda *a, **k: None)  # no clean-up
    client = FakeClient()
    client.offset = 5.0  # a revision of every value (accepted): the new set differs
    with pytest.raises(KeyboardInterrupt):
        fill(filled, client, full=True, accept_shrink=True)
    monkeypatch.undo()
    leftover = [p for p in (filled / "versions").iterdir() if p.name not in str(before)]
    assert leftover  # the unfinished folder is still there, as after kill -9
    assert store.values().equals(old_values)
    assert {k: v for k, v in digest(filled).items() if k in before} == before
    fill(filled, FakeClient(), full=True)
    assert not any(p.exists() for p in leftover)


def test_readers_see_old_or_new_set_across_many_commits(filled):
    """Every read_all between commits is one whole set (all datasets from one manifest)."""
    store = Store(filled)
    for i in range(5):
        client = FakeClient()
        client.offset = float(i)
        fill(filled, client, full=True, accept_shrink=True)  # every value revised, accepted
        data = store.read_all()
        fetched = {d.meta["fetched_at"] for d in data.values()}
        assert len(fetched) == 1
    versions = list((filled / "versions").iterdir())
    assert len(versions) <= 2  # the current and the previous set are kept, no more


def test_cache_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        fill(tmp_path)
    finally:
        os.umask(old)
    store = Store(tmp_path)
    for entity in ("values", "kpis"):
        assert stat.S_IMODE(store.path(entity).stat().st_mode) == 0o644
    assert stat.S_IMODE(store.path("values").parent.stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / MANIFEST).stat().st_mode) == 0o644


def test_disk_full_is_one_line_recorded_as_failed(filled, monkeypatch):
    before = digest(filled)

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store_module, "_write_parquet", full)
    with pytest.raises(RefreshFailed) as failure:
        fill(filled, full=True)
    text = str(failure.value)
    assert "disken är full" in text and "oförändrad" in text and "\n" not in text
    assert "No space" not in text  # Swedish, not the system's English
    assert digest(filled) == before
    last = Store(filled).last_refresh()
    assert last["ok"] is False and "disken är full" in last["message"]


def test_a_full_disk_that_cannot_record_the_failure_leaves_no_old_ok(filled, monkeypatch):
    assert Store(filled).last_refresh()["ok"] is True

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "_write_parquet", full)
    monkeypatch.setattr(store_module, "_write_atomic", full)
    with pytest.raises(RefreshFailed):
        fill(filled, full=True)
    assert Store(filled).last_refresh() is None  # never "ok" after a failed refresh


def test_odd_body_type_error_is_one_line(filled, monkeypatch):
    client = FakeClient()
    monkeypatch.setattr(client, "fetch_municipalities", lambda: [{"id": None, "title": 5}, 7])
    with pytest.raises(RefreshFailed, match="oväntat svar från Kolada") as failure:
        fill(filled, client, full=True)
    assert "\n" not in str(failure.value)
    assert Store(filled).last_refresh()["ok"] is False


def cli(
    *argv: str, env: dict | None = None, user: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kolada", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **(env or {})},
        user=user,
    )


def one_line(proc: subprocess.CompletedProcess, code: int) -> str:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_cache_path_is_a_file(tmp_path):
    path = tmp_path / "cache"
    path.write_text("not a folder")
    for argv in (
        ["--base-url", "http://127.0.0.1:9/v3", "refresh", "--quiet"],
        ["status"],
        ["values", "--kpi", "N30001", "--municipality", "0561"],
    ):
        line = one_line(cli("--cache-dir", str(path), *argv), 1)
        assert f"kunde inte använda cachen i {path}: inte en mapp" in line
    with pytest.raises(RefreshFailed, match="kunde inte använda cachen") as failure:
        refresh(Store(path), FakeClient(), kpis=KPIS)
    assert "\n" not in str(failure.value)
    assert path.read_text() == "not a folder"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["refresh", "--ttl-hours", "inf"], "'inf'"),
        (["refresh", "--ttl-hours", "nan"], "'nan'"),
        (["refresh", "--deadline", "0"], "'0'"),
        (["values", "--kpi", "N30001", "--municipality", "0561", "--from-year", "0"], "'0'"),
        (
            ["values", "--kpi", "N30001", "--municipality", "0561", "--from-year", "2024",
             "--to-year", "2019"],
            "--from-year 2024 ligger efter --to-year 2019",
        ),
        (["values", "--kpi", "N30001", "--municipality", "x" * 500], "xxx…"),
    ],
)  # fmt: skip
def test_bad_arguments_exit_2_naming_the_value(filled, argv, needle):
    line = one_line(cli("--cache-dir", str(filled), *argv), 2)
    assert needle in line and len(line) < 300


APP_READER = """
import sys
from streamlit.testing.v1 import AppTest
sys.path.insert(0, sys.argv[1])
at = AppTest.from_file(sys.argv[1] + "/app.py", default_timeout=60).run()
print("exception:", len(at.exception), "title:", at.title[0].value)
for page in ["app_pages/jamforelse.py", "app_pages/alla_omraden.py", "app_pages/om_data.py"]:
    at.switch_page(page).run()
    print(page, "exception:", len(at.exception), "title:", at.title[0].value)
"""

READER = """
import sys
from kolada.store import Store
from kolada.status import cache_status
store = Store(sys.argv[1])
data = store.read_all()
print(sorted(data), len(store.values(kpis=["N30001"])))
print([s.line().split()[0] + ":" + str(s.cached) for s in cache_status(store)])
"""


def test_read_only_cache_serves_readers(filled):
    """A replica reading a shared cache it cannot write: as another user (root can write
    anywhere, so the test runs the reader as nobody), or with the folder made read-only."""
    shared = Path(tempfile.mkdtemp(prefix="ro-cache-"))
    try:
        os.chmod(shared, 0o755)
        cache = shared / "cache"
        copy_cache(filled, cache)
        for path in [cache, *cache.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        user = "nobody" if os.geteuid() == 0 else None
        if user is None:
            for path in [cache, *cache.rglob("*")]:
                os.chmod(path, 0o555 if path.is_dir() else 0o444)
        before = digest(cache)
        proc = subprocess.run(
            [sys.executable, "-c", READER, str(cache)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            user=user,
        )
        assert proc.returncode == 0, proc.stderr
        assert "['groups', 'kpis', 'municipalities', 'values']" in proc.stdout
        assert "values:True" in proc.stdout
        status = cli("--cache-dir", str(cache), "status", user=user)
        assert status.returncode == 0 and "saknas" not in status.stdout, status.stderr
        refresh_line = one_line(
            cli("--cache-dir", str(cache), "--base-url", "http://127.0.0.1:9/v3", "refresh",
                "--quiet", user=user),
            1,
        )  # fmt: skip
        assert "kunde inte använda cachen" in refresh_line
        app = subprocess.run(
            [sys.executable, "-c", APP_READER, str(ROOT)],
            capture_output=True,
            text=True,
            cwd=shared,
            timeout=300,
            user=user,
            env={**os.environ, "KOLADA_CACHE_DIR": str(cache), "HOME": str(shared),
                 "NKA_STRICT_ERRORS": "1",
                 "KOLADA_BASE_URL": "http://127.0.0.1:9/v3"},
        )  # fmt: skip
        assert app.returncode == 0, app.stderr[-2000:]
        assert "exception: 0 title: Individ- och familjeomsorg – Åtvidaberg" in app.stdout
        assert app.stdout.count("exception: 0") == 4, app.stdout
        assert digest(cache) == before
    finally:
        for path in [shared, *shared.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        shutil.rmtree(shared, ignore_errors=True)


def test_a_damaged_manifest_never_costs_data(filled):
    """A torn manifest: readers use each entity's newest readable file, a failing refresh
    deletes nothing, and the next refresh writes a good manifest again."""
    manifest = filled / MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:-5])
    files_before = sorted(p.relative_to(filled) for p in filled.rglob("*.parquet"))
    assert set(Store(filled).read_all()) == {"kpis", "municipalities", "groups", "values"}
    failing = FakeClient()
    failing.fail_on = "values"
    with pytest.raises(RefreshFailed):
        fill(filled, failing, full=True)
    assert sorted(p.relative_to(filled) for p in filled.rglob("*.parquet")) == files_before
    fill(filled)
    assert json.loads(manifest.read_text("utf-8"))["datasets"]
    assert not Store(filled).values().empty


def test_damage_inside_a_file_with_a_good_footer_is_found(filled):
    store = Store(filled)
    path = store.path("values")
    body = bytearray(path.read_bytes())
    body[8:300] = bytes(b ^ 0xFF for b in body[8:300])
    path.write_bytes(bytes(body))
    # the footer alone looks fine, but the checksum in the manifest does not match
    assert store.health("values") == "skadad"
    assert store.health("values", deep=True) == "skadad" and store.meta("values") == {}
    fill(filled)  # the KPIs look uncached now, so they are fetched again
    assert store.health("values", deep=True) == "ok"


def test_a_read_error_of_the_system_fails_the_refresh_instead_of_looking_like_no_data(
    filled, monkeypatch
):
    before = digest(filled)
    real = store_module.pq.read_table

    def denied(path, **kw):
        if "values" in str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, **kw)

    monkeypatch.setattr(store_module.pq, "read_table", denied)
    assert "values" not in Store(filled).read_all()  # a reader carries on without it
    with pytest.raises(RefreshFailed, match="behörighet saknas"):
        fill(filled, full=True)
    monkeypatch.undo()
    assert digest(filled) == before


def test_kpi_metadata_far_shorter_than_cached_is_refused(filled):
    before = digest(filled)
    client = FakeClient()
    client.known_kpis = {"N30001"}
    with pytest.raises(RefreshFailed, match="1 nyckeltal mot 2 i cachen"):
        fill(filled, client, full=True)
    assert digest(filled) == before


def test_another_refresh_running_is_exit_1_and_not_recorded(filled):
    from filelock import FileLock

    last = Store(filled).last_refresh()
    with FileLock(filled / ".refresh.lock"):
        proc = cli("--cache-dir", str(filled), "refresh", "--quiet", "--lock-wait", "1")
    line = one_line(proc, 1)
    assert "En annan uppdatering" in line and "pågår fortfarande" in line
    assert Store(filled).last_refresh() == last


def test_argparse_errors_are_one_swedish_line(filled):
    line = one_line(cli("--cache-dir", str(filled), "refresh", "--bogus", "x" * 400), 2)
    assert "okända argument" in line and len(line) < 300
