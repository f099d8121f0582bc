from django.core.management.base import BaseCommand, CommandError

from api.models import ApiClient, Scope
from api.services.clients import api_client_create


class Command(BaseCommand):
    help = "Create an API client for another system and print its key once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="a short name, e.g. crm or call-centre")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            dest="scopes",
            help="repeat for several: " + ", ".join(Scope.values),
        )
        parser.add_argument("--description", default="")
        parser.add_argument("--rate", type=int, default=600, help="requests per minute")

    def handle(self, *args, name, scopes, description, rate, **options):
        if ApiClient.objects.filter(name=name).exists():
            raise CommandError(f"An API client named {name!r} exists already.")
        new = api_client_create(
            name=name,
            scopes=scopes,
            description=description,
            rate_per_minute=rate,
            actor="manage.py api_client_create",
        )
        self.stdout.write(f"API client {new.client.name} ({', '.join(new.client.scopes)}).")
        self.stdout.write(f"Key (shown once, store it now): {new.key}")
        self.stdout.write(f"Suppression-list salt: {new.client.suppression_salt}")
