"""Validation of Kolada ids and years, and chunking of id lists for path segments.

Every id passes through here before it becomes part of a URL or a file name, so a value such as
``../x`` can never reach the network or the disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from kolada.errors import BadInput, quoted

MAX_IDS_PER_SEGMENT = 25
FIRST_YEAR = 1990

KPI_ID = re.compile(r"[NU]\d{5}")
MUNICIPALITY_ID = re.compile(r"\d{4}")
GROUP_ID = re.compile(r"G\d{1,9}")


def _as_list(values: Iterable[str] | str, what: str) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out = [str(v).strip() for v in values]
    if not out:
        raise BadInput(f"Tom lista med {what}: ange minst ett.")
    return list(dict.fromkeys(out))  # keep order, drop repeats


def validate_kpi_ids(ids: Iterable[str] | str) -> list[str]:
    """KPI ids such as ``N30001``; raise ``BadInput`` naming the first that does not match."""
    out = _as_list(ids, "nyckeltal")
    for i in out:
        if not KPI_ID.fullmatch(i.upper()):
            raise BadInput(f"Ogiltigt nyckeltals-id {quoted(i)}: väntade t.ex. 'N30001'.")
    return list(dict.fromkeys(i.upper() for i in out))


def validate_municipality_ids(ids: Iterable[str] | str, *, allow_groups: bool = True) -> list[str]:
    """Municipality ids (``0561``) and, if allowed, group ids (``G36722``).

    A plain number of 1-3 digits is padded with zeros (``561`` → ``0561``), as Kolada's ids are
    always four characters.
    """
    out = []
    for i in _as_list(ids, "kommuner"):
        if i.isdigit() and len(i) < 4:
            i = i.zfill(4)
        if MUNICIPALITY_ID.fullmatch(i) or (allow_groups and GROUP_ID.fullmatch(i.upper())):
            out.append(i.upper())
        else:
            hint = "'0561' eller en grupp som 'G36722'" if allow_groups else "'0561'"
            raise BadInput(f"Ogiltigt kommun-id {quoted(i)}: väntade t.ex. {hint}.")
    return list(dict.fromkeys(out))


def validate_years(years: Iterable[int] | int, *, today: date | None = None) -> list[int]:
    """Years between 1990 and next year; raise ``BadInput`` naming the first outside that range."""
    last = (today or date.today()).year + 1
    if isinstance(years, int | str):
        years = [years]
    out = []
    for y in years:
        try:
            year = int(y)
        except (TypeError, ValueError):
            raise BadInput(f"Ogiltigt år {quoted(y)}: väntade ett årtal som 2024.") from None
        if not FIRST_YEAR <= year <= last:
            raise BadInput(f"År {year} ligger utanför {FIRST_YEAR}–{last}.")
        out.append(year)
    if not out:
        raise BadInput("Tom lista med år: ange minst ett.")
    return sorted(set(out))


def require_known(ids: Sequence[str], known: Iterable[str], what: str) -> None:
    """Raise ``BadInput`` naming every id in ``ids`` that is not in ``known``."""
    known = set(known)
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise BadInput(f"Okänt {what} i Kolada: {', '.join(unknown)}.")


def chunked(items: Sequence, size: int = MAX_IDS_PER_SEGMENT) -> Iterator[list]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
