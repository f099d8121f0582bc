from django.contrib import admin, messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from customers.audit.admin_base import PersonalDataAdmin
from customers.consents.cookies import catalogue_clear
from customers.consents.labels import cookie_categories_column, cookie_categories_label
from customers.consents.models import (
    ConsentEvent,
    Cookie,
    CookieCategory,
    CookieConsent,
    CookiePolicyVersion,
    PolicySection,
    PolicyVersion,
    Purpose,
)
from customers.consents.selectors import consents_cache_clear
from customers.consents.services.cookies import cookie_policy_publish
from customers.consents.services.policies import (
    PolicyNotPublishable,
    policy_draft_from_current,
    policy_publish,
)
from privacysite.admin_utils import CappedCountPaginator, ReadOnlyAdmin


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = [
        "name_vi",
        "legal_basis",
        "optional",
        "channel",
        "granted_now",
        "active",
    ]
    list_filter = ["legal_basis", "optional", "active"]
    ordering = ["order", "id"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(granted_count=Count("states", filter=Q(states__granted=True)))
        )

    def get_exclude(self, request, obj=None):
        # The code is for the program; who only reads a purpose reads its name.
        return [] if self.has_change_permission(request, obj) else ["code"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        consents_cache_clear()

    @admin.display(description=_("customers consenting now"), ordering="granted_count")
    def granted_now(self, obj):
        return obj.granted_count


class PolicySectionInline(admin.StackedInline):
    model = PolicySection
    extra = 0

    # A published version never changes: its sections are read-only.
    def has_add_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_published

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_published


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "published_at", "effective_at", "published_by"]
    # The generated statements are read on the page itself; publishing sets them and the flag.
    exclude = ["facts"]
    readonly_fields = ["number", "status", "stores_data_abroad", "published_at", "published_by"]
    inlines = [PolicySectionInline]
    actions = ["publish"]

    def has_add_permission(self, request):
        return False  # new drafts start as a copy, through the "new draft" button

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_published)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "new_draft" in request.POST:
            if not request.user.has_perm("consents.add_policyversion"):
                return redirect(request.path)
            draft = policy_draft_from_current(actor=request.user)
            return redirect("admin:consents_policyversion_change", draft.pk)
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Publish the selected draft"), permissions=["publish"])
    def publish(self, request, queryset):
        for version in queryset.order_by("number"):
            try:
                if policy_publish(version=version, actor=request.user):
                    self.message_user(
                        request, _("%(version)s is published.") % {"version": version}
                    )
            except PolicyNotPublishable as exc:
                self.message_user(request, str(exc), messages.ERROR)

    def has_publish_permission(self, request):
        return request.user.has_perm("consents.change_policyversion")


@admin.register(ConsentEvent)
class ConsentEventAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    """The consent ledger: evidence, so it can be read and never edited or deleted here."""

    list_display = ["created_at", "customer", "purpose", "action", "channel", "policy_version"]
    list_filter = ["action", "channel", "purpose", "gpc"]
    list_select_related = ["customer", "purpose", "policy_version"]
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    exclude = ["wording_hash"]


class CookieInline(admin.TabularInline):
    model = Cookie
    extra = 0


@admin.register(CookieCategory)
class CookieCategoryAdmin(admin.ModelAdmin):
    list_display = ["name_vi", "required", "order"]
    inlines = [CookieInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        catalogue_clear()


@admin.register(CookiePolicyVersion)
class CookiePolicyVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "published_at", "notes"]
    fields = ["notes"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Publishing a version asks every visitor to choose again.
        version = cookie_policy_publish(actor=request.user, notes=form.cleaned_data["notes"])
        obj.pk = obj.id = version.pk


@admin.register(CookieConsent)
class CookieConsentAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "consent_id",
        "categories_shown",
        "policy_version",
        "gpc",
        "ip_truncated",
    ]
    list_filter = ["policy_version", "gpc"]
    exclude = ["categories"]
    readonly_fields = ["categories_shown"]
    categories_shown = staticmethod(cookie_categories_column)
    paginator = CappedCountPaginator
    show_full_result_count = False

    def changelist_view(self, request, extra_context=None):
        choices = (
            CookieConsent.objects.values("categories")
            .annotate(count=Count("id"))
            .order_by("-count")[:20]
        )
        choices = [
            {"categories": cookie_categories_label(row["categories"]), "count": row["count"]}
            for row in choices
        ]
        extra_context = {**(extra_context or {}), "choice_counts": choices}
        return super().changelist_view(request, extra_context)
