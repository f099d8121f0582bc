from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

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
        parser.add_argument("--language", help="vi or en (default: the site's language)")

    def handle(self, *args, name, scopes, description, rate, language=None, **options):
        with translation.override(language or settings.LANGUAGE_CODE):
            if ApiClient.objects.filter(name=name).exists():
                raise CommandError(
                    _("An API client named %(name)s exists already.") % {"name": name}
                )
            new = api_client_create(
                name=name,
                scopes=scopes,
                description=description,
                rate_per_minute=rate,
                actor="manage.py api_client_create",
            )
            self.stdout.write(
                _("API client %(name)s (%(scopes)s).")
                % {"name": new.client.name, "scopes": ", ".join(new.client.scopes)}
            )
            self.stdout.write(_("Key (shown once, store it now): %(key)s") % {"key": new.key})
            self.stdout.write(
                _("Suppression-list salt: %(salt)s") % {"salt": new.client.suppression_salt}
            )
