from django.core.management.base import BaseCommand

from customers.core.files import files_secure


class Command(BaseCommand):
    help = (
        "Encrypt uploaded files still stored in clear (from before encryption) under random "
        "names, and re-encrypt those under an older key. Run once after upgrading, and after "
        "each key rotation (rotate_encryption_keys runs it). Safe to run again."
    )

    def handle(self, *args, **options):
        report = files_secure()
        self.stdout.write(f"files encrypted (were in clear): {report.encrypted}")
        self.stdout.write(f"files re-encrypted with the newest key: {report.rotated}")
        if report.missing:
            self.stdout.write(self.style.WARNING(f"files named but missing: {report.missing}"))
