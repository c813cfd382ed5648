"""The one UI helper that imports streamlit (besides app.py and pages/).

Cached reading of the Parquet store, the first-run fetch, the sidebar shared by all pages with
its state in the URL query string, the app-wide banner, and small display helpers. Everything
that computes lives in pure modules (analytics, peers, viewstate, charts, fmt).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

import kolada
from benchmark import analytics, charts, driver_figures, editions, exports, narrative, source
from benchmark.escaping import escape_markdown
from benchmark.peers import Peers, kommun_names
from benchmark.viewstate import GROUP_KINDS, MAX_CUSTOM, View, parse_view
from kolada.catalogue import POPULATION, Area, Part, area
from kolada.drivers import TREES_BY_CODE, DriverTree
from kolada.status import cache_status, format_age

TTL = timedelta(hours=24)
READ_ONLY = "KOLADA_READ_ONLY"  # =1: a replica that serves the shared cache and never fetches


def read_only() -> bool:
    """A replica behind a load balancer: the cache is written only by the scheduled job
    (``python -m kolada refresh``); the app never fetches from Kolada itself."""
    return os.environ.get(READ_ONLY, "").strip().lower() in ("1", "true", "ja", "yes")


RAW = "Källa: Kolada"
COMPUTED = "Egen bearbetning av data från Kolada"
ENTITY_TITLES = {
    "kpis": "Nyckeltal (metadata)",
    "municipalities": "Kommuner",
    "groups": "Kommungrupper",
    "values": "Värden",
}
PAGES = {
    "oversikt": "pages/oversikt.py",
    "jamforelse": "pages/jamforelse.py",
    "alla": "pages/alla_omraden.py",
    "delar": "pages/ifo_delar.py",
    "drivare": "pages/kostnadsdrivare.py",
    "budget": "pages/budgetmal.py",
    "rapport": "pages/rapport.py",
    "om": "pages/om_data.py",
}
# Printing a page from the browser (Ctrl+P): only the page's content, no sidebar, header,
# buttons, downloads or links to other pages; charts not cut across pages.
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"],
  [data-testid="stDownloadButton"], [data-testid="stButton"], [data-testid="stCheckbox"],
  [data-testid="stPageLink"], [data-testid="stSidebarCollapsedControl"], .stDownloadButton,
  .stButton { display: none !important; }
  [data-testid="stMain"], [data-testid="stAppViewContainer"] { margin-left: 0 !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stVegaLiteChart"], [data-testid="stMetric"], table { break-inside: avoid; }
}
</style>"""


# ---- cached reading --------------------------------------------------------------------------
def store() -> kolada.Store:
    return kolada.Store()


def _stamp(s: kolada.Store) -> tuple:
    """Changes with every published refresh: part of every cache key, so a refresh shows at once."""
    return s.stamp()


@dataclass(frozen=True)
class Metadata:
    municipalities: pd.DataFrame
    groups: pd.DataFrame
    kpis: pd.DataFrame

    @cached_property  # one dict for every session, not one per session and run
    def names(self) -> dict[str, str]:
        return kommun_names(self.municipalities)

    @cached_property
    def kpi_ids(self) -> frozenset[str]:
        return frozenset(self.kpis["id"])

    @cached_property
    def municipality_ids(self) -> frozenset[str]:
        return frozenset(self.municipalities["id"])


# A resource, not data: every run reads it many times and never changes it, so it is shared
# instead of unpickled again on each call (a published refresh changes the stamp, so the key).
@st.cache_resource(ttl=timedelta(hours=1), max_entries=4, show_spinner=False)
def _metadata(root: str, stamp: tuple) -> Metadata | None:
    data = kolada.Store(root).read_all()
    if not {"municipalities", "groups", "kpis"} <= set(data):
        return None
    return Metadata(data["municipalities"].frame, data["groups"].frame, data["kpis"].frame)


def _no_values() -> pd.DataFrame:
    return source.no_values()


