"""The published policy is drawn from what the software does (issue 29): the five presets set
up on an empty database, each page states every generated section, each preset's choices are
enforced, and a register change that makes the published page false is caught."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from customers.company.checks import check_company_profile
from customers.company.presets import PRESETS
from customers.company.services import company_profile_update
from customers.consents.models import PolicySection, PolicyVersion, Purpose
from customers.consents.retention_text import rule_line
from customers.consents.selectors import customer_ids_consenting
from customers.consents.services.ledger import consent_grant
from customers.consents.services.policies import (
    PolicyNotPublishable,
    policy_draft_from_current,
    policy_publish,
)
from customers.core import masking
from customers.core.company import company_profile
from customers.core.roles import Role
from customers.models import Customer, Message, Recipient, RetentionRule
from customers.sharing.services import DisclosureRefused, disclosure_record, recipient_save
from demo.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NAMES = ["nos", "mmgroup", "vanshuthong", "bizfly", "khoingo"]
GENERATED = [
    "controller",
    "purpose_scope",
    "scope_of_use",
    "recipients",
    "abroad",
    "retention",
    "access",
    "collector",
    "rights",
    "complaints",
    "cookies",
    "security",
    "breach",
    "changes",
]


def section_text(page: str, key: str) -> str:
    start = page.index(f'id="{key}"')
    body = page[start : page.index("</section>", start)]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def set_up(name, capsys=None):
    call_command("setup_site", profile=name)
    return company_profile()


@pytest.mark.parametrize("name", NAMES)
def test_each_preset_sets_up_an_empty_site_whose_page_states_every_section(name, client):
    company = set_up(name)
    assert company.preset == name
    version = PolicyVersion.objects.get()
    assert version.facts["company"]["name"] == company.name
    for path in ("/privacy/", "/en/privacy/"):
        page = client.get(path).content.decode()
        for key in GENERATED:
            assert f'id="{key}"' in page, (name, path, key)
    vi = client.get("/privacy/").content.decode()
    assert company.name in section_text(vi, "controller")
    # Who may access what, the DPO role and the superusers included.
    access = section_text(vi, "access")
    assert str(Role.DPO.label) in access or "Bảo vệ dữ liệu" in access
    assert "superuser" in access
    # The deadlines are the ones the request register runs on.
    assert "10 ngày" in section_text(vi, "rights")
    # The purposes the policy does not announce are off, and the page lists the channels.
    for code in PRESETS[name].purposes_off:
        assert not Purpose.objects.get(code=code).active, code
    assert company.collection_channels == list(PRESETS[name].channels)
    assert "Visiting the website is not consent." in section_text(
        client.get("/en/privacy/").content.decode(), "cookies"
    )
    # No preset shares with a partner it rules out, and the page says so.
    if not company.partners_allowed:
        assert not Purpose.objects.get(code="partner_sharing").active
        assert "không chia sẻ dữ liệu của bạn với bất kỳ đối tác nào" in section_text(
            vi, "scope_of_use"
        )


def test_setup_site_refuses_a_preset_once_a_policy_is_published(seeded):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="first run"):
        call_command("setup_site", profile="bizfly")


def test_bizfly_refuses_a_partner_recipient_and_any_partner_sharing(staff_user):
    set_up("bizfly")
    dpo = staff_user(Role.DPO, username="dpo")
    partner = Recipient(
        name="Công ty TNHH Lắp đặt Minh Phát",
        kind=Recipient.Kind.PARTNER,
        purpose="Lắp đặt",
        data_categories="Họ tên, điện thoại",
    )
    with pytest.raises(DisclosureRefused, match="không thể đăng ký đối tác"):
        recipient_save(recipient=partner, actor=dpo)
    assert not Recipient.objects.exists()
    # One that slipped in before (an import, a shell) still receives nothing.
    partner.save()
    customer = CustomerFactory()
    with pytest.raises(DisclosureRefused):
        disclosure_record(
            recipient=partner,
            customer_ids=[customer.pk],
            fields=["full_name"],
            legal_basis="consent",
            actor=dpo,
        )


def test_bizfly_admin_shows_the_refusal_on_the_recipient_form(staff_client):
    set_up("bizfly")
    dpo = staff_client(role=Role.DPO)
    response = dpo.post(
        reverse("admin:customers_recipient_add"),
        {
            "name": "Đối tác Quảng cáo",
            "kind": "partner",
            "purpose": "Quảng cáo",
            "data_categories": "Email",
            "hosted_in": "vn",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "không thể đăng ký đối tác" in response.content.decode()
    assert not Recipient.objects.exists()


def test_khoi_ngo_technical_support_and_accounting_see_no_customer_field(staff_user, client):
    set_up("khoingo")
    page = client.get("/privacy/").content.decode()
    assert "Hỗ trợ kỹ thuật: không xem dữ liệu cá nhân nào của bạn." in section_text(page, "access")
    channels = section_text(page, "purpose_scope")
    assert "Cuộc gọi điện thoại do nhân viên ghi nhận" in channels and "Email;" not in channels
    customer = CustomerFactory(business=True, business_name="Công ty Kín", tax_code="0312345675")
    for role in (Role.TECH_SUPPORT, Role.ACCOUNTING):
        user = staff_user(role, username=f"u-{role.name}")
        assert masking.visible_fields(user, customer) == frozenset()
        assert masking.visible_fields(user) == frozenset()
        assert masking.revealable_fields(user, customer) == frozenset()
        assert masking.visible_for(user, "tax_code") is None
    for role in (Role.BOARD, Role.SALES, Role.CUSTOMER_CARE):
        assert masking.visible_fields(staff_user(role, username=f"u-{role.name}")) == masking.ALL


def test_nos_deletes_no_customer_automatically_and_the_page_says_so_in_the_rules_words(client):
    set_up("nos")
    long_ago = datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(long_ago, tick=False):
        idle = CustomerFactory()
    with time_machine.travel(long_ago + datetime.timedelta(days=900), tick=False):
        call_command("run_retention")
    idle.refresh_from_db()
    assert idle.status == Customer.Status.ACTIVE
    page = client.get("/privacy/").content.decode()
    retention = section_text(page, "retention")
    for category in (RetentionRule.Category.CUSTOMER, RetentionRule.Category.SERVICE_ENDED):
        rule = RetentionRule.objects.get(category=category)
        assert rule.period_months is None
        assert rule_line(rule) in retention


def test_vst_own_words_hold_because_no_partner_can_exist(client):
    set_up("vanshuthong")
    page = client.get("/privacy/").content.decode()
    assert "không chia sẻ, bán, cho thuê thông tin khách hàng" in section_text(page, "access")
    assert policy_publish_refusals() == []


def policy_publish_refusals():
    from customers.consents.policy_facts import policy_warnings

    return policy_warnings()


def singapore(**extra):
    return Recipient.objects.create(
        name="Amazon Web Services Singapore (Amazon SES)",
        kind=Recipient.Kind.PROCESSOR,
        hosted_in=Recipient.Hosting.ABROAD,
        country="Singapore",
        purpose="Gửi thư tiếp thị qua email",
        data_categories="Họ và tên, email",
        confidentiality_commitment=True,
        **extra,
    )


def test_a_processor_in_singapore_after_publishing_raises_the_alert_and_the_check(
    seeded, client, staff_client
):
    assert policy_publish_refusals() == []
    assert "không chuyển dữ liệu của bạn ra ngoài" in section_text(
        client.get("/privacy/").content.decode(), "abroad"
    )
    singapore()
    warnings = policy_publish_refusals()
    assert warnings and "Amazon Web Services Singapore" in warnings[0]
    check = check_company_profile(databases=["default"])
    assert [m.id for m in check] == ["customers.W010"]
    dashboard = staff_client(role=Role.DPO).get(reverse("admin:index")).content.decode()
    assert "dpo-policy-warning" in dashboard and "Amazon Web Services Singapore" in dashboard
    # The page states the register as it is now, naming the processor and its country.
    abroad = section_text(client.get("/privacy/").content.decode(), "abroad")
    assert "Amazon Web Services Singapore (Amazon SES) (Singapore)" in abroad


def test_a_version_that_still_says_no_transfer_abroad_is_refused_and_a_true_one_publishes(
    seeded, staff_user, client
):
    dpo = staff_user(superuser=True)
    singapore()
    draft = policy_draft_from_current(actor=dpo)
    section = draft.sections.get(key=PolicySection.Key.ABROAD)
    section.body_vi = (
        "Dữ liệu được lưu trữ tại Việt Nam. Chúng tôi không chuyển dữ liệu ra nước ngoài."
    )
    section.save()
    with pytest.raises(PolicyNotPublishable, match="không chuyển dữ liệu ra nước ngoài"):
        policy_publish(version=draft, actor=dpo)
    section.body_vi = ""
    section.save()
    assert policy_publish(version=draft, actor=dpo) is True
    draft.refresh_from_db()
    assert draft.stores_data_abroad is True
    assert [r["country"] for r in draft.facts["recipients"]] == ["Singapore"]
    assert policy_publish_refusals() == []
    assert check_company_profile(databases=["default"]) == []


def test_a_shorter_retention_and_a_role_seeing_more_are_caught_too(seeded):
    RetentionRule.objects.filter(category=RetentionRule.Category.CUSTOMER).update(period_months=6)
    company = company_profile()
    company.field_access = {str(Role.TECH_SUPPORT): {"visible": ["email", "tax_code"]}}
    company.save()
    warnings = " ".join(policy_publish_refusals())
    assert "ngắn hơn" in warnings and "tax_code" in warnings


def test_a_recipient_abroad_is_put_in_use_only_with_a_filed_tia_naming_it(seeded, staff_user):
    from dpo.models import DossierVersion

    dpo = staff_user(Role.DPO, username="dpo")
    ses = Recipient(
        name="Amazon SES",
        kind=Recipient.Kind.PROCESSOR,
        hosted_in=Recipient.Hosting.ABROAD,
        country="Singapore",
        purpose="Gửi thư",
        data_categories="Email",
    )
    with pytest.raises(DisclosureRefused, match="TIA"):
        recipient_save(recipient=ses, actor=dpo)
    ses.active = False
    recipient_save(recipient=ses, actor=dpo)  # registered, not in use
    DossierVersion.objects.create(
        kind="tia",
        number=1,
        sha256="0" * 64,
        status=DossierVersion.Status.FILED,
        filed_on=timezone.localdate(),
        filing_reference="A05-2026-17",
        facts={"abroad": [{"name": "Amazon SES"}]},
    )
    ses.active = True
    recipient_save(recipient=ses, actor=dpo)
    assert Recipient.objects.get().active


def test_turning_partners_off_retires_the_purpose_and_tells_the_customers(
    seeded, staff_user, django_capture_on_commit_callbacks
):
    dpo = staff_user(Role.DPO, username="dpo")
    customer = CustomerFactory(email="an@example.vn")
    partner_purpose = Purpose.objects.get(code="partner_sharing")
    consent_grant(customer=customer, purpose=partner_purpose, channel="web_form", language="vi")
    assert list(customer_ids_consenting("partner_sharing")) == [customer.pk]
    company = company_profile()
    company.partners_allowed = False
    with django_capture_on_commit_callbacks(execute=True):
        company_profile_update(company=company, actor=dpo, changed=["partners_allowed"])
    assert not Purpose.objects.get(code="partner_sharing").active
    assert list(customer_ids_consenting("partner_sharing")) == []
    told = Message.objects.get(customer=customer)
    assert told.template == "partners_retired"


def test_the_presets_are_the_five_policies():
    assert set(NAMES) <= set(PRESETS)
    assert PRESETS["vst"] is PRESETS["vanshuthong"]


def test_the_demo_policy_names_amazon_ses_in_singapore_and_the_partner(client, settings):
    """`make run`: the demo's v1 states its registers (it said "no transfer abroad")."""
    settings.DEBUG = True
    call_command("seed_demo", customers=3)
    page = client.get("/privacy/").content.decode()
    abroad = section_text(page, "abroad")
    assert "Amazon Web Services Singapore (Amazon SES) (Singapore)" in abroad
    assert "không chuyển dữ liệu" not in abroad
    assert "Công ty TNHH Lắp đặt Minh Phát" in section_text(page, "recipients")
    assert PolicyVersion.objects.get().stores_data_abroad
    assert policy_publish_refusals() == []


def test_the_english_page_names_a_recipients_purpose_and_data_in_english(seeded, client):
    """The register's texts are entered in Vietnamese; the English page shows their English
    version where the register has one, and the Vietnamese one where it has not."""
    singapore(purpose_en="Sending marketing emails", data_categories_en="Full name, email")
    Recipient.objects.create(
        name="Công ty CP Hạ tầng Thư điện tử Việt",
        kind=Recipient.Kind.PROCESSOR,
        country="Việt Nam",
        purpose="Gửi thư xác nhận",
        data_categories="Họ và tên, email",
        confidentiality_commitment=True,
    )
    english = section_text(client.get("/en/privacy/").content.decode(), "recipients")
    assert "Full name, email, for: Sending marketing emails" in english
    assert "Gửi thư tiếp thị" not in english
    assert "Thư điện tử Việt (Viet Nam)" in english  # the country in the reader's language
    assert "Gửi thư xác nhận" in english  # no English text given: the Vietnamese one
    vietnamese = section_text(client.get("/privacy/").content.decode(), "recipients")
    assert "Gửi thư tiếp thị qua email" in vietnamese and "Sending marketing" not in vietnamese
