import uuid

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from customers.consents.models import CookieConsent
from privacysite.urls import handler500  # noqa: F401  (the same error pages)
from privacysite.urls import urlpatterns as site_patterns


@csrf_exempt
def bare_insert(request):
    """The baseline: Django doing one INSERT and nothing else of ours."""
    CookieConsent.objects.create(
        consent_id=uuid.uuid4(), categories=["necessary"], policy_version=1
    )
    return HttpResponse("ok")


@csrf_exempt
def bare_select(request):
    """The baseline of a read: Django doing one indexed SELECT and answering JSON."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT granted FROM consents_consentstate WHERE customer_id = %s LIMIT 1",
            [int(request.GET.get("id", 1))],
        )
        row = cursor.fetchone()
    return JsonResponse({"granted": bool(row and row[0])})


@csrf_exempt
def bare_select_post(request):
    """The same SELECT, POSTed as JSON like an API call (``{"id": n}``)."""
    import json

    from django.db import connection
    from django.http import JsonResponse

    customer_id = int(json.loads(request.body or b"{}").get("id", 1))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT granted FROM consents_consentstate WHERE customer_id = %s LIMIT 1",
            [customer_id],
        )
        row = cursor.fetchone()
    return JsonResponse({"granted": bool(row and row[0])})


urlpatterns = [
    path("bench/bare-select-post/", bare_select_post, name="bench_bare_select_post"),
    path("bench/bare-insert/", bare_insert),
    path("bench/bare-select/", bare_select),
    *site_patterns,
]
