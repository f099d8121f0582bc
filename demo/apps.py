from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a development install: ``seed_demo`` and the factories it shares with the
    tests. Installed only with DEBUG on (and by the test settings); it needs the development
    requirements (Faker, factory-boy), which production does not install."""

    name = "demo"
    verbose_name = "Demo data"
