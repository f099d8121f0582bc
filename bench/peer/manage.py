#!/usr/bin/env python
"""The peer's own small Django project (see bench/bench_hot.py)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersite.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
