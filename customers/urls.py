from django.urls import path
from django.utils.translation import gettext_lazy as _

from customers.records import views
from customers.requests import my_data_views
from customers.sharing import views as sharing_views

app_name = "customers"

urlpatterns = [
    path("register/", views.RegistrationView.as_view(), name="register"),
    path(
        "register/done/",
        views.SubmittedView.as_view(extra_context={"title": _("Thank you for registering")}),
        name="register_done",
    ),
    path("service-request/", views.ServiceRequestView.as_view(), name="service_request"),
    path(
        "service-request/done/",
        views.SubmittedView.as_view(extra_context={"title": _("We received your request")}),
        name="service_request_done",
    ),
    path("confirm/done/", views.ConfirmedView.as_view(), name="confirmed"),
    path("confirm/<str:token>/", views.ConfirmContactView.as_view(), name="confirm"),
    path(
        "confirm-change/<str:token>/",
        views.ConfirmChangeView.as_view(),
        name="confirm_change",
    ),
    path("references/", sharing_views.references, name="references"),
    path("my-data/", my_data_views.start, name="my_data"),
    path("my-data/sent/", my_data_views.sent, name="my_data_sent"),
    path(
        "my-data/request/<str:reference>/",
        my_data_views.request_sent,
        name="my_data_request",
    ),
    path("my-data/open/<str:token>/", my_data_views.open_link, name="my_data_open"),
    path("my-data/view/", my_data_views.overview, name="my_data_overview"),
    path("my-data/download.json", my_data_views.download_json, name="my_data_json"),
    path("my-data/download.html", my_data_views.download_html, name="my_data_html"),
    path("my-data/correct/", my_data_views.correct, name="my_data_correct"),
    path("my-data/delete/", my_data_views.delete, name="my_data_delete"),
    path("my-data/object/", my_data_views.object_, name="my_data_object"),
    path("my-data/complain/", my_data_views.complain, name="my_data_complain"),
    path("my-data/sign-out/", my_data_views.sign_out, name="my_data_sign_out"),
    path(
        "my-data/confirm-deletion/<str:token>/",
        my_data_views.confirm_deletion,
        name="my_data_confirm_deletion",
    ),
]
