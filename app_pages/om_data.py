"""Om data: sources and Kolada's terms, method notes, when each dataset was fetched, and a
refresh from Kolada with a progress bar that reports what changed."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

import kolada
from benchmark import driver_figures, fmt, forecast_figures
from benchmark.escaping import escape_markdown
from kolada.drivers import SHARE_0_20
from kolada.status import cache_status, format_age
from ui import admin, data, fetch, notes, sidebar

sidebar.current()  # the shared sidebar and URL state
st.title("Om data")
st.markdown(
    """
**Källa.** Alla nyckeltal kommer från [Kolada](https://www.kolada.se), Rådet för främjande av
kommunala analyser (RKA), via Koladas öppna API (v3). Enligt Koladas villkor anges
obearbetade värden med **"Källa: Kolada"**. Det appen själv räknar fram — medianer, ovägda medel,
platser i rangordningen, skillnader och belopp i kronor — anges som **"Egen bearbetning av data från
Kolada"**; Kolada är inte källa till de beräkningarna. Appen är inte knuten till RKA.

**Nettokostnadsavvikelse (NKA).** Skillnaden i procent mellan kommunens nettokostnad och dess
referenskostnad (kr/invånare): vad verksamheten skulle kosta med rikets genomsnittliga avgifts-,
ambitions- och effektivitetsnivå, givet kommunens struktur. Positivt värde betyder högre
kostnadsläge än strukturen motiverar. NKA säger inget om kvalitet, och ett negativt värde kan
betyda effektivitet lika väl som underfinansiering.

**Metodbyte 2019.** Från och med 2019 beräknas referenskostnaden med en ny modell. Värden före
2019 är inte direkt jämförbara med senare år; appen visar därför från 2019 som standard.

**Preliminära värden.** Det senaste årets värden är preliminära tills Kolada publicerar de
slutliga och kan revideras utan avisering. De markeras med trianglar i diagrammen.

**Jämförelsegrupper.** "Liknande kommuner" är RKA:s grupper om sju strukturellt liknande
kommuner per verksamhetsområde; kommunen själv ingår inte. Grupperna byts ut mellan utgåvor
(året i gruppens namn) medan gruppens id består — appen sparar medlemmarna med datum och visar
vilken utgåva som används. Jämförelser med tidigare år använder dagens medlemmar.

**Medel och median.** Gruppens medel är ovägt (varje kommun väger lika), som Koladas egna
gruppvärden. Medianen och kvartilerna räknas på de kommuner som har värde; antalet visas.

**Belopp i kronor.** Skillnad i kronor = (kommunens NKA − jämförelsenivån) / 100 ×
referenskostnad (kr/invånare) × invånare. Saknar Kolada referenskostnaden för året härleds den
som nettokostnad / (1 + NKA/100), och det anges där beloppet visas.
"""
)
st.markdown(
    f"""
**Kostnadsdrivare.** För individ- och familjeomsorg, LSS och äldreomsorg visas Koladas nyckeltal
för vad som driver kostnaden per invånare: volymer (hur många som får insatser), styckkostnader
(vad en insats kostar), andelen som köps av andra och antal. Volymerna är inte behovsjusterade,
och ett lågt värde är inte i sig bättre. Antal visas utan median och plats i rangordningen,
eftersom ett antal följer kommunens storlek.

**Gruppens genomsnitt, vägt.** Bredvid medianen visas jämförelsegruppens samlade kostnad delad
med gruppens samlade invånare (för kostnader per invånare 65+ härleds antalet invånare 65+ ur
antalet hemtjänsttagare och deras andel). Det är den kostnad gruppen faktiskt har, så som
KOSTRA/ASSS räknar.

**Volym × styckkostnad.** Där Koladas värden multipliceras tillbaka till kostnaden — LSS boende,
LSS daglig verksamhet, hemtjänst och ekonomiskt bistånd — delas kommunens skillnad mot gruppens
vägda genomsnitt upp i en volymdel och en styckkostnadsdel. Gruppens kostnad är gruppens volym
(samlat antal brukare / samlade invånare; antalet härlett ur andel × invånare) × gruppens
styckkostnad (samlad kostnad / samlat antal brukare). Kommunens styckkostnad är härledd:
kostnad / volym. Uppdelningen är symmetrisk: volymdel = (v − V) × (s + S)/2 och
styckkostnadsdel = (s − S) × (v + V)/2, och delarna summerar exakt till skillnaden som
tabellen visar. Det är räkning, inte en förklaring av orsaker: texten säger "skillnaden består
av", aldrig "beror på".

**Störst skillnad.** {driver_figures.RULE_TEXT} Antalet barn bakom en andel av invånarna 0–20 år
uppskattas med rikets andel 0–20 år ({fmt.percent(SHARE_0_20 * 100, 0)} av invånarna).
Skillnaden mäts mot medianen, som tabellen visar, och räknas på de avrundade värdena som
citeras.

**Rimlighetskontroll.** Innan ett värde används kontrolleras det: en andel ska ligga mellan 0 och
100 %, ett antal per 10 000 invånare under 10 000, och vissa nyckeltal mot varandra (invånare
med någon LSS-insats minst lika många som de med LSS-boende; en dels kostnad högst lika stor som
helhetens). Ett värde som inte klarar kontrollen visas med "⚠ enheten eller värdet stämmer inte
med …" och används aldrig i en mening, en uppdelning, en median eller en rangordning. Faller
kontrollen för de flesta kommuner ett år har Kolada troligen bytt enhet, och då tas alla
värden det året bort (så med N28892 i cachen, som är lagrad i procent men betitlad per 10 000
invånare).

"""
)
st.markdown(
    f"""
**Varför ändrades NKA?** Eftersom NKA = nettokostnad / referenskostnad − 1 kan ändringen mellan
två år delas exakt i en del från nettokostnaden per invånare och en del från referenskostnaden.
Ligger åren på var sin sida om metodbytet 2019 sägs det, eftersom referenskostnaderna då är
räknade med olika modeller.

**Kostnad och kvalitet.** Kvalitetsmåtten är Koladas (brukarbedömningar, resultat, väntetider
och RKA:s index). Kommunen jämförs med jämförelsekommunernas median det senaste året den har ett
värde, efter måttets riktning (en kortare väntetid är bättre), och bara när minst 3 och minst
hälften av gruppen har värde. Rutorna säger var kommunen ligger, inte varför.

**Prognos (Budgetmål).** {forecast_figures.METHOD_TEXT}
"""
)

st.subheader("Hämtad data")
store = data.store()
statuses = cache_status(store, ttl=notes.TTL)
# a static table with four short columns: it wraps instead of cutting columns off on a phone
table = pd.DataFrame(
    {
        "Datamängd": [fetch.ENTITY_TITLES[s.entity] for s in statuses],
        "Rader": [fmt.integer(s.rows) if s.cached else "–" for s in statuses],
        "Hämtad": [fmt.local_time(s.fetched_at) if s.fetched_at else "–" for s in statuses],
        "Status": [
            f"skadad: {s.file}"
            if s.damaged
            else f"{s.state}, {format_age(s.age)}"
            if s.cached
            else "saknas"
            for s in statuses
        ],
    }
)
st.table(table, hide_index=True)
sources = sorted({s.base_url for s in statuses if s.base_url})
if sources:
    st.caption("Hämtat från " + ", ".join(escape_markdown(u) for u in sources) + ".")
last = store.last_refresh()
if last:
    outcome = "lyckades" if last.get("ok") else "misslyckades"
    at, message = fmt.local_time(last.get("at")), escape_markdown(last["message"])
    st.caption(f"Senaste uppdatering {outcome} {at} (svensk tid): {message}")

mode = admin.access()
asked, refused = False, None
if mode in (admin.READ, admin.OFF):
    st.info(
        "Datan uppdateras automatiskt från Kolada av en schemalagd körning och är densamma för "
        "alla som använder appen."
    )
else:
    key = (
        st.text_input("Administratörsnyckel", type="password", key="admin_key")
        if mode == admin.TOKEN
        else None
    )
    asked = st.button("Uppdatera från Kolada", type="primary")
    refused = asked and admin.refusal(mode, key, (last or {}).get("at"), datetime.now(UTC))
    if refused:
        st.warning(refused)
if asked and not refused:
    try:
        result = fetch.refresh_with_bar(
            "Uppdaterar från Kolada",
            ttl=pd.Timedelta(0).to_pytimedelta(),
            lock_timeout=fetch.FETCH_LOCK_WAIT,
        )
    except (kolada.KoladaError, kolada.BadInput) as e:  # Busy: another refresh holds the lock
        st.error(
            "Uppdateringen misslyckades. Tidigare hämtad data finns kvar oförändrad. "
            f"({escape_markdown(e)})"
        )
    else:
        c = result.changes
        st.success(
            f"Klart: {result.requests} anrop på {result.seconds:.1f} s. "
            f"Ändrat sedan förra hämtningen: {c.added} nya, {c.changed} ändrade och "
            f"{c.removed} borttagna värden."
        )
        if result.missing_kpis:
            st.warning(
                "Nyckeltal som saknas i Koladas katalog: "
                + escape_markdown(", ".join(result.missing_kpis))
            )
with st.expander("Teknisk information"):
    st.caption(f"Cachemapp på servern: {escape_markdown(store.root)}")
    if mode == admin.READ:
        st.caption(
            "Läsläge (`KOLADA_READ_ONLY=1`): den schemalagda körningen är "
            "`python -m kolada refresh`, och alla instanser av appen läser samma data."
        )
    elif mode == admin.OFF:
        st.caption(
            "Skrivbar, men ingen administratörsnyckel (`KOLADA_ADMIN_TOKEN`) är satt, så "
            "uppdatering från appen är avstängd. Datan uppdateras av `python -m kolada refresh`."
        )
