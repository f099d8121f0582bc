"""The house rules of the code: no import cycle anywhere, neither between modules nor between
packages (the apps, and their sub-packages), no module over 400 lines, and inside
``customers/`` imports point one way, from the entry points down to ``core`` (docs/design.md,
"The import rule")."""

import ast
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_imports", ROOT / "scripts/check_imports.py")
check_imports = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_imports)

# Lower layers first: a package imports packages of lower layers (or of its own), never of a
# higher one. ``consents`` uses the core, the models and the access-control admin base
# (``customers.audit``), and the domains from ``messaging`` up record and read consents.
# ``desk`` is the staff's customer screen, composing every domain's actions. ``workers`` is the
# workers' own heartbeat (models only).
LAYERS = [
    {"core", "models"},
    {"staff", "company", "workers"},
    {"audit"},
    {"consents"},
    {"messaging"},
    {"incidents"},
    {"retention", "sharing", "outreach"},
    {"records"},
    {"requests", "imports"},
    {"desk"},
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _domain(module: str):
    """The domain of ``customers`` a module is in, else None."""
    parts = module.split(".")
    if parts[0] == "customers" and len(parts) > 1 and parts[1] in RANK:
        return parts[1]
    return None


def test_no_import_cycle_between_modules():
    assert check_imports.cycles(check_imports.graph(check_imports.modules())) == []


def test_no_import_cycle_between_apps():
    """Level 1: an app (or ``privacysite``) never imports one that imports it back."""
    edges = check_imports.packages(check_imports.graph(check_imports.modules()), 1)
    found = check_imports.cycles(edges)
    assert found == [], f"package cycles: {found}"


def test_no_import_cycle_between_sub_packages():
    """Level 2: ``customers.core``, ``customers.models``, ``customers.consents``... never import
    each other back, even through different modules."""
    edges = check_imports.packages(check_imports.graph(check_imports.modules()), 2)
    found = check_imports.cycles(edges)
    assert found == [], f"package cycles: {found}"


def test_no_module_over_400_lines():
    oversized = check_imports.oversized(check_imports.modules(), 400)
    assert oversized == [], f"over 400 lines: {oversized}"


def test_package_cycles_are_found_through_different_modules():
    edges = {
        "a.low.x": {"b.y"},
        "b.y": {"a.high.z"},
        "a.high.z": set(),
        "c": {"a.low.x"},
    }
    assert check_imports.cycles(edges) == []
    assert check_imports.package_cycles(edges) == [["a", "b"]]
    assert check_imports.cycles(check_imports.packages(edges, 2)) == []


def test_every_virtual_environment_is_skipped(tmp_path):
    """Any folder holding pyvenv.cfg, whatever its name: its site-packages is never parsed."""
    for venv in ("venv312", ".venv-py3.12"):
        (tmp_path / venv / "lib/site-packages/pkg").mkdir(parents=True)
        (tmp_path / venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
        (tmp_path / venv / "lib/site-packages/pkg/__init__.py").write_text("import app\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app/__init__.py").write_text("")
    (tmp_path / "app/views.py").write_text("from app import models\n")
    (tmp_path / "app/models.py").write_text("")
    assert sorted(check_imports.modules(tmp_path)) == ["app", "app.models", "app.views"]


def test_customers_domains_and_consents_import_downwards_only():
    """No exemption: consents' admin uses the access-control base of ``customers.audit``, a
    lower layer than consents."""
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


# Private names of the frameworks that code here could be tempted to read or override: a
# leading underscore means no promise from Django, DRF, django-csp, psycopg… across releases.
FRAMEWORK_PRIVATE_ATTRIBUTES = {
    "_clean_fields",
    "_clean_bound_field",
    "_clean_form",
    "_post_clean",
    "_widget_data_value",
    "_get_response",
    "_middleware_chain",
    "_view_middleware",
    "_do_insert",
    "_save_table",
    "_raw_delete",
    "_registry",
    "_request",
    "_choices",
    "_cursor",
    "_pgconn",
    "_prepare_threshold",
    "_csp_nonce",
    "_csp_update",
    "_csp_replace",
    "_csp_config",
    "_csp_exempt",
    "_csp_nonce_post_response",
    "_permissions_policy_override",
}


def _shipped_sources():
    for module, path in check_imports.modules().items():
        yield module, path, ast.parse(path.read_text(encoding="utf-8"))


def test_no_private_name_of_another_package_is_imported_or_read():
    """Public APIs only: no ``from django.x import _y``, no ``import rest_framework._z``, no
    read of a framework's known private attribute. (``_meta``, ``_default_manager`` and
    ``_state`` are Django's documented model API.)"""
    ours = {module.split(".")[0] for module in check_imports.modules()}
    found = []
    for _module, path, tree in _shipped_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                parts = node.module.split(".")
                if parts[0] in ours:
                    continue
                if any(p.startswith("_") for p in parts[1:]) or any(
                    alias.name.startswith("_") for alias in node.names
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] not in ours and any(p.startswith("_") for p in parts[1:]):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} import {alias.name}")
            elif isinstance(node, ast.Attribute) and node.attr in FRAMEWORK_PRIVATE_ATTRIBUTES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in {"getattr", "hasattr", "setattr"}
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in FRAMEWORK_PRIVATE_ATTRIBUTES
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[1].value!r}")
    assert found == []


def test_one_middleware_chain_and_no_prepared_statements_by_default():
    """Every request goes through ``settings.MIDDLEWARE``: no second list of middleware that a
    path could take instead. Server-side prepared statements are opt-in
    (``DB_PREPARED_STATEMENTS``: they break behind a transaction-mode pooler)."""
    settings_source = (ROOT / "privacysite" / "settings" / "__init__.py").read_text()
    lists = re.findall(r"^([A-Z_]*MIDDLEWARE[A-Z_]*)\s*=", settings_source, re.MULTILINE)
    assert lists == ["MIDDLEWARE"]
    assert 'env.bool("DB_PREPARED_STATEMENTS", default=False)' in settings_source


def test_privacysite_is_the_base_and_assembly_the_top():
    """privacysite (the base library) imports no app; nothing imports assembly (the top), and
    only assembly imports dpo (for the DPO's home) and nothing imports api (docs/design.md)."""
    edges = check_imports.packages(check_imports.graph(check_imports.modules()), 1)
    assert edges["privacysite"] == set()
    importers = {
        package: sorted(source for source, targets in edges.items() if package in targets)
        for package in ("assembly", "dpo", "api")
    }
    assert importers == {"assembly": [], "dpo": ["assembly"], "api": []}
