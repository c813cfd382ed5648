"""Who may start a refresh from Om data, and how often.

- ``python3 dev.py app`` (``KOLADA_READ_ONLY`` unset): one user on their own machine; the button
  is theirs.
- Read-only (``KOLADA_READ_ONLY=1``, the image's default): no button; a scheduled job refreshes.
- A shared deployment made writable (``KOLADA_READ_ONLY=0``): the button asks for the
  administrator's key (``KOLADA_ADMIN_TOKEN``) and is off without one. A refresh may start at most
  once per ``REFRESH_PAUSE`` (from the last recorded attempt, so every replica and session counts),
  and wrong keys are limited to ``WRONG_KEYS`` per ``WRONG_KEY_WINDOW`` in this process.

The rules are plain functions of the environment and the clock; the page only asks them.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections import deque
from datetime import datetime, timedelta

from benchmark.source import READ_ONLY, read_only

ADMIN_TOKEN = "KOLADA_ADMIN_TOKEN"
REFRESH_PAUSE = timedelta(minutes=10)
WRONG_KEYS = 5
WRONG_KEY_WINDOW = 600.0  # seconds

OPEN, TOKEN, OFF, READ = "open", "token", "off", "read_only"


def access() -> str:
    """``OPEN`` (one user), ``TOKEN`` (shared, key configured), ``OFF`` (shared without a key) or
    ``READ`` (read-only replica)."""
    if read_only():
        return READ
    if os.environ.get(ADMIN_TOKEN, "").strip():
        return TOKEN
    if os.environ.get(READ_ONLY, "").strip():  # set, but not to a yes: a deployment's choice
        return OFF
    return OPEN


def wait_left(last_at: str | None, now: datetime, pause: timedelta = REFRESH_PAUSE) -> timedelta:
    """How long until a refresh may start again: ``pause`` after the last recorded attempt
    (``last_refresh.json``'s ISO time); zero when there is none or it cannot be read."""
    if not last_at:
        return timedelta(0)
    try:
        then = datetime.fromisoformat(last_at)
    except ValueError:
        return timedelta(0)
    if then.tzinfo is None or now.tzinfo is None:
        return timedelta(0)
    return max(then + pause - now, timedelta(0))


class WrongKeys:
    """Wrong keys in this process: at most ``limit`` in ``window`` seconds, then none accepted
    (not even the right one) until the oldest leaves the window."""

    def __init__(self, limit: int = WRONG_KEYS, window: float = WRONG_KEY_WINDOW, clock=None):
        self.limit, self.window = limit, window
        self.clock = clock or time.monotonic
        self.times: deque[float] = deque()
        self.lock = threading.Lock()

    def _forget(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()

    def locked_for(self) -> float:
        """Seconds until a key is tried again (0: now)."""
        with self.lock:
            now = self.clock()
            self._forget(now)
            if len(self.times) < self.limit:
                return 0.0
            return self.times[0] + self.window - now

    def check(self, given: str) -> bool:
        """Whether ``given`` is the configured key (compared in constant time); a wrong one
        is counted. Call only when ``locked_for()`` is 0."""
        wanted = os.environ.get(ADMIN_TOKEN, "").strip()
        right = bool(wanted) and hmac.compare_digest(given.strip().encode(), wanted.encode())
        if not right:
            with self.lock:
                self.times.append(self.clock())
        return right


WRONG = WrongKeys()  # one per process: a stranger opening new sessions is counted too


def _minutes(seconds: float) -> str:
    return f"{max(1, round(seconds / 60))} min"


def refusal(mode: str, key: str | None, last_at: str | None, now: datetime) -> str | None:
    """Why a refresh asked for now may not start (Swedish), or None when it may. With a key
    configured: a lock after too many wrong keys, the pause after the last attempt, a wrong
    key (counted)."""
    if mode == OPEN:
        return None
    if mode != TOKEN:
        return "Uppdatering från appen är avstängd här."
    locked = WRONG.locked_for()
    if locked > 0:
        return f"För många felaktiga nycklar. Försök igen om {_minutes(locked)}."
    if not WRONG.check(key or ""):
        return "Fel administratörsnyckel."
    wait = wait_left(last_at, now).total_seconds()
    if wait > 0:
        return (
            f"En uppdatering gjordes för mindre än {_minutes(REFRESH_PAUSE.total_seconds())} "
            f"sedan. Nästa kan startas om {_minutes(wait)}."
        )
    return None
