#!/usr/bin/env python3
"""Time to the first drawn chart in a real browser: our Översikt against a bare Streamlit page.

Starts two ``streamlit run`` servers on free loopback ports — the app of ``--root`` (read-only,
on a filled Kolada cache) and a bare page this script writes to a temporary folder (wide layout,
a title, 4 metric cards in a row, one Altair line chart of 20 points) — warms each once, then
alternates between them in Debian's headless Chromium (Playwright, never a downloaded browser):
each run opens both pages, in turn first, each in a fresh browser context (locale sv-SE).

Measured in the page from navigation start (``performance.now()``): the first metric card with
its value, and the first chart actually drawn (a canvas inside ``stVegaLiteChart`` with drawn
pixels, or Vega's ``svg.marks`` with marks, of non-zero size). Prints the median and p90 per app
and the ratio of the medians (target ≤ 1.25).

Also read when the chart is drawn (Chromium's Performance.getMetrics): the renderer's
main-thread CPU time and DOM nodes so far, steadier than wall-clock time when the machine is busy.

``--trace`` then opens each page once more and lists what the page loaded (every request URL,
with its start by the page's clock), the websocket messages before the chart (Streamlit's
ForwardMsgs, decoded: elements by type, sidebar or main), the widgets on the page, and when the
chart's message and script_finished arrived after new_session.

    .venv/bin/python bench/browser_paint.py --runs 10
    .venv/bin/python bench/browser_paint.py --root ../baseline --runs 10 --json paint.json

(About 500 lines: two servers, a browser, the measuring script injected into the page, and the
trace's websocket decoding belong to one measurement and are read together.)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.deploy_support import wait_healthy  # noqa: E402
from tests.integration.test_browser import BROWSER_ARGS, LOCALE  # noqa: E402  the tests' flags
from tests.integration.test_browser import CHROMIUM as FOUND  # noqa: E402

CHROMIUM = FOUND or "/usr/bin/chromium"
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 90_000
APPS = ("oversikt", "bare")
CHART_ELEMENTS = {"vega_lite_chart", "arrow_vega_lite_chart"}
# Chromium's Performance.getMetrics, read when the chart is drawn: the renderer's main-thread
# CPU time (ms) and DOM nodes so far; less sensitive to other load than the wall-clock times
RENDERER_METRICS = {
    "TaskDuration": "main_thread_ms",
    "ScriptDuration": "script_ms",
    "LayoutDuration": "layout_ms",
    "RecalcStyleDuration": "style_ms",
    "Nodes": "dom_nodes",
}

BARE_APP = '''\
"""A bare Streamlit page: the yardstick for bench/browser_paint.py."""

import altair as alt
import pandas as pd
import streamlit as st

st.set_page_config(layout="wide")
st.title("Individ- och familjeomsorg – Åtvidaberg")
for col, (label, value) in zip(
    st.columns(4),
    [("NKA 2022", "12,3 %"), ("NKA i mnkr 2022", "8,1"), ("Placering 2022", "5 av 8"),
     ("Mot gruppens median", "+4,2 p.e.")],
    strict=True,
):
    col.metric(label, value, border=True)
data = pd.DataFrame({"År": [str(y) for y in range(2005, 2025)],
                     "NKA (%)": [((y * 37) % 23) - 11.0 for y in range(20)]})
st.altair_chart(
    alt.Chart(data).mark_line(point=True).encode(x="År:O", y="NKA (%):Q"), width="stretch"
)
'''

# Runs in every page before its own scripts: notes, in ms from navigation start, when the first
# metric card shows its value and when the first chart is drawn, and counts websocket messages.
PROBE_JS = """
(() => {
  const t = {msgs: 0, bytes: 0, msg_at: []};
  window.__paint = t;
  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => {
        if (t.ws_open === undefined) t.ws_open = performance.now();
      });
      this.addEventListener('message', (e) => {
        if (t.first_msg === undefined) t.first_msg = performance.now();
        if (t.msgs < 2000) t.msg_at.push(performance.now());
        t.msgs += 1;
        t.bytes += e.data.byteLength || e.data.length || e.data.size || 0;
      });
    }
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const drawn = (canvas) => {
    if (!visible(canvas) || !canvas.width || !canvas.height) return false;
    try {
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < d.length; i += 4) if (d[i]) return true;
      return false;
    } catch (e) { return true; }
  };
  const chart = () => {
    for (const c of document.querySelectorAll('[data-testid="stVegaLiteChart"] .vega-embed canvas'))
      if (drawn(c)) return 'canvas';
    for (const s of document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks'))
      if (visible(s) && s.querySelector('path, line, rect, symbol')) return 'svg';
    return null;
  };
  const metric = () => {
    const values = '[data-testid="stMetric"] [data-testid="stMetricValue"]';
    for (const m of document.querySelectorAll(values))
      if (visible(m) && m.textContent.trim()) return true;
    return false;
  };
  const tick = () => {
    if (t.metric === undefined && metric()) t.metric = performance.now();
    if (t.chart_element === undefined && document.querySelector(
        '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'))
      t.chart_element = performance.now();  // in the DOM, perhaps not drawn yet
    if (t.chart === undefined) {
      const kind = chart();
      if (kind) { t.chart = performance.now(); t.kind = kind; t.msgs_before_chart = t.msgs;
                  t.bytes_before_chart = t.bytes; }
    }
    if (t.chart === undefined || t.metric === undefined) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""

READ_TIMES = """() => {
  const nav = performance.getEntriesByType('navigation')[0] || {};
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {...window.__paint, response_end: nav.responseEnd,
          dom_loaded: nav.domContentLoadedEventEnd, fcp: fcp ? fcp.startTime : null};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run`` of one script on a free loopback port; ``stop`` ends it."""

    def __init__(self, name: str, script: Path, env: dict[str, str], log_dir: Path):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"{name}.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", script.name,
                 "--server.headless", "true", "--browser.gatherUsageStats", "false",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1"],
                cwd=script.parent, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl+C in the terminal reaches only this script
            )  # fmt: skip

    def wait_healthy(self, seconds: float = 90) -> None:
        wait_healthy(f"{self.url}/_stcore/health", self.log, seconds)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def ensure_cache(cache: Path | None, tmp: Path) -> Path:
    """A filled Kolada cache: ``cache`` as it is when it holds one, else filled from the mirror
    (a full refresh, ~10 s) into ``cache`` or a temporary folder."""
    target = cache or tmp / "cache"
    if (target / "manifest.json").exists():
        return target
    from kolada.client import KoladaClient
    from kolada.refresh import refresh
    from kolada.store import Store
    from tests.integration.conftest import MIRROR, start_mirror

    if not MIRROR.exists():
        sys.exit(f"{MIRROR} saknas: fyll cachen med ../shared/kolada-mirror eller ge --cache")
    print(f"filling {target} from the mirror …", flush=True)
    mirror = start_mirror(tmp)
    try:
        with KoladaClient(mirror.base_url, max_rps=0) as client:
            refresh(Store(target), client)
    finally:
        mirror.stop()
    return target


def open_page(browser, url: str) -> dict:
    """One navigation in a fresh context: the page's timings (ms from navigation start)."""
    context = browser.new_context(locale=LOCALE, viewport=VIEWPORT)
    try:
        context.add_init_script(PROBE_JS)
        page = context.new_page()
        cdp = context.new_cdp_session(page)  # the renderer's own work, in its CPU time
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => window.__paint && window.__paint.chart !== undefined"
            " && window.__paint.metric !== undefined",
            timeout=TIMEOUT_MS,
        )
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        times = page.evaluate(READ_TIMES)
        for name, key in RENDERER_METRICS.items():
            times[key] = metrics.get(name, 0) * (1000 if name.endswith("Duration") else 1)
        return times
    finally:
        context.close()


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (q = 0.9: p90)."""
    s = sorted(values)
    pos = (len(s) - 1) * q
    low = int(pos)
    return s[low] + (s[min(low + 1, len(s) - 1)] - s[low]) * (pos - low)


def summary(values: list[float]) -> dict:
    return {
        "median": statistics.median(values),
        "p90": quantile(values, 0.9),
        "min": min(values),
        "max": max(values),
    }


# ---- --trace: what the page loads and what the server sends before the chart -----------------
def describe(msg) -> tuple[str, str | None, bool]:
    """A ForwardMsg as (kind, element type or None, whether it went to the sidebar)."""
    kind = msg.WhichOneof("type")
    if kind != "delta":
        return kind, None, False
    delta = msg.delta
    which = delta.WhichOneof("type")
    path = list(msg.metadata.delta_path)
    in_sidebar = bool(path) and path[0] == 1  # root containers: 0 main, 1 sidebar
    if which == "new_element":
        return "element", delta.new_element.WhichOneof("type"), in_sidebar
    if which == "add_block":
        block = delta.add_block.WhichOneof("type") or "vertical"
        return "block", block, in_sidebar
    return which, None, in_sidebar


# the widgets a page shows, by Streamlit's test ids, and where (sidebar or main)
COUNT_WIDGETS = """() => {
  const ids = ['stSelectbox', 'stMultiSelect', 'stRadio', 'stSlider', 'stCheckbox', 'stButton',
               'stDownloadButton', 'stTextInput', 'stNumberInput', 'stDateInput', 'stPopover'];
  const out = {};
  for (const id of ids) for (const el of document.querySelectorAll(`[data-testid="${id}"]`)) {
    const key = (el.closest('[data-testid="stSidebar"]') ? 'sidebar:' : '') + id;
    out[key] = (out[key] || 0) + 1;
  }
  out.nav_links = document.querySelectorAll('[data-testid="stSidebarNavLink"]').length;
  out.element_containers = document.querySelectorAll('[data-testid="stElementContainer"]').length;
  out.expanders = document.querySelectorAll('[data-testid="stExpander"]').length;
  return out;
}"""
RESOURCE_TIMES = """() => Object.fromEntries(performance.getEntriesByType('resource')
  .map(e => [e.name, [e.startTime / 1000, e.responseEnd / 1000]]))"""


def trace_page(browser, url: str) -> dict:
    """One more navigation with every request and websocket message recorded; times in seconds
    from navigation start, by the page's clock (Resource Timing, the probe's message times)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    requests: list[tuple[str, str]] = []
    frames: list[bytes] = []
    context = browser.new_context(locale=LOCALE, viewport=VIEWPORT)
    try:
        context.add_init_script(PROBE_JS)
        page = context.new_page()
        page.on("request", lambda r: requests.append((r.resource_type, r.url)))
        page.on("websocket", lambda ws: requests.append(("websocket", ws.url)))
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived", lambda p: frames.append(p) if isinstance(p, bytes) else None
            ),
        )
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(
            "() => window.__paint && window.__paint.chart !== undefined", timeout=TIMEOUT_MS
        )
        times = page.evaluate(READ_TIMES)
        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
        page.wait_for_timeout(1000)  # late requests (fonts, icons)
        widgets = page.evaluate(COUNT_WIDGETS)
        resources = page.evaluate(RESOURCE_TIMES)
        arrived = [ms / 1000 for ms in page.evaluate("() => window.__paint.msg_at")]
    finally:
        context.close()
    if len(arrived) != len(frames):  # should not happen: then the order is all there is
        arrived = [float("nan")] * len(frames)
    messages = []
    for at, payload in zip(arrived, frames, strict=True):
        msg = ForwardMsg()
        msg.ParseFromString(payload)
        kind, element, sidebar = describe(msg)
        messages.append((at, kind, element, sidebar, len(payload)))
    opened = (times.get("ws_open") or 0.0) / 1000  # a websocket is not in Resource Timing
    timed = [
        (opened if kind == "websocket" else resources.get(u, (0.0, 0.0))[0], kind, u)
        for kind, u in requests
    ]
    chart_at = next((i for i, m in enumerate(messages) if m[2] in CHART_ELEMENTS), None)
    before = messages[:chart_at] if chart_at is not None else messages
    started = next((m[0] for m in messages if m[1] == "new_session"), None)
    finished = next((m[0] for m in messages if m[1] == "script_finished"), None)
    return {
        "times": times,
        "requests": [{"at": round(at, 3), "type": kind, "url": u} for at, kind, u in timed],
        "messages_total": len(messages),
        "messages_before_chart": len(before),
        "bytes_before_chart": sum(m[4] for m in before),
        "elements_before_chart": dict(
            Counter(f"{'sidebar:' if m[3] else ''}{m[2]}" for m in before if m[1] == "element")
        ),
        "blocks_before_chart": sum(1 for m in before if m[1] == "block"),
        "other_before_chart": dict(
            Counter(m[1] for m in before if m[1] not in ("element", "block"))
        ),
        "widgets": widgets,
        "messages": [
            {"at": round(at, 3), "kind": k, "element": e, "sidebar": sb, "bytes": size}
            for at, k, e, sb, size in messages
        ],
        "first_message_at": messages[0][0] if messages else None,
        "script_seconds_seen": (
            finished - started if started is not None and finished is not None else None
        ),
        "chart_message_after_new_session": (messages[chart_at][0] - started)
        if started is not None and chart_at is not None
        else None,
    }


