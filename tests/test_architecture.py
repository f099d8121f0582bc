"""The house rules of the code: no import cycle anywhere, and inside ``customers/`` imports
point one way, from the entry points down to ``core`` (docs/design.md, "Layout")."""

import ast
import importlib.util
import re
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
