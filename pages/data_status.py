"""Om data: what is cached, how old it is, and a refresh from Kolada with a progress bar."""

from datetime import timedelta

import pandas as pd
import streamlit as st

import kolada
from kolada.status import format_age

TTL = timedelta(hours=24)
ENTITY_TITLES = {
    "kpis": "Nyckeltal (metadata)",
    "municipalities": "Kommuner",
    "groups": "Kommungrupper",
    "values": "Värden",
}

st.title("Om data")
st.caption(
    "Källa: Kolada (RKA), API v3. Egna beräkningar märks 'Egen bearbetning av data från Kolada'."
)

store = kolada.Store()
statuses = kolada.cache_status(store, ttl=TTL)
table = pd.DataFrame(
    {
        "Datamängd": [ENTITY_TITLES[s.entity] for s in statuses],
        "Rader": [s.rows if s.cached else None for s in statuses],
        "Hämtad (UTC)": [s.fetched_at or "–" for s in statuses],
        "Ålder": [format_age(s.age) if s.cached else "saknas" for s in statuses],
        "Status": [
            "saknas" if not s.cached else ("inaktuell" if s.stale else "aktuell") for s in statuses
        ],
    }
)
if not any(s.cached for s in statuses):
    st.info(
        "Cachen är tom. Tryck på **Uppdatera från Kolada** för att hämta nyckeltalen "
        "(kräver anslutning till Kolada)."
    )
elif any(s.stale for s in statuses):
    st.warning("Delar av cachen är äldre än ett dygn. Uppdatera för att få Koladas senaste värden.")
st.dataframe(table, hide_index=True)
st.caption(f"Cachemapp: `{store.root}`")

if st.button("Uppdatera från Kolada", type="primary"):
    bar = st.progress(0.0, text="Startar …")

    def show(p: kolada.Progress) -> None:
        share = p.step / p.total if p.total else 0.0
        bar.progress(min(share, 1.0), text=f"{p.message} ({p.requests} anrop)")

    try:
        result = kolada.refresh(store, progress=show)
    except kolada.BadInput as e:
        st.error(f"Felaktig indata: {e}")
    except kolada.KoladaError as e:
        st.error(f"Kunde inte hämta från Kolada: {e}")
    else:
        bar.progress(1.0, text="Klart")
        st.success(result.summary())
        if result.missing_kpis:
            st.warning("Nyckeltal som saknas i Koladas katalog: " + ", ".join(result.missing_kpis))
