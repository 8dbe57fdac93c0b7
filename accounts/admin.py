"""User administration: administrators manage everyone; a province officer manages the clerks,
district officers and province officers of their own province and can grant nothing wider."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from records.models import LAO, District, Province

PROVINCE_GRANTABLE_ROLES = (Role.CLERK, Role.DISTRICT, Role.PROVINCE)


def _is_province_officer(request: HttpRequest) -> bool:
    user = request.user
    # The admin's login page lists the apps for anonymous visitors too, who have no role.
    return user.is_authenticated and user.role == Role.PROVINCE and not user.is_superuser


def users_in_province(province_id: str) -> Q:
    return (
        Q(lao__district__province_id=province_id)
        | Q(district__province_id=province_id)
        | Q(province_id=province_id)
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "scope", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "lao__name_th", "lao__code"]
    list_select_related = ["lao", "district", "province"]
    autocomplete_fields = ["lao", "district", "province"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email", "phone"]}),
        (_("Role and scope"), {"fields": ["role", "lao", "district", "province"]}),
        (_("Status"), {"fields": ["is_active", "last_login", "date_joined"]}),
        (_("Permissions"), {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2"]}),
        (_("Role and scope"), {"fields": ["role", "lao", "district", "province"]}),
    ]

    @admin.display(description=_("name"), ordering="first_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("scope"))
    def scope(self, obj: User) -> str:
        return obj.scope_label

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if _is_province_officer(request):
            return [fs for fs in fieldsets if fs[0] != _("Permissions")]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if _is_province_officer(request):
            return ["last_login", "date_joined"]
        return super().get_readonly_fields(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        if _is_province_officer(request):
            return qs.filter(users_in_province(request.user.province_id))
        return qs

    # A province officer gets the four permissions on users of their own province only.
    def _province_may(self, request: HttpRequest, obj: User | None) -> bool:
        if obj is None:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return _is_province_officer(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        if _is_province_officer(request):
            return self._province_may(request, obj)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if _is_province_officer(request):
            return self._province_may(request, obj)
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return _is_province_officer(request) or super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        if _is_province_officer(request):
            return obj is not None and obj != request.user and self._province_may(request, obj)
        return super().has_delete_permission(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and _is_province_officer(request):
            kwargs["choices"] = [(r.value, r.label) for r in PROVINCE_GRANTABLE_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if _is_province_officer(request):
            province_id = request.user.province_id
            querysets = {
                "lao": LAO.objects.in_province(province_id),
                "district": District.objects.filter(province_id=province_id),
                "province": Province.objects.filter(pk=province_id),
            }
            if db_field.name in querysets:
                kwargs["queryset"] = querysets[db_field.name]
                # Autocomplete would search the whole country; a scoped select is safer.
                kwargs["widget"] = forms.Select()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        return [] if _is_province_officer(request) else super().get_autocomplete_fields(request)

    def save_model(self, request, obj, form, change):
        if _is_province_officer(request):
            # Never let a province officer mint staff or superusers, even by a crafted POST.
            obj.is_staff = False
            obj.is_superuser = False
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if _is_province_officer(request):
            form.instance.groups.clear()
            form.instance.user_permissions.clear()
