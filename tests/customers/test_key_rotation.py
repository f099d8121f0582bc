"""Changing keys keeps every edit and every backup readable (issue 16.2)."""

import threading
import time

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection, transaction

from customers.audit.services import access_log, access_log_seal, access_log_verify
from customers.core import crypto
from customers.core.key_rotation import keys_rotate
from customers.core.selectors import customers_matching
from customers.models import Customer
from customers.records.services import customer_update
from demo.factories import CustomerFactory
from privacysite.key_checks import check_retired_keys_kept


def raw(customer, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM customers_customer WHERE id = %s", [customer.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_rotation_racing_an_edit_keeps_the_edit_and_its_search_index(postgres, settings):
    customer = CustomerFactory(address_home="12 Lý Thường Kiệt", phone_mobile="0903123456")
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    edited, release, failures = threading.Event(), threading.Event(), []

    def edit():  # a staff member saves the customer; the commit comes a moment later
        try:
            with transaction.atomic():
                row = Customer.objects.select_for_update().get(pk=customer.pk)
                customer_update(
                    customer=row,
                    actor="staff:test",
                    data={"address_home": "7 Hai Bà Trưng", "phone_mobile": "0912765432"},
                )
                edited.set()
                release.wait(10)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    def rotate():
        try:
            list(keys_rotate(batch_size=10))
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    editor = threading.Thread(target=edit)
    editor.start()
    assert edited.wait(10)
    rotation = threading.Thread(target=rotate)
    rotation.start()
    time.sleep(1)
    assert rotation.is_alive()  # it waits for the edit's row lock instead of reading past it
    release.set()
    editor.join(10)
    rotation.join(30)
    assert not failures

    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.address_home == "7 Hai Bà Trưng"
    assert list(customers_matching("0912 765 432")) == [fresh]
    assert not customers_matching("0903123456").exists()
    assert crypto.encrypted_with_newest_key(raw(customer, "address_home"))


@pytest.mark.django_db
def test_retired_keys_decrypt_old_values_and_never_encrypt(settings):
    customer = CustomerFactory(address_home="3 Nguyễn Huệ")
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    settings.FIELD_ENCRYPTION_RETIRED_KEYS = old_keys
    assert Customer.objects.get(pk=customer.pk).address_home == "3 Nguyễn Huệ"
    other = CustomerFactory(address_home="9 Lê Lợi")
    assert crypto.encrypted_with_newest_key(raw(other, "address_home"))
    assert not crypto.encrypted_with_newest_key(raw(customer, "address_home"))


@pytest.mark.django_db
def test_a_retired_key_dropped_before_the_backups_expire_fails_the_check(settings, capsys):
    CustomerFactory()
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("rotate_encryption_keys")
    assert "FIELD_ENCRYPTION_RETIRED_KEYS" in capsys.readouterr().out

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old keys simply dropped
    errors = check_retired_keys_kept()
    assert [e.id for e in errors] == ["privacysite.E101"]
    settings.FIELD_ENCRYPTION_RETIRED_KEYS = old_keys  # kept, decrypt only
    assert check_retired_keys_kept() == []
    settings.FIELD_ENCRYPTION_RETIRED_KEYS = []
    settings.BACKUP_KEEP_DAYS = 0  # every backup of the old key's time has expired
    assert check_retired_keys_kept() == []


@pytest.mark.django_db
def test_blind_index_key_change_keeps_search_working_at_every_step(settings, capsys):
    customers = [CustomerFactory(email=f"khach{n}@example.vn") for n in range(3)]
    access_log(actor="staff:test", action="view", customers=[customers[0].pk], fields=["email"])
    access_log_seal()
    old_key, new_key = settings.BLIND_INDEX_KEY, "a-new-blind-index-key-2026"

    # 1. The next key everywhere: new rows are indexed with it, old rows still found.
    settings.BLIND_INDEX_KEY_NEXT = new_key
    added = CustomerFactory(email="moi@example.vn")
    for customer in [*customers, added]:
        assert list(customers_matching(customer.email)) == [customer]

    # 2. Re-index in batches (resumable), searches still work.
    call_command("rotate_blind_index_key", batch_size=2)
    assert "scanned 4, re-indexed 3" in capsys.readouterr().out

    # 3. Switch: the new key alone; the chain keeps its old key.
    settings.BLIND_INDEX_KEY, settings.BLIND_INDEX_KEY_NEXT = new_key, ""
    settings.ACCESS_LOG_CHAIN_KEY = old_key
    for customer in [*customers, added]:
        assert list(customers_matching(customer.email.upper())) == [customer]
    assert access_log_verify().ok
