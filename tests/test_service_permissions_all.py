"""Every public service checks its actor itself (issue 30 §2): walked module by module.

Each public function of every ``services`` module (or ``services`` package) is called with
an active staff member who holds no permission at all; it must refuse (PermissionDenied)
before writing anything: no INSERT, UPDATE or DELETE, no work queued after commit, no mail.

The list is not kept by hand: a new public service is walked too, and fails here until it
checks its actor or is added to ``EXEMPT`` with the reason no staff member can reach it.
"""

import datetime
import inspect
from importlib import import_module
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.core.actors import Actor
from customers.core.roles import PERMISSIONS, Role
from customers.outreach.preview import campaign_preview

ROOT = Path(__file__).resolve().parents[1]
APPS = ("customers", "dpo", "api", "privacysite")

# Functions no staff member reaches with their own authority, each with why. Everything
# else is walked.
HELPER = "a pure helper: computes a value from its arguments, reads or writes nothing"
SYSTEM = "the system's own job (beat, a task, a command run by the operator): no staff caller"
EXEMPT = {
    # api
    "api.services.clients.api_client_for_key": "the API's door: finds the client a key names",
    "api.services.consents.api_call_log": "acts for an API client whose scopes the view checks",
    "api.services.consents.api_consent_record": "acts for an API client whose scopes the view "
    "checks; the ledger records it as the client",
    "api.services.lookup.consent_lookup_logged": "acts for an API client whose scopes the view "
    "checks",
    "api.services.suppressions.subject_hashes_fill": SYSTEM,
    "api.services.suppressions.suppression_hashes": "acts for an API client whose scopes the "
    "view checks",
    "api.services.suppressions.subject_hashes_warm": SYSTEM,
    "api.services.suppressions.subject_hashes_warm_soon": "queues the warm-up after a checked "
    "client change (api_client_create, subject_hashes_follow_scopes)",
    "api.services.suppressions.subject_hashes_forget": "part of erasure, which checks "
    "(customers_erased signal)",
    "api.services.suppressions.subject_hashes_client_forget": "part of api_client_revoke and "
    "subject_hashes_follow_scopes, which check",
    "api.services.suppressions.subject_hashes_refresh": SYSTEM,
    "api.services.webhooks.signature": HELPER,
    "api.services.webhooks.signed_headers": HELPER,
    "api.services.webhooks.secret_key": HELPER,
    "api.services.webhooks.secret_new": HELPER,
    "api.services.webhooks.webhook_deliveries_cancel": "part of api_client_revoke, which checks",
    "api.services.webhook_targets.address_allowed": HELPER,
    "api.services.webhook_targets.target_parts": HELPER,
    "api.services.webhook_targets.validate_webhook_url": "a check of a URL, run inside "
    "webhook_subscription_create (which checks) and by the admin form",
    "api.services.webhook_targets.resolve_checked": "the worker's own delivery step "
    "(webhook_attempt): resolves and checks a target's addresses",
    "api.services.webhook_targets.post": "the worker's own delivery step (webhook_attempt)",
    "api.services.webhooks.backoff_seconds": HELPER,
    "api.services.webhooks.webhook_events_create": "the system tells subscribers of a change "
    "another service made (signals)",
    "api.services.webhooks.webhook_deliveries_enqueue": SYSTEM,
    "api.services.webhooks.webhook_attempt": SYSTEM,
    "api.services.webhooks.webhooks_resend_due": SYSTEM,
    # consents
    "customers.consents.services.cookies.cookie_consent_record": "the visitor's own cookie choice",
    "customers.consents.services.cookies.declined_cookie_names": HELPER,
    "customers.consents.services.ledger.consent_receipt_schedule": "queues the receipt of an event "
    "consent_record wrote after its check",
    "customers.consents.services.ledger.consent_state_rebuild": "the operator's repair from a shell: "
    "derives the state table from the ledger again; no screen calls it",
    "customers.consents.services.seed.policy_sections": HELPER,
    "customers.consents.services.seed.consents_seed": SYSTEM,
    # customers.audit
    "customers.audit.services.access_log": "records a look the caller was allowed; refusing "
    "to log would hide it",
    "customers.audit.services.access_log_seal": SYSTEM,
    "customers.audit.services.access_log_seal_pending": SYSTEM,
    "customers.audit.services.access_log_digest": SYSTEM,
    "customers.audit.services.access_log_prune": SYSTEM,
    "customers.audit.services.access_log_for_customer": "the customer's own copy, through "
    "their my-data session",
    # customers.imports
    "customers.imports.services.undo_until": HELPER,
    # customers.incidents
    "customers.incidents.services.incident_open_from_complaint": "the customer's complaint "
    "about a leak opens a draft (request_open)",
    "customers.incidents.services.incident_deadline": HELPER,
    "customers.incidents.services.incident_alarms": SYSTEM,
    "customers.incidents.services.form_08": "renders the notice text of an incident the "
    "caller holds; sending it is incident_notify_authority",
    "customers.incidents.services.incident_message_batch": SYSTEM,
    # customers.messaging
    "customers.messaging.services.render_email": HELPER,
    "customers.messaging.services.absolute_url": HELPER,
    "customers.messaging.services.message_queue": "the outbox step of a service that checked "
    "its actor; the customer is told by the system",
    "customers.messaging.services.message_enqueue": SYSTEM,
    "customers.messaging.services.message_send": SYSTEM,
    "customers.messaging.services.messages_resend_stuck": SYSTEM,
    # customers.outreach
    "customers.outreach.services.renewal_reminders": SYSTEM,
    "customers.outreach.services.campaign_batch": SYSTEM,
    "customers.outreach.services.campaign_send_queued": SYSTEM,
    # customers.records
    "customers.records.services.customer_touch": "records the customer's own activity",
    "customers.records.services.confirmation_token": HELPER,
    "customers.records.services.customer_confirm_contact": "the customer, through the signed link",
    "customers.records.services.customer_confirmed_at": "reads for the customer's signed link, "
    "changes nothing",
    # customers.requests
    "customers.requests.services.request_open": "the customer, through the my-data pages",
    # customers.retention
    "customers.retention.services.retention_plan": SYSTEM + " (run_retention --dry-run)",
    "customers.retention.services.documents_past_period": SYSTEM + " (part of the plan)",
    "customers.retention.services.summarise": HELPER,
    "customers.retention.services.retention_sweep": SYSTEM,
    "customers.retention.services.retention_sweep_start": SYSTEM,
    "customers.retention.services.retention_notice_batch": SYSTEM,
    "customers.retention.services.retention_erase_batch": SYSTEM,
    "customers.retention.services.retention_delete_old_records": SYSTEM,
    "customers.retention.services.destruction_propose": SYSTEM + " (the sweep proposes)",
    "customers.retention.services.destruction_execute": SYSTEM + " (after a checked approval)",
    # customers.sharing
    "customers.sharing.services.references_public": "the public references page: only "
    "customers who consented to it",
    # customers.staff
    "customers.staff.services.agreement_current": "the gate's read of the agreement text",
    "customers.staff.services.agreement_ensure_exists": SYSTEM,
    "customers.staff.services.agreement_accepted": "the gate asks whether the signed-in "
    "staff member signed",
    "customers.staff.services.agreement_accept": "every staff member signs the agreement for "
    "themselves before any permission applies",
    "customers.staff.services.roles_setup": SYSTEM,
    "customers.staff.services.staff_emails": "the addresses alarms go to (system jobs)",
    # dpo
    "dpo.services.alerts.access_alerts_detect": SYSTEM,
    "dpo.services.clocks.clocks_check": SYSTEM,
    "dpo.services.clocks.clocks_close_by_filing": "part of dossier_file, which checks",
    "dpo.services.clocks.clocks_due_reminders": SYSTEM,
    "dpo.services.clocks.clocks_remind": SYSTEM,
    "dpo.services.clocks.clocks_update_daily": SYSTEM,
    "dpo.services.dossiers.missing_parts": "reads a version one may already see; changes nothing",
    "dpo.services.notify.dpo_recipients": "the addresses alarms go to (system jobs)",
    "dpo.services.notify.dpo_mail": "mail to the DPO from the system's jobs",
}


