"""The data a page shows, read one way: one ``Source`` per published cache (shared by every
session of this process), and ``cached`` for the figures computed from it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta

import streamlit as st

import kolada
from benchmark.source import Source

TTL = timedelta(hours=1)


def store() -> kolada.Store:
    return kolada.Store()


# A resource, not data: shared by every session instead of unpickled on each call. The stamp
# changes with every published refresh, so the next click after one reads the new cache.
@st.cache_resource(ttl=TTL, max_entries=2, show_spinner=False)
def _source(root: str, stamp: tuple) -> Source:
    return Source(kolada.Store(root))


def source() -> Source:
    """The store read through one ``Source`` per published cache."""
    s = store()
    return _source(str(s.root), s.stamp())


_FIGURES: dict[str, Callable] = {}


@st.cache_data(ttl=TTL, max_entries=256, show_spinner=False)
def _figure(name: str, root: str, stamp: tuple, args: tuple):
    return _FIGURES[name](_source(root, stamp), *args)


def cached(fn: Callable) -> Callable:
    """``fn(source, *args)`` as ``cached(fn)(*args)``: computed once per published cache and
    arguments (``st.cache_data``: each caller gets its own copy of the result)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    _FIGURES[name] = fn

    @functools.wraps(fn)
    def call(*args):
        s = store()
        return _figure(name, str(s.root), s.stamp(), args)

    return call
