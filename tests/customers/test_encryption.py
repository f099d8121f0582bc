import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from customers.core import crypto
from customers.core.selectors import customers_matching
from customers.models import Customer
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SECRETS = {
    "email": "nguyen.van.an@example.vn",
    "phone_mobile": "0903 123 456",
    "tax_code": "0312345673",
    "address_home": "12 Lý Thường Kiệt, Hoàn Kiếm, Hà Nội",
    "notes": "Cần lắp camera trước Tết",
}


def raw_row(customer):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, phone_mobile, tax_code, address_home, notes FROM customers_customer "
            "WHERE id = %s",
            [customer.pk],
        )
        return cursor.fetchone()


def test_database_holds_no_clear_text_of_encrypted_fields():
    customer = CustomerFactory(**SECRETS)
    raw = raw_row(customer)
    for value in SECRETS.values():
        assert all(value not in column for column in raw)
    assert all(column.startswith("gAAAA") for column in raw)  # Fernet tokens
    fresh = Customer.objects.get(pk=customer.pk)
    assert {name: getattr(fresh, name) for name in SECRETS} == SECRETS


def test_blind_index_finds_exact_email_phone_and_tax_code_in_any_form():
    customer = CustomerFactory(**SECRETS)
    CustomerFactory()  # someone else
    for term in ["NGUYEN.VAN.AN@example.vn", "+84903123456", "0903-123-456", "0312345673"]:
        assert list(customers_matching(term)) == [customer], term
    assert not customers_matching("nguyen.van@example.vn").exists()


def test_value_that_cannot_be_decrypted_raises_instead_of_returning_ciphertext(settings):
    customer = CustomerFactory(**SECRETS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError, match="FIELD_ENCRYPTION_KEYS"):
        Customer.objects.get(pk=customer.pk)


def test_encrypted_fields_refuse_lookups_that_would_silently_find_nothing():
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(Customer.objects.filter(email__icontains="example"))


def test_rotate_encryption_keys_moves_every_value_to_the_new_key(settings, capsys):
    customers = CustomerFactory.create_batch(
        3, **{k: v for k, v in SECRETS.items() if k != "email"}
    )
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]

    call_command("rotate_encryption_keys", batch_size=2)
    first_run = capsys.readouterr().out
    assert "customers_customer: scanned 3, re-encrypted 3" in first_run

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    for customer in customers:
        assert Customer.objects.get(pk=customer.pk).address_home == SECRETS["address_home"]
        assert all(
            not value or crypto.encrypted_with_newest_key(value) for value in raw_row(customer)
        )

    call_command("rotate_encryption_keys")
    assert "customers_customer: scanned 3, re-encrypted 0" in capsys.readouterr().out
