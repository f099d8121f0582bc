"""Every Celery task of the project is declared one way (issue 30 §2): with
``customers.core.jobs.task``, under a name listed in ``customers.core.jobs``, so that retries
behave alike and beat's rows, the services' ``enqueue`` and the worker agree on names."""

import ast
from importlib import import_module
from pathlib import Path

from celery import current_app

from customers.core import jobs

ROOT = Path(__file__).resolve().parents[1]
APPS = ("customers", "dpo", "api", "privacysite")
TASK_MODULES = (
    "api.tasks",
    "customers.tasks",
    "dpo.tasks",
)


def _listed_names():
    return {
        value
        for name, value in vars(jobs).items()
        if name.isupper() and isinstance(value, str) and "." in value
    }


def test_every_project_task_is_declared_with_the_project_decorator():
    for module in TASK_MODULES:
        import_module(module)  # registers the tasks, as the worker's autodiscovery does
    ours = {
        name: task
        for name, task in current_app.tasks.items()
        if name.split(".")[0] in APPS and not name.startswith("celery.")
    }
    assert len(ours) >= 20
    for name, task in ours.items():
        assert name in _listed_names(), f"{name}: list its name in customers.core.jobs"
        assert tuple(task.autoretry_for) == jobs.TRANSIENT_ERRORS, (
            f"{name}: declare it with customers.core.jobs.task"
        )


def test_no_module_declares_a_task_another_way():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path == ROOT / "customers" / "core" / "jobs.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                named = (
                    node.id
                    if isinstance(node, ast.Name)
                    else node.attr
                    if isinstance(node, ast.Attribute)
                    else None
                )
                if named == "shared_task" or (
                    isinstance(node, ast.Attribute)
                    and node.attr == "task"
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "app"
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders
