"""The Celery workers themselves: their heartbeat (issue 32, finding 4)."""
