from django.urls import path
from django.utils.translation import gettext_lazy as _

from customers import views

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
    path("confirm/<str:token>/", views.ConfirmContactView.as_view(), name="confirm"),
]