def print_trace(name: str, t: dict) -> None:
    print(f"\n--- trace: {name}")
    times = t["times"]
    print(
        "  ms from navigation: "
        + ", ".join(
            f"{k} {times[k]:.0f}"
            for k in (
                "response_end",
                "dom_loaded",
                "fcp",
                "ws_open",
                "first_msg",
                "metric",
                "chart",
            )
            if times.get(k) is not None
        )
    )
    seen = t["script_seconds_seen"]
    chart_after = t["chart_message_after_new_session"]
    print(
        f"  websocket: {t['messages_total']} messages, {t['messages_before_chart']} before the "
        f"chart's ({t['bytes_before_chart']} bytes); new_session → chart message "
        f"{chart_after * 1000 if chart_after is not None else float('nan'):.0f} ms, "
        f"→ script_finished {seen * 1000 if seen is not None else float('nan'):.0f} ms"
    )
    print(f"  elements before the chart: {t['elements_before_chart']}")
    print(
        f"  blocks before the chart: {t['blocks_before_chart']}; other: {t['other_before_chart']}"
    )
    print(f"  on the page in the end: {t['widgets']}")
    scripts = [r for r in t["requests"] if r["type"] == "script"]
    first_msg = t["first_message_at"] or 0.0
    late = [r["url"].rsplit("/", 1)[-1] for r in scripts if r["at"] >= first_msg]
    print(
        f"  {len(t['requests'])} requests: {len(scripts)} scripts, {len(late)} of them asked for "
        f"after the first websocket message (the elements' code): {' '.join(late)}"
    )
    for r in t["requests"]:
        if r["type"] != "script":
            print(f"    {r['at']:6.3f} s {r['type']:<10} {r['url']}")


