"""``manage.py dossier dpia|tia|ropa|inspection -o FILE``: the current version, from the live
data, as the admin action builds it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from customers.core.actors import Actor
from dpo.selectors import MissingFact
from dpo.services.dossiers import EXTENSIONS, dossier_generate


class Command(BaseCommand):
    help = "Build the current version of a dossier from the live data and write it to a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(EXTENSIONS))
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, kind, output, **options):
        path = Path(output)
        expected = EXTENSIONS[kind]
        if path.suffix.lower() != f".{expected}":
            raise CommandError(f"The {kind} dossier is a .{expected} file: use -o NAME.{expected}")
        if not path.parent.is_dir():
            raise CommandError(f"Folder {path.parent} does not exist.")
        try:
            version = dossier_generate(kind=kind, actor=Actor.system("manage.py dossier"))
        except MissingFact as missing:
            raise CommandError(str(missing)) from None
        with version.file.open("rb") as source:
            path.write_bytes(source.read())
        self.stdout.write(f"{version} → {path} (sha256 {version.sha256})")
        for change in version.changes:
            self.stdout.write(f"  · {change}")
