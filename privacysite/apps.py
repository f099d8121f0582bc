from django.contrib.admin.apps import AdminConfig


class PrivacyAdminConfig(AdminConfig):
    default_site = "privacysite.admin_site.PrivacyAdminSite"
