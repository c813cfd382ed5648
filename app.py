"""Router: the shared sidebar (its state in the URL), the app-wide banner, then the page.

Run with ``python3 dev.py app``. The page files live in ``app_pages/``, not ``pages/``: a
``pages/`` folder makes Streamlit run a page on its own (legacy routing) until st.navigation
has run once in the server process.
"""

import streamlit as st

import ui
from ui import notes, sidebar

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
        st.Page(ui.PAGES["kvalitet"], title="Kostnad och kvalitet", icon=":material/scatter_plot:"),
        st.Page(ui.PAGES["budget"], title="Budgetmål", icon=":material/flag:"),
        st.Page(ui.PAGES["rapport"], title="Rapport", icon=":material/description:"),
        st.Page(ui.PAGES["om"], title="Om data", icon=":material/info:"),
        st.Page(
            ui.PAGES["tillganglighet"], title="Tillgänglighet", icon=":material/accessibility:"
        ),
    ]
)
notes.accessibility_script()
notes.print_stylesheet()
with notes.failures_in_swedish():
    sidebar.context()
    notes.banner()
    notes.show_url_problems()
    page.run()
