"""A node that missed a key change is found (issue 32, scale-out): the database records the
fingerprints of the keys in force, and each node compares its own in /status, /metrics and
``manage.py check``."""

import pytest
from django.core.management import call_command

from customers.audit.key_consistency import check_keys_in_force

pytestmark = pytest.mark.django_db


def test_a_node_with_another_key_says_so_in_metrics_status_and_check(client, settings):
    call_command("keys_record")  # every node restarted with the new keys: recorded once
    assert check_keys_in_force() == []
    assert client.get("/status").json()["readings"]["keys_match"] == 1
    assert "privacysite_keys_match 1.0" in client.get("/metrics").content.decode()

    # This node was not restarted after BLIND_INDEX_KEY changed everywhere else.
    settings.BLIND_INDEX_KEY = "the-key-before-the-change-0123456789abcdef"
    assert client.get("/status").json()["readings"]["keys_match"] == 0
    assert "privacysite_keys_match 0.0" in client.get("/metrics").content.decode()
    (warning,) = check_keys_in_force()
    assert warning.id == "privacysite.W103" and "BLIND_INDEX_KEY" in warning.msg
    assert settings.BLIND_INDEX_KEY not in warning.msg  # fingerprints compared, keys never shown
