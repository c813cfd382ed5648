#!/usr/bin/env python3
"""Capacity: how many people one Streamlit process serves, and three behind nginx.

Fills a cache from the mirror, starts the app in read-only mode (one replica, or ``--replicas 3``
behind Debian's nginx with deploy/nginx.conf), then for N = 1, 5, 10, 20, 40 concurrent
sessions each opens Översikt (Åtvidaberg IFO) and changes kommun three times. The sessions are
websocket clients (``tests/session_client.py``) that send the browser's own rerun requests and check
what comes back (the page title names the kommun chosen, the NKA card is there, a chart is sent),
so they run the same scripts as Chromium tabs without a browser's CPU on the same two cores.

Prints per N: p50/p95 time to the chart and to the end of a run, failed sessions, the server's
CPU (share of one core) and RSS, and memory per added session (RSS with N sessions connected,
minus RSS before them, over N).

    .venv/bin/python bench/capacity.py                 # one replica
    .venv/bin/python bench/capacity.py --replicas 3    # three replicas behind nginx
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.deploy_support import start_nginx, start_replicas, stop  # noqa: E402
from tests.integration.conftest import MIRROR, fill_from_mirror  # noqa: E402
from tests.session_client import Session  # noqa: E402

LEVELS = (1, 5, 10, 20, 40)
KOMMUNER = [  # the kommun each session moves to, by Kolada's name (the selectbox's text)
    "Växjö", "Umeå", "Höör", "Västerås", "Alvesta", "Bjuv", "Östra Göinge", "Hörby", "Tanum",
    "Herrljunga", "Forshaga", "Rättvik", "Lund", "Malmö", "Kalmar", "Borås", "Luleå", "Gävle",
]  # fmt: skip
CHANGES = 3
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / TICK


def rss_mb(pids: list[int], key: str = "VmRSS") -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                total += int(line.split()[1])
    return total / 1024


async def one_session(url: str, index: int, hold: asyncio.Event, ready: list[int]) -> dict:
    """Open Översikt, change kommun three times; stay connected until ``hold`` is set."""
    out = {"chart": [], "run": [], "failed": None}
    try:
        async with Session(url) as s:
            runs = [("Åtvidaberg", await s.run("kommun=0561&omrade=ifo"))]
            for k in range(CHANGES):
                name = KOMMUNER[(index * CHANGES + k) % len(KOMMUNER)]
                runs.append((name, await s.run(None, {"Kommun": name})))
            for name, run in runs:
                if run.exception or not run.title.endswith(f"– {name}") or not run.metrics:
                    raise RuntimeError(f"{name}: {run.exception or run.title or 'inga kort'}")
                if run.seconds_to_chart is None:
                    raise RuntimeError(f"{name}: inget diagram")
                out["chart"].append(run.seconds_to_chart)
                out["run"].append(run.seconds)
            ready[0] += 1
            await hold.wait()
    except Exception as e:  # a failed session is counted, not fatal
        out["failed"] = f"{type(e).__name__}: {e}"
        ready[0] += 1
    return out


CONNECTED: list[tuple[int, float]] = []  # (sessions, RSS with them connected)


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares MB per added session over the levels."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)


async def level(url: str, n: int, pids: list[int]) -> str:
    before_rss = rss_mb(pids)
    cpu0, t0 = cpu_seconds(pids), time.perf_counter()
    hold, ready = asyncio.Event(), [0]
    tasks = [asyncio.create_task(one_session(url, i, hold, ready)) for i in range(n)]
    peak = before_rss
    while ready[0] < n:  # every session has made its runs (or failed)
        peak = max(peak, rss_mb(pids))
        await asyncio.sleep(0.2)
    connected_rss = rss_mb(pids)
    CONNECTED.append((n, connected_rss))
    wall, cpu = time.perf_counter() - t0, cpu_seconds(pids) - cpu0
    hold.set()
    results = await asyncio.gather(*tasks)
    charts = sorted(c for r in results for c in r["chart"])
    runs = sorted(c for r in results for c in r["run"])
    failed = [r["failed"] for r in results if r["failed"]]
    per = (connected_rss - before_rss) / n
    return (
        f"N={n:>2}  diagram p50 {_q(charts, 0.5):5.2f} s p95 {_q(charts, 0.95):5.2f} s  "
        f"körning p50 {_q(runs, 0.5):5.2f} s p95 {_q(runs, 0.95):5.2f} s  "
        f"misslyckade {len(failed)}  CPU {cpu / wall * 100:4.0f} %  RSS {connected_rss:5.0f} MB "
        f"(topp {max(peak, connected_rss):5.0f})  per session {per:+5.1f} MB"
        + (f"  [{failed[0]}]" if failed else "")
    )


def _q(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


async def measure(url: str, replicas: list[str], pids: list[int], levels: tuple[int, ...]) -> None:
    for replica in replicas:  # each process fills the caches its sessions share
        async with Session(replica) as warm:
            await warm.run("kommun=0561&omrade=ifo")
    for n in levels:
        print(await level(url, n, pids), flush=True)
        await asyncio.sleep(2)  # closed sessions are let go before the next level


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    args = parser.parse_args()
    levels = tuple(int(x) for x in args.levels.split(","))
    if not MIRROR.exists():
        sys.exit(f"{MIRROR} saknas: benchmarken behöver ../shared/kolada-mirror")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        fill_from_mirror(tmp)
        procs, ports = start_replicas(tmp / "cache", args.replicas, tmp)
        nginx = None
        try:
            url = f"http://127.0.0.1:{ports[0]}"
            if args.replicas > 1:
                nginx, url, _, _ = start_nginx(ports, tmp)
            print(
                f"{args.replicas} replik(er){' bakom nginx' if nginx else ''}, {os.cpu_count()} "
                f"kärnor; varje session: Översikt + {CHANGES} byten av kommun"
            )
            replicas = [f"http://127.0.0.1:{p}" for p in ports]
            asyncio.run(measure(url, replicas, [p.pid for p in procs], levels))
            print(f"topp-RSS (VmHWM) {rss_mb([p.pid for p in procs], 'VmHWM'):.0f} MB")
            if len(CONNECTED) > 1:
                print(
                    f"minne per tillagd session (lutning över nivåerna): {slope(CONNECTED):.2f} MB"
                )
        finally:
            stop(*procs, *([nginx] if nginx else []))


if __name__ == "__main__":
    main()