def _service_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            parts = relative.parts
            if "migrations" in parts or path.name == "__init__.py":
                continue
            if parts[-1] == "services" or "services" in parts[:-1]:
                yield ".".join(parts)


def _public_services():
    found = []
    for name in _service_modules():
        module = import_module(name)
        for attr, function in inspect.getmembers(module, inspect.isfunction):
            if attr.startswith("_") or function.__module__ != module.__name__:
                continue
            found.append(f"{name}.{attr}")
    return found


SERVICES = _public_services()


def test_the_walk_finds_the_services_of_every_app():
    assert len(SERVICES) > 100
    for app in ("customers.records", "customers.consents.services", "dpo.services", "api.services"):
        assert any(s.startswith(app) for s in SERVICES), app


def test_every_exemption_names_a_service_that_exists():
    assert not sorted(set(EXEMPT) - set(SERVICES))


@pytest.fixture
def no_role(staff_user):
    """An active staff member whose role gives no permission at all."""
    user = staff_user(username="staff-without-role")
    assert user.is_active and not user.get_all_permissions()
    return Actor.of(user)


@pytest.fixture
def world(seeded, settings, tmp_path, staff_user):
    """One plausible object of each kind a service acts on."""
    from api.models import Scope
    from api.services.clients import api_client_create
    from api.services.webhooks import webhook_subscription_create
    from customers.consents.models import PolicyVersion, Purpose
    from customers.core.company import company_profile
    from customers.core.roles import Role
    from customers.models import (
        CallTask,
        Campaign,
        Customer,
        DataRequest,
        DestructionList,
        Incident,
        LegalDisclosureRequest,
        LegalHold,
        Recipient,
    )
    from customers.requests.services import request_open
    from demo.factories import AccountingDocumentFactory, CustomerFactory
    from dpo.models import DossierVersion, RiskAssessment
    from dpo.selectors import profile

    settings.MEDIA_ROOT = tmp_path / "media"
    customer = CustomerFactory()
    document = AccountingDocumentFactory(customer=customer)
    marketing = Purpose.objects.filter(is_marketing=True).first()
    client = api_client_create(name="CRM", scopes=[Scope.SUPPRESSION_READ], actor=None).client
    dpo = staff_user(Role.DPO, username="dpo")
    LegalHold.objects.create(customer=customer, reason="Toà án yêu cầu", placed_by=dpo)

    def dossier(status):
        version = DossierVersion(
            kind="dpia", number=DossierVersion.objects.count() + 1, sha256="0" * 64, status=status
        )
        version.file.save("dpia.pdf", ContentFile(b"%PDF"), save=True)
        return version

    now = timezone.now()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from customers.models import ImportBatch

    return {
        "batch": ImportBatch.objects.create(
            file_name="khach.csv", created_by_label="kinhdoanh", status="done", finished_at=now
        ),
        "upload": SimpleUploadedFile("khach.csv", b"Ho va ten\nA\n"),
        "imported_ids": [],
        "mapping": {"full_name": "Ho va ten"},
        "customer": customer,
        "customer_id": customer.pk,
        "customer_ids": [customer.pk],
        "document_ids": [document.pk],
        "data": {"full_name": "Trần Thị Mới", "source": customer.source},
        "source": Customer.Source.PHONE,
        "reason": "khách hàng gọi điện",
        "verification": "gọi lại số đã biết",
        "note": "ghi chú",
        "ip_address": "127.0.0.1",
        "field": "email",
        "fields": ["email"],
        "text": customer.email,
        "data_request": request_open(
            customer=customer,
            kind=DataRequest.Kind.CORRECTION,
            proposed_changes={"full_name": "Tên Mới"},
        ),
        "deletion_request": request_open(customer=customer, kind=DataRequest.Kind.DELETION),
        "to_status": DataRequest.Status.IN_PROGRESS,
        "incident": Incident.objects.create(
            status=Incident.Status.OPEN,
            detected_at=now,
            description="máy tính xách tay bị mất",
            volume=1,
            customer_ids=[customer.pk],
        ),
        "campaign": Campaign.objects.create(
            purpose=marketing,
            subject_vi="Ưu đãi",
            subject_en="Offer",
            body_vi="…",
            body_en="…",
            created_by=dpo,
        ),
        "task": CallTask.objects.create(
            customer=customer,
            purpose=CallTask.ERASURE_NOTICE,
            note="…",
            due_on=timezone.localdate(),
        ),
        "recipient": Recipient.objects.create(
            name="Hạ tầng Thư Việt",
            kind=Recipient.Kind.PROCESSOR,
            confidentiality_commitment=True,
        ),
        "legal_basis": "contract",
        "legal_request": LegalDisclosureRequest.objects.create(
            authority=LegalDisclosureRequest.Authority.values[0],
            authority_name="Công an quận 1",
            document_reference="CV-12",
            document="disclosures/cv-12.pdf",
            legal_basis_cited="Luật 91/2025 Điều 17",
            data_requested="email",
            deadline=timezone.localdate(),
            customer_ids=[customer.pk],
            status=LegalDisclosureRequest.Status.READY,
        ),
        "may_notify": True,
        "upheld_by_court": None,
        "form": "văn bản",
        "council": "Hội đồng tiêu hủy",
        "destruction_list": DestructionList.objects.create(document_ids=[document.pk]),
        "hold": LegalHold(customer=customer, reason="Thanh tra thuế"),
        "holds": LegalHold.objects.all(),
        "client": client,
        "subscription": webhook_subscription_create(
            client=client, url="https://crm.example.vn/hook", events=["consent.changed"], actor=None
        ),
        "url": "https://crm.example.vn/other",
        "events": ["consent.changed"],
        "name": "Kế toán nội bộ",
        "scopes": [Scope.SUPPRESSION_READ],
        "purpose": marketing,
        "purposes": [marketing],
        "granted": True,
        "channel": "phone",
        "notes": "danh mục cookie mới",
        "policy_draft": PolicyVersion.objects.create(number=99),
        "profile": profile(),
        "company": company_profile(),
        "changed": ["dpo_provider"],
        "assessment": RiskAssessment.objects.create(text="Rủi ro thấp"),
        "dossier": dossier,
        "filed_on": timezone.localdate(),
        "reference": "CV-2026-01",
        "since": timezone.localdate() - datetime.timedelta(days=30),
        "until": timezone.localdate(),
    }


