"""Router: the shared sidebar (its state in the URL), the app-wide banner, then the page.

Run with ``python3 dev.py app``.
"""

import streamlit as st

import ui

st.set_page_config(
    page_title="Nettokostnadsavvikelse – jämför med liknande kommuner",
    page_icon="⚖️",  # an emoji favicon is drawn in the page; a :material/ one is fetched from Google
    layout="wide",
)

page = st.navigation(
    [
        st.Page(ui.PAGES["oversikt"], title="Översikt", icon=":material/show_chart:", default=True),
        st.Page(ui.PAGES["jamforelse"], title="Jämförelse", icon=":material/bar_chart:"),
        st.Page(ui.PAGES["alla"], title="Alla områden", icon=":material/grid_on:"),
        st.Page(ui.PAGES["delar"], title="IFO i delar", icon=":material/stacked_line_chart:"),
        st.Page(ui.PAGES["drivare"], title="Kostnadsdrivare", icon=":material/account_tree:"),
        st.Page(ui.PAGES["budget"], title="Budgetmål", icon=":material/flag:"),
        st.Page(ui.PAGES["rapport"], title="Rapport", icon=":material/description:"),
        st.Page(ui.PAGES["om"], title="Om data", icon=":material/info:"),
    ]
)
ui.follow_page_redirect()
ui.print_stylesheet()
with ui.failures_in_swedish(), ui.routing():
    ui.context()
    ui.banner()
    ui.show_url_problems()
    page.run()
