"""What a person reads on a page: the visible text of an HTML answer, and what must never be
in it in the Vietnamese interface (codes, field names, raw JSON, "None", English words)."""

import io
import re
from html.parser import HTMLParser

from django.core.management import call_command

# Elements whose text nobody reads on the page.
INVISIBLE = {"script", "style", "template", "noscript", "head"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.parts = []
        self.labels = []  # the text of each <label>, to check it starts with a capital

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            attributes = dict(attrs)
            if tag == "input" and attributes.get("type") in {"submit", "button"}:
                self.parts.append(attributes.get("value") or "")
            return
        # <code> shows an identifier on purpose (a cookie's name, the authenticator key);
        # an admin row of a field named *_en is the English version of a text, on purpose.
        attributes = dict(attrs)
        english = any(
            c.startswith("field-") and c.endswith("_en")
            for c in (attributes.get("class") or "").split()
        )
        hidden = "hidden" in attributes or tag in INVISIBLE or tag == "code" or english
        self.stack.append((tag, hidden))
        if tag == "label":
            self.labels.append("")

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _hidden = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not any(hidden for _tag, hidden in self.stack):
            self.parts.append(data)
            if any(tag == "label" for tag, _hidden in self.stack):
                self.labels[-1] += data


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    text = re.sub(r"\s+", " ", " ".join(parser.parts))
    # A label starts with a capital letter ("Mã số thuế", not "mã số thuế"): flagged as text.
    lower = [lbl.strip() for lbl in parser.labels if lbl.strip()[:1].islower()]
    return text + "".join(f" lowercase_label({lbl!r})" for lbl in lower)


# English that once reached the Vietnamese interface (a short list: whole words only).
ENGLISH = [
    "None", "True", "False", "Consents given", "Call reference", "necessary", "analytics",
    "marketing", "service", "Periodic", "Interval", "Crontab", "Clocked", "Solar", "seconds",
    "minutes", "hours", "days", "Yes", "No", "Unknown", "Save", "Delete", "Search", "Filter",
    "Add", "Change", "History", "Actions", "Go", "received", "answered", "pending",
    "phone", "created", "updated",
]  # fmt: skip
# Addresses, paths and dotted Python names (a Celery task's registered name) are not words.
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|/[\w./-]+|\b\w+(?:\.\w+)+\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
JSON = re.compile(r"[\[{]\s*\"|\"\s*:\s*[\"\[{\d]")
WORDS = re.compile(r"\b(" + "|".join(re.escape(w) for w in ENGLISH) + r")\b")


def problems(text: str, proper_names=()) -> list[str]:
    """Each problem with a little of the text around it. ``proper_names`` (a cookie's name)
    are identifiers that people need to see as they are."""
    bare = EMAIL_OR_URL.sub(" ", text)
    for name in proper_names:
        bare = bare.replace(name, " ")
    found = []
    for kind, pattern, where in (
        ("code", SNAKE, bare),
        ("json", JSON, text),
        ("english", WORDS, bare),
    ):
        for m in pattern.finditer(where):
            found.append(
                f"{kind} {m.group(0)!r} in {where[max(m.start() - 40, 0) : m.end() + 40]!r}"
            )
    return found


def demo_data(settings):
    """The demo data, and a little of everything staff meet in a working week."""
    from django.contrib.auth import get_user_model

    from customers.audit.services import access_log
    from customers.consents.services.cookies import cookie_consent_record
    from customers.models import Customer
    from customers.records.services import customer_update
    from customers.requests.services import request_apply_correction, request_open

    debug, settings.DEBUG = settings.DEBUG, True
    call_command("seed_demo", customers=6, stdout=io.StringIO())
    settings.DEBUG = debug
    staff = get_user_model().objects.get(username="cskh")
    customer = Customer.objects.filter(business_name="").order_by("pk").first()
    business = Customer.objects.exclude(business_name="").order_by("pk").first()
    correction = request_open(
        customer=customer,
        kind="correction",
        details="Tôi đã chuyển văn phòng.",
        proposed_changes={"address_office": "12 Lý Thường Kiệt, Hà Nội", "phone_mobile": ""},
    )
    request_open(customer=business, kind="complaint", complaint_category="leak", details="x")
    customer_update(
        customer=customer,
        actor=staff,
        data={"address_home": "3 Hàng Bài, Hà Nội", "phone_office": "024 3825 1234"},
        reason="khách hàng yêu cầu qua điện thoại",
    )
    access_log(
        actor=staff, action="view", customers=[customer], fields=["address_home", "tax_code"]
    )
    request_open(
        customer=customer,
        kind="correction",
        details="Số di động mới.",
        proposed_changes={"phone_mobile": "0988 777 666"},
    )
    request_apply_correction(request=correction, actor=staff)
    cookie_consent_record(
        accepted={"analytics"}, ip_truncated="203.0.113.0", user_agent="Chrome", given_at=0
    )
    return customer
