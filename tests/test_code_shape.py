"""The shape of the code: units small enough to read whole, and the layers going one way.
(No class over 250 lines, no function over 100: past that a unit hides more than one concern.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for d in ("src/jn_exchange", "docsgen") for p in (ROOT / d).rglob("*.py")
                 if "generated" not in p.parts)
MAX_CLASS, MAX_FUNCTION = 250, 100


def _units(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node, node.end_lineno - node.lineno + 1


def test_no_long_units():
    long = [f"{p.relative_to(ROOT)}:{n.lineno} {n.name} ({size} lines)"
            for p in SOURCES for n, size in _units(p)
            if size > (MAX_CLASS if isinstance(n, ast.ClassDef) else MAX_FUNCTION)]
    assert not long, long


# what each room may import: the validator's hot path never reaches the tools, the report
# writers never reach the engine, and nothing in the package reaches the repository's tools
FORBIDDEN = {
    "engine": ("jn_exchange.tools", "jn_exchange.reports", "jn_exchange.sample", "jn_exchange.generate"),
    "reader": ("jn_exchange.engine", "jn_exchange.tools", "jn_exchange.reports", "jn_exchange.validate"),
    "reports": ("jn_exchange.engine", "jn_exchange.reader", "jn_exchange.tools", "jn_exchange.package"),
    "validate.py": ("jn_exchange.tools", "jn_exchange.reports", "jn_exchange.generate", "jn_exchange.sample"),
    "package.py": ("jn_exchange.engine", "jn_exchange.tools", "jn_exchange.validate"),
    "": ("docsgen", "tests", "benchmarks", "linkml"),
}


def _imports(path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
    return out


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_layers_go_one_way(room):
    pkg = ROOT / "src" / "jn_exchange"
    paths = [p for p in pkg.rglob("*.py") if "generated" not in p.parts
             and (room == "" or p.relative_to(pkg).parts[0] == room)]
    if room == "":   # linkml is for the generators only
        paths = [p for p in paths if p.relative_to(pkg).parts[0] != "generate"]
    bad = sorted(f"{p.relative_to(ROOT)} imports {m}" for p in paths for m in _imports(p)
                 if any(m == f or m.startswith(f + ".") for f in FORBIDDEN[room]))
    assert paths and not bad, bad
