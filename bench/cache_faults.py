#!/usr/bin/env python3
"""Fault injection on the Parquet cache (issue 20): damage random bytes of a random published
file, ``--runs`` times, and check that nothing changes silently — each damage is either
detected (the file is "skadad" and the reader serves the previous kept set's file, verified)
or the data read is exactly the same as before.

Fills a cache from the mirror with two commits (so a previous set exists), then for each run:
copy the cache, overwrite 1–4096 random bytes at a random offset of one random published file,
read every dataset as a new process would, and compare with the undamaged reading.

    .venv/bin/python bench/cache_faults.py --runs 100 [--cache PATH] [--seed 1]
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kolada.store as store_module  # noqa: E402
from kolada.refresh import refresh  # noqa: E402
from kolada.store import ENTITIES, Store  # noqa: E402
from tests.integration.conftest import start_mirror  # noqa: E402


def filled(tmp: Path) -> Path:
    """Two full refreshes from a fresh mirror: a published set and a previous one."""
    root = tmp / "cache"
    mirror = start_mirror(tmp)
    try:
        with mirror.client(max_rps=0) as client:
            refresh(Store(root), client)
            refresh(Store(root), client, full=True)
    finally:
        mirror.stop()
    return root


def reading(root: Path) -> dict:
    """Every dataset as a new process reads it."""
    store_module._VERIFIED.clear()
    store_module._DAMAGED.clear()
    data = Store(root).read_all()
    return {
        e: (d.frame if d is not None else None) for e, d in ((e, data.get(e)) for e in ENTITIES)
    }


def same(a, b) -> bool:
    return all(
        (a[e] is None and b[e] is None)
        or (a[e] is not None and b[e] is not None and a[e].equals(b[e]))
        for e in ENTITIES
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, help="a cache with two commits (default: fill)")
    args = parser.parse_args()
    logging.getLogger("kolada").setLevel(logging.ERROR)  # each damage is logged: counted below
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp())
    source = args.cache or filled(tmp)
    good = reading(source)
    detected = unchanged = silent = 0
    for _ in range(args.runs):
        root = tmp / "run"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(source, root)
        store = Store(root)
        entity = rng.choice(ENTITIES)
        path = store.path(entity)
        body = bytearray(path.read_bytes())
        size = rng.randint(1, min(4096, len(body)))
        at = rng.randrange(0, len(body) - size + 1)
        body[at : at + size] = bytes(rng.randrange(256) for _ in range(size))
        path.write_bytes(bytes(body))
        after = reading(root)
        damaged = Store(root).damaged()
        if damaged and after[entity] is not None:
            detected += 1  # named, and the previous set's file (verified) was served
        elif same(after, good):
            unchanged += 1  # the bytes written happened to be the same
        else:
            silent += 1
            print(f"  tyst ändring: {entity} ({size} byte vid {at}), skadade: {damaged}")
    print(
        f"{args.runs} skador: {detected} upptäckta och lästa från föregående version, "
        f"{unchanged} utan verkan, {silent} tysta ändringar"
    )


if __name__ == "__main__":
    main()
