"""The shared sidebar — kommun, område, jämförelsegrupp, years — with its state in the URL
query string, and the ``Context`` of a run that the pages render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

import kolada
from benchmark import figures, narrative
from benchmark.escaping import escape_markdown
from benchmark.peers import Peers
from benchmark.source import Source, read_only
from benchmark.viewstate import GROUP_KINDS, MAX_CUSTOM, MAX_NAME, View, group_name, parse_view
from kolada.catalogue import Area, area
from ui import data, notes
from ui.fetch import ensure_data


@dataclass(frozen=True)
class Context:
    view: View
    area: Area
    peers: Peers
    years: tuple[int, int]  # the years the cache holds

    @property
    def src(self) -> Source:
        """The published cache's ``Source`` (shared by every session; not kept in the
        session, so an idle session holds no reading of an older cache)."""
        return data.source()

    @property
    def names(self) -> dict[str, str]:
        return self.src.names

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


def year_bounds(src: Source) -> tuple[int, int]:
    """The years the cache holds (the same for every area, so the slider never jumps)."""
    if src.years is None:
        this = date.today().year
        return (this - 5, this)
    return src.years


WIDGET_KEYS = (
    "w_kommun", "w_area", "w_group", "w_custom", "w_custom_name", "w_years", "w_year",
    "w_per_edition",
)  # fmt: skip


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


def _sidebar_widgets(names: dict[str, str], years: tuple[int, int]) -> View:
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
    ensure_data(figures.needed_kpis([chosen]))
    src = data.source()
    rka = src.peers(View(kommun=kommun, area=chosen))

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
    name = ""
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
        name = side.text_input(
            "Namn på gruppen (valfritt)",
            value=before.name,
            max_chars=MAX_NAME,
            key="w_custom_name",
            placeholder="t.ex. Våra grannkommuner",
            help="Namnet står i diagrammens rubriker, i exporterna och i rapporten.",
        )
        side.caption(
            "Gruppen och namnet sparas i länken: spara sidans adress som bokmärke eller "
            "skicka den vidare, så öppnas samma grupp igen."
        )
    # the default range ends at the latest year where the kommun has a value and enough peers
    # report; used only while the slider has no state of its own (a first run, a link without
    # till)
    default_last = src.latest_covered(View(kommun, chosen, group, tuple(custom)))
    last = min(before.last_year or default_last, years[1])
    first = max(years[0], min(before.first_year, last))
    first, last = side.slider(
        "År", min_value=years[0], max_value=years[1], value=(first, last), key="w_years"
    )
    per_edition = False
    if group == "rka" and rka.group is not None and len(src.editions(rka.group.id)) > 1:
        per_edition = side.toggle(
            "Jämför varje år med den utgåva som gällde då",
            value=before.per_edition,
            key="w_per_edition",
            help="RKA bildar om grupperna varje år. Av: dagens medlemmar för alla år. På: varje "
            "år jämförs med den utgåva av gruppen som gällde då (de utgåvor appen har sparat).",
        )
    return View(
        kommun, chosen, group, tuple(custom), first, last, before.year, per_edition,
        group_name(name) if custom else "",
    )  # fmt: skip


def context() -> Context:
    """Build (once per run, from app.py) the shared sidebar and the view it describes."""
    ensure_data(figures.needed_kpis([(st.session_state.get("_view") or View()).area]))
    src = data.source()
    years = year_bounds(src)
    _sync_from_url(src.names, years)
    view = _sidebar_widgets(src.names, years)
    if read_only():
        notes.refreshed_note()
    remember(view)
    src = data.source()  # the sidebar may have fetched an area's KPIs
    ctx = Context(view, area(view.area), src.peers(view), years)
    st.session_state["_ctx"] = ctx
    return ctx


def current() -> Context:
    """The context app.py built for this run (the pages' first call)."""
    return st.session_state["_ctx"]


def remember(view: View) -> None:
    """Keep the view for the next run and write it to the URL."""
    params = view.to_params()
    st.session_state["_view"] = view
    st.session_state["_params"] = params
    repeated = any(len(v) > 1 for v in _all_params().values())
    if repeated or st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
