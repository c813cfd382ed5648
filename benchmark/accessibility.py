"""The tillgänglighetsredogörelse (DIGG's template): what the app's accessibility was last
measured to be, and what does not conform. The figures are those of
``tests/integration/test_accessibility.py`` when this text was last updated; that test checks
that the page count and widths here are the ones it scans."""

from __future__ import annotations

import os
from datetime import date

CONTACT = "NKA_TILLGANGLIGHET_KONTAKT"  # e-post or a web address where problems are reported

CHECKED = date(2026, 12, 7)  # the last axe-core run behind these words
AXE_VERSION = "4.12"  # axe-core, bundled with axe-playwright-python
SCANS = 40  # 10 pages × 2 widths × 2 views
WIDTHS = (1440, 400)
VIOLATIONS = 0

NOT_ACCESSIBLE = (
    "Delar av Streamlits egna kontroller har engelska texter som appen inte kan ändra, till "
    "exempel verktygsfälten på tabeller (”Download as CSV”, ”Search”, ”Fullscreen”) och "
    "felmeddelanden från själva ramverket.",
    "De interaktiva tabellerna ritas på en canvas: en skärmläsare når innehållet cell för cell, "
    "men kolumnmenyerna i tabellhuvudet nås inte med tangentbordet. Samma värden finns i de "
    "statiska tabellerna och i CSV- och Excel-filerna.",
    "Diagrammen är bilder för en skärmläsare. Varje diagram har en textbeskrivning och en "
    "tabell med samma värden; färg är aldrig det enda sättet att läsa ett värde (varje ruta i "
    "rutdiagrammen har sitt värde utskrivet).",
    "PDF-rapporten är inte taggad (biblioteket reportlab kan inte skriva taggad PDF). "
    "Word-rapporten är det tillgängliga formatet: rubriker, tabellhuvuden, svenska som språk "
    "och en beskrivning på varje bild.",
    "På en smal skärm rullar de interaktiva tabellerna, och en statisk tabell som ändå är för "
    "bred, i sidled; rutan kan nås och rullas med tangentbordet (Tabb, sedan piltangenterna). "
    "Statiska tabeller med många kolumner visas i stället som en lista, en rad i taget.",
)


def contact() -> str | None:
    """Where to report a problem (set by whoever runs the app), or None."""
    return os.environ.get(CONTACT, "").strip() or None
