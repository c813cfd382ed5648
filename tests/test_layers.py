"""The house's rules, read from the source: ``kolada`` (data) never imports streamlit or
``benchmark``; ``benchmark`` (analysis, text, report) never imports streamlit or ``ui``; ``ui``
never imports a page; nothing imports upward; no import cycles; neither report renderer imports
the other or the other's library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {"kolada": 0, "benchmark": 1, "ui": 2, "app_pages": 3, "app": 3}
FORBIDDEN = {"kolada": {"streamlit"}, "benchmark": {"streamlit"}, "ui": set()}


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in ("kolada", "benchmark", "ui", "app_pages"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module ``name`` imports (absolute names; ``from x import y`` gives x.y when that is
    a module of ours, else x)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: resolve against the package
                package = name.split(".")[: -node.level] if path.name != "__init__.py" else name
                base = ".".join([*package, node.module])
            for a in node.names:
                full = f"{base}.{a.name}"
                out.add(full if full in MODULES else base)
    return out


GRAPH = {n: {i for i in _imports(n, p) if i in MODULES} for n, p in MODULES.items()}
EXTERNAL = {n: {i.split(".")[0] for i in _imports(n, p)} for n, p in MODULES.items()}


def _layer(name: str) -> int:
    return LAYERS[name.split(".")[0]]


def test_the_modules_are_found():
    assert {"kolada.store", "benchmark.source", "benchmark.report.word", "ui.data"} <= set(GRAPH)
    print(f"\n{len(GRAPH)} modules, {sum(map(len, GRAPH.values()))} imports between them")


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_nothing_imports_upward_or_what_its_layer_may_not(name):
    top = name.split(".")[0]
    upward = {i for i in GRAPH[name] if _layer(i) > _layer(name)}
    assert not upward, f"{name} imports {upward}"
    assert not EXTERNAL[name] & FORBIDDEN.get(top, set()), f"{name} imports streamlit"


def test_no_import_cycles():
    seen: dict[str, int] = {}  # 1: on the path, 2: done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(GRAPH[node]):
            if seen.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in seen:
                visit(nxt, [*path, nxt])
        seen[node] = 2

    for start in sorted(GRAPH):
        if start not in seen:
            visit(start, [start])
    packages = {n for n in GRAPH if MODULES[n].name == "__init__.py"}
    real = [c for c in cycles if not set(c) & packages]  # a package's __init__ re-exporting
    assert not real, real


def test_the_report_renderers_are_independent():
    word, pdf = "benchmark.report.word", "benchmark.report.pdf"
    assert pdf not in GRAPH[word] and "reportlab" not in EXTERNAL[word]
    assert word not in GRAPH[pdf] and "docx" not in EXTERNAL[pdf]
