#!/usr/bin/env python3
"""The project's import graph: fail on any import cycle among its modules (module-level and
in-function imports alike) and on modules over ``--max-lines``.

Usage: check_imports.py [--max-lines N]. Exit 1 with the cycles and the oversized modules.
Tests, benchmarks, migrations, scripts and deploy samples are not counted.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"tests", "bench", "scripts", "migrations", ".venv", "var", "node_modules", "deploy"}


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        if set(parts) & SKIP:
            continue
        parts = parts[:-1] if parts[-1] == "__init__" else parts
        found[".".join(parts)] = path
    return found


def graph(mods: dict[str, Path]) -> dict[str, set[str]]:
    def resolve(name):
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges = {m: set() for m in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
            for target in targets:
                found = resolve(target)
                # A module importing its own package's __init__ is not a cycle of concern.
                if found and found != name and not name.startswith(found + "."):
                    edges[name].add(found)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, result, counter = {}, {}, set(), [], [], [0]
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def oversized(mods: dict[str, Path], max_lines: int) -> list[tuple[str, int]]:
    sizes = (
        (name, len(path.read_text(encoding="utf-8").splitlines())) for name, path in mods.items()
    )
    return sorted((name, n) for name, n in sizes if n > max_lines)


def main(argv: list[str]) -> int:
    max_lines = int(argv[argv.index("--max-lines") + 1]) if "--max-lines" in argv else 10**9
    mods = modules()
    found, big = cycles(graph(mods)), oversized(mods, max_lines)
    for component in found:
        print(f"import cycle of {len(component)}: {', '.join(component)}")
    for name, n in big:
        print(f"{name}: {n} lines (over {max_lines})")
    print(f"{len(mods)} modules, {len(found)} import cycles, {len(big)} over {max_lines} lines")
    return 1 if found or big else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
