"""factory_boy factories with Vietnamese-looking data (Faker's vi_VN locale).

Used by the tests and by ``seed_demo``. Tax codes are valid (python-stdnum check digit);
phones are Vietnamese mobile numbers that ``phonenumbers`` accepts.
"""

import datetime
import random

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from stdnum.vn import mst

from customers.core.personal_data import blind_indexes
from customers.models import AccountingDocument, Customer, Service, Warranty

MOBILE_PREFIXES = ("090", "091", "093", "094", "096", "097", "098", "032", "035", "086", "088")


def valid_tax_code(rng=random):
    base = f"0{rng.randint(10_000_000, 99_999_999)}"
    return base + mst.calc_check_digit(base)


def vn_mobile(rng=random):
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(1_000_000, 9_999_999)}"


# Faker's Vietnamese companies read "Bùi Công ty Trách nhiệm hữu hạn": these read like the
# firms on a Vietnamese street.
COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV"]
COMPANY_TRADES = ["Thương mại", "Kỹ thuật", "Dịch vụ", "Xây dựng", "Công nghệ", "Vận tải"]
COMPANY_NAMES = [
    "Bình Minh", "Hòa Phát", "Sao Việt", "Tân Phú", "Đông Á", "Nam Long", "Phú Gia",
    "Hưng Thịnh", "An Khang", "Minh Long", "Trường Sơn", "Thiên Phúc", "Việt Hưng",
]  # fmt: skip


def company_name(rng=random):
    return f"{rng.choice(COMPANY_FORMS)} {rng.choice(COMPANY_TRADES)} {rng.choice(COMPANY_NAMES)}"


FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
                "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
GIVEN_NAMES = [
    ("Văn", "Hùng"), ("Văn", "Nam"), ("Minh", "Tuấn"), ("Quốc", "Bảo"), ("Đức", "Anh"),
    ("Thị", "Lan"), ("Thị", "Hoa"), ("Thu", "Trang"), ("Ngọc", "Ánh"), ("Thị", "Mai"),
    ("Hoàng", "Long"), ("Thanh", "Hương"), ("Gia", "Huy"), ("Khánh", "Linh"),
]  # fmt: skip


def person_name(rng=random):
    """Family name, middle name, given name, as Vietnamese names are written."""
    middle, given = rng.choice(GIVEN_NAMES)
    return f"{rng.choice(FAMILY_NAMES)} {middle} {given}"


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    kind = Customer.Kind.INDIVIDUAL
    full_name = factory.LazyFunction(person_name)
    email = factory.Sequence(lambda n: f"khachhang{n}@example.vn")
    phone_mobile = factory.LazyFunction(vn_mobile)
    address_home = factory.Faker("address", locale="vi_VN")
    source = Customer.Source.WEB_FORM
    contact_confirmed_at = factory.LazyFunction(timezone.now)  # as most customers have
    last_activity_at = factory.LazyFunction(timezone.now)

    class Params:
        business = factory.Trait(
            kind=Customer.Kind.BUSINESS,
            business_name=factory.LazyFunction(company_name),
            contact_person=factory.LazyFunction(person_name),
            tax_code=factory.LazyFunction(valid_tax_code),
            address_office=factory.Faker("address", locale="vi_VN"),
        )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Blind indexes are derived, as the services derive them.
        kwargs.update(blind_indexes(kwargs))
        return super()._create(model_class, *args, **kwargs)


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service

    customer = factory.SubFactory(CustomerFactory)
    product = factory.Iterator(
        ["Lưu trữ web", "Máy chủ ảo", "Bảo trì hệ thống", "Camera an ninh", "Bản quyền phần mềm"]
    )
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=165))
    status = Service.Status.ACTIVE


class WarrantyFactory(DjangoModelFactory):
    class Meta:
        model = Warranty

    customer = factory.SubFactory(CustomerFactory)
    item = factory.Iterator(["Đầu ghi hình 8 kênh", "Camera IP ngoài trời", "Bộ lưu điện UPS"])
    installed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=90))
    warranty_until = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=640)
    )


class AccountingDocumentFactory(DjangoModelFactory):
    class Meta:
        model = AccountingDocument

    customer = factory.SubFactory(CustomerFactory, business=True)
    kind = AccountingDocument.Kind.INVOICE
    number = factory.Sequence(lambda n: f"HD{n:07d}")
    issued_on = factory.LazyFunction(timezone.localdate)
    fiscal_year = factory.LazyAttribute(lambda o: o.issued_on.year)
    amount = factory.Faker("pyint", min_value=500_000, max_value=50_000_000, step=1000)
    retention_class = AccountingDocument.RetentionClass.YEARS_10
    buyer_name = factory.LazyAttribute(lambda o: o.customer.business_name or o.customer.full_name)
    buyer_tax_code = factory.LazyAttribute(lambda o: o.customer.tax_code)
    buyer_address = factory.LazyAttribute(
        lambda o: o.customer.address_office or o.customer.address_home
    )
