#!/usr/bin/env python3
"""The project's import graph: fail on any import cycle among its modules (module-level and
in-function imports alike), on any cycle between packages (an app that imports another which
imports it back, even through different modules; at the level of the apps and at the level of
their sub-packages, ``customers.core`` against ``customers.models`` against ``consents.models``)
and on modules over ``--max-lines``.

Usage: check_imports.py [--max-lines N]. Exit 1 with the cycles and the oversized modules.
Tests, benchmarks, migrations, scripts, deploy samples and virtual environments (any folder
holding ``pyvenv.cfg``, whatever its name) are not counted.
"""

import ast
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"tests", "bench", "scripts", "migrations", ".venv", "var", "node_modules", "deploy"}


def python_files(root: Path):
    """The project's .py files. A folder is not entered when it is in SKIP, when its name
    starts with a dot (no package can be named so) or when it is a virtual environment
    (it holds ``pyvenv.cfg``, whatever the folder is called): site-packages is never read."""
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in SKIP
            and not name.startswith(".")
            and not (Path(folder) / name / "pyvenv.cfg").exists()
        )
        yield from (Path(folder) / name for name in sorted(files) if name.endswith(".py"))


def modules(root: Path = ROOT) -> dict[str, Path]:
    found = {}
    for path in python_files(root):
        parts = path.relative_to(root).with_suffix("").parts
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


def packages(edges: dict[str, set[str]], level: int) -> dict[str, set[str]]:
    """The graph between packages: each module stands for its package ``level`` deep (1: the
    app, ``customers``; 2: the app's sub-package or module, ``customers.core``); a module less
    deep stands for itself. An import between a package and one inside it is not counted."""

    def package(module):
        parts = module.split(".")
        return ".".join(parts[:level]) if len(parts) > level else module

    result = {}
    for module, targets in edges.items():
        source = package(module)
        result.setdefault(source, set())
        for target in map(package, targets):
            if not (source == target or target.startswith(source + ".")) and not (
                source.startswith(target + ".")
            ):
                result[source].add(target)
                result.setdefault(target, set())
    return result


def package_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Cycles between the apps, then between their sub-packages (each cycle once)."""
    found = []
    for level in (1, 2):
        found += [c for c in cycles(packages(edges, level)) if c not in found]
    return found


def oversized(mods: dict[str, Path], max_lines: int) -> list[tuple[str, int]]:
    sizes = (
        (name, len(path.read_text(encoding="utf-8").splitlines())) for name, path in mods.items()
    )
    return sorted((name, n) for name, n in sizes if n > max_lines)


def main(argv: list[str]) -> int:
    max_lines = int(argv[argv.index("--max-lines") + 1]) if "--max-lines" in argv else 10**9
    mods = modules()
    edges = graph(mods)
    found, between, big = cycles(edges), package_cycles(edges), oversized(mods, max_lines)
    for component in found:
        print(f"import cycle of {len(component)}: {', '.join(component)}")
    for component in between:
        print(f"package cycle: {' <-> '.join(component)}")
    for name, n in big:
        print(f"{name}: {n} lines (over {max_lines})")
    print(
        f"{len(mods)} modules, {len(found)} import cycles, {len(between)} package cycles, "
        f"{len(big)} over {max_lines} lines"
    )
    return 1 if found or between or big else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
