#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacysite.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Read the settings first: Django's command runner would otherwise note the error,
        # go on, and fail later with an unrelated "Models aren't loaded yet".
        settings.INSTALLED_APPS  # noqa: B018
    except ImproperlyConfigured as exc:
        # A missing secret in production: say which, without a page of traceback.
        sys.exit(f"privacysite: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
