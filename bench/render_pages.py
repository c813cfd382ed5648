#!/usr/bin/env python3
"""Render time of each page from a warm cache with all 290 kommuner cached, and peak memory.

Fills a cache from the mirror (a full refresh), then runs every page with Streamlit's AppTest:
one warm-up run per page (fills st.cache_data), then ``--runs`` timed runs; prints the median
and max per page, for RKA's peer group and for "alla kommuner" (289 peers). Target: Översikt
≤ 1.0 s. This is the server-side script time; the browser's drawing comes on top.

    .venv/bin/python bench/render_pages.py --runs 7
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from kolada.store import Store  # noqa: E402
from tests.integration.conftest import MIRROR, fill_from_mirror  # noqa: E402

PAGES = {
    "Översikt": "app_pages/oversikt.py",
    "Jämförelse": "app_pages/jamforelse.py",
    "Alla områden": "app_pages/alla_omraden.py",
    "IFO i delar": "app_pages/ifo_delar.py",
    "Kostnadsdrivare": "app_pages/kostnadsdrivare.py",
    "Kostnad och kvalitet": "app_pages/kvalitet.py",
    "Budgetmål": "app_pages/budgetmal.py",
    "Rapport": "app_pages/rapport.py",
    "Om data": "app_pages/om_data.py",
}


def time_page(page: str, params: dict, runs: int) -> list[float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()  # warm-up: fills st.cache_data
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    os.environ.setdefault("NKA_STRICT_ERRORS", "1")  # a page error stops the benchmark
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not MIRROR.exists():
        sys.exit(f"{MIRROR} saknas: benchmarken behöver ../shared/kolada-mirror")
    with tempfile.TemporaryDirectory() as tmp:
        result = fill_from_mirror(Path(tmp))
        os.environ["KOLADA_CACHE_DIR"] = str(Path(tmp) / "cache")
        kommuner = Store(Path(tmp) / "cache").read("municipalities").frame
        print(
            f"cache: {result.rows} rows, {(kommuner['type'] == 'K').sum()} kommuner; "
            f"{args.runs} warm runs per page"
        )
        for label, params in (
            ("RKA-grupp, Åtvidaberg IFO", {"kommun": "0561"}),
            ("alla kommuner, Åtvidaberg IFO", {"kommun": "0561", "grupp": "alla"}),
        ):
            for name, page in PAGES.items():
                times = time_page(page, params, args.runs)
                print(
                    f"{label:<30} {name:<13} median {statistics.median(times):.3f} s"
                    f"  max {max(times):.3f} s"
                )

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB (benchmark process: app + AppTest + cache)")


if __name__ == "__main__":
    main()
