"""The UI: everything that imports streamlit besides app.py and the page files (``app_pages/``).

- ``data``: the one ``Source`` per published cache and ``cached``, the per-cache memo for the
  figures a page shows;
- ``fetch``: the first-run fetch, a refresh with a progress bar, read-only mode;
- ``sidebar``: the shared sidebar, its state in the URL, and the ``Context`` a page renders;
- ``notes``: banners, messages, the print stylesheet and the last-resort error message;
- ``exports``: charts with their download buttons.

Nothing here computes a figure: that is ``benchmark.figures`` and the pure modules under it.
"""

PAGES = {
    "oversikt": "app_pages/oversikt.py",
    "jamforelse": "app_pages/jamforelse.py",
    "alla": "app_pages/alla_omraden.py",
    "delar": "app_pages/ifo_delar.py",
    "drivare": "app_pages/kostnadsdrivare.py",
    "kvalitet": "app_pages/kvalitet.py",
    "budget": "app_pages/budgetmal.py",
    "rapport": "app_pages/rapport.py",
    "om": "app_pages/om_data.py",
    "tillganglighet": "app_pages/tillganglighet.py",
}
