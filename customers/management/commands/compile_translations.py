from django.core.management.base import BaseCommand

from privacysite.translations import translations_compile


class Command(BaseCommand):
    help = "Compile the translations (.po to .mo) with polib. A step of every release."

    def handle(self, *args, **options):
        for po_path, percent in translations_compile():
            self.stdout.write(f"compiled {po_path}: {percent}% translated")
