"""Where a figure comes from, in the words Kolada's terms ask for: Kolada's own values are
"Källa: Kolada"; whatever the app computes from them is "Egen bearbetning av data från Kolada".
The one home of these strings for pages, exports and the report."""

RAW = "Källa: Kolada"
COMPUTED = "Egen bearbetning av data från Kolada"
SOURCE_LINE = "Källa: Kolada; egen bearbetning"  # the report's title line
