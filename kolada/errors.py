"""The two errors the data layer raises.

- ``BadInput``: the caller asked for something invalid (bad id, empty list, year out of range).
  Raised before any request is sent; the message names the bad value.
- ``KoladaError``: Kolada (or the network) did not give a usable answer. The message names the URL.
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


def quoted(value: object, limit: int = 40) -> str:
    """A value as quoted in a message (``repr``), cut with "…" when long."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 2] + "…" + text[-1]
