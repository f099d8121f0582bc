from django.contrib.admin.apps import AdminConfig


class PrivacyAdminConfig(AdminConfig):
    # The site is assembled above the apps (it imports customers and dpo); named by path here,
    # as settings name the apps.
    default_site = "assembly.admin_site.PrivacyAdminSite"

    def ready(self):
        super().ready()  # autodiscover: every app's admin is registered now
        from django.contrib import admin

        from privacysite import (  # noqa: F401  (mail_checks: registers its system check)
            beat_admin,
            mail_checks,
            otp_admin,
            permission_labels,
        )

        permission_labels.register(admin.site)
        otp_admin.register(admin.site)
        beat_admin.register(admin.site)
