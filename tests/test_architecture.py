"""The house of DESIGN.md holds: no import cycles (local imports included), dependencies point down,
and each heavy library is imported only where DESIGN.md says."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import REPO

SRC = REPO / "src" / "newsgrep"

# Which parts of newsgrep each part may import (itself included).
ALLOWED = {
    "errors": set(), "hits": set(), "__main__": {"cli"}, "__init__": set(),
    "settings": {"errors"},  # the environment variables, read in one place
    "notes": set(),  # notes on how a query was read: said by index/, heard through the api
    "models": {"hits", "errors"},
    "text": {"errors", "hits", "models", "text", "settings", "_core"},  # text/core.py: the compiled core's door
    "ingest": {"errors", "hits", "models", "text", "ingest"},
    "index": {"errors", "hits", "models", "text", "ingest", "index", "__init__", "settings", "notes"},
    "cluster": {"errors", "hits", "models", "text", "ingest", "index", "cluster", "__init__", "settings"},
    "api": {"errors", "hits", "models", "text", "ingest", "index", "cluster", "settings", "notes"},
    "render": {"errors", "hits", "models", "text", "render", "settings"},
    "cli": {"errors", "hits", "models", "api", "render", "__init__"},
}
# Inside index/: whoosh_compat at the bottom, then store, then query; write and search on top.
INDEX_ALLOWED = {
    "whoosh_compat": {"whoosh_compat"},
    "store": {"whoosh_compat", "store"},
    "query": {"whoosh_compat", "query"},
    "write": {"whoosh_compat", "store", "query", "write"},
    "search": {"whoosh_compat", "store", "query", "search"},
    "__init__": {"whoosh_compat"},
}
# Third-party packages and the only parts of newsgrep that may import them.
ONLY_IN = {"whoosh": ("index",), "dask": ("cluster",), "distributed": ("cluster",),
           "click": ("cli",), "rich": ("cli", "render")}


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imports(tree: ast.AST, package: str) -> list[tuple[str, int]]:
    """Every import in a module, at module level or inside functions; TYPE_CHECKING blocks left out."""
    out: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.extend((a.name, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            out.append((base, node.lineno))
            out.extend((f"{base}.{a.name}", node.lineno) for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return out


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for target, _ in _imports(ast.parse(path.read_text(encoding="utf-8")), package):
            if target in modules and target != name:
                graph[name].add(target)
        parent = name.rpartition(".")[0]
        if parent and parent != name:  # importing a module runs its packages' __init__ first
            graph[name].add(parent)
    return graph


def _area(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def test_no_import_cycles() -> None:
    graph = _graph()
    index, low, on, stack, cycles = {}, {}, set(), [], []
    counter = [0]

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            # a package and the modules its __init__ imports are one unit at import time
            if len(comp) > 1 and not all(c.startswith(min(comp, key=len)) for c in comp):
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    assert cycles == []


def test_dependencies_point_down() -> None:
    wrong = []
    for name, targets in _graph().items():
        area = _area(name)
        for t in targets:
            if t == "newsgrep" and area != "cli":
                continue
            t_area = _area(t)
            if t_area not in ALLOWED.get(area, set()) | {area} and t != "newsgrep":
                wrong.append(f"{name} -> {t}")
            if area == t_area == "index" and t != "newsgrep.index":  # the package runs first anyway
                sub = name.split(".")[2] if name.count(".") >= 2 else "__init__"
                t_sub = t.split(".")[2] if t.count(".") >= 2 else "__init__"
                if t_sub not in INDEX_ALLOWED.get(sub, set()) | {sub}:
                    wrong.append(f"{name} -> {t}")
    assert wrong == []


def test_heavy_libraries_are_imported_only_where_they_belong() -> None:
    wrong = []
    for path in SRC.rglob("*.py"):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for target, line in _imports(ast.parse(path.read_text(encoding="utf-8")), package):
            top = target.split(".")[0]
            if top in ONLY_IN and _area(name) not in ONLY_IN[top]:
                wrong.append(f"{path.relative_to(SRC)}:{line} imports {target}")
    assert wrong == []
