"""CSV export and reveal: the two ways staff take personal data out of the masked views."""

import csv

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.audit.services import access_log
from customers.core import masking
from customers.core.actors import Actor
from customers.core.personal_data import CUSTOMER_FIELDS
from customers.core.spreadsheet import spreadsheet_row
from customers.models import AccessLogEntry
from privacysite.http import client_ip

EXPORT_ROW_CAP = 1000


def reason_form(label, help_text):
    """A one-field form for the reason an action needs (recorded where the help text says)."""
    return type(
        "ReasonForm",
        (forms.Form,),
        {"reason": forms.CharField(label=label, max_length=255, help_text=help_text)},
    )


ExportForm = reason_form(
    _("Why do you need this export?"),
    _("Recorded in the access log with the list of customers exported."),
)
EraseForm = reason_form(
    _("Why are these customers erased?"), _("Written on each erasure certificate.")
)
RevealForm = reason_form(_("Why do you need to see this value?"), _("Recorded in the access log."))
EmailChannelForm = reason_form(
    _("Reason, or how the customer was re-verified"),
    _("Recorded in the customer's change history."),
)


def export_customers_csv(*, request, queryset, reason: str) -> HttpResponse:
    """The selected customers as CSV, masked exactly as the user's role sees them; logged."""
    user = Actor.of(request.user).require("customers.export_customer").user
    customers = list(queryset.order_by("pk")[:EXPORT_ROW_CAP])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Vietnamese correctly
    writer = csv.writer(response)
    writer.writerow(["id", *(str(f.label) for f in CUSTOMER_FIELDS)])
    for customer in customers:
        writer.writerow(
            spreadsheet_row(
                [customer.pk, *(masking.shown(user, customer, f.name) for f in CUSTOMER_FIELDS)]
            )
        )
    access_log(
        actor=user,
        action=AccessLogEntry.Action.EXPORT,
        customers=customers,
        fields=sorted(masking.visible_fields(user)),
        reason=reason,
        ip_address=client_ip(request),
    )
    return response
