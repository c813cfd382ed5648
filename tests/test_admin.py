"""Who may start a refresh from the app, and how often (ui.admin): plain rules of the
environment and the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ui import admin

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("read_only", "token", "mode"),
    [
        (None, None, admin.OPEN),  # python3 dev.py app: one user
        ("1", None, admin.READ),
        ("1", "k", admin.READ),
        ("0", None, admin.OFF),  # a deployment made writable, without a key
        ("0", "k", admin.TOKEN),
        (None, "k", admin.TOKEN),
    ],
)
def test_access(monkeypatch, read_only, token, mode):
    for name, value in (("KOLADA_READ_ONLY", read_only), ("KOLADA_ADMIN_TOKEN", token)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert admin.access() == mode


def test_wait_left_counts_from_the_last_attempt():
    assert admin.wait_left(None, NOW) == timedelta(0)
    assert admin.wait_left("nonsense", NOW) == timedelta(0)
    assert admin.wait_left((NOW - timedelta(minutes=4)).isoformat(), NOW) == timedelta(minutes=6)
    assert admin.wait_left((NOW - timedelta(minutes=11)).isoformat(), NOW) == timedelta(0)


def test_wrong_keys_lock_even_the_right_one_until_the_window_passes(monkeypatch):
    monkeypatch.setenv("KOLADA_ADMIN_TOKEN", "rätt")
    clock = [0.0]
    keys = admin.WrongKeys(limit=3, window=60, clock=lambda: clock[0])
    monkeypatch.setattr(admin, "WRONG", keys)
    said = [admin.refusal(admin.TOKEN, "fel", None, NOW) for _ in range(3)]
    assert said == ["Fel administratörsnyckel."] * 3
    assert admin.refusal(admin.TOKEN, "rätt", None, NOW) == (
        "För många felaktiga nycklar. Försök igen om 1 min."
    )
    clock[0] = 61.0
    assert admin.refusal(admin.TOKEN, "rätt", None, NOW) is None


def test_the_right_key_still_waits_for_the_pause(monkeypatch):
    monkeypatch.setenv("KOLADA_ADMIN_TOKEN", "rätt")
    monkeypatch.setattr(admin, "WRONG", admin.WrongKeys())
    recent = (NOW - timedelta(minutes=2)).isoformat()
    assert admin.refusal(admin.TOKEN, "rätt", recent, NOW) == (
        "En uppdatering gjordes för mindre än 10 min sedan. Nästa kan startas om 8 min."
    )
    assert admin.refusal(admin.OPEN, None, recent, NOW) is None  # one user: no pause
    assert admin.refusal(admin.OFF, "rätt", None, NOW) == "Uppdatering från appen är avstängd här."