@st.cache_data(ttl=timedelta(hours=1), max_entries=64, show_spinner=False)
def _values(root: str, stamp: tuple, kpis: str, munis: str | None):
    # the ids come joined by commas: one string hashes much faster than 290 (a key per call)
    return source.read_values(
        kolada.Store(root), kpis.split(","), munis.split(",") if munis else None
    )


def metadata() -> Metadata | None:
    s = store()
    return _metadata(str(s.root), _stamp(s))


@st.cache_data(ttl=timedelta(hours=1), max_entries=512, show_spinner=False)
def _peers(root: str, stamp: tuple, view: View, part: str | None) -> Peers:
    meta = _metadata(root, stamp)
    by_code = {p.code: p for p in kolada.IFO_PARTS}
    return source.peers_for(view, by_code.get(part), meta.groups, meta.municipalities)


def peers(view: View, part: Part | None = None) -> Peers:
    """The peers of a view (``benchmark.peers``), or of an IFO part; cached per published
    cache. Only the kommun, area, group kind and custom pick matter."""
    s = store()
    return _peers(str(s.root), _stamp(s), _peer_key(view), part.code if part else None)


def _peer_key(view: View) -> View:
    """The part of a view that decides its peers: kommun, area, group kind, custom pick."""
    return View(view.kommun, view.area, view.group, view.custom)


def values(kpis: list[str], municipalities: list[str] | None = None) -> pd.DataFrame:
    """Total values for KPIs (and municipalities), from the cache; ids the cache does not know
    are left out (``source.known``)."""
    s = store()
    meta = metadata()
    if meta is not None:
        found = source.known(kpis, municipalities, meta.kpi_ids, meta.municipality_ids)
        if found is None:
            return _no_values()
        kpis, municipalities = found
    munis = ",".join(sorted(set(municipalities))) if municipalities else None
    return _values(str(s.root), _stamp(s), ",".join(sorted(set(kpis))), munis)


def cached_kpis() -> set[str]:
    return set(store().meta("values").get("kpis", {}))


# ---- first run -------------------------------------------------------------------------------
FETCH_DEADLINE = 120.0  # seconds: the first-run fetch gives up after this …
FETCH_LOCK_WAIT = 30.0  # … having waited at most this long for another refresh to finish


def _fetch(kpis: list[str] | None, what: str) -> bool:
    """Fetch from Kolada with a progress bar; False (with a Swedish message) when it fails."""
    bar = st.progress(0.0, text=f"Hämtar {what} från Kolada …")

    def show(p: kolada.Progress) -> None:
        share = p.step / p.total if p.total else 0.0
        bar.progress(min(share, 1.0), text=f"Hämtar {what}: {p.message} ({p.requests} anrop)")

    try:
        kolada.refresh(
            store(), kpis=kpis, progress=show, deadline=FETCH_DEADLINE, lock_timeout=FETCH_LOCK_WAIT
        )
    except (kolada.KoladaError, kolada.BadInput) as e:  # BadInput: Kolada dropped a KPI
        bar.empty()
        st.session_state["_fetch_error"] = str(e)
        st.session_state["_fetch_busy"] = isinstance(e, kolada.errors.Busy)
        st.session_state["_fetch_failed_at"] = datetime.now(UTC)
        return False
    bar.empty()
    return True


RETRY_FETCH_AFTER = timedelta(minutes=5)


def _recently_failed() -> bool:
    """After a failed fetch, a session works from the cache for a while instead of waiting on
    Kolada's retries at every click."""
    failed = st.session_state.get("_fetch_failed_at")
    return failed is not None and datetime.now(UTC) - failed < RETRY_FETCH_AFTER


