"""Reads imlpy's imports (without importing it) and checks the house rules of issue 14.

The stages are subpackages in a fixed order, top to bottom; a module may import only from its own
stage or a stage below it. Modules may not import each other in a cycle. An import inside a
function is allowed only to keep start-up fast, and then says so on its line with `# lazy:`.
"""
from __future__ import annotations

import ast
import pathlib
from typing import Dict, List, Set, Tuple

# Top to bottom. A stage may import itself and anything after it.
LAYERS = [
    "imlpy.__main__", "imlpy.frontends", "imlpy.runtime", "imlpy.builtins", "imlpy.parallel",
    "imlpy.sas", "imlpy.data", "imlpy.output", "imlpy.language", "imlpy.safety", "imlpy.matrix",
    "imlpy.errors",
]
# imlpy/__init__.py is the public API: it may import the runtime (Session).
PUBLIC_API = "imlpy"


def module_name(root: pathlib.Path, path: pathlib.Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    for k, prefix in enumerate(LAYERS):
        if module == prefix or module.startswith(prefix + "."):
            return k
    return -1


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    base = module.split(".") if is_package else module.split(".")[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


class Import:
    def __init__(self, source: str, target: str, line: int, in_function: bool, text: str):
        self.source, self.target, self.line, self.in_function, self.text = source, target, line, in_function, text

    def __repr__(self):
        return f"{self.source}:{self.line} imports {self.target}"


def imports_of(root: pathlib.Path) -> List[Import]:
    """Every import of an imlpy module by an imlpy module, with where it stands."""
    known = {module_name(root, p) for p in root.rglob("*.py")}
    found = []
    for path in sorted(root.rglob("*.py")):
        source = module_name(root, path)
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        for node, in_function in _walk(tree, False):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = _absolute(source, path.name == "__init__.py", node) if node.level else (node.module or "")
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in known else base)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                if t == "imlpy" or t.startswith("imlpy."):
                    found.append(Import(source, t, node.lineno, in_function, lines[node.lineno - 1]))
    return found


def _walk(node, in_function):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function
        inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield from _walk(child, inner)


def upward_imports(found: List[Import]) -> List[Import]:
    bad = []
    for imp in found:
        if imp.source == PUBLIC_API or imp.target == PUBLIC_API:
            continue                     # the package root: version and public API
        src, dst = layer_of(imp.source), layer_of(imp.target)
        if src < 0 or dst < 0 or dst < src:
            bad.append(imp)
    return bad


def unexplained_function_imports(found: List[Import]) -> List[Import]:
    return [imp for imp in found if imp.in_function and "# lazy:" not in imp.text]


def cycles(found: List[Import]) -> List[List[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    graph: Dict[str, Set[str]] = {}
    for imp in found:
        if imp.target != imp.source and imp.target != PUBLIC_API:
            graph.setdefault(imp.source, set()).add(imp.target)
            graph.setdefault(imp.target, set())
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    groups: List[List[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def report(root: pathlib.Path) -> Tuple[list, list, list]:
    found = imports_of(root)
    return upward_imports(found), cycles(found), unexplained_function_imports(found)


if __name__ == "__main__":
    import sys
    here = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[1] / "imlpy")
    up, cyc, lazy = report(here)
    print("UPWARD:"); [print("  ", i, "|", i.text.strip()) for i in up]
    print("CYCLES:"); [print("  ", " -> ".join(c)) for c in cyc]
    print("IN-FUNCTION:"); [print("  ", i, "|", i.text.strip()) for i in lazy]
