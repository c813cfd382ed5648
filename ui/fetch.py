"""Fetching from Kolada inside a page: what a view needs on the first run (``ensure_data``),
and a refresh with a progress bar (``refresh_with_bar``, also Om data's button). In read-only
mode nothing is fetched: the page says what the scheduled job has not brought yet."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import streamlit as st

import kolada
from benchmark.escaping import escape_markdown
from benchmark.source import fetch_missing, read_only
from kolada.status import cache_status
from ui import data

FETCH_DEADLINE = 120.0  # seconds: the first-run fetch gives up after this …
FETCH_LOCK_WAIT = 30.0  # … having waited at most this long for another refresh to finish
RETRY_FETCH_AFTER = timedelta(minutes=5)
ENTITY_TITLES = {
    "kpis": "Nyckeltal (metadata)",
    "municipalities": "Kommuner",
    "groups": "Kommungrupper",
    "values": "Värden",
}


def refresh_with_bar(text: str, refresh=None, **options):
    """``refresh(store, progress=…, **options)`` (default ``kolada.refresh``) under a progress
    bar that says ``text`` and Kolada's step; the bar goes when it ends. Errors pass."""
    refresh = refresh or kolada.refresh
    bar = st.progress(0.0, text=f"{text} …")

    def show(p: kolada.Progress) -> None:
        share = p.step / p.total if p.total else 0.0
        message = escape_markdown(p.message)
        bar.progress(min(share, 1.0), text=f"{text}: {message} ({p.requests} anrop)")

    try:
        return refresh(data.store(), progress=show, **options)
    finally:
        bar.empty()


def _fetch(kpis: list[str]) -> bool:
    """Fetch what is missing; False (the error kept for the message) when it fails."""
    try:
        refresh_with_bar(
            "Hämtar nyckeltal från Kolada",
            lambda store, **o: fetch_missing(store, kpis, **o),
            deadline=FETCH_DEADLINE,
            lock_timeout=FETCH_LOCK_WAIT,
        )
    except (kolada.KoladaError, kolada.BadInput) as e:  # BadInput: Kolada dropped a KPI
        st.session_state["_fetch_error"] = str(e)
        st.session_state["_fetch_busy"] = isinstance(e, kolada.errors.Busy)
        st.session_state["_fetch_failed_at"] = datetime.now(UTC)
        return False
    return True


def _recently_failed() -> bool:
    """After a failed fetch, a session works from the cache for a while instead of waiting on
    Kolada's retries at every click."""
    failed = st.session_state.get("_fetch_failed_at")
    return failed is not None and datetime.now(UTC) - failed < RETRY_FETCH_AFTER


def ensure_data(kpis: Iterable[str]) -> None:
    """Make sure the metadata and these KPIs are cached; fetch what is missing. With no cache
    and no connection: a Swedish explanation, then stop."""
    kpis = sorted(set(kpis))
    src = data.source()
    if src.ready and not src.unfetched(kpis):
        return
    if read_only():
        _read_only_without_data(src.ready and src.years is not None)
        return
    if not (src.ready and _recently_failed()) and _fetch(kpis):
        return
    src = data.source()
    if src.ready and not src.values(kpis).empty:
        st.warning("Några nyckeltal kunde inte hämtas från Kolada; visar det som finns sparat.")
        return
    _cannot_fetch()


def _damaged() -> list[str]:
    """The cached datasets found damaged (and not served from an earlier set), by title."""
    return [ENTITY_TITLES[s.entity].lower() for s in cache_status(data.store()) if s.damaged]


def _cannot_fetch() -> None:
    damaged = _damaged()
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
    """Read-only: say what is missing or damaged and who fills it; stop when there is nothing
    to show."""
    damaged = _damaged()
    if damaged:
        text = (
            f"**Den delade datan är skadad ({', '.join(damaged)}).** Appen körs i läsläge och "
            "skriver inte själv; nästa schemalagda uppdatering skriver filen på nytt. Meddela "
            "den som driver appen om felet står kvar."
        )
        if some:
            st.warning(text + " Visar det som går att läsa.")
            return
        st.error(text)
        st.stop()
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
