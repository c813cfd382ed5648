#!/usr/bin/env python3
"""Time to make each export of the Översikt chart (made only when a user clicks a button).

.venv/bin/python bench/exports_time.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmark import analytics, charts, exports  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    years = range(2019, 2025)
    rows = [("N30001", f"{m:04d}", y, (m * 7 + y) % 40 - 15.0) for m in range(8) for y in years]
    vals = pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"])
    own = analytics.series(vals, "N30001", "0000")
    stats = analytics.peer_stats(vals, "N30001", [f"{m:04d}" for m in range(1, 8)])
    chart = charts.trend_chart(charts.trend_data(own, stats, "Kommun", 2024), stats, "Kommun", "%")
    data = stats.assign(Kommun=own.reindex(stats["period"]).to_numpy())
    info = exports.ExportInfo("bench", "Titel", "Undertitel", "Källa: Kolada")
    makers = {
        "PNG 300 dpi": lambda: exports.to_png(chart, info),
        "SVG": lambda: exports.to_svg(chart, info),
        "CSV": lambda: exports.to_csv(data),
        "Excel": lambda: exports.to_xlsx(data, info),
        "Paket (.zip)": lambda: exports.bundle(chart, data, info),
    }
    makers["PNG 300 dpi"]()  # the first call starts vl-convert's engine
    for name, make in makers.items():
        times, size = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            size = len(make())
            times.append(time.perf_counter() - t0)
        print(f"{name:<13} median {statistics.median(times):.3f} s  {size / 1024:.0f} kB")


if __name__ == "__main__":
    main()
