import sys

from django.core.management.base import BaseCommand

from customers.audit.chain import HeadNotSigned
from customers.audit.services import access_log_seal, access_log_verify
from customers.models import AccessLogEntry


class Command(BaseCommand):
    help = (
        "Check the access log's hash chain: every sealed entry unchanged, none missing, none "
        "back-dated; both ends as the key signed them; nothing pruned inside the retention "
        "period; the by-customer index matching the entries. Prints the first bad position "
        "and the first problems, and exits 1 if any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal-first", action="store_true", help="Seal pending entries before checking."
        )
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="The head from a daily digest: the chain must still contain it.",
        )

    def handle(self, *args, seal_first, expect_head, **options):
        if seal_first:
            try:
                while access_log_seal():
                    pass
            except HeadNotSigned:
                pass  # the check below says what is wrong
        result = access_log_verify()
        problems = list(result.problems)
        if expect_head:
            seq, _, digest = expect_head.partition(":")
            entry = AccessLogEntry.objects.filter(seal_seq=int(seq)).only("hash").first()
            if entry is None or entry.hash != digest:
                problems.append(f"the digest head {seq} is not in the chain: the log was rewritten")
        if result.first_bad is not None:
            self.stderr.write(f"first bad: chain position {result.first_bad}")
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            self.stderr.write(
                self.style.ERROR(f"Access log NOT intact ({result.checked} checked).")
            )
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                f"Access log intact: {result.checked} entries, head {result.head_seq}:{result.head_hash}"
            )
        )
