from django.core.management.base import BaseCommand

from customers.audit.key_consistency import keys_record


class Command(BaseCommand):
    requires_system_checks = []  # it answers privacysite.W103: nothing to check first
    help = (
        "Record this node's keys (fingerprints only) as the ones every node must run on: after "
        "a change of SECRET_KEY, FIELD_ENCRYPTION_KEYS or BLIND_INDEX_KEY, once every node has "
        "been restarted with the new settings. A node whose keys differ then shows "
        "privacysite_keys_match 0 in /metrics and a warning in `manage.py check` (privacysite.W103)."
    )

    def handle(self, *args, **options):
        keys_record()
        self.stdout.write("Recorded this node's keys as the keys in force.")
