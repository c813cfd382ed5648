"""Running the app under AppTest as a running server would (shared by tests and bench/)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit.runtime.pages_manager as pages_manager


@contextmanager
def modern_navigation() -> Iterator[None]:
    """With a ``pages/`` folder, Streamlit runs a page file on its own (legacy v1 routing) until
    some session has called st.navigation; a server does that once, but AppTest resets the flag
    before every run. Keep it off, as in a server that has served its first request (that first
    request is handled by ui.current/follow_page_redirect and checked in the browser test)."""
    cls = pages_manager.PagesManager
    init = cls.__init__

    def modern(self, *args, **kwargs):
        init(self, *args, **kwargs)
        cls.uses_pages_directory = False

    cls.__init__ = modern
    try:
        yield
    finally:
        cls.__init__ = init