def ensure_data(kpis: list[str]) -> None:
    """Make sure the metadata and these KPIs are cached; fetch what is missing (first run).
    With no cache and no connection: a Swedish explanation, then stop."""
    cached = metadata() is not None
    if cached and set(kpis) <= cached_kpis():
        return
    if read_only():
        _read_only_without_data(cached and not values(kpis).empty)
        return
    if not (cached and _recently_failed()) and _fetch(sorted(set(kpis)), "nyckeltal"):
        return
    if metadata() is not None and not values(kpis).empty:
        st.warning("Några nyckeltal kunde inte hämtas från Kolada; visar det som finns sparat.")
        return
    damaged = [ENTITY_TITLES[s.entity].lower() for s in cache_status(store()) if s.damaged]
    if st.session_state.get("_fetch_busy"):
        headline = "**Datan hämtas just nu av en annan uppdatering. Ladda om sidan om en stund.**"
    elif damaged:
        headline = (
            f"**Den sparade datan är skadad ({', '.join(damaged)}) och kunde inte hämtas på nytt "
            "från Kolada.**"
        )
    else:
        headline = "**Det finns ingen sparad data ännu, och Kolada gick inte att nå.**"
    st.error(
        f"{headline}\n\n"
        "Appen behöver hämta nyckeltal från Koladas öppna API (api.kolada.se). "
        "Kontrollera nätverksanslutningen och ladda om sidan. Utan internet kan en lokal "
        "spegel användas: starta den och sätt miljövariabeln `KOLADA_BASE_URL`."
    )
    st.caption(f"Tekniskt fel: {escape_markdown(st.session_state.get('_fetch_error', 'okänt'))}")
    st.stop()


def _read_only_without_data(some: bool) -> None:
    """Read-only: say what is missing and who fills it; stop when there is nothing to show."""
    if some:
        st.warning(
            "Några nyckeltal finns inte i den delade datan ännu. De hämtas av nästa schemalagda "
            "uppdatering; visar det som finns."
        )
        return
    st.error(
        "**Det finns ingen data ännu.** Appen körs i läsläge: datan hämtas från Kolada av en "
        "schemalagd uppdatering (`python -m kolada refresh`), inte av appen. Försök igen när "
        "den har körts."
    )
    st.stop()


def refreshed_note() -> None:
    """The sidebar in read-only mode: when the scheduled job last refreshed the shared data (a
    failed attempt is the banner's to say)."""
    s = store()
    last = s.last_refresh() or {}  # a small file the job writes, also when nothing changed
    when = last.get("at") if last.get("ok") else _fetched_at(str(s.root), _stamp(s))
    when = (when or "")[:16].replace("T", " ")
    st.sidebar.caption(
        f"Data från Kolada, uppdaterad {escape_markdown(when) or 'okänt när'} UTC av en "
        "schemalagd körning."
    )


@st.cache_data(ttl=timedelta(hours=1), max_entries=4, show_spinner=False)
def _fetched_at(root: str, stamp: tuple) -> str:
    return kolada.Store(root).meta("values").get("fetched_at", "")


# ---- the view: sidebar widgets with their state in the URL -----------------------------------
@dataclass(frozen=True)
class Context:
    view: View
    area: Area
    peers: Peers
    names: dict[str, str]
    meta: Metadata
    years: tuple[int, int]  # the years the cache holds

    @property
    def kommun_name(self) -> str:
        return self.names.get(self.view.kommun, self.view.kommun)

    @property
    def kommun_genitive_md(self) -> str:
        """'Höörs', 'Västerås' (no extra s), escaped for Markdown."""
        return escape_markdown(narrative.genitive(self.kommun_name))

    @property
    def kommun_md(self) -> str:
        """The kommun's name (Kolada's) as Markdown that shows exactly that text."""
        return escape_markdown(self.kommun_name)

    @property
    def peers_md(self) -> str:
        """The peer group's label (with Kolada's group title) as Markdown text."""
        return escape_markdown(self.peers.label)

    @property
    def span(self) -> tuple[int, int]:
        return (self.view.first_year, self.view.last_year or self.years[1])


@st.cache_data(ttl=timedelta(hours=1), max_entries=4, show_spinner=False)
def _periods(root: str, stamp: tuple) -> tuple[int, int] | None:
    data = kolada.Store(root).read("values", columns=["period"])
    if data is None or data.frame.empty:
        return None
    return int(data.frame["period"].min()), int(data.frame["period"].max())


