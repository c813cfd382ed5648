"""Start ../shared/kolada-mirror (real recorded Kolada data) on a free loopback port."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from kolada.client import KoladaClient
from kolada.refresh import refresh
from kolada.store import Store
from tests.conftest import copy_cache

SHARED = Path(__file__).resolve().parents[3] / "shared"
MIRROR = SHARED / "kolada-mirror" / "mirror.py"

pytestmark = pytest.mark.integration


@dataclass
class Mirror:
    process: subprocess.Popen
    port: int

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/v3"

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.root}/_mirror/stats", timeout=10) as r:
            return json.loads(r.read())

    def reset(self) -> None:
        urllib.request.urlopen(f"{self.root}/_mirror/reset", timeout=10).close()

    def client(self, **kw) -> KoladaClient:
        return KoladaClient(self.base_url, **kw)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_mirror(tmp: Path, *args: str) -> Mirror:
    if not MIRROR.exists():
        pytest.skip(f"{MIRROR} not found: integration tests need ../shared beside the repo")
    name = f"mirror-{time.monotonic_ns()}"
    port_file = tmp / f"{name}.port"
    log = tmp / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(MIRROR), "--port", "0", "--port-file", str(port_file), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mirror exited: {log.read_text(errors='replace')}")
        if port_file.exists() and port_file.read_text().strip():
            mirror = Mirror(process, int(port_file.read_text()))
            try:
                mirror.stats()
                mirror.reset()
                return mirror
            except OSError:
                pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("mirror did not start within 60 s")


def fill_from_mirror(tmp: Path):
    """A full refresh from a fresh mirror into ``tmp/cache`` (the benchmarks' starting point):
    the refresh's result."""
    mirror = start_mirror(tmp)
    try:
        with KoladaClient(mirror.base_url, max_rps=0) as client:
            return refresh(Store(tmp / "cache"), client)
    finally:
        mirror.stop()


@pytest.fixture(scope="session")
def mirror_factory(tmp_path_factory):
    started: list[Mirror] = []
    tmp = tmp_path_factory.mktemp("mirrors")

    def make(*args: str) -> Mirror:
        mirror = start_mirror(tmp, *args)
        started.append(mirror)
        return mirror

    yield make
    for mirror in started:
        mirror.stop()


@pytest.fixture(scope="session")
def mirror(mirror_factory) -> Mirror:
    """A clean mirror (no faults), shared by the session."""
    return mirror_factory()


@pytest.fixture(scope="session")
def reference_cache(mirror, tmp_path_factory) -> Path:
    """A full default refresh from the clean mirror: what every other refresh must reproduce."""
    root = tmp_path_factory.mktemp("reference")
    with mirror.client(max_rps=50) as client:
        refresh(Store(root), client)
    return root


@pytest.fixture
def real_cache(reference_cache, tmp_path, monkeypatch) -> Path:
    """A copy of the reference cache that the app under test reads (KOLADA_CACHE_DIR)."""
    cache = copy_cache(reference_cache, tmp_path / "cache")
    monkeypatch.setenv("KOLADA_CACHE_DIR", str(cache))
    return cache


__all__ = ["Mirror", "copy_cache", "start_mirror"]
