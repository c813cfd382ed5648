#!/usr/bin/env python3
"""Snapshot of what every page shows, as plain data, to compare two checkouts (a refactor).

Runs ``<root>/app.py`` under Streamlit's AppTest from a filled Kolada cache (read-only: the app
never fetches) for a few kommuner and areas, switches to each page in turn and records the
rendered elements in order (type and visible text or value), main area and sidebar apart.
Things that change between runs (times of day, durations, ages, cache and /tmp paths, the
checkout's own path) are replaced by placeholders, so two runs of the same code give the same
file. A page that raises is recorded with its exception; the run goes on.

    .venv/bin/python bench/page_snapshot.py --cache /work/snap/cache --out before.json
    .venv/bin/python bench/page_snapshot.py --root ../baseline --cache C --out before.json
    .venv/bin/python bench/page_snapshot.py --diff before.json after.json

``--cache DIR`` without a manifest.json is first filled by a full refresh from the Kolada
mirror (../shared/kolada-mirror/mirror.py beside the checkout). The script uses only the
checkout's ``kolada`` package (to fill a cache) and Streamlit, so a copy of it runs unchanged in
another checkout of the project. Expanders that build their content only when open (``ui.lazy``)
are opened before a page is recorded.

(About 600 lines: it stands alone — it must run unchanged in an older checkout — so it carries
its own element walker, normaliser and diff.)
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import math
import os
import re
import string
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_ROOT = Path(__file__).resolve().parents[1]

# (kommun, area): Åtvidaberg IFO, Västerås IFO and LSS, Höör IFO and grundskola
VIEWS = (
    ("0561", "ifo"),
    ("1980", "ifo"),
    ("1980", "lss"),
    ("1267", "ifo"),
    ("1267", "grundskola"),
)
PAGE_STEMS = (
    "oversikt",
    "jamforelse",
    "alla_omraden",
    "ifo_delar",
    "kostnadsdrivare",
    "kvalitet",
    "budgetmal",
    "rapport",
    "om_data",
)
# where the page files may live under --root (then any folder there with oversikt.py)
PAGE_DIRS = ("pages", "views", "app_pages")
REPORT_BUTTON = "Skapa rapport"  # on Rapport: clicked once more for the "rapport+skapa" snapshot
TIMEOUT = 180  # seconds per script run (a report with its charts takes a few)

# Text shown as Markdown may be escaped (benchmark/escaping.py): a backslash before punctuation,
# a word joiner (U+2060) inside "http://" and the like. The patterns allow both.
E = r"\\?"  # an optional backslash
J = "\u2060?"  # an optional word joiner
TIME_RE = re.compile(
    rf"\d{{4}}{E}-\d{{2}}{E}-\d{{2}}[ T]\d{{2}}{E}:\d{{2}}(?:{E}:\d{{2}}(?:{E}\.\d+)?)?"
    rf"(?:Z|{E}[+-]\d{{2}}{E}:\d{{2}})?"
)
# "skapad på 2,8 s" (Rapport) and the refresh's own duration "… rader, 12,1 s" (Om data)
SECONDS_RE = re.compile(rf"(skapad på |rader{E}, )\d+(?:{E}[,.]\d+)? s\b")
# kolada.status.format_age: "12 min", "3 h", "5 dagar" after "för … sedan" or in Status cells
AGE_SENTENCE_RE = re.compile(r"\bför \d+[ \u00a0](?:min|h|dagar) sedan")
AGE_CELL_RE = re.compile(r"^(\w+), \d+[ \u00a0](?:min|h|dagar)$")
TMP_RE = re.compile(rf"{E}/tmp\b(?:{E}[/.\-_~+]|\u2060|\w)*")
# the mirror that filled the cache listens on a new port each time
MIRROR_RE = re.compile(rf"http{E}:{J}{E}/{E}/127{E}\.0{E}\.0{E}\.1{E}:\d+")
# Vega-Lite names that Altair numbers per process (param_3, view_12), and its data names
CHART_NAME_RE = re.compile(r"\b(param|view|selector|empty)_\d+\b")
DATA_NAME_RE = re.compile(r"data-[0-9a-f]{32}")


def _loose(literal: str) -> re.Pattern:
    """``literal`` (a path) as it may appear in plain or escaped Markdown."""
    parts = [
        f"{E}{J}{re.escape(ch)}{J}" if ch in string.punctuation else re.escape(ch) for ch in literal
    ]
    return re.compile("".join(parts))


# ---- normalising -------------------------------------------------------------------------------
class Normaliser:
    """Replaces the parts of a text that differ between runs or checkouts."""

    def __init__(self, root: Path, cache: Path) -> None:
        # longest first: the cache may lie inside the checkout
        paths = {str(cache.resolve()): "<CACHE>", str(cache): "<CACHE>"}
        paths.update({str(root.resolve()): "<ROOT>", str(root): "<ROOT>"})
        ordered = sorted(paths.items(), key=lambda kv: -len(kv[0]))
        self.paths = [(_loose(path), placeholder) for path, placeholder in ordered]

    def text(self, s: str) -> str:
        for pattern, placeholder in self.paths:
            s = pattern.sub(placeholder, s)
        s = TMP_RE.sub("<TMP>", s)
        s = MIRROR_RE.sub("<MIRROR>", s)
        s = TIME_RE.sub("<TIME>", s)
        s = SECONDS_RE.sub(r"\1<SECONDS>", s)
        s = AGE_SENTENCE_RE.sub("för <AGE> sedan", s)
        return AGE_CELL_RE.sub(r"\1, <AGE>", s)

    def cell(self, value: Any) -> str:
        if isinstance(value, float):
            # 12 significant digits: a last-bit difference in a sum is not a change on screen
            return "nan" if math.isnan(value) else format(value, ".12g")
        if hasattr(value, "item") and not isinstance(value, str | bytes):
            try:
                return self.cell(value.item())  # numpy scalars
            except (ValueError, TypeError):
                pass
        return self.text(str(value))


# ---- reading the element tree ------------------------------------------------------------------
WIDGETS_WITH_VALUE = {
    "selectbox",
    "radio",
    "multiselect",
    "checkbox",
    "toggle",
    "slider",
    "select_slider",
    "number_input",
    "text_input",
    "text_area",
    "date_input",
    "time_input",
    "button_group",
    "color_picker",
}
TEXT_TYPES = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "latex",
    "text",
    "code",
    "info",
    "warning",
    "error",
    "success",
    "toast",
    "json",
}
LABELLED_BLOCKS = {"expander", "tab", "status", "popover"}
SKIPPED_BLOCKS = {"root", "main", "sidebar", "container", "vertical", "horizontal", "column"}


def _attr(node: Any, name: str, default: Any = None) -> Any:
    try:
        return getattr(node, name)
    except Exception:  # noqa: BLE001 - AppTest falls through to the proto; anything may miss
        return default


def _rows(frame: Any, norm: Normaliser) -> list[list[str]]:
    """A table as rows of strings: the column names first, then each row (index left out
    unless it is named, as Streamlit tables here hide a plain RangeIndex)."""
    frame = frame.reset_index() if any(n is not None for n in frame.index.names) else frame
    header = [norm.cell(" / ".join(map(str, c)) if isinstance(c, tuple) else c) for c in frame]
    return [header] + [[norm.cell(v) for v in row] for row in frame.itertuples(index=False)]


def _chart(node: Any, norm: Normaliser) -> dict:
    """A chart: its title and marks, a digest of its spec (with Altair's per-process names and
    its data names taken out) and, per dataset, the row count and a digest of the rows."""
    proto = node.proto if hasattr(node, "proto") else None
    out: dict[str, Any] = {}
    spec = _attr(proto, "spec", "")
    if isinstance(spec, str) and spec:
        try:
            parsed = json.loads(spec)
        except ValueError:
            parsed = {}
        title = parsed.get("title") if isinstance(parsed, dict) else None
        if isinstance(title, dict):
            title = title.get("text")
        if title:
            out["title"] = norm.text(title if isinstance(title, str) else json.dumps(title))
        marks = sorted(_marks(parsed))
        if marks:
            out["marks"] = marks
        names: dict[str, str] = {}
        plain = DATA_NAME_RE.sub(lambda m: names.setdefault(m[0], f"data{len(names)}"), spec)
        plain = norm.text(CHART_NAME_RE.sub(r"\1_N", plain))
        out["spec"] = hashlib.sha256(plain.encode()).hexdigest()[:16]
    data = []
    for dataset in _attr(proto, "datasets", []) or []:
        data.append(_data(dataset.data.data, norm))
    inline = _attr(proto, "data")
    if inline is not None and _attr(inline, "data"):
        data.append(_data(inline.data, norm))
    if data:
        out["data"] = data
    return out


def _data(arrow: bytes, norm: Normaliser) -> str:
    from streamlit import dataframe_util

    try:
        rows = _rows(dataframe_util.convert_arrow_bytes_to_pandas_df(arrow), norm)
    except Exception as e:  # noqa: BLE001
        return f"unreadable: {type(e).__name__}"
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()[:16]
    return f"{len(rows) - 1} rows {digest}"


def _marks(spec: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(spec, dict):
        mark = spec.get("mark")
        if mark is not None:
            found.add(mark if isinstance(mark, str) else str(mark.get("type")))
        for key in ("layer", "hconcat", "vconcat", "concat", "spec"):
            value = spec.get(key)
            for child in value if isinstance(value, list) else [value]:
                found |= _marks(child)
    return found


def _text(node: Any, norm: Normaliser) -> dict:
    return {"text": norm.text(str(_attr(node, "value", "")))}


def _label(node: Any, norm: Normaliser) -> dict:
    return {"label": norm.text(str(_attr(node, "label", "")))}


def _metric(node: Any, norm: Normaliser) -> dict:
    out = {"label": norm.text(node.label), "value": norm.text(node.value)}
    delta = _attr(node, "delta", "")
    return {**out, "delta": norm.text(str(delta))} if delta else out


def _table(node: Any, norm: Normaliser) -> dict:
    try:
        return {"rows": _rows(node.value, norm)}
    except Exception as e:  # noqa: BLE001 - an unreadable table is recorded, not fatal
        return {"error": norm.text(f"{type(e).__name__}: {e}")}


def _widget(node: Any, norm: Normaliser) -> dict:
    value = _attr(node, "value")
    if isinstance(value, list | tuple | set | frozenset):
        return {**_label(node, norm), "value": [norm.cell(v) for v in value]}
    return {**_label(node, norm), "value": norm.cell(value)}


def _exception(node: Any, norm: Normaliser) -> dict:
    return {
        "text": _exception_text(node, norm),
        "stack": [norm.text(line) for line in _attr(node, "stack_trace", [])],
    }


def _exception_text(node: Any, norm: Normaliser) -> str:
    """The exception's type and message, as in "RuntimeError: message"."""
    kind, message = _attr(node.proto, "type", ""), str(_attr(node, "message", ""))
    return norm.text(f"{kind}: {message}" if kind else message)


