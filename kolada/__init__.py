"""Kolada v3 data layer: API client, tidy frames, area catalogue, Parquet store and refresh.

Never imports streamlit: the app imports this package, not the other way round.
"""

from kolada.catalogue import AREAS, IFO_PARTS, POPULATION, area
from kolada.client import DEFAULT_BASE_URL, KoladaClient
from kolada.errors import BadInput, KoladaError
from kolada.frames import tidy_groups, tidy_kpis, tidy_municipalities, tidy_values, totals
from kolada.refresh import Progress, RefreshFailed, RefreshResult, refresh
from kolada.status import cache_status
from kolada.store import Store

__all__ = [
    "AREAS",
    "DEFAULT_BASE_URL",
    "IFO_PARTS",
    "POPULATION",
    "BadInput",
    "KoladaClient",
    "KoladaError",
    "Progress",
    "RefreshFailed",
    "RefreshResult",
    "Store",
    "area",
    "cache_status",
    "refresh",
    "tidy_groups",
    "tidy_kpis",
    "tidy_municipalities",
    "tidy_values",
    "totals",
]
