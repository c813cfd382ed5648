#!/usr/bin/env python3
"""Cold full refresh against the mirror with 200 ms latency per request.

Prints requests (ours and the mirror's count), rows, seconds, peak memory, and the minimum number
of requests the paging allows: Σ over the ≤25-KPI chunks of ⌈rows/5000⌉ plus the metadata
(⌈KPIs/25⌉ + ⌈municipalities/5000⌉ + ⌈groups/5000⌉). Targets: requests = minimum and
seconds ≤ 1.3 × requests × latency.

    python3 dev.py bench                      # all benchmarks
    .venv/bin/python bench/refresh_cold.py --latency-ms 200 --runs 3
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kolada.client import PER_PAGE, KoladaClient  # noqa: E402
from kolada.ids import MAX_IDS_PER_SEGMENT  # noqa: E402
from kolada.refresh import refresh  # noqa: E402
from kolada.store import Store  # noqa: E402
from tests.integration.conftest import MIRROR, start_mirror  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def minimum_requests(result, store: Store) -> int:
    data = sum(max(1, math.ceil(c["rows"] / PER_PAGE)) for c in result.chunks)
    kpis = math.ceil(len(store.read("kpis").frame) / MAX_IDS_PER_SEGMENT)
    munis = math.ceil(len(store.read("municipalities").frame) / PER_PAGE)
    groups = math.ceil(store.meta("groups")["groups"] / PER_PAGE)
    return data + kpis + munis + groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not MIRROR.exists():
        sys.exit(f"{MIRROR} saknas: benchmarken behöver ../shared/kolada-mirror")
    with tempfile.TemporaryDirectory() as tmp:
        mirror = start_mirror(Path(tmp), "--latency-ms", str(args.latency_ms))
        try:
            baseline = peak_rss_mb()
            seconds = []
            for run in range(args.runs):
                mirror.reset()
                store = Store(Path(tmp) / f"cache{run}")
                with KoladaClient(mirror.base_url) as client:
                    t0 = time.perf_counter()
                    result = refresh(store, client)
                    seconds.append(time.perf_counter() - t0)
                served = mirror.stats()["requests"]
                minimum = minimum_requests(result, store)
                budget = 1.3 * result.requests * args.latency_ms / 1000
                print(
                    f"run {run + 1}: requests {result.requests} (mirror {served}), "
                    f"minimum {minimum}, rows {result.rows}, seconds {seconds[-1]:.2f} "
                    f"(budget {budget:.2f}), values {len(store.values())}"
                )
            print(
                f"cold full refresh, latency {args.latency_ms} ms: requests {result.requests} "
                f"= minimum {minimum}: {'OK' if result.requests == minimum else 'NO'}; "
                f"median {statistics.median(seconds):.2f} s ≤ {budget:.2f} s: "
                f"{'OK' if statistics.median(seconds) <= budget else 'NO'}; "
                f"rows {result.rows}; peak RSS {peak_rss_mb():.0f} MB "
                f"(after imports {baseline:.0f} MB)"
            )
        finally:
            mirror.stop()


if __name__ == "__main__":
    try:
        main()
    except subprocess.SubprocessError as e:
        sys.exit(f"benchmark failed: {e}")
