"""Records that leave when their rule's period is over: one table says, per category, what is
due and how it is deleted, so that the dry run counts exactly what the sweep deletes."""

from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction

from customers.audit.services import access_log_prune
from customers.consents.models import CookieConsent
from customers.models import (
    AccessLogEntry,
    DataRequest,
    Incident,
    IncidentNotice,
    Message,
    RetentionRule,
    Submission,
)
from customers.retention.erasure import files_delete_on_commit

C, ACT = RetentionRule.Category, RetentionRule.Action


@dataclass(frozen=True)
class Category:
    due: Callable  # (cutoff) -> queryset of what may go
    delete: Callable  # (queryset, cutoff, batch) -> number deleted


def _delete_raw(queryset, cutoff, batch) -> int:
    """Large append-only tables: batched raw deletes by id, one short transaction each."""
    model = queryset.model
    table = connection.ops.quote_name(model._meta.db_table)
    field = "received_at" if model is Submission else "created_at"
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "  # noqa: S608  # nosec B608
                f"WHERE {column} < %s ORDER BY id LIMIT %s)",
                [cutoff, batch],
            )
            deleted = cursor.rowcount
        total += deleted
        if deleted < batch:
            return total


def _delete_incidents(queryset, cutoff, batch) -> int:
    total = 0
    while ids := list(queryset.values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            chosen = Incident.objects.filter(pk__in=ids)
            files_delete_on_commit(chosen, "record_document")
            Message.objects.filter(incident_id__in=ids).update(incident=None)
            IncidentNotice.objects.filter(incident_id__in=ids).delete()
            total += chosen.delete()[1].get(Incident._meta.label, 0)
    return total


def _delete_requests(queryset, cutoff, batch) -> int:
    total = 0
    while ids := list(queryset.values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            chosen = DataRequest.objects.filter(pk__in=ids)
            files_delete_on_commit(chosen, "attachment")
            total += chosen.delete()[1].get(DataRequest._meta.label, 0)
    return total


def _requests_due(cutoff):
    # A request an incident was opened from stays as long as that incident (incidents come
    # first in the table, so both can leave in the same sweep).
    return DataRequest.objects.filter(closed_at__lt=cutoff).exclude(
        pk__in=Incident.objects.filter(source_request__isnull=False).values("source_request_id")
    )


# Order matters: incidents before the requests they were opened from.
CATEGORIES = {
    C.SUBMISSION: Category(
        due=lambda cutoff: Submission.objects.filter(received_at__lt=cutoff), delete=_delete_raw
    ),
    C.COOKIE_CONSENT: Category(
        due=lambda cutoff: CookieConsent.objects.filter(created_at__lt=cutoff), delete=_delete_raw
    ),
    C.INCIDENT: Category(
        due=lambda cutoff: Incident.objects.filter(
            status=Incident.Status.CLOSED, closed_at__lt=cutoff
        ),
        delete=_delete_incidents,
    ),
    C.REQUEST: Category(due=_requests_due, delete=_delete_requests),
    C.ACCESS_LOG: Category(
        due=lambda cutoff: AccessLogEntry.objects.filter(seal_seq__isnull=False, at__lt=cutoff),
        delete=lambda queryset, cutoff, batch: access_log_prune(before=cutoff, batch=batch),
    ),
}


def _cutoffs(rules, now):
    for category in CATEGORIES:
        rule = rules.get(category)
        if rule and rule.action == ACT.DELETE and rule.period_months is not None:
            yield category, now - relativedelta(months=rule.period_months)


def records_due(rules, now) -> dict[str, int]:
    return {
        category: CATEGORIES[category].due(cutoff).count()
        for category, cutoff in _cutoffs(rules, now)
    }


def records_delete(rules, now, batch: int = 5000) -> dict[str, int]:
    done = {}
    for category, cutoff in _cutoffs(rules, now):
        kind = CATEGORIES[category]
        size = batch if kind.delete is _delete_raw or category == C.ACCESS_LOG else 500
        done[category] = kind.delete(kind.due(cutoff), cutoff, size)
    return done
