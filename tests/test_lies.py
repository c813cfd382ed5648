"""Lies on HTTP 200 (issue 20): each answer below is well-formed JSON, and each would have
changed the cache. Every one is refused — the refresh fails and the cache stays byte-identical —
unless it is within the stated thresholds (``kolada.checks``: 98 % of a KPI's total values
kept, at most 2 % changed before the last five years, only kommuner of the listing, no value
beyond ±1e9, no count below −0,5). No network: a fake Kolada."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from kolada.catalogue import POPULATION
from kolada.refresh import RefreshFailed
from kolada.store import Store
from tests.conftest import FakeClient, digest
from tests.test_damaged_cache import NOW

KPIS = ["N30001", POPULATION]


class Lying(FakeClient):
    """The fake Kolada, with one lie applied to every value answer (``lie``) or to the
    municipality listing (``short_listing``)."""

    def __init__(self, lie=None, short_listing=False):
        super().__init__()
        self.lie = lie
        self.short_listing = short_listing

    def fetch_values(self, kpis, municipalities, years, *, from_date=None, on_page=None):
        rows = super().fetch_values(kpis, municipalities, years, from_date=from_date)
        return self.lie(copy.deepcopy(rows)) if self.lie else rows

    def fetch_municipalities(self):
        rows = super().fetch_municipalities()
        if self.short_listing:
            kommuner = [r for r in rows if r.get("type") == "K"]
            return [r for r in rows if r is not kommuner[0]]
        return rows


@pytest.fixture
def cache(tmp_path):
    fill_kpis(tmp_path, FakeClient())
    return tmp_path


def fill_kpis(root, client, **kw):
    from kolada.refresh import refresh

    kw.setdefault("now", NOW)
    return refresh(Store(root), client, kpis=KPIS, from_year=2010, **kw)


def drop_some(rows):
    return [r for i, r in enumerate(rows) if i % 12 != 5]  # 8 % of the rows


def mark_deleted(rows):
    for i, r in enumerate(rows):
        if i % 12 == 5:
            r["values"][0]["isdeleted"] = True
    return rows


def only_k_and_m(rows):
    for r in rows:
        value = r["values"][0]["value"]
        r["values"] = [{"gender": g, "value": value, "isdeleted": False} for g in "KM"]
    return rows


def duplicated(rows):
    twin = copy.deepcopy(rows[0])
    twin["values"][0]["value"] += 1000
    return [*rows, twin]


def foreign_kommun(rows):
    stranger = copy.deepcopy(rows[0])
    stranger["municipality"] = "9999"
    return [*rows, stranger]


def huge(rows):
    rows[3]["values"][0]["value"] = 1e308
    return rows


def negative_population(rows):
    for r in rows:
        if r["kpi"] == POPULATION:
            r["values"][0]["value"] = -r["values"][0]["value"]
            break
    return rows


def revised_old_years(rows):
    for r in rows:
        if r["period"] < 2015:
            r["values"][0]["value"] += 7
    return rows


LIES = {
    "8 % of the rows dropped": drop_some,
    "8 % marked isdeleted in a full fetch": mark_deleted,
    "the T row dropped where K and M exist": only_k_and_m,
    "a duplicate row with another value": duplicated,
    "a kommun id that is not in the listing": foreign_kommun,
    "1e308": huge,
    "a negative population": negative_population,
    "a third of the old years changed": revised_old_years,
}


@pytest.mark.parametrize("lie", LIES.values(), ids=LIES.keys())
def test_a_lie_is_refused_and_the_cache_is_byte_identical(cache, lie):
    before = digest(cache)
    with pytest.raises(RefreshFailed) as err:
        fill_kpis(cache, Lying(lie), now=NOW + timedelta(days=2), full=True)
    assert "oförändrad" in str(err.value)
    assert digest(cache) == before


def test_a_shorter_kommun_list_is_refused(cache):
    before = digest(cache)
    with pytest.raises(RefreshFailed, match="kommunlista saknar 1 kommuner"):
        fill_kpis(cache, Lying(short_listing=True), now=NOW + timedelta(days=2), full=True)
    assert digest(cache) == before


def test_a_revision_of_the_last_five_years_is_accepted(cache):
    """Kolada revises the last years (preliminary, then final; the mirror's ``--revise`` changes
    every value from 2021 on): a full fetch that changes them passes, and a count revised to
    −0,01 is not a negative count."""

    def revise_recent(rows):
        for r in rows:
            if r["period"] >= NOW.year - 5:
                r["values"][0]["value"] += 1
            if r["kpi"] == POPULATION and r["period"] == NOW.year:
                r["values"][0]["value"] = -0.01
        return rows

    result = fill_kpis(cache, Lying(revise_recent), now=NOW + timedelta(days=2), full=True)
    assert result.changes.changed > 0


def test_accept_shrink_takes_a_real_removal(cache):
    result = fill_kpis(
        cache, Lying(drop_some), now=NOW + timedelta(days=2), full=True, accept_shrink=True
    )
    assert result.shrinks and "accept-shrink" in result.summary()
