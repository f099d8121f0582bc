from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from api.models import ApiClient
from api.services.clients import api_client_revoke


class Command(BaseCommand):
    help = "Revoke an API client's key: its calls are refused from now on."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--language", help="vi or en (default: the site's language)")

    def handle(self, *args, name, language=None, **options):
        with translation.override(language or settings.LANGUAGE_CODE):
            client = ApiClient.objects.filter(name=name).first()
            if client is None:
                raise CommandError(_("No API client is named %(name)s.") % {"name": name})
            if api_client_revoke(client=client, actor="manage.py api_client_revoke"):
                self.stdout.write(_("Revoked the key of %(name)s.") % {"name": name})
            else:
                self.stdout.write(_("The key of %(name)s was already revoked.") % {"name": name})
