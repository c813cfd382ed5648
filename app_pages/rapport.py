"""Rapport: the view as a document for the nämnd — Word to edit, PDF to read — made on click."""

import time
from datetime import date

import streamlit as st

from benchmark import budget, figures, fmt, forecast_figures
from benchmark.attribution import COMPUTED, RAW
from benchmark.escaping import escape_markdown
from benchmark.numbers import NumberError
from benchmark.report import document, pdf, word
from benchmark.report.forecast import BudgetInput
from kolada.drivers import trees_for
from ui import data, sidebar
from ui.fetch import ensure_data

ctx = sidebar.current()
a, view, span = ctx.area, ctx.view, ctx.span
st.title(f"Rapport – {ctx.kommun_md}")
st.caption(
    "Rapport till nämnden om det du har valt i sidomenyn: Word (.docx) att redigera i en "
    "tjänsteskrivelse och PDF att läsa – med nyckeltal, diagram, text, kostnadsdrivare, "
    "jämförelsegrupp, det som behöver beaktas och en bilaga med källor och formler."
)

left, right = st.columns(2)
scope = left.radio(
    "Omfattning",
    ["omrade", document.ALL],
    format_func=lambda s: f"{a.title}" if s == "omrade" else "Alla verksamhetsområden",
    key="report_scope",
)
TARGET_CHOICES = ["", *budget.COMPARED]
FILES = [
    (
        "⬇ Word (.docx)",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("⬇ PDF", "pdf", "application/pdf"),
]
FORECAST_FIELDS = {  # the report's field → Budgetmål's
    "report_budget": "forecast_budget",
    "report_growth": "forecast_growth",
    "report_population": "forecast_population",
}
chosen = st.session_state.get("budget_kind")  # Budgetmål's choice, when one was made
if "report_target" not in st.session_state and chosen in TARGET_CHOICES:
    st.session_state["report_target"] = chosen
target = right.selectbox(
    "Budgetmål i rapporten",
    TARGET_CHOICES,
    format_func=lambda k: budget.TARGETS[k] if k else "Inget",
    key="report_target",
    disabled=scope == document.ALL,
    help="Tabellen med målen sida vid sida och vägen till målet, som på sidan Budgetmål "
    "(utgångsläge: senaste år med värde och tillräckligt många jämförelsevärden; första "
    "budgetår: nästa år).",
)
# the forecast's fields belong to a kommun, area and year: filled from Budgetmål's when it
# forecast the same, emptied when the view changes
fc_year = forecast_figures.budget_year(
    data.cached(figures.budget_base)(view).default, date.today().year
)
for_view = (view.kommun, a.code, fc_year)
if st.session_state.get("_report_budget_for") != for_view:
    st.session_state["_report_budget_for"] = for_view
    typed = st.session_state.get("_forecast_for")
    same = typed is not None and (typed[0], typed[1], typed[3]) == for_view
    for field, typed_field in FORECAST_FIELDS.items():
        st.session_state[field] = st.session_state.get(typed_field, "") if same else ""
FIELDS = [  # key, label, placeholder, help
    (
        "report_budget",
        f"Budgeterad nettokostnad {fc_year} för prognos (mnkr)",
        "Tomt: ingen prognos",
        "Områdets nettokostnad första budgetåret, som under Prognos på Budgetmål. Tomt: ingen "
        "prognos i rapporten.",
    ),
    (
        "report_growth",
        "Rikets kostnadsökning per år i prognosen (%)",
        "Tomt: de senaste årens ökning",
        "Tomt: rikets genomsnittliga ökning de tre senaste åren med värden.",
    ),
    (
        "report_population",
        "Invånare i prognosen",
        "Tomt: senaste årets",
        "Tomt: antalet invånare det senaste året med värden.",
    ),
]
for col, (key, label, placeholder, help_text) in zip(st.columns(3), FIELDS, strict=True):
    col.text_input(
        label, key=key, placeholder=placeholder, disabled=scope == document.ALL, help=help_text
    )
budget_input = None
if scope != document.ALL and st.session_state.get("report_budget", "").strip():
    growth_text = st.session_state.get("report_growth", "").strip()
    population_text = st.session_state.get("report_population", "").strip()
    try:
        budget_input = BudgetInput(
            forecast_figures.read_budget(st.session_state["report_budget"]),
            forecast_figures.read_growth(growth_text) if growth_text else None,
            forecast_figures.read_population(population_text) if population_text else None,
        )
    except NumberError as e:
        st.error(escape_markdown(str(e)))
        st.stop()
parts = [
    "nyckeltal",
    "diagram",
    "text",
    *(["kostnadsdrivare"] if scope != document.ALL and trees_for(a.code) else []),
    *(["budgetmål"] if target and scope != document.ALL else []),
    *(["prognos"] if budget_input else []),
]
st.markdown(f"Rapporten innehåller {', '.join(parts)}, jämförelsegrupp, förbehåll och källor.")


def report_key() -> tuple:
    """What a made report belongs to: the view, its scope and target, the published cache."""
    return (
        view,
        scope,
        target if scope != document.ALL else "",
        budget_input,
        data.store().stamp(),
    )


key = report_key()
made = st.session_state.get("_report")
if made is not None and made["key"] != key:  # another view: let the old files go
    del st.session_state["_report"]
    made = None
if st.button("Skapa rapport", type="primary", key="report_make") or st.session_state.pop(
    "_make_report", False
):
    started = time.perf_counter()
    # what the report reads, fetched first: the document never depends on the pages visited
    ensure_data(document.needed_kpis(view, all_areas=scope == document.ALL))
    key = report_key()  # a fetch publishes a new cache: the report belongs to that one
    bar = st.progress(0.0, text="Skapar rapporten …")

    def show(share: float, message: str) -> None:
        bar.progress(min(share * 0.9, 0.9), text=f"Skapar rapporten: {message}")

    doc = document.make_document(
        data.source(),
        view,
        all_areas=scope == document.ALL,
        target=target or None,
        budget_input=budget_input,
        today=date.today(),
        progress=show,
    )
    bar.progress(0.92, text="Skapar rapporten: Word")
    docx = word.to_docx(doc)
    bar.progress(0.96, text="Skapar rapporten: PDF")
    pdf_bytes = pdf.to_pdf(doc)
    bar.empty()
    made = {
        "key": key,
        "stem": doc.stem,
        "docx": docx,
        "pdf": pdf_bytes,
        "seconds": time.perf_counter() - started,
        "figures": len(doc.figures),
    }
    st.session_state["_report"] = made  # one report per session: the latest

if made is not None:
    st.success(
        f"Rapporten är klar ({made['figures']} diagram, skapad på "
        f"{fmt.number(made['seconds'], 1)} s)."
    )
    row = st.container(horizontal=True, gap="small")
    for label, ext, mime in FILES:
        row.download_button(
            label,
            made[ext],
            file_name=f"{made['stem']}.{ext}",
            mime=mime,
            key=f"report_{ext}",
            on_click="ignore",
        )
st.caption(
    f"Kommunens värden – {RAW}. Medianer, platser i rangordningen, skillnader, belopp och "
    f"uppdelningar – {COMPUTED}. Att skriva ut en sida i webbläsaren (Ctrl+P) döljer sidomenyn "
    "och knapparna."
)
