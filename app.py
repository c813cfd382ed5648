"""Router: the app's pages. Run with ``python3 dev.py app``."""

import streamlit as st

st.set_page_config(
    page_title="Nettokostnadsavvikelse – jämför med liknande kommuner", layout="wide"
)

page = st.navigation(
    [st.Page("pages/data_status.py", title="Om data", icon=":material/database:", default=True)]
)
page.run()