def given(value):
    """A value of its own for one function's parameter (not one of ``world``'s)."""
    return lambda world: value


# Where a parameter's name means a different thing in one module or one function: the name
# of a ``world`` entry, or a function of ``world``.
BY_MODULE = {
    "customers.requests.services": {"request": "data_request"},
    "customers.sharing.services": {"request": "legal_request"},
    "customers.consents.services.policies": {"version": "policy_draft"},
}
BY_FUNCTION = {
    "customers.requests.services.request_carry_out_deletion": {"request": "deletion_request"},
    "customers.requests.services.request_move": {"action": given("in_progress")},
    "customers.requests.services.request_file": {
        "kind": given("deletion"),
        "identity_check": given("call_back"),
    },
    "dpo.services.dossiers.dossier_generate": {"kind": given("ropa")},
    "dpo.services.dossiers.dossier_review": {"version": lambda w: w["dossier"]("generated")},
    "dpo.services.dossiers.dossier_sign": {"version": lambda w: w["dossier"]("reviewed")},
    "dpo.services.dossiers.dossier_file": {"version": lambda w: w["dossier"]("signed")},
    "dpo.services.clocks.clock_start": {"kind": given("10d")},
    # The preview's confirmation, as staff would have it (the refusal comes first anyway).
    "customers.outreach.services.campaign_start": {
        "confirmation": lambda w: campaign_preview(campaign=w["campaign"], actor=None).confirmation
    },
    "dpo.services.inspection.inspection_pack": {
        "facts": given({}),
        "number": given(1),
        "dossiers": given([]),
    },
    # ``consent_grant`` and ``consent_withdraw`` take ``consent_record``'s keywords.
    "customers.consents.services.ledger.consent_grant": {
        "customer": "customer",
        "purpose": "purpose",
    },
    "customers.consents.services.ledger.consent_withdraw": {
        "customer": "customer",
        "purpose": "purpose",
    },
}


