"""Tillgänglighet: the tillgänglighetsredogörelse a kommun can publish (DIGG's template) — how
accessible the app is, what does not conform and why, how to report a problem, and when it was
last checked."""

import streamlit as st

from benchmark import accessibility as a11y
from benchmark.escaping import escape_markdown
from benchmark.report.model import swedish_date
from ui import sidebar

sidebar.current()  # the shared sidebar and URL state
st.title("Tillgänglighets\u00adredogörelse")  # a soft hyphen: a phone breaks it there
st.markdown(
    "Den här appen används av kommuner för att jämföra sina kostnader med liknande kommuners. "
    "Vi vill att så många som möjligt ska kunna använda den. Här beskriver vi hur appen "
    "uppfyller lagen (2018:1937) om tillgänglighet till digital offentlig service, vilka kända "
    "brister som finns och hur du kan rapportera problem så att vi kan åtgärda dem."
)
st.subheader("Hur tillgänglig är appen?")
st.markdown(
    "Appen är **delvis förenlig** med lagen om tillgänglighet till digital offentlig service, "
    "på grund av de brister som beskrivs nedan."
)
st.subheader("Innehåll som inte är tillgängligt")
st.markdown("\n".join(f"- {item}" for item in a11y.NOT_ACCESSIBLE))
st.subheader("Vad kan du göra om du inte kan använda delar av appen?")
where = a11y.contact()
st.markdown(
    "Om du behöver innehåll i ett annat format, eller om du upptäcker brister som inte står "
    "här, kontakta oss: "
    + (escape_markdown(where) if where else "vänd dig till den förvaltning som har gett dig "
       "länken till appen")
    + ". Alla värden i appen kan också laddas ner som CSV- och Excel-filer och som en "
    "Word-rapport."
)  # fmt: skip
st.subheader("Tillsyn")
st.markdown(
    "Myndigheten för digital förvaltning (Digg) har ansvaret för tillsyn över lagen om "
    "tillgänglighet till digital offentlig service. Om du inte är nöjd med hur vi hanterar dina "
    "synpunkter kan du [anmäla det till Digg](https://www.digg.se/tdosanmalan)."
)
st.subheader("Hur vi har testat appen")
widths = " och ".join(str(w) for w in a11y.WIDTHS)
st.markdown(
    f"Vi har själva testat appen med axe-core {a11y.AXE_VERSION} mot WCAG 2.1 nivå A och AA: "
    f"varje sida i {widths} pixlars bredd, för två kommuner ({a11y.SCANS} sidvisningar). "
    f"Senaste testet gjordes {swedish_date(a11y.CHECKED)} och hittade {a11y.VIOLATIONS} fel. "
    "Testet körs med appens övriga tester vid varje ändring. Varje diagram har en "
    "textbeskrivning, sidans språk är svenska och sidornas text, diagrammens axlar och "
    "förklaringar medräknade, har minst kontrasten 4,5:1."
)
st.caption(f"Redogörelsen uppdaterades senast {swedish_date(a11y.CHECKED)}.")
