"""Pure analysis, text, charts and exports beside the data layer (``kolada/``).

Nothing here imports streamlit: ``app.py``, ``pages/`` and ``ui.py`` do the showing.
"""
