"""A light Streamlit client for the capacity benchmark: one websocket session that runs the app's
script exactly as a browser tab does (the same BackMsg rerun requests with the URL's query
string and the widget states, the same ForwardMsg deltas back), without drawing anything.

It keeps what a test needs to show that the runs are the browser's runs: the page title, the
metric cards, whether a chart was sent, and the id of each widget by its label.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class Run:
    seconds_to_chart: float | None = None
    seconds: float = 0.0
    title: str = ""
    metrics: dict[str, str] = field(default_factory=dict)
    exception: str | None = None


class Session:
    def __init__(self, url: str):
        self.url = url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.ws = None
        self.page_hash = ""
        self.widgets: dict[str, str] = {}  # label → widget id
        self.query = ""  # the URL's query string, as the app last wrote it

    async def __aenter__(self) -> Session:
        self.ws = await websockets.connect(
            self.url, subprotocols=["streamlit"], max_size=None, open_timeout=60
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()

    async def run(self, query: str | None = None, selectbox: dict[str, str] | None = None) -> Run:
        """One script run: opening the URL with ``query``, or (``query`` None: the URL as the app
        last wrote it) a selectbox, by label, set to an option (its shown text), as a click in
        the browser sends it."""
        back = BackMsg()
        state = back.rerun_script
        state.query_string = self.query if query is None else query
        state.page_script_hash = self.page_hash
        for label, option in (selectbox or {}).items():
            widget = state.widget_states.widgets.add()
            widget.id = self.widgets[label]
            widget.string_value = option
        started = time.perf_counter()
        await self.ws.send(back.SerializeToString())
        run = Run()
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=180)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "delta":
                self._read(msg, run, started)
            elif kind == "script_finished":
                run.seconds = time.perf_counter() - started
                return run

    def _read(self, msg: ForwardMsg, run: Run, started: float) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "vega_lite_chart" and run.seconds_to_chart is None:
            run.seconds_to_chart = time.perf_counter() - started
        elif kind == "heading" and element.heading.tag == "h1":
            run.title = element.heading.body
        elif kind == "metric":
            run.metrics[element.metric.label] = element.metric.body
        elif kind == "selectbox":
            self.widgets[element.selectbox.label] = element.selectbox.id
        elif kind == "exception":
            run.exception = element.exception.message