def _value(world, spec):
    return spec(world) if callable(spec) else world[spec]


def _kwargs(service, function, world, actor):
    module = service.rsplit(".", 1)[0]
    names = {**BY_MODULE.get(module, {}), **BY_FUNCTION.get(service, {})}
    kwargs = {}
    parameters = inspect.signature(function).parameters
    for name, parameter in parameters.items():
        if parameter.kind is parameter.VAR_KEYWORD:
            for extra, spec in BY_FUNCTION.get(service, {}).items():
                kwargs[extra] = _value(world, spec)
            kwargs.update(actor=actor, channel=world["channel"])
            continue
        if name == "actor":
            kwargs[name] = actor
        elif name in names:
            kwargs[name] = _value(world, names[name])
        elif name in world:
            kwargs[name] = world[name]
        elif parameter.default is parameter.empty:
            pytest.fail(f"{service}: no plausible value for {name}=; add one to world()")
    if "actor" not in kwargs:
        pytest.fail(f"{service} takes no actor=: a service staff can call checks its actor")
    return kwargs


WRITES = ("INSERT", "UPDATE", "DELETE")


def _permissions_of(role):
    return {
        f"{app}.{codename}"
        for app, codenames in PERMISSIONS.get(role, {}).items()
        for codename in codenames
    }