def year_bounds() -> tuple[int, int]:
    """The years the cache holds (the same for every area, so the slider never jumps)."""
    s = store()
    bounds = _periods(str(s.root), _stamp(s))
    if bounds is None:
        this = date.today().year
        return (this - 5, this)
    return bounds


WIDGET_KEYS = ("w_kommun", "w_area", "w_group", "w_custom", "w_years", "w_year", "w_per_edition")


def _load_into_widgets(view: View) -> None:
    """Make the widgets start from ``view``: drop their state, so their defaults (taken from
    ``_view``) apply in this run."""
    for key in WIDGET_KEYS:
        st.session_state.pop(key, None)
    st.session_state["_view"] = view


def _sync_from_url(names: dict[str, str], years: tuple[int, int]) -> None:
    """Read the URL into the widgets on a session's first run, and whenever the URL was changed
    from outside (a link); an emptied URL (page navigation) keeps the current state.

    Widget values are read only after their widget is created in the run (AppTest under
    st.navigation does not expose them earlier); what is needed before that comes from
    ``_view``, the view of the previous run.
    """
    current = st.query_params.to_dict()
    first = "_params" not in st.session_state
    if first or (current and current != st.session_state.get("_params")):
        view, problems = parse_view(_all_params(), names, years)
        _load_into_widgets(view)
        st.session_state["_problems"] = problems


def _all_params() -> dict[str, list[str]]:
    """Every value of every key in the URL (a key may be repeated: ``?kommun=1&kommun=2``)."""
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _sidebar_widgets(meta: Metadata, names: dict[str, str], years: tuple[int, int]) -> View:
    """The shared sidebar. Defaults come from ``_view`` (the URL or the previous run)."""
    before = st.session_state.get("_view") or View()
    ids = sorted(names, key=lambda i: names[i])
    codes = [a.code for a in kolada.AREAS]
    side = st.sidebar
    kommun = side.selectbox(
        "Kommun",
        ids,
        index=ids.index(before.kommun) if before.kommun in ids else 0,
        format_func=names.get,
        key="w_kommun",
        help="Skriv för att söka",
    )
    chosen = side.selectbox(
        "Verksamhetsområde",
        codes,
        index=codes.index(before.area),
        format_func=lambda c: area(c).title,
        key="w_area",
    )
    ensure_data([*area(chosen).kpis, POPULATION])
    rka = peers(View(kommun=kommun, area=chosen))

    def group_label(kind: str) -> str:
        if kind == "rka" and rka.group is not None:  # radio options are Markdown
            return f"{GROUP_KINDS[kind]}: {escape_markdown(rka.group.title)}"
        return GROUP_KINDS[kind]

    kinds = list(GROUP_KINDS)
    group = side.radio(
        "Jämförelsegrupp",
        kinds,
        index=kinds.index(before.group),
        format_func=group_label,
        key="w_group",
    )
    custom: list[str] = []
    if group == "egen":
        options = [i for i in ids if i != kommun]
        custom = side.multiselect(
            f"Kommuner i egen grupp (högst {MAX_CUSTOM})",
            options,
            default=[i for i in before.custom if i in options],
            format_func=names.get,
            max_selections=MAX_CUSTOM,
            key="w_custom",
        )
    default_last = _default_last_year(
        View(kommun, chosen, group, tuple(custom)), years
    )  # used only while the slider has no state of its own (a first run, a link without till)
    last = min(before.last_year or default_last, years[1])
    first = max(years[0], min(before.first_year, last))
    first, last = side.slider(
        "År", min_value=years[0], max_value=years[1], value=(first, last), key="w_years"
    )
    per_edition = False
    if group == "rka" and rka.group is not None and len(group_editions(rka.group.id)) > 1:
        per_edition = side.toggle(
            "Jämför varje år med den utgåva som gällde då",
            value=before.per_edition,
            key="w_per_edition",
            help="RKA bildar om grupperna varje år. Av: dagens medlemmar för alla år. På: varje "
            "år jämförs med den utgåva av gruppen som gällde då (de utgåvor appen har sparat).",
        )
    return View(kommun, chosen, group, tuple(custom), first, last, before.year, per_edition)


