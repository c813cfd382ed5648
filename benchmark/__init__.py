"""Pure analysis, text, charts and exports beside the data layer (``kolada/``).

Nothing here imports streamlit: ``app.py``, ``app_pages/`` and ``ui/`` do the showing.
"""