def _role_permissions():
    return set().union(*(_permissions_of(role) for role in Role))


@pytest.mark.parametrize("service", [s for s in SERVICES if s not in EXEMPT])
def test_a_staff_member_without_the_permission_is_refused_before_anything_changes(
    service, world, no_role, django_capture_on_commit_callbacks, monkeypatch
):
    module, name = service.rsplit(".", 1)
    function = getattr(import_module(module), name)
    kwargs = _kwargs(service, function, world, no_role)
    asked = []
    require = Actor.require

    def spy(actor, *permissions):
        asked.extend(permissions)
        return require(actor, *permissions)

    monkeypatch.setattr(Actor, "require", spy)
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks() as callbacks,
        CaptureQueriesContext(connection) as queries,
        pytest.raises(PermissionDenied),
    ):
        function(**kwargs)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert not writes, f"{service} wrote before refusing: {writes[:3]}"
    assert not callbacks, f"{service} queued work before refusing"
    assert not mail.outbox, f"{service} sent mail before refusing"
    # The caller's transaction is still usable: the refusal came before any atomic block
    # that would have doomed it.
    assert connection.cursor() is not None
    from customers.models import Customer

    assert Customer.objects.filter(pk=world["customer_id"]).exists()
    # What was asked for is a permission some role holds: no typo refuses everyone.
    assert not set(asked) - _role_permissions(), f"{service} asks for {asked}"


# Refused by a rule of their own rather than by a model permission.
OWN_RULE = {
    "customers.audit.services.personal_data_reveal": "which fields of which customers a role "
    "may reveal (customers.core.masking)",
}


@pytest.mark.parametrize("service", [s for s in SERVICES if s not in EXEMPT and s not in OWN_RULE])
def test_one_role_holds_everything_a_service_asks_for(
    service, world, staff_user, django_user_model, monkeypatch
):
    """Granted what it was refused for, a staff member gets past the checks (a service that
    calls others may ask again, for more); one role must hold all of it, or no one can use
    the service."""
    from django.contrib.auth.models import Permission

    module, name = service.rsplit(".", 1)
    function = getattr(import_module(module), name)
    asked = []
    require = Actor.require

    def spy(actor, *permissions):
        asked.extend(permissions)
        return require(actor, *permissions)

    monkeypatch.setattr(Actor, "require", spy)
    user = staff_user(username="staff-granted-step-by-step")
    granted = set()
    for _round in range(5):
        actor = Actor.of(django_user_model.objects.get(pk=user.pk))  # no cached permissions
        asked.clear()
        try:
            function(**_kwargs(service, function, world, actor))
        except PermissionDenied:
            missing = set(asked) - granted
            assert missing, f"{service} refused what it was granted"
            for permission in missing:
                app, codename = permission.split(".")
                user.user_permissions.add(
                    Permission.objects.get(content_type__app_label=app, codename=codename)
                )
            granted |= missing
            continue
        except Exception:  # noqa: BLE001, S110  # past the checks: the state may refuse
            pass
        break
    assert granted, f"{service} asked for no permission"
    assert any(granted <= _permissions_of(role) for role in Role), (
        f"{service} needs {sorted(granted)}: no role holds them all"
    )