# ---- main -------------------------------------------------------------------------------------
def measure(browser, urls: dict[str, str], runs: int) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {name: [] for name in urls}
    for url in urls.values():  # warm-up: cache_data, imports, the pages' first runs
        open_page(browser, url)
    for i in range(runs):
        order = list(urls) if i % 2 == 0 else list(reversed(urls))
        for name in order:
            results[name].append(open_page(browser, urls[name]))
        line = "  ".join(
            f"{n} chart {results[n][-1]['chart']:.0f} ms (card {results[n][-1]['metric']:.0f})"
            for n in urls
        )
        print(f"run {i + 1}/{runs}: {line}", flush=True)
    return results


def report(results: dict[str, list[dict]]) -> dict:
    figures: dict = {"apps": {}}
    for name, runs in results.items():
        figures["apps"][name] = {
            "chart_ms": summary([r["chart"] for r in runs]),
            "metric_ms": summary([r["metric"] for r in runs]),
            "chart_element_ms": summary([r.get("chart_element", r["chart"]) for r in runs]),
            "runs": runs,
        }
    ours, bare = (figures["apps"][n] for n in APPS)
    figures["ratio_chart"] = ours["chart_ms"]["median"] / bare["chart_ms"]["median"]
    figures["ratio_metric"] = ours["metric_ms"]["median"] / bare["metric_ms"]["median"]
    figures["ratio_chart_element"] = (
        ours["chart_element_ms"]["median"] / bare["chart_element_ms"]["median"]
    )
    print(f"\n{'app':<10} {'first chart: median / p90':>27} {'first card: median / p90':>27}")
    for name in APPS:
        c, m = figures["apps"][name]["chart_ms"], figures["apps"][name]["metric_ms"]
        print(
            f"{name:<10} {c['median'] / 1000:>18.2f} / {c['p90'] / 1000:.2f} s"
            f" {m['median'] / 1000:>18.2f} / {m['p90'] / 1000:.2f} s"
        )
    for name in APPS:
        runs = figures["apps"][name]["runs"]
        work = {k: statistics.median(r[k] for r in runs) for k in RENDERER_METRICS.values()}
        figures["apps"][name]["renderer_median"] = work
        print(
            f"{name:<10} renderer until the chart (median): main thread "
            f"{work['main_thread_ms']:.0f} ms CPU (script {work['script_ms']:.0f}, layout "
            f"{work['layout_ms']:.0f}, style "
            f"{work['style_ms']:.0f}), {work['dom_nodes']:.0f} DOM nodes"
        )
    print(
        f"ratio of medians (Översikt / bare): chart {figures['ratio_chart']:.2f}×, "
        f"card {figures['ratio_metric']:.2f}× (target for the chart ≤ 1.25×); the chart's "
        f"svg/canvas merely in the DOM (not yet drawn) {figures['ratio_chart_element']:.2f}×"
    )
    return figures


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="alternating runs per app")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py runs")
    parser.add_argument(
        "--cache", type=Path, help="a Kolada cache (filled from the mirror if empty)"
    )
    parser.add_argument("--url-params", default="kommun=0561&omrade=ifo")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--trace", action="store_true", help="then list requests and messages")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(CHROMIUM).exists():
        sys.exit("Chromium saknas: apt-get install -y chromium")
    app = args.root.resolve() / "app.py"
    if not app.exists():
        sys.exit(f"{app} saknas")

    for sig in (signal.SIGINT, signal.SIGTERM):  # also when started in the background (where
        signal.signal(sig, interrupt)  # SIGINT is ignored): the servers are stopped either way
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="browser-paint-") as tmp_name:
        tmp = Path(tmp_name)
        try:
            cache = ensure_cache(args.cache.resolve() if args.cache else None, tmp)
            bare = tmp / "bare" / "bare_app.py"
            bare.parent.mkdir()
            bare.write_text(BARE_APP)
            env = {
                **os.environ,
                "KOLADA_CACHE_DIR": str(cache),
                "KOLADA_READ_ONLY": "1",
                "PYTHONPATH": str(args.root.resolve()),  # its kolada/ and benchmark/, not ours
                "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            }
            servers = [Server("oversikt", app, env, tmp), Server("bare", bare, env, tmp)]
            for s in servers:
                s.wait_healthy()
            urls = {
                "oversikt": f"{servers[0].url}/?{args.url_params}",
                "bare": f"{servers[1].url}/",
            }
            print(f"Översikt: {app} on {urls['oversikt']}; bare page on {urls['bare']}")
            print(
                f"cache: {cache}; {args.runs} runs, alternating, a fresh context each", flush=True
            )
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
                try:
                    results = measure(browser, urls, args.runs)
                    figures = report(results)
                    if args.trace:
                        figures["trace"] = {n: trace_page(browser, u) for n, u in urls.items()}
                        for n, t in figures["trace"].items():
                            print_trace(n, t)
                finally:
                    browser.close()
            figures |= {"root": str(args.root.resolve()), "url_params": args.url_params}
            if args.json:
                args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
                print(f"figures written to {args.json}")
        except KeyboardInterrupt:
            print("interrupted; stopping the servers", file=sys.stderr)
            raise SystemExit(130) from None
        finally:
            for s in servers:
                s.stop()


if __name__ == "__main__":
    main()
