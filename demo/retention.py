"""Demo customers that make the retention tour show something (seed_demo): two due for the
notice before erasure, two due for erasure of whom a running warranty keeps one, and old
invoices whose 5-year period has ended. Development data only; created once."""

import datetime

from django.utils import timezone

from customers.core.selectors import customer_by_email
from customers.models import AccountingDocument
from demo.factories import AccountingDocumentFactory, CustomerFactory, WarrantyFactory

MARKER = "luutru.demo"  # their email addresses: luutru.demo1@example.vn …


def retention_examples() -> int:
    if customer_by_email(f"{MARKER}1@example.vn") is not None:
        return 0
    now = timezone.now()
    year = datetime.timedelta(days=365)
    made = []
    # Inactive for 11½ months: within the 30 days before erasure, to be told now.
    for i, name in enumerate(["Hoàng Văn Khải", "Lý Thị Thu Hà"], start=1):
        made.append(
            CustomerFactory(
                full_name=name,
                email=f"{MARKER}{i}@example.vn",
                notes=f"{MARKER}: sắp đến hạn thông báo",
                last_activity_at=now - year + datetime.timedelta(days=15),
            )
        )
    # Inactive for 13 months and told 40 days ago: to erase, unless something keeps them.
    for i, name in enumerate(["Đỗ Minh Tuấn", "Phan Thị Ngọc Ánh"], start=3):
        made.append(
            CustomerFactory(
                full_name=name,
                email=f"{MARKER}{i}@example.vn",
                notes=f"{MARKER}: đến hạn xóa",
                last_activity_at=now - year - datetime.timedelta(days=30),
                erasure_notice_sent_at=now - datetime.timedelta(days=40),
            )
        )
    # The camera warranty of the last one runs until next year: it keeps her data.
    WarrantyFactory(customer=made[-1])
    # Invoices of 2019 (5-year class): their period ended with 2024; to propose for destruction.
    business = CustomerFactory(business=True, notes=f"{MARKER}: hóa đơn cũ")
    for month in (3, 9):
        AccountingDocumentFactory(
            customer=business,
            issued_on=datetime.date(2019, month, 15),
            retention_class=AccountingDocument.RetentionClass.YEARS_5,
        )
    return len(made) + 1
