"""The one way staff open an uploaded file: a permission-checked, logged download.

``customers.core.storage.EncryptedStorage.url`` points here. The file is sent only when the
signed-in staff member may view a row that names it, within the row scope of that row's admin
screen (its ``get_queryset``), and every download is written to the access log with the
customers it concerns. The decrypted bytes go out as an attachment under the original name.
"""

import mimetypes

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404

from customers.audit.services import access_log
from customers.core.files import file_fields
from customers.models import AccessLogEntry
from privacysite.http import client_ip


def _customers_of(model_admin, obj) -> list[int]:
    if hasattr(model_admin, "customers_of"):
        return list(model_admin.customers_of(obj))
    if getattr(obj, "customer_id", None):
        return [obj.customer_id]
    return [int(i) for i in getattr(obj, "customer_ids", None) or []]


def private_file(request, name, *, site):
    denied = False
    for model, field in file_fields():
        rows = model._default_manager.filter(**{field: name})
        if not site.is_registered(model) or not rows.exists():
            continue
        model_admin = site.get_model_admin(model)
        obj = model_admin.get_queryset(request).filter(pk__in=rows.values("pk")).first()
        if obj is None or not model_admin.has_view_permission(request, obj):
            denied = True
            continue
        storage = model._meta.get_field(field).storage
        try:
            file = storage.open(name)
        except FileNotFoundError:
            raise Http404 from None
        access_log(
            actor=request.user,
            action=AccessLogEntry.Action.VIEW,
            customers=_customers_of(model_admin, obj),
            fields=[field],
            reason=f"download {model._meta.label} {obj.pk}",
            ip_address=client_ip(request),
        )
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return FileResponse(file, as_attachment=True, filename=file.name, content_type=content_type)
    if denied:
        raise PermissionDenied
    raise Http404
