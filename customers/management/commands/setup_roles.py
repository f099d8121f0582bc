from django.core.management.base import BaseCommand

from customers.core.roles import Role
from customers.staff.services import roles_setup


class Command(BaseCommand):
    help = "Create or update the staff role groups and their permissions (idempotent)."

    def handle(self, *args, **options):
        missing = roles_setup()
        for role in Role:
            self.stdout.write(f"  {role.value} ({role.label})")
        for role, codenames in missing.items():
            self.stderr.write(f"  {role}: permissions not found: {', '.join(codenames)}")
        self.stdout.write(self.style.SUCCESS(f"{len(Role)} roles are up to date."))
