from django.core.management.base import BaseCommand, CommandError

from privacysite.journal import journal_source, journal_store


class Command(BaseCommand):
    help = (
        "Copy old local journals (an erasures.jsonl of an earlier version, or a journal "
        "folder) into the configured journal, the shared object store once "
        "ERASURE_JOURNAL_URL is set: each entry keeps its name, so a repeat copies nothing twice "
        "and a backup's mark still finds them. Run it on every machine that "
        "kept a journal of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")

    def handle(self, *args, paths, **options):
        target = journal_store()
        present = set(target.names())
        for path in paths:
            source = journal_source(path)
            if not source.exists():
                raise CommandError(f"no journal at {path}")
            names = source.names()
            new = [name for name in names if name not in present]
            for name, data in zip(new, source.read(new), strict=True):
                target.write(name, data)
            present.update(new)
            self.stdout.write(
                f"{path}: {len(names)} entries, {len(new)} copied into {target} (the others "
                "were there already)"
            )