def _nothing(node: Any, norm: Normaliser) -> dict:
    return {}


READERS = {
    **dict.fromkeys(TEXT_TYPES | {"html"}, _text),
    **dict.fromkeys(WIDGETS_WITH_VALUE, _widget),
    **dict.fromkeys(("button", "download_button", "link_button", "page_link"), _label),
    **dict.fromkeys(("form_submit_button", *LABELLED_BLOCKS), _label),
    **dict.fromkeys(("table", "dataframe"), _table),
    **dict.fromkeys(("divider", "image", "imgs"), _nothing),
    "metric": _metric,
    "exception": _exception,
}
BLANK = {"progress", "spinner", "empty", "space"}  # transient or blank: left out


def element(node: Any, norm: Normaliser) -> dict | None:
    """One element as plain data (None for structure that shows nothing of its own)."""
    kind = node.type
    if kind in READERS:
        return {"type": kind, **READERS[kind](node, norm)}
    if "chart" in kind:  # vega_lite_chart, plotly_chart, …
        return {"type": kind, **_chart(node, norm)}
    if kind in BLANK or kind in SKIPPED_BLOCKS or hasattr(node, "children"):
        return None
    label = _attr(node, "label")  # anything else: its type, and its label if it has one
    return {"type": kind, **({"label": norm.text(label)} if isinstance(label, str) else {})}


