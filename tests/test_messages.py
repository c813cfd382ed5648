"""Every log line our code writes is Swedish, like every other message (operators of a
kommun read them): no English stock phrase in a logger call's text."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("kolada", "benchmark", "ui", "app_pages")
LEVELS = {"debug", "info", "warning", "error", "exception", "critical"}
ENGLISH = (" is ", " the ", " cannot ", "missing", "failed", "damaged", "retrying", " of ")


def log_texts() -> list[tuple[str, int, str]]:
    out = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in LEVELS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "logger"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    out.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value))
    return out


def test_log_lines_are_swedish():
    texts = log_texts()
    english = [t for t in texts if any(w in f" {t[2]} " for w in ENGLISH)]
    print(f"{len(texts)} log texts checked")
    assert len(texts) >= 15
    assert not english, english
