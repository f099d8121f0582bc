"""Which rows of a chunk name a customer already known, through the blind indexes (the
values stay encrypted; the same keyed hash of the same normalised value matches), and which
repeat an earlier row of the same file."""

from django.db.models import Q

from customers.models import Customer

PHONE_INDEXES = ("phone_mobile_index", "phone_home_index", "phone_office_index")


def _short(index: str) -> int:
    # 60 bits of the index are plenty to tell a file's rows apart, and take far less memory
    # than the 64-character hex string over 100,000 rows.
    return int(index[:15], 16)


class Seen:
    """The identifying indexes of the rows read so far: a later row sharing one is the same
    customer as the earlier row."""

    def __init__(self):
        self.rows: dict[int, int] = {}

    def earlier(self, row) -> int | None:
        keys = [_short(value) for value in row.indexes.values() if value]
        for key in keys:
            if key in self.rows:
                return self.rows[key]
        for key in keys:
            self.rows[key] = row.number
        return None


def existing_matches(rows) -> dict[int, int]:
    """{row number: customer id} for the rows that match a customer already known (not
    erased): by email, tax code, or any phone against any of the customer's phones."""
    emails, taxes, phones = set(), set(), set()
    for row in rows:
        emails.add(row.indexes.get("email_index", ""))
        taxes.add(row.indexes.get("tax_code_index", ""))
        phones.update(row.indexes.get(name, "") for name in PHONE_INDEXES)
    emails.discard(""), taxes.discard(""), phones.discard("")
    if not (emails or taxes or phones):
        return {}
    query = Q(email_index__in=emails) | Q(tax_code_index__in=taxes)
    for name in PHONE_INDEXES:
        query |= Q(**{f"{name}__in": phones})
    by_index: dict[tuple[str, str], int] = {}
    found = (
        Customer.objects.exclude(status=Customer.Status.ERASED)
        .filter(query)
        .order_by("pk")
        .values_list("pk", "email_index", "tax_code_index", *PHONE_INDEXES)
    )
    for pk, email, tax, *customer_phones in found:
        if email:
            by_index.setdefault(("email", email), pk)
        if tax:
            by_index.setdefault(("tax", tax), pk)
        for phone in customer_phones:
            if phone:
                by_index.setdefault(("phone", phone), pk)
    matches = {}
    for row in rows:
        keys = [("email", row.indexes.get("email_index", "")),
                ("tax", row.indexes.get("tax_code_index", ""))]  # fmt: skip
        keys += [("phone", row.indexes.get(name, "")) for name in PHONE_INDEXES]
        for key in keys:
            if key[1] and key in by_index:
                matches[row.number] = by_index[key]
                break
    return matches
