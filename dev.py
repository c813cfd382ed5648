#!/usr/bin/env python3
"""Set-up and entry points, with nothing but Python 3.11+ on the machine.

    python3 dev.py app     # create/update .venv, then run the Streamlit app
    python3 dev.py test    # create/update .venv, then ruff + the whole test suite
    python3 dev.py bench   # create/update .venv, then the benchmark scripts in bench/

The venv is (re)installed whenever pyproject.toml or deploy/requirements.lock changes: first the
locked packages with their hashes (the image's versions), then the project and its test tools.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"
LOCK = ROOT / "deploy" / "requirements.lock"  # the image's packages, with their hashes


def run(*cmd: str | Path) -> None:
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    if code:
        sys.exit(code)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - a clear message on an old Python
        sys.exit(f"Python 3.11 eller senare krävs (du har {sys.version.split()[0]}).")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + LOCK.read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print("Skapar .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installerar beroenden i .venv …", flush=True)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # the image's exact versions first, each file checked against its hash (so the tests run on
    # what the image runs, and a lock whose hashes no longer match fails here), then the rest
    run(PYTHON, "-m", "pip", "install", "--quiet", "--require-hashes", "--no-deps", "-r", LOCK)
    run(PYTHON, "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(wanted)


def main(argv: list[str]) -> None:
    task = argv[0] if argv else ""
    if task not in ("app", "test", "bench"):
        sys.exit(__doc__)
    ensure_venv()
    rest = argv[1:]
    if task == "app":
        run(PYTHON, "-m", "streamlit", "run", "app.py", *rest)
    elif task == "test":
        run(PYTHON, "-m", "ruff", "check", ".")
        run(PYTHON, "-m", "ruff", "format", "--check", ".")
        run(PYTHON, "-m", "pytest", *rest)
    else:
        for script in sorted((ROOT / "bench").glob("*.py")):
            run(PYTHON, script, *rest)


if __name__ == "__main__":
    main(sys.argv[1:])
