"""The errors the data layer raises, and how a message quotes a value.

- ``BadInput``: the caller asked for something invalid (bad id, empty list, year out of range).
  Raised before any request is sent; the message names the bad value.
- ``KoladaError``: Kolada (or the network) did not give a usable answer. The message names the URL.
  - ``Busy``: another refresh holds the cache's refresh lock.
- ``RefreshFailed`` (``kolada.refresh``): a refresh that ended with the cache unchanged.

``shorten`` is the one way a long value is cut in a message (here, in the CLI and in the app).
"""

from __future__ import annotations

import errno


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


# ---- the system's errors, in Swedish --------------------------------------------------------
_ERRNO_SV = {
    errno.ENOENT: "filen eller mappen finns inte",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EISDIR: "det är en mapp, inte en fil",
    errno.ENOTDIR: "inte en mapp",
    errno.EEXIST: "finns redan",
    errno.EMFILE: "för många öppna filer",
    errno.EIO: "läs- eller skrivfel på disken",
    errno.ENAMETOOLONG: "namnet är för långt",
}


def os_error_text(error: OSError) -> str:
    """An error of the system as one Swedish phrase with the path: "disken är full
    (/data/cache)"; an errno without a translation keeps the system's text as a detail."""
    said = _ERRNO_SV.get(error.errno or -1)
    if said is None:
        said = f"systemfel ({shorten(error.strerror or error, 80)})"
    where = getattr(error, "filename", None)
    return f"{said} ({where})" if where else said