def walk(node: Any, norm: Normaliser) -> Iterator[dict]:
    """The elements under a node, depth first, in the order they are shown."""
    children = _attr(node, "children")
    if children is None:
        found = element(node, norm)
        if found is not None:
            yield found
        return
    if node.type in LABELLED_BLOCKS:
        yield element(node, norm)
    items = children.items() if isinstance(children, dict) else enumerate(children)
    for _, child in sorted(items, key=lambda kv: kv[0]):
        yield from walk(child, norm)


def snapshot(at: Any, norm: Normaliser) -> dict:
    return {"main": list(walk(at.main, norm)), "sidebar": list(walk(at.sidebar, norm))}


# ---- filling a cache ---------------------------------------------------------------------------
def find_mirror(root: Path, given: Path | None) -> Path:
    candidates = [given] if given else []
    candidates += [root.resolve().parent / "shared" / "kolada-mirror" / "mirror.py"]
    candidates += [DEFAULT_ROOT.parent / "shared" / "kolada-mirror" / "mirror.py"]
    for path in candidates:
        if path.exists():
            return path
    sys.exit(f"Kolada-spegeln saknas (sökt: {', '.join(map(str, candidates))}); ange --mirror")


def fill_cache(cache: Path, mirror: Path) -> None:
    """A full refresh from a fresh mirror into ``cache`` (as tests/integration's
    ``fill_from_mirror``)."""
    from kolada.client import KoladaClient
    from kolada.refresh import refresh
    from kolada.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        port_file, log = Path(tmp) / "port", Path(tmp) / "mirror.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, str(mirror), "--port", "0", "--port-file", str(port_file)],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            base = _wait_for_port(process, port_file, log)
            started = time.perf_counter()
            with KoladaClient(f"{base}/v3", max_rps=0) as client:
                result = refresh(Store(cache), client)
            print(
                f"cache filled: {result.rows} rows in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_port(process: subprocess.Popen, port_file: Path, log: Path) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"mirror exited: {log.read_text(errors='replace')}")
        if port_file.exists() and port_file.read_text().strip():
            base = f"http://127.0.0.1:{int(port_file.read_text())}"
            try:
                urllib.request.urlopen(f"{base}/_mirror/stats", timeout=10).close()
                return base
            except OSError:
                pass
        time.sleep(0.1)
    raise RuntimeError("mirror did not start within 60 s")


# ---- running the app ---------------------------------------------------------------------------
@contextmanager
def modern_navigation() -> Iterator[None]:
    """For an older checkout with a ``pages/`` folder: Streamlit runs a
    page file on its own (legacy routing) until some session has called st.navigation, and
    AppTest resets that flag before every run; keep it off, as in a running server."""
    import streamlit.runtime.pages_manager as pages_manager

    cls = pages_manager.PagesManager
    if not hasattr(cls, "uses_pages_directory"):
        yield
        return
    init = cls.__init__

    def modern(self, *args, **kwargs):
        init(self, *args, **kwargs)
        cls.uses_pages_directory = False

    cls.__init__ = modern
    try:
        yield
    finally:
        cls.__init__ = init


def page_files(root: Path, given: str | None = None) -> tuple[str, dict[str, str]]:
    """The page folder's name and each page stem's path relative to ``root``: ``given``, else
    the first of PAGE_DIRS that holds the pages, else any folder of ``root`` with oversikt.py."""
    if given:
        folders = [given]
    else:
        others = sorted(
            d.name
            for d in root.iterdir()
            if d.is_dir() and not d.name.startswith(".") and (d / f"{PAGE_STEMS[0]}.py").exists()
        )
        folders = [d for d in PAGE_DIRS if (root / d / f"{PAGE_STEMS[0]}.py").exists()] + others
    if not folders or not (root / folders[0]).is_dir():
        sys.exit(f"no page folder in {root} (tried {', '.join(PAGE_DIRS)}); give --pages")
    name = folders[0]
    return name, {stem: f"{name}/{stem}.py" for stem in PAGE_STEMS}


def _failure(e: BaseException, norm: Normaliser) -> dict:
    lines = traceback.format_exception(e)
    return {"error": norm.text(f"{type(e).__name__}: {e}"), "traceback": norm.text("".join(lines))}


def _open_lazy_expanders(at: Any) -> None:
    """Open the expanders that build their content only when open (a key in their id, as
    ``ui.lazy`` gives them), as a reader's clicks would, so that their content is compared."""
    keys = [e.proto.id.split("-", 2)[-1] for e in at.expander if e.proto.id.startswith("$$ID")]
    keys = [k for k in keys if k and k != "None"]
    if keys:
        for key in keys:
            at.session_state[key] = True
        at.run()


def _run(at: Any, norm: Normaliser) -> dict:
    """Run the script once (again with its lazy expanders open); its snapshot, with the
    exceptions it showed (if any)."""
    try:
        at.run()
        _open_lazy_expanders(at)
    except Exception as e:  # noqa: BLE001 - a timeout or AppTest error is recorded
        return _failure(e, norm)
    shot = snapshot(at, norm)
    errors = [_exception_text(x, norm) for x in at.exception]
    if errors:
        shot["exceptions"] = errors
    return shot


def snap_view(root: Path, pages: dict[str, str], kommun: str, omrade: str, norm) -> dict:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(root / "app.py"), default_timeout=TIMEOUT)
    at.query_params["kommun"] = kommun
    at.query_params["omrade"] = omrade
    out: dict[str, dict] = {}
    start = _run(at, norm)
    if "error" in start or "exceptions" in start:
        out["_start"] = start  # the landing run (Översikt) failed; the pages are tried anyway
    for stem, rel in pages.items():
        if not (root / rel).exists():
            out[stem] = {"error": f"page file missing: {rel}"}
            continue
        try:
            at.switch_page(rel)
        except Exception as e:  # noqa: BLE001 - e.g. a page that st.navigation doesn't list
            out[stem] = _failure(e, norm)
            continue
        out[stem] = _run(at, norm)
        if stem == "rapport" and "error" not in out[stem]:
            out["rapport+skapa"] = _click(at, REPORT_BUTTON, norm)
    return out


