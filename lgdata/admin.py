"""The admin site, opened also to province officers so they can manage their province's users.

What each of them may do there is decided per model admin (see accounts/admin.py); this only
lets them in.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        # Imported here: this module is loaded with the app registry, before any model.
        from accounts import access

        return access.can_open_admin_site(request.user)


class PortalAdminConfig(AdminConfig):
    default_site = "lgdata.admin.PortalAdminSite"
