from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient, Scope, WebhookDelivery, WebhookSubscription
from api.services.clients import api_client_create, api_client_revoke, api_client_rotate_key
from api.services.suppressions import subject_hashes_follow_scopes
from api.services.webhook_targets import validate_webhook_url
from api.services.webhooks import (
    DELIVERY_ERRORS,
    DELIVERY_FAILED,
    webhook_subscription_create,
    webhook_subscription_new_secret,
    webhook_subscription_resume,
)
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "description", "scopes", "rate_per_minute"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = [
        "name",
        "description",
        "scopes_shown",
        "rate_per_minute",
        "created_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["key_prefix", "created_at", "created_by", "revoked_at", "revoked_by"]
    actions = ["revoke", "rotate_key"]

    @admin.display(description=_("Scopes"))
    def scopes_shown(self, obj):
        labels = dict(Scope.choices)
        return ", ".join(str(labels.get(code, code)) for code in obj.scopes) or "–"

    def get_readonly_fields(self, request, obj=None):
        # The name is how the access log names the system: it never changes after creation.
        return [*self.readonly_fields, "name"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            if "scopes" in form.changed_data:
                subject_hashes_follow_scopes(client=obj, actor=request.user)
            return
        # The key is made by the service and shown once: only its hash is stored.
        new = api_client_create(
            name=obj.name,
            description=obj.description,
            scopes=form.cleaned_data["scopes"],
            rate_per_minute=obj.rate_per_minute,
            actor=request.user,
        )
        obj.pk = new.client.pk
        messages.warning(
            request,
            _("The key of %(name)s, shown this once (copy it now): %(key)s")
            % {"name": new.client.name, "key": new.key},
        )

    # Deleting a client would orphan its access-log trail by name: revoke instead.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the key of the selected clients"), permissions=["change"])
    def revoke(self, request, queryset):
        count = sum(api_client_revoke(client=c, actor=request.user) for c in queryset)
        self.message_user(request, _("%(count)s key(s) revoked.") % {"count": count})

    @admin.action(
        description=_("Make a new key (the old one stops working)"), permissions=["change"]
    )
    def rotate_key(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            new = api_client_rotate_key(client=client, actor=request.user)
            messages.warning(
                request,
                _("The key of %(name)s, shown this once (copy it now): %(key)s")
                % {"name": client.name, "key": new.key},
            )


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookSubscription.Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookSubscription
        fields = ["client", "url", "events"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        validate_webhook_url(url)  # public https only (checked again at every delivery)
        return url


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["client", "url", "events", "status", "consecutive_failures", "paused_at"]
    list_filter = ["status"]
    list_select_related = ["client"]
    readonly_fields = ["status", "consecutive_failures", "paused_at", "created_at"]
    actions = ["resume", "new_secret"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        subscription = webhook_subscription_create(
            client=obj.client, url=obj.url, events=form.cleaned_data["events"], actor=request.user
        )
        obj.pk = subscription.pk
        messages.warning(
            request,
            _("The signing secret of this subscription, shown this once: %(secret)s")
            % {"secret": subscription.secret},
        )

    @admin.action(description=_("Resume and send what waits"), permissions=["change"])
    def resume(self, request, queryset):
        count = sum(
            webhook_subscription_resume(subscription=s, actor=request.user) for s in queryset
        )
        self.message_user(request, _("%(count)s waiting deliveries sent again.") % {"count": count})

    @admin.action(
        description=_("Make a new signing secret (the old one stops verifying)"),
        permissions=["change"],
    )
    def new_secret(self, request, queryset):
        for subscription in queryset:
            secret = webhook_subscription_new_secret(subscription=subscription, actor=request.user)
            messages.warning(
                request,
                _("The new signing secret of %(subscription)s, shown this once: %(secret)s")
                % {"subscription": subscription, "secret": secret},
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "error",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["status", "subscription"]
    list_select_related = ["event", "subscription__client"]
    paginator = CappedCountPaginator
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        return [f for f in super().get_fields(request, obj) if f != "last_error"] + ["error"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "error"]

    @admin.display(description=_("last error"))
    def error(self, obj):
        """Our words for what went wrong, never the target's (no port scanner here)."""
        if not obj.last_error:
            return "-"
        return DELIVERY_ERRORS.get(obj.last_error, DELIVERY_FAILED)
