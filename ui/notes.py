"""What the app says around a page's figures: the banner about the cache, messages about the
link, the peer group and its edition, the 2019 method break, the print stylesheet, and the
last-resort Swedish message for an unexpected error."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import streamlit as st

from benchmark import analytics, fmt
from benchmark.escaping import escape_markdown
from benchmark.source import PeerYears, read_only
from kolada.status import cache_status, format_age
from ui import data

TTL = timedelta(hours=24)  # the cache is "old" after this: the banner says so
logger = logging.getLogger(__name__)
STRICT_ERRORS = "NKA_STRICT_ERRORS"  # set (tests do): an unexpected error is raised, not shown
# On screen: static tables (st.table) wrap their text as far as it goes; on a phone a table of
# many columns is a list, a block per row with each value under its column's name
# (``A11Y_SCRIPT`` marks such tables); a table still wider than a phone scrolls sideways, and
# ``A11Y_SCRIPT`` makes that scroll reachable by keyboard.
# The sidebar's page links show keyboard focus as a ring (Streamlit's grey background alone is
# hard to see; WCAG 2.4.7). A chart is at most 1032 px wide, the printable width of A4
# landscape with 12 mm margins: printed, it is never scaled down, so its 11 px text prints at
# 8 pt or more. Printing a page from the browser (Ctrl+P): A4 landscape, only
# the page's content — no sidebar, header, buttons, downloads, links to other pages, help icons
# or closed expanders; charts not cut across pages.
PRINT_CSS = """<style>
.stTable table { width: 100%; }
.stTable th, .stTable td { white-space: normal !important; overflow-wrap: break-word; }
[data-testid="stSidebarNavLink"]:focus-visible { outline: 2px solid #111111; outline-offset: 1px; }
[data-testid="stVegaLiteChart"] { max-width: 1032px; }
@media screen and (max-width: 640px) {
  .stTable table.nka-stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip-path: inset(50%); white-space: nowrap; }
  .stTable table.nka-stack, .stTable table.nka-stack tbody, .stTable table.nka-stack tr {
    display: block; width: 100%; }
  .stTable table.nka-stack tr { border-bottom: 1px solid #d5d5d5; padding: 0.35rem 0; }
  .stTable table.nka-stack td, .stTable table.nka-stack tbody th { display: grid;
    grid-template-columns: minmax(6.5rem, 42%) 1fr; gap: 0.6rem; border: none;
    padding: 0.15rem 0.5rem; text-align: left !important; }
  .stTable table.nka-stack td::before, .stTable table.nka-stack tbody th::before {
    content: attr(data-label); font-weight: 600; }
  .stTable table.nka-stack tr > :first-child { display: block; font-weight: 600; }
  .stTable table.nka-stack tr > :first-child::before { content: none; }
}
@page { size: A4 landscape; margin: 12mm; }
@media print {
  [data-testid="stTooltipIcon"], [data-testid="stTooltipHoverTarget"] svg,
  [data-testid="stExpander"] details:not([open]) { display: none !important; }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stCheckbox"],
  [data-testid="stPageLink"], [data-testid="stSidebarCollapsedControl"], .stDownloadButton,
  [data-testid="stPopover"], [data-testid="stRadio"], [data-testid="stSelectbox"],
  [data-testid="stTextInput"], [data-testid="stMultiSelect"], [data-testid="stSlider"],
  .stButton { display: none !important; }
  [data-testid="stMain"], [data-testid="stAppViewContainer"] { margin-left: 0 !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stVegaLiteChart"], [data-testid="stMetric"], table { break-inside: avoid; }
  /* a heading stays with what follows it, never alone at the foot of a page */
  [data-testid="stElementContainer"]:has([data-testid="stHeading"]) { break-after: avoid; }
}
</style>"""


@contextmanager
def failures_in_swedish() -> Iterator[None]:
    """The last resort around a run: an unexpected error is logged with its traceback on the
    server and shown as one Swedish message, never as Streamlit's English error box.
    (Streamlit's stop/rerun signals are BaseExceptions and pass.)"""
    try:
        yield
    except Exception as e:
        logger.exception("oväntat fel när sidan ritades")
        if os.environ.get(STRICT_ERRORS):  # tests: the error must fail the test, not hide
            raise
        st.error(
            "Något gick fel när sidan skulle visas. Felet är loggat på servern. Ladda om sidan "
            f"eller välj en annan vy. (Tekniskt: {escape_markdown(type(e).__name__)})"
        )


def show_url_problems() -> None:
    """Messages about the link; they quote its values, so they are shown as plain text."""
    for problem in st.session_state.pop("_problems", []):
        st.warning(escape_markdown(problem))


def banner() -> None:
    """App-wide: the cache is older than its TTL, or the last refresh failed."""
    s = data.store()
    last = s.last_refresh()
    if last and not last.get("ok"):
        st.warning(
            "Senaste uppdateringen från Kolada misslyckades "
            f"({fmt.local_time(last.get('at'))}). "
            "Appen visar tidigare hämtad data. Se **Om data**."
        )
    where = (
        "Nästa schemalagda uppdatering hämtar de senaste värdena."
        if read_only()
        else "Uppdatera under **Om data** för att få de senaste värdena."
    )
    stale = [x for x in cache_status(s, ttl=TTL) if x.cached and x.stale]
    if stale:
        oldest = max((x.age for x in stale if x.age), default=None)
        st.info(f"Datan hämtades från Kolada för {format_age(oldest)} sedan. {where}")


def refreshed_note() -> None:
    """The sidebar in read-only mode: when the scheduled job last refreshed the shared data (a
    failed attempt is the banner's to say)."""
    s = data.store()
    last = s.last_refresh() or {}  # a small file the job writes, also when nothing changed
    when = last.get("at") if last.get("ok") else data.source().fetched_at()
    st.sidebar.caption(
        f"Data från Kolada, uppdaterad {fmt.local_time(when)} (svensk tid) av en "
        "schemalagd körning."
    )


def print_stylesheet() -> None:
    """app.py: what printing a page shows (``PRINT_CSS``); takes no room on the screen."""
    st.html(PRINT_CSS)


# Two things Streamlit leaves out, set once per page (a constant script, no input):
# - lang="sv": Streamlit serves index.html with lang="en", so a screen reader would read the
#   Swedish pages with English pronunciation (WCAG 3.1.1). nginx also rewrites the served page
#   (deploy/nginx.conf); this covers the app run without nginx (python3 dev.py app).
# - a static table of STACK_COLUMNS or more columns, or one wider than its box, becomes a list
#   on a phone (``PRINT_CSS``): each row a block headed by its first cell (the row's name), each
#   other cell with its column's name (data-label) before its value. Its
#   elements get their table roles, which Chromium drops once CSS changes their display, so a
#   screen reader still reads a table.
# - a static table still wider than its box scrolls sideways: its scroll box gets a tab stop
#   and a name, so the keyboard can reach and scroll it (WCAG 2.1.1; axe: scrollable-region-
#   focusable). Tables that fit get no extra tab stop.
STACK_COLUMNS = 5
A11Y_SCRIPT = """<script>
(() => {
  document.documentElement.lang = "sv";
  if (window.__nkaA11y) return;
  window.__nkaA11y = true;
  const ROLES = { TABLE: "table", THEAD: "rowgroup", TBODY: "rowgroup", TR: "row", TD: "cell" };
  const stackable = (table) => {
    const heads = [...table.querySelectorAll("thead th")].map((th) => th.innerText.trim());
    const box = table.closest(".stTable > div");
    const overflows = box && box.scrollWidth > box.clientWidth + 1;
    if (heads.length >= STACK_COLUMNS || overflows) table.classList.add("nka-stack");
    for (const el of table.querySelectorAll("*")) {
      const role = el.tagName === "TH"
        ? (el.closest("thead") ? "columnheader" : "rowheader") : ROLES[el.tagName];
      if (role && el.getAttribute("role") !== role) el.setAttribute("role", role);
    }
    table.setAttribute("role", "table");
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (heads[i] && cell.dataset.label !== heads[i]) cell.dataset.label = heads[i];
      });
    }
  };
  const tidy = () => {
    for (const table of document.querySelectorAll(".stTable table")) stackable(table);
    for (const box of document.querySelectorAll(".stTable > div")) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", "Tabell som kan rullas i sidled");
      }
    }
  };
  let queued = false;
  const soon = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => { queued = false; tidy(); });
    }
  };
  new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", soon);
  soon();
})();
</script>""".replace("STACK_COLUMNS", str(STACK_COLUMNS))


def accessibility_script() -> None:
    """app.py: the page's language and keyboard-reachable wide tables (``A11Y_SCRIPT``)."""
    st.html(A11Y_SCRIPT, unsafe_allow_javascript=True)


def method_break_note(first_year: int) -> None:
    """The 2019 method break, whenever years before 2019 are shown."""
    if analytics.spans_method_break((first_year, first_year)):
        st.info(
            "Från och med 2019 beräknas nettokostnadsavvikelsen med en ny modell för "
            "referenskostnaden. Värden före 2019 är inte direkt jämförbara med senare år."
        )


def edition_note(peer_years: PeerYears) -> None:
    """Which edition of an RKA group a view uses (a caption; nothing for other groups)."""
    if peer_years.note is not None:
        st.caption(escape_markdown(peer_years.note))


def peer_note(ctx) -> None:
    if ctx.peers.note:  # names a kommun (Kolada's name)
        st.info(escape_markdown(ctx.peers.note))
    if ctx.view.group == "egen" and not ctx.view.custom:
        st.info("Välj kommuner till den egna gruppen i sidomenyn; tills dess visas alla kommuner.")
