"""The house rules of the code: no import cycle anywhere, and inside ``customers/`` imports
point one way, from the entry points down to ``core`` (docs/design.md, "Layout")."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_imports", ROOT / "scripts/check_imports.py")
check_imports = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_imports)

# Lower layers first: a package imports packages of lower layers (or of its own), never of a
# higher one. ``desk`` is the staff's customer screen, composing every domain's actions.
LAYERS = [
    {"core", "models"},
    {"staff"},
    {"audit"},
    {"messaging"},
    {"incidents"},
    {"retention", "sharing", "outreach"},
    {"records"},
    {"requests"},
    {"desk"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _domain(module: str):
    parts = module.split(".")
    if parts[0] == "customers" and len(parts) > 1 and parts[1] in RANK:
        return parts[1]
    return None


def test_no_import_cycle_and_no_oversized_module():
    mods = check_imports.modules()
    assert check_imports.cycles(check_imports.graph(mods)) == []
    assert check_imports.oversized(mods, 450) == []


def test_customers_domains_import_downwards_only():
    edges = check_imports.graph(check_imports.modules())
    upward = []
    for module, targets in edges.items():
        source = _domain(module)
        if source is None:
            continue
        for target in targets:
            domain = _domain(target)
            if domain and RANK[domain] > RANK[source]:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_consents_uses_only_the_customers_core_and_models():
    """Its admin screens also go through the access-control base (customers.audit)."""
    edges = check_imports.graph(check_imports.modules())
    reaching = [
        f"{module} -> {target}"
        for module, targets in edges.items()
        if module.startswith("consents")
        for target in targets
        if target.startswith("customers")
        and _domain(target) not in ("core", "models")
        and (module, target) != ("consents.admin", "customers.audit.admin_base")
    ]
    assert reaching == []
