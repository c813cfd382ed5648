"""The errors the data layer raises, and how a message quotes a value.

- ``BadInput``: the caller asked for something invalid (bad id, empty list, year out of range).
  Raised before any request is sent; the message names the bad value.
- ``KoladaError``: Kolada (or the network) did not give a usable answer. The message names the URL.
  - ``Busy``: another refresh holds the cache's refresh lock.
- ``RefreshFailed`` (``kolada.refresh``): a refresh that ended with the cache unchanged.

``shorten`` is the one way a long value is cut in a message (here, in the CLI and in the app).
"""

from __future__ import annotations


class BadInput(ValueError):
    """An id, year or argument that cannot be sent to Kolada or written to disk."""


class KoladaError(RuntimeError):
    """A request to Kolada failed or returned a body we cannot use."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None):
        self.url = url
        self.status = status
        message = " ".join(str(message).split())  # always one line
        super().__init__(f"{message} ({url})" if url else message)


class Busy(KoladaError):
    """Another refresh holds the cache's refresh lock."""


ELLIPSIS = "…"


def shorten(text: object, limit: int = 60) -> str:
    """``text`` cut to at most ``limit`` characters, ending with "…" when it was longer."""
    plain = str(text)
    if len(plain) <= limit:
        return plain
    return plain[: max(limit - 1, 0)] + ELLIPSIS


def quoted(value: object, limit: int = 40) -> str:
    """A value as quoted in a message (``repr``), cut with "…" before its closing quote."""
    text = repr(value)
    return text if len(text) <= limit else shorten(text[:-1], limit - 1) + text[-1]
