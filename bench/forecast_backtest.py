#!/usr/bin/env python3
"""The forecast's uncertainty, measured (issue 23): run ``benchmark.forecast`` on every kommun
and every pair of years the mirror's recorded data allow, per area and horizon (1–5 years), for
Riket's level known, Riket's growth extrapolated and "NKA unchanged" (for LSS also with the
kommun's own volume known), and write the error
distribution (n, median absolute error, p10/p50/p90 of forecast − Kolada's NKA) to
``benchmark/data/forecast_backtest.json``, the file the app reads its bands from.

Starts the mirror on a free loopback port, fills a cache from it (a full refresh), runs the
backtest and prints a table per area.

    .venv/bin/python bench/forecast_backtest.py            # writes the data file
    .venv/bin/python bench/forecast_backtest.py --out x.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from benchmark import forecast  # noqa: E402
from benchmark.source import Source  # noqa: E402
from kolada.catalogue import AREAS, POPULATION, RIKET  # noqa: E402
from kolada.store import Store  # noqa: E402
from tests.integration.conftest import fill_from_mirror  # noqa: E402

OUT = ROOT / "benchmark" / "data" / "forecast_backtest.json"
HORIZONS = range(1, 6)
# LSS's alternative, tried: its reference cost follows the kommun's own volume (invånare med
# insatser enligt LSS per invånare, known in advance as if from the kommun's own beslut)
VOLUME_KPIS = {"lss": "N28892"}


def bands(src: Source) -> pd.DataFrame:
    kommuner = sorted(m for m in src.municipalities.query("type == 'K'")["id"] if m != RIKET)
    frames = []
    for a in AREAS:
        if a.net_cost is None:  # "Totalt" has no net cost of its own
            continue
        kpis = [k for k in (a.nka_pct, a.net_cost, a.reference_cost, a.nka_mnkr) if k]
        volume = VOLUME_KPIS.get(a.code)
        values = src.values([*kpis, POPULATION, *([volume] if volume else [])])
        frames.append(forecast.error_bands(forecast.backtest(values, a, kommuner, HORIZONS)))
        if volume:
            errors = forecast.backtest_volume(values, a, kommuner, HORIZONS, volume)
            frames.append(forecast.error_bands(errors))
    return pd.concat(frames, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fill_from_mirror(Path(tmp))
        src = Source(Store(Path(tmp) / "cache"))
        table = bands(src)
        net = src.values([a.net_cost for a in AREAS if a.net_cost])
        years = (int(net["period"].min()), int(net["period"].max()))
    stats = ["median_abs", "p10", "p50", "p90"]
    rounded = table.astype({c: float for c in stats}).round(dict.fromkeys(stats, 2))
    args.out.write_text(
        json.dumps(
            {
                "made": date.today().isoformat(),
                "data": f"the Kolada mirror's net costs per invånare, {years[0]}–{years[1]}",
                "method": "benchmark.forecast.backtest (pairs across the 2019 break left out)",
                "bands": rounded.to_dict(orient="records"),
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    wide = rounded.pivot_table(
        index=["area", "horizon"], columns="assumption", values=["n", "median_abs", "p10", "p90"]
    )
    print(wide.to_string())
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