def _default_last_year(view: View, years: tuple[int, int]) -> int:
    """Where the default range ends: the latest year where the kommun has a value and enough
    peers report (Åtvidaberg IFO: 2022, not 2025); the cache's last year when there is none."""
    s = store()
    return _latest_covered(str(s.root), _stamp(s), _peer_key(view), years)


@st.cache_data(ttl=timedelta(hours=1), max_entries=512, show_spinner=False)
def _latest_covered(root: str, stamp: tuple, view: View, years: tuple[int, int]) -> int:
    return source.latest_covered(view, years, peers, values)


def context() -> Context:
    """Build (once per run, from app.py) the shared sidebar and the view it describes."""
    ensure_data([*area((st.session_state.get("_view") or View()).area).kpis, POPULATION])
    meta = metadata()
    names = meta.names
    years = year_bounds()
    _sync_from_url(names, years)
    view = _sidebar_widgets(meta, names, years)
    if read_only():
        refreshed_note()
    remember(view)
    ctx = Context(view, area(view.area), peers(view), names, meta, years)
    st.session_state["_ctx"] = ctx
    return ctx


def remember(view: View) -> None:
    """Keep the view for the next run and write it to the URL."""
    params = view.to_params()
    st.session_state["_view"] = view
    st.session_state["_params"] = params
    repeated = any(len(v) > 1 for v in _all_params().values())
    if repeated or st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


_run = threading.local()


@contextmanager
def routing() -> Iterator[None]:
    """app.py runs the page inside this, so a page can tell it was reached through the router."""
    _run.active = True
    try:
        yield
    finally:
        _run.active = False


def current(page: str) -> Context:
    """The context app.py built for this run (pages call this with their key in ``PAGES``).

    Right after a server start, Streamlit's legacy ``pages/`` routing can run a page file without
    app.py (when the first request is a page's URL). Then go through the router, and back here.
    """
    if not getattr(_run, "active", False):
        st.switch_page("app.py", query_params={**st.query_params.to_dict(), "sida": page})
    return st.session_state["_ctx"]


def follow_page_redirect() -> None:
    """app.py: finish the detour that ``current`` started."""
    target = st.query_params.get("sida")
    if target is not None:
        params = {k: v for k, v in st.query_params.to_dict().items() if k != "sida"}
        st.switch_page(PAGES.get(target, PAGES["oversikt"]), query_params=params)


# ---- messages --------------------------------------------------------------------------------
logger = logging.getLogger(__name__)
STRICT_ERRORS = "NKA_STRICT_ERRORS"  # set (tests do): an unexpected error is raised, not shown


