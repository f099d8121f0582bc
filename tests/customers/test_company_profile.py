"""The company profile (issue 29, step 1): one row, made from the settings on first use, the
DPO's contact read from it, changed by the DPO role only; an install that had set its DPO in
the compliance profile keeps it (migration dpo 0003)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from customers.core.company import company_profile
from customers.core.roles import Role
from customers.models import CompanyProfile


def test_the_profile_starts_from_the_settings(db, settings):
    settings.ORGANISATION = {**settings.ORGANISATION, "name": "Công ty TNHH Thử Nghiệm"}
    settings.DPO = {**settings.DPO, "name": "Nguyễn Thị Hạnh", "email": "hanh@thu.vn"}
    company = company_profile()
    assert (company.pk, company.name) == (1, "Công ty TNHH Thử Nghiệm")
    assert (company.dpo_name, company.dpo_email) == ("Nguyễn Thị Hạnh", "hanh@thu.vn")
    assert company_profile().pk == 1 and CompanyProfile.objects.count() == 1


def test_there_is_only_one_profile(db):
    company_profile()
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyProfile.objects.create(pk=2, name="Công ty thứ hai")


def test_the_dpo_contact_is_the_company_profiles(db):
    from dpo.selectors import dpo_contact

    company = company_profile()
    company.dpo_name = "Bộ phận Pháp chế"
    company.dpo_email = "phapche@antam.vn"
    company.save()
    contact = dpo_contact()
    assert (contact["name"], contact["email"]) == ("Bộ phận Pháp chế", "phapche@antam.vn")
    # The filing also names the person in charge and the appointment decision (issue 33).
    assert set(contact) == {
        "name", "title", "email", "phone", "provider", "person", "appointment_ref",
        "appointment_date",
    }  # fmt: skip


def test_the_dpo_changes_the_profile_and_the_board_only_reads_it(db, staff_client, client):
    dpo = staff_client(role=Role.DPO)
    dpo.get(reverse("admin:customers_companyprofile_changelist"))
    url = reverse("admin:customers_companyprofile_change", args=[1])
    response = dpo.post(
        url,
        {
            "name": "Công ty TNHH Khôi Ngô",
            "company_type": "llc_multi",
            "email": "info@khoingo.vn",
            "dpo_name": "Phòng Pháp chế",
            "dpo_person": "Trần Văn Bình",
            "dpo_email": "dpo@khoingo.vn",
            "dpo_appointment_ref": "QĐ-01/2026",
            "dpo_appointment_date": "05/01/2026",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    company = CompanyProfile.objects.get()
    assert (company.name, company.dpo_person) == ("Công ty TNHH Khôi Ngô", "Trần Văn Bình")
    assert company.dpo_appointment_date.isoformat() == "2026-01-05"

    client.logout()
    board = staff_client(role=Role.BOARD)
    assert board.get(url).status_code == 200
    assert board.post(url, {"name": "Khác"}).status_code == 403
    client.logout()
    sales = staff_client(role=Role.SALES)
    assert sales.get(url).status_code == 403


BEFORE = [("dpo", "0002_system_hosting"), ("customers", "0028_company_profile")]
AFTER = [("dpo", "0003_dpo_contact_to_company_profile")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_dpo_declared_in_the_compliance_profile_moves_to_the_company_profile(settings):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM customers_companyprofile")
            cursor.execute(
                "INSERT INTO dpo_complianceprofile (id, dpo_name, dpo_title, dpo_email, dpo_phone,"
                " dpo_provider, system_hosting, enterprise_size, offers_processing_services,"
                " processes_sensitive_data, subjects_counted, updated_at) VALUES (1, %s, '', %s,"
                " '', '', 'Việt Nam', 'small', false, false, 0, CURRENT_TIMESTAMP)",
                ["Nguyễn Văn An", "an@dpo.vn"],
            )
        migrate(AFTER)
    finally:
        migrate(latest)
    company = CompanyProfile.objects.get()
    assert (company.dpo_name, company.dpo_email) == ("Nguyễn Văn An", "an@dpo.vn")
    assert company.name == settings.ORGANISATION["name"]
    assert company.dpo_phone == settings.DPO["phone"]
