from django.core.management.base import BaseCommand, CommandError

from api.models import ApiClient
from api.services.clients import api_client_revoke


class Command(BaseCommand):
    help = "Revoke an API client's key: its calls are refused from now on."

    def add_arguments(self, parser):
        parser.add_argument("name")

    def handle(self, *args, name, **options):
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No API client is named {name!r}.")
        if api_client_revoke(client=client, actor="manage.py api_client_revoke"):
            self.stdout.write(f"Revoked the key of {name}.")
        else:
            self.stdout.write(f"The key of {name} was already revoked.")