@contextmanager
def failures_in_swedish() -> Iterator[None]:
    """The last resort around a run: an unexpected error is logged with its traceback on the
    server and shown as one Swedish message, never as Streamlit's English error box.
    (Streamlit's stop/rerun signals are BaseExceptions and pass.)"""
    try:
        yield
    except Exception as e:
        logger.exception("unexpected error while rendering the page")
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
    s = store()
    last = s.last_refresh()
    if last and not last.get("ok"):
        st.warning(
            "Senaste uppdateringen från Kolada misslyckades "
            f"({escape_markdown(last.get('at', '')[:16])} UTC). "
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


def print_stylesheet() -> None:
    """app.py: what printing a page shows (``PRINT_CSS``); takes no room on the screen."""
    st.html(PRINT_CSS)


def method_break_note(first_year: int) -> None:
    """The 2019 method break, whenever years before 2019 are shown."""
    if analytics.spans_method_break((first_year, first_year)):
        st.info(
            "Från och med 2019 beräknas nettokostnadsavvikelsen med en ny modell för "
            "referenskostnaden. Värden före 2019 är inte direkt jämförbara med senare år."
        )


@st.cache_data(ttl=timedelta(hours=1), max_entries=256, show_spinner=False)
def _editions(root: str, stamp: tuple, group_id: str) -> list[editions.Edition]:
    return editions.editions(metadata().groups, group_id)


def group_editions(group_id: str) -> list[editions.Edition]:
    """The editions of a group the store holds (cached per published cache)."""
    s = store()
    return _editions(str(s.root), _stamp(s), group_id)


def edition_note(peers: Peers, view: View, span: tuple[int, int], meta: Metadata) -> dict:
    """Say which edition of an RKA group a view uses (a caption) and return its peers per year:
    today's members for every year, or each year's own edition (``view.per_edition``)."""
    group = peers.group
    held = group_editions(group.id) if group is not None else []
    by_year = editions.yearly_members(held, peers.ids, view.kommun, span, view.per_edition)
    if group is not None:
        text = editions.note(group.title, group.edition_year, held, span, view.per_edition)
        st.caption(escape_markdown(text))
    return by_year


def peer_note(ctx: Context) -> None:
    if ctx.peers.note:  # names a kommun (Kolada's name)
        st.info(escape_markdown(ctx.peers.note))
    if ctx.view.group == "egen" and not ctx.view.custom:
        st.info("Välj kommuner till den egna gruppen i sidomenyn; tills dess visas alla kommuner.")


@st.cache_data(ttl=timedelta(hours=1), max_entries=256, show_spinner=False)
def _driver_sentence(root: str, stamp: tuple, view: View, span: tuple[int, int]) -> str | None:
    return source.largest_driver_difference(view, span, peers, values)


def driver_sentence(view: View, span: tuple[int, int]) -> str | None:
    """For the report text: the area's driver furthest from the peers' median, when the peers
    cover it and the difference is material (``driver_figures.MATERIAL``); cached."""
    s = store()
    return _driver_sentence(str(s.root), _stamp(s), _peer_key(view), span)


@st.cache_data(ttl=timedelta(hours=1), max_entries=256, show_spinner=False)
def _tree_figures(
    root: str,
    stamp: tuple,
    code: str,
    kommun: str,
    peer_ids: tuple[str, ...],
    by_year: tuple[tuple[int, tuple[str, ...]], ...],
    span: tuple[int, int],
    kommun_name: str,
) -> driver_figures.TreeFigures:
    tree = TREES_BY_CODE[code]
    vals = values([*tree.kpis, POPULATION], [kommun, *peer_ids])
    yearly = {y: set(ids) for y, ids in by_year}
    prel = {k: first_preliminary(k) for k in tree.kpis}
    return driver_figures.tree_figures(
        vals, tree, kommun, peer_ids, yearly, span, kommun_name, prel
    )


def tree_figures(
    tree: DriverTree, ctx: Context, peers: Peers, by_year: dict
) -> driver_figures.TreeFigures:
    """What the Kostnadsdrivare page shows for one tree of the context's view
    (``driver_figures.tree_figures``), cached per published cache."""
    s = store()
    yearly = tuple(sorted((int(y), tuple(sorted(ids))) for y, ids in by_year.items()))
    key = (tree.code, ctx.view.kommun, tuple(peers.ids), yearly, ctx.span, ctx.kommun_name)
    return _tree_figures(str(s.root), _stamp(s), *key)


def first_preliminary(kpi: str) -> int | None:
    """The first year whose values of ``kpi`` are preliminary in the cache: judged by when
    they were fetched, not by today's date (cached per published cache)."""
    s = store()
    return _first_preliminary(str(s.root), _stamp(s), kpi, datetime.now(UTC).date())


@st.cache_data(ttl=timedelta(hours=1), max_entries=1024, show_spinner=False)
def _first_preliminary(root: str, stamp: tuple, kpi: str, today: date) -> int | None:
    return source.first_preliminary(store(), metadata().kpis, kpi, today)


# ---- exports ---------------------------------------------------------------------------------
def export_info(
    ctx: Context,
    name: str,
    title: str,
    kpis: list[str],
    formulas: list[str] | None = None,
    *,
    years: tuple[int, int] | None = None,
    shows: str | None = None,
    group_label: str | None = None,
    group: str | None = None,
    members: list[tuple[str, str]] | None = None,
    units: dict[str, str] | None = None,
) -> exports.ExportInfo:
    """Title, subtitle and source line for a chart of the current view, with its metadata.

    ``years``: the years the export shows (default: the view's span); years before 2019 put
    the method-break note in the source line and the metadata. ``shows``: what the chart shows,
    for the subtitle (default: the area). ``group_label`` (subtitle), ``group`` and ``members``
    (metadata): when the chart does not use the view's one peer group. ``units``: column →
    "%", "p.e.", "kr", "mnkr" (columns named "… (%)" etc. are found without it). Only KPIs the
    cache holds values for are listed."""
    fetched = store().meta("values").get("fetched_at", "")
    titles = dict(zip(ctx.meta.kpis["id"], ctx.meta.kpis["title"], strict=True))
    first, last = years or ctx.span
    peer_group = ctx.peers.group
    group_text = ctx.peers.label
    if peer_group is not None and peer_group.first_seen:
        group_text += f"; medlemmar enligt Kolada {peer_group.first_seen[:10]}"
    year_text = str(first) if first == last else f"{first}–{last}"
    held = cached_kpis()
    used = [k for k in dict.fromkeys(kpis) if not held or k in held]
    return exports.ExportInfo(
        name=f"{name}-{ctx.view.kommun}-{ctx.view.area}",
        title=title,
        subtitle=" · ".join(
            [ctx.kommun_name, shows or ctx.area.title, group_label or ctx.peers.label, year_text]
        ),
        source=f"Källa: Kolada (hämtad {fetched[:10]}). Jämförelsevärden: {COMPUTED}.",
        kpis=[(k, titles.get(k, "")) for k in used],
        group=group if group is not None else group_text,
        members=list(ctx.peers.members) if members is None else members,
        fetched_at=fetched,
        formulas=formulas or [],
        years=(first, last),
        units=units or {},
    )


@st.cache_data(ttl=timedelta(hours=1), max_entries=512, show_spinner=False)
def _chart_spec(key: str, _build: Callable[..., alt.TopLevelMixin], args: tuple) -> dict:
    spec = charts.to_spec(_build(*args))
    # the data as Arrow bytes, as Streamlit would convert it on every run otherwise
    spec["datasets"] = {
        name: convert_anything_to_arrow_bytes(pd.DataFrame(rows))
        for name, rows in spec.get("datasets", {}).items()
    }
    return spec


def show_chart(build: Callable[..., alt.TopLevelMixin], *args) -> Callable[[], alt.TopLevelMixin]:
    """Draw ``build(*args)`` across the container. The spec is cached by the builder and its
    arguments (frames by content), so a rerun with the same view neither builds nor converts
    the Altair chart again. Returns a function that builds the chart for the export buttons,
    which only run it when a file is asked for."""
    key = f"{build.__code__.co_filename}:{build.__qualname__}"
    st.vega_lite_chart(_chart_spec(key, build, args), width="stretch")
    return lambda: build(*args)


def export_buttons(
    chart: Callable[[], alt.TopLevelMixin], data: pd.DataFrame, info: exports.ExportInfo
) -> None:
    """Download buttons under a chart (``chart`` builds it; see ``show_chart``), in a row that
    wraps on a narrow screen; files are made only when a button is clicked."""
    row = st.container(horizontal=True, gap="small")
    buttons = [
        ("PNG", "png", "image/png", lambda: exports.to_png(chart(), info)),
        ("SVG", "svg", "image/svg+xml", lambda: exports.to_svg(chart(), info)),
        ("CSV", "csv", "text/csv", lambda: exports.to_csv(data, info)),
        (
            "Excel",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            lambda: exports.to_xlsx(data, info),
        ),
        ("Paket (.zip)", "zip", "application/zip", lambda: exports.bundle(chart(), data, info)),
    ]
    for label, ext, mime, make in buttons:
        row.download_button(
            f"⬇ {label}",
            make,
            file_name=f"{info.name}.{ext}",
            mime=mime,
            key=f"dl-{info.name}-{ext}",
            on_click="ignore",
        )
