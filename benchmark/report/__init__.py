"""The report for the nämnd: what a Word or PDF document says about a view.

- ``model``: the blocks (heading, text, bullets, table, figure), the ``Document`` and the
  typography both renderers share;
- ``fonts``: the report's font and the width of its words (column widths), for both renderers;
- ``sections``, ``drivers``, ``budget``: the content of one area, laid out from the figures
  the pages show (``benchmark.figures``);
- ``document``: the assembly of one area or every area, and the KPIs a report needs;
- ``word`` (python-docx) and ``pdf`` (reportlab): the two renderers; neither imports the other.
"""
