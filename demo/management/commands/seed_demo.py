import random
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customers.consents.models import ConsentEvent, Purpose
from customers.consents.services.ledger import consent_grant
from customers.consents.services.seed import consents_seed
from customers.core.company import company_profile
from customers.core.roles import Role
from customers.models import Customer, Recipient
from customers.staff.services import roles_setup
from demo.factories import (
    AccountingDocumentFactory,
    CustomerFactory,
    ServiceFactory,
    WarrantyFactory,
)
from demo.retention import retention_examples

# Known passwords: acceptable only because this command refuses to run with DEBUG off.
DEMO_PASSWORD = "demo-privacy-2026"  # noqa: S105  # nosec B105
DEMO_STAFF = [
    ("admin", None, "Quản trị hệ thống"),
    ("giamdoc", Role.BOARD, "Nguyễn Văn Minh"),
    ("kinhdoanh", Role.SALES, "Trần Thị Lan"),
    ("cskh", Role.CUSTOMER_CARE, "Lê Hoàng Phúc"),
    ("kythuat", Role.TECH_SUPPORT, "Phạm Quốc Bảo"),
    ("ketoan", Role.ACCOUNTING, "Võ Thị Thu"),
    ("baovedulieu", Role.DPO, "Đặng Minh Châu"),
]


class Command(BaseCommand):
    help = "Add demo staff (one per role), Vietnamese demo customers and policy v1. Dev only."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=40)

    def handle(self, *args, customers, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates accounts with known passwords: DEBUG must be on.")
        roles_setup()
        with transaction.atomic():
            self._staff()
            self._company()
            created = self._customers(customers)
            created += retention_examples()  # so that the retention dry run shows something
            # The registers first: policy v1 (published with the consents) names the recipients.
            consents_seed(publish=False)
            self._recipients()
            self._consents()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new customers)."))
        self.stdout.write(f"Demo staff logins (password for all: {DEMO_PASSWORD}):")
        for username, role, _name in DEMO_STAFF:
            label = role.label if role else "superuser"
            self.stdout.write(f"  {username:<12} {label}")

    def _company(self):
        """The demo company's filing details (the dossiers print them), where still empty."""
        company = company_profile()
        details = {
            "website": "https://antam.example.vn",
            "business_lines": "Cung cấp dịch vụ Internet\nLắp đặt thiết bị mạng",
            "legal_representative": "Nguyễn Văn Minh",
            "legal_representative_title": "Giám đốc",
            "dpo_person": "Đặng Minh Châu",
            "dpo_appointment_ref": "05/2026/QĐ-AT",
            "dpo_appointment_date": date(2026, 1, 2),
        }
        changed = [field for field, value in details.items() if not getattr(company, field)]
        for field in changed:
            setattr(company, field, details[field])
        if changed:
            company.save(update_fields=changed)

    def _staff(self):
        User = get_user_model()
        for username, role, name in DEMO_STAFF:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "is_superuser": role is None,
                    "first_name": name,
                    "email": f"{username}@antam.example.vn",
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if role:
                user.groups.set([Group.objects.get(name=role.value)])

    def _customers(self, count):
        existing = Customer.objects.count()
        if existing >= count:
            return 0
        rng = random.Random(2026)  # noqa: S311  # nosec B311 (repeatable demo data)
        for i in range(existing, count):
            business = i % 3 == 0
            customer = CustomerFactory(business=business)
            if i % 7 == 3:  # a few web registrations whose link was never opened
                customer.contact_confirmed_at = None
                customer.save(update_fields=["contact_confirmed_at"])
            if i % 2 == 0:
                ServiceFactory(customer=customer)
            if i % 5 == 0:
                WarrantyFactory(customer=customer)
            if business:
                AccountingDocumentFactory(customer=customer, amount=rng.randint(5, 500) * 100_000)
        return count - existing

    def _consents(self):

        consents_seed()
        if ConsentEvent.objects.exists():
            return
        purposes = {p.code: p for p in Purpose.objects.all()}
        for i, customer in enumerate(Customer.objects.order_by("pk")):
            codes = ["marketing_email"] if i % 3 == 0 else []
            if customer.business_name and i % 2 == 0:
                codes.append("reference")
            for code in codes:
                consent_grant(
                    customer=customer, purpose=purposes[code], channel="web_form", language="vi"
                )

    def _recipients(self):
        """Who receives data in the demo: a Vietnamese mail host, a mail service hosted
        abroad (so the cross-border assessment has a subject) and an installation partner."""
        K, H = Recipient.Kind, Recipient.Hosting
        demo = [
            (
                "Công ty CP Hạ tầng Thư điện tử Việt",
                K.PROCESSOR,
                H.VIETNAM,
                "Gửi thư xác nhận và thông báo dịch vụ",
                "Họ và tên, email",
                date(2026, 1, 5),
            ),
            (
                "Amazon Web Services Singapore (Amazon SES)",
                K.PROCESSOR,
                H.ABROAD,
                "Gửi thư tiếp thị qua email",
                "Họ và tên, email",
                date(2026, 2, 1),
            ),
            (
                "Công ty TNHH Lắp đặt Minh Phát",
                K.PARTNER,
                H.VIETNAM,
                "Lắp đặt thiết bị cho khách hàng đã đồng ý chia sẻ",
                "Họ và tên, điện thoại, địa chỉ",
                None,
            ),
        ]
        # Where each is, who to contact, and the purposes each serves (the register).
        details = {
            demo[0][0]: (
                "Việt Nam",
                "Số 1 Phạm Văn Bạch, Cầu Giấy, Hà Nội",
                ["service", "service_notices"],
            ),
            demo[1][0]: (
                "Singapore",
                "23 Church Street, #10-01 Capital Square, Singapore 049481",
                ["marketing_email"],
            ),
            demo[2][0]: (
                "Việt Nam",
                "45 Lê Văn Việt, TP. Thủ Đức, TP. Hồ Chí Minh",
                ["partner_sharing"],
            ),
        }
        # The same in English, for the English policy page.
        english = {
            demo[0][0]: ("Confirmation emails and service notices", "Full name, email"),
            demo[1][0]: ("Marketing emails", "Full name, email"),
            demo[2][0]: (
                "Installing equipment for customers who agreed to sharing",
                "Full name, phone, address",
            ),
        }
        contacts = {
            demo[0][0]: "Phòng Kỹ thuật · hotro@thuviet.example.vn · 024 3555 0101",
            demo[1][0]: "AWS Data Privacy · aws-privacy@amazon.example.com",
            demo[2][0]: "Ông Trần Văn Phát · 0909 555 123",
        }
        for name, kind, hosted, purpose, data, agreed in demo:
            country, address, codes = details[name]
            recipient, _created = Recipient.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "hosted_in": hosted,
                    "purpose": purpose,
                    "data_categories": data,
                    "purpose_en": english[name][0],
                    "data_categories_en": english[name][1],
                    "agreement_date": agreed,
                    "confidentiality_commitment": agreed is not None,
                    "country": country,
                    "address": address,
                    "contact": contacts[name],
                },
            )
            if _created:
                recipient.purposes.set(Purpose.objects.filter(code__in=codes))