def _click(at: Any, label: str, norm: Normaliser) -> dict:
    buttons = [b for b in at.main.get("button") if b.label == label]
    if not buttons:
        return {"error": f"no button {label!r}"}
    try:
        buttons[0].click()
    except Exception as e:  # noqa: BLE001
        return _failure(e, norm)
    return _run(at, norm)


def take(args: argparse.Namespace) -> None:
    root = Path(args.root).resolve()
    cache = Path(args.cache).resolve()
    out = Path(args.out).resolve()
    mirror = Path(args.mirror).resolve() if args.mirror else None
    sys.path.insert(0, str(root))  # the checkout's own modules (kolada, ui, benchmark, …)
    os.chdir(root)  # as the tests run: the checkout's .streamlit/config.toml applies
    if not (cache / "manifest.json").exists():
        fill_cache(cache, find_mirror(root, mirror))
    os.environ["KOLADA_CACHE_DIR"] = str(cache)
    os.environ["KOLADA_READ_ONLY"] = "1"
    os.environ["NKA_STRICT_ERRORS"] = "1"

    import streamlit as st
    from streamlit import config

    # the project's .streamlit/config.toml hides error details (showErrorDetails = "none"): the
    # snapshot records an exception's text and trace instead of Streamlit's redacted message
    config.set_option("client.showErrorDetails", "full")
    norm = Normaliser(root, cache)
    folder, pages = page_files(root, args.pages)
    snapshots: dict[str, dict] = {}
    st.cache_data.clear()
    st.cache_resource.clear()
    with modern_navigation():
        for kommun, omrade in VIEWS:
            started = time.perf_counter()
            shots = snap_view(root, pages, kommun, omrade, norm)
            snapshots[f"{kommun}/{omrade}"] = shots
            failed = [p for p, s in shots.items() if "error" in s or "exceptions" in s]
            seconds = time.perf_counter() - started
            print(
                f"{kommun} {omrade}: {len(shots)} snapshots in {seconds:.1f} s"
                + (f"; FAILED: {', '.join(failed)}" if failed else ""),
                file=sys.stderr,
            )
    result = {
        "format": 1,
        "views": [f"{k}/{a}" for k, a in VIEWS],
        "pages": list(PAGE_STEMS),
        "snapshots": snapshots,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    out.write_text(text, "utf-8")
    count = sum(len(s) for s in snapshots.values())
    print(f"{count} snapshots ({folder}/) written to {out}", file=sys.stderr)


# ---- comparing two snapshots -------------------------------------------------------------------
def lines(shot: dict) -> list[str]:
    """A page snapshot as text lines, one or more per element, for a unified diff."""
    out: list[str] = []
    for key in ("error", "exceptions", "traceback"):
        if key in shot:
            value = shot[key]
            for item in value if isinstance(value, list) else [value]:
                out += [f"{key}: {line}" for line in str(item).splitlines()]
    for part in ("main", "sidebar"):
        for el in shot.get(part, []):
            out += [f"{part} {line}" for line in element_lines(el)]
    return out


def element_lines(el: dict) -> list[str]:
    kind = el["type"]
    rest = {k: v for k, v in el.items() if k not in ("type", "rows", "text", "stack")}
    head = kind + "".join(f" {k}={json.dumps(v, ensure_ascii=False)}" for k, v in rest.items())
    if "text" in el:
        body = el["text"].splitlines() or [""]
        return [f"{head}: {body[0]}"] + [f"{kind}| {line}" for line in body[1:]]
    if "rows" in el:
        rows = [" | ".join(row) for row in el["rows"]]
        return [f"{head} ({len(el['rows']) - 1} rows)"] + [f"{kind}| {r}" for r in rows]
    return [head]


def diff(a_path: str, b_path: str) -> int:
    a = json.loads(Path(a_path).read_text("utf-8"))["snapshots"]
    b = json.loads(Path(b_path).read_text("utf-8"))["snapshots"]
    same = differ = 0
    for view in sorted(set(a) | set(b)):
        pages = sorted(set(a.get(view, {})) | set(b.get(view, {})))
        for page in pages:
            left = a.get(view, {}).get(page)
            right = b.get(view, {}).get(page)
            if left == right:
                same += 1
                continue
            differ += 1
            print(f"=== {view} {page}")
            if left is None or right is None:
                print(f"    only in {a_path if right is None else b_path}")
                continue
            for line in difflib.unified_diff(
                lines(left), lines(right), a_path, b_path, n=1, lineterm=""
            ):
                print(line)
    print(f"{same} pages identical, {differ} differing")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", help="a filled Kolada cache (filled from the mirror if empty)")
    parser.add_argument("--out", help="the snapshot file (.json)")
    parser.add_argument("--root", default=str(DEFAULT_ROOT), help="the checkout to run")
    parser.add_argument("--pages", help="the page folder under --root (default: found)")
    parser.add_argument("--mirror", help="mirror.py (default: ../shared/kolada-mirror/)")
    parser.add_argument("--diff", nargs=2, metavar=("A.json", "B.json"), help="compare two files")
    args = parser.parse_args()
    if args.diff:
        sys.exit(diff(*args.diff))
    if not (args.cache and args.out):
        parser.error("--cache and --out are needed (or --diff A.json B.json)")
    take(args)


if __name__ == "__main__":
    main()
