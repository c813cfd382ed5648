#!/usr/bin/env python3
"""Seeded fault runs: a full refresh over an older cache against the mirror with
``--fail-rate 0.3 --truncate-rate 0.1 --malformed-rate 0.05``, once per seed.

Each run must end in one of two ways: finished, with data identical to a clean refresh; or failed
cleanly, with the old cache byte-identical. Anything else is a silent loss. Prints the counts.

    .venv/bin/python bench/fault_runs.py --seeds 50
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.integration.conftest import MIRROR, start_mirror  # noqa: E402
from tests.integration.faults import FAULTS, fault_run, reference  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    args = parser.parse_args()
    if not MIRROR.exists():
        sys.exit(f"{MIRROR} saknas: benchmarken behöver ../shared/kolada-mirror")
    counts = {"finished": 0, "failed cleanly": 0, "silent loss": 0}
    requests = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clean = start_mirror(tmp, "--max-per-page", "5000")
        try:
            ref = reference(clean, tmp / "reference")
            for seed in range(1, args.seeds + 1):
                faulty = start_mirror(tmp, *FAULTS, "--seed", str(seed))
                try:
                    outcome = fault_run(clean, faulty, ref, tmp / f"seed-{seed}")
                finally:
                    faulty.stop()
                counts[outcome.kind] += 1
                requests.append(outcome.requests)
                print(f"seed {seed:>3}: {outcome.kind:<15} {outcome.requests:>3} requests  "
                      f"{outcome.detail}", flush=True)  # fmt: skip
        finally:
            clean.stop()
    print(
        f"{args.seeds} seeds: {counts['finished']} finished with clean data, "
        f"{counts['failed cleanly']} failed cleanly (cache byte-identical), "
        f"{counts['silent loss']} silent losses; requests {min(requests)}–{max(requests)}"
    )
    sys.exit(1 if counts["silent loss"] else 0)


if __name__ == "__main__":
    main()
