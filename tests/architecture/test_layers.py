"""The shape of the package: the analysis core stands alone, and no modules import each other
in a circle. Read from the source (ast), so it holds for every module, imported or not."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import glutecoach

PACKAGE = Path(glutecoach.__file__).resolve().parent
SHELLS = ("glutecoach.web", "glutecoach.store", "glutecoach.report", "glutecoach.cli",
          "glutecoach.coaching")
#: The analysis core: every stage of the pipeline and what runs it (live, batch, outputs).
CORE = ("glutecoach.analysis", "glutecoach.live", "glutecoach.evaluate", "glutecoach.batch.local",
        "glutecoach.batch.ray", "glutecoach.outputs.csv", "glutecoach.outputs.annotated")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path) -> set[str]:
    """glutecoach modules imported when ``path`` is imported (module level, not inside
    functions: a function's lazy import runs only when it is called)."""
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    package = _module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else _module_name(path)
    for node in tree.body:
        nodes = [node]
        if isinstance(node, (ast.If, ast.Try)):  # TYPE_CHECKING blocks excluded below
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            nodes = list(ast.walk(node))
        for n in nodes:
            if isinstance(n, ast.Import):
                found.update(a.name for a in n.names if a.name.startswith("glutecoach"))
            elif isinstance(n, ast.ImportFrom):
                base = n.module or ""
                if n.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - n.level + 1] + ([base] if base else []))
                if base.startswith("glutecoach"):
                    found.add(base)
                    found.update(f"{base}.{a.name}" for a in n.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in _top_level_imports(path) if m in modules and m != name}
            for name, path in modules.items()}


def test_the_analysis_core_imports_no_shell():
    code = (f"import sys, {', '.join(CORE)}; "
            "print('\\n'.join(sorted(m for m in sys.modules if m.startswith('glutecoach'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = loaded.stdout.split()
    assert "glutecoach.analysis" in modules
    assert not [m for m in modules if m.startswith(SHELLS)]


def test_no_import_circles():
    graph = _graph()
    assert len(graph) > 40
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    # A package's __init__ importing its own submodules is not a circle of two modules.
    real = [c for c in circles if not all(m == c[0] or m.startswith(c[0] + ".") or c[0].startswith(m + ".")
                                         for m in c)]
    assert real == []
