"""Expanders whose content is built only when they are open: a click reruns the page, so what a
reader does not open costs neither the server (figures, tables) nor the browser (a data grid,
a highlighter, download buttons) anything, and the first chart is drawn sooner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st


@contextmanager
def expander(label: str, key: str, *, expanded: bool = False) -> Iterator[bool]:
    """``with lazy.expander("Tabell", "oversikt_tabell") as shown: if shown: …``"""
    box = st.expander(label, expanded=expanded, key=key, on_change="rerun")
    with box:
        yield box.open
