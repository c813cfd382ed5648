#!/usr/bin/env python3
"""Time to make the nämnd report (content, charts, Word and PDF), one area and all areas.

Fills a cache from the mirror (a full refresh), then makes each report ``--runs`` times in a
fresh process state per run (a new Source: the store is read again, as after a click on
"Skapa rapport" or a run of ``python -m benchmark report``). The first run in the process also
starts the chart renderer. Targets: ≤ 5 s for one area, ≤ 20 s for all areas.

    .venv/bin/python bench/report_time.py --runs 3
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmark.report import document, pdf, word  # noqa: E402
from benchmark.source import Source  # noqa: E402
from benchmark.viewstate import View  # noqa: E402
from kolada.store import Store  # noqa: E402
from tests.integration.conftest import MIRROR, fill_from_mirror  # noqa: E402

CASES = [  # (label, view, all areas, budget target)
    ("Åtvidaberg IFO (4 drivarträd, mål: median)", View("0561", "ifo"), False, "median"),
    ("Västerås LSS", View("1980", "lss"), False, None),
    ("Umeå äldreomsorg", View("2480", "aldreomsorg"), False, None),
    ("Höör grundskola", View("1267", "grundskola"), False, None),
    ("Åtvidaberg alla områden", View("0561"), True, None),
]
TARGETS = {False: 5.0, True: 20.0}


def make(store: Store, view: View, all_areas: bool, target: str | None) -> tuple[dict, int]:
    t0 = time.perf_counter()
    doc = document.make_document(
        Source(store), view, all_areas=all_areas, target=target, today=date.today()
    )
    t1 = time.perf_counter()
    docx = word.to_docx(doc)
    t2 = time.perf_counter()
    pdf_bytes = pdf.to_pdf(doc)
    t3 = time.perf_counter()
    times = {"innehåll": t1 - t0, "docx": t2 - t1, "pdf": t3 - t2, "totalt": t3 - t0}
    return times, len(doc.figures) * 1000 + (len(docx) + len(pdf_bytes)) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not MIRROR.exists():
        sys.exit(f"{MIRROR} saknas: benchmarken behöver ../shared/kolada-mirror")
    with tempfile.TemporaryDirectory() as tmp:
        fill_from_mirror(Path(tmp))
        store = Store(Path(tmp) / "cache")
        print(f"{args.runs} runs per report; the first line includes starting the renderer")
        for label, view, all_areas, target in CASES:
            runs = [make(store, view, all_areas, target) for _ in range(args.runs)]
            totals = [t["totalt"] for t, _ in runs]
            last, size = runs[-1]
            figures, kb = divmod(size, 1000)
            limit = TARGETS[all_areas]
            print(
                f"{label:<44} median {statistics.median(totals):5.2f} s  max {max(totals):5.2f} s"
                f"  (innehåll+diagram {last['innehåll']:.2f}, docx {last['docx']:.2f}, "
                f"pdf {last['pdf']:.2f}; {figures} diagram, {kb} kB) "
                + ("≤" if max(totals) <= limit else "ÖVER")
                + f" {limit:.0f} s"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
