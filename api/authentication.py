"""``Authorization: Bearer <key>``: which system is calling, and what it may do."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from api.services.clients import api_client_for_key


class SystemPrincipal:
    """The ``request.user`` of an API call: another system, never a staff member."""

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None

    def __init__(self, client):
        self.client = client

    def __str__(self):
        return self.client.actor

    def get_username(self):
        return self.client.actor


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _sep, key = header.partition(" ")
        if keyword != self.keyword or not key.strip():
            raise exceptions.AuthenticationFailed(
                _("Send the key as 'Authorization: Bearer <key>'.")
            )
        client = api_client_for_key(key.strip())
        if client is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if not client.is_active:
            raise exceptions.AuthenticationFailed(_("This API key was revoked."))
        return SystemPrincipal(client), client

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class HasScope(permissions.BasePermission):
    """The view names the scope it needs (``required_scope``); the key must carry it."""

    message = _("This API key does not have the scope this call needs.")

    def has_permission(self, request, view):
        client = request.auth
        return client is not None and view.required_scope in client.scopes


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the key."""

    target_class = "api.authentication.ApiKeyAuthentication"
    name = "bearerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's key. Each operation names the scope the key "
            "needs (consent:read, consent:write, suppression:read) in its security "
            "requirement and its description.",
        }

    def get_security_requirement(self, auto_schema):
        """The scope the operation needs, as OpenAPI 3.1 allows for any scheme."""
        scope = getattr(auto_schema.view, "required_scope", "")
        return {self.name: [scope] if scope else []}
