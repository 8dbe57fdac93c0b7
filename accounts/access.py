"""The one place that decides what a user may see and change.

Every view, service, export and API endpoint asks here; templates ask through ``can``
(``accounts.context_processors``) and never compare a role. A user's scope is one LAO, one
district, one province or the whole country; nothing outside it is visible. Clerks change their
own LAO's record (district officers too, through the Excel template); officers review;
executives read everything and change nothing. A workflow combines these predicates with its
state where the state lives (``deadlines.models.RoundLAO.allowed_moves``).
"""

from collections.abc import Callable, Iterable

from django.db.models import Q, QuerySet

from accounts.models import SCOPE_FIELD, Role, User
from records.models import LAO, District, Province

# Who supervises an LAO depends on its type (docs/supervision.md): a district office oversees
# the subdistrict municipalities and SAOs of its district; the province office oversees the PAO,
# city and town municipalities of its province directly; of the two special forms, Bangkok
# reports to the department itself and Pattaya to its province (Chonburi).
DISTRICT_SUPERVISED_TYPES = (LAO.Type.SUBDISTRICT, LAO.Type.SAO)
PROVINCE_SUPERVISED_TYPES = (LAO.Type.PAO, LAO.Type.CITY, LAO.Type.TOWN)
BANGKOK = "10"


def supervisor_level(lao: LAO) -> str:
    """Who supervises the LAO: "district", "province" or "department" (no query)."""
    if lao.type in DISTRICT_SUPERVISED_TYPES:
        return "district"
    if lao.type == LAO.Type.SPECIAL and (lao.district_id or "")[:2] == BANGKOK:
        return "department"
    return "province"


def district_oversight_q(district_id: str) -> Q:
    """The LAOs a district office oversees, as a filter on LAOs."""
    return Q(district_id=district_id, type__in=DISTRICT_SUPERVISED_TYPES)


def province_oversight_q(province_id: str) -> Q:
    """The LAOs a province office oversees directly, as a filter on LAOs."""
    if province_id == BANGKOK:
        return Q(pk__in=[])
    return Q(district__province_id=province_id) & ~Q(type__in=DISTRICT_SUPERVISED_TYPES)


def department_oversight_q() -> Q:
    """The LAOs the department oversees itself: Bangkok."""
    return Q(district__province_id=BANGKOK, type=LAO.Type.SPECIAL)


def oversight_level(user: User) -> str | None:
    """Which kind of area an officer oversees: "district", "province", or None (no query)."""
    return {Role.DISTRICT: "district", Role.PROVINCE: "province"}.get(user.role)


def laos_supervised_by(user: User) -> QuerySet[LAO]:
    """The LAOs whose submissions the user approves or returns, and whom the user reminds: a
    district officer's ทต./อบต., a province officer's อบจ./ทน./ทม. (and Pattaya), department staff's
    Bangkok. Nobody else supervises."""
    qs = LAO.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.DISTRICT:
        return qs.filter(district_oversight_q(user.district_id))
    if user.role == Role.PROVINCE:
        return qs.filter(province_oversight_q(user.province_id))
    if user.role == Role.DEPARTMENT:
        return qs.filter(department_oversight_q())
    return qs.none()


def can_supervise_lao(user: User, lao: LAO) -> bool:
    """Whether the user supervises the LAO (as ``laos_supervised_by``, without a query)."""
    if not (user.is_authenticated and user.is_active):
        return False
    level = supervisor_level(lao)
    if level == "district":
        return user.role == Role.DISTRICT and lao.district_id == user.district_id
    if level == "province":
        return user.role == Role.PROVINCE and (lao.district_id or "")[:2] == user.province_id
    return user.role == Role.DEPARTMENT


def supervisors_of(lao: LAO) -> QuerySet[User]:
    """The active officers who supervise the LAO (the inverse of ``laos_supervised_by``)."""
    level = supervisor_level(lao)
    users = User.objects.filter(is_active=True)
    if level == "district":
        return users.filter(role=Role.DISTRICT, district_id=lao.district_id)
    if level == "province":
        return users.filter(role=Role.PROVINCE, province_id=(lao.district_id or "")[:2])
    return users.filter(role=Role.DEPARTMENT)


def informed_of_approval(lao: LAO) -> QuerySet[User]:
    """Who is told when the LAO's record is approved, besides its clerks: the province officers,
    when the district approved (its approval is final; the province is informed)."""
    if supervisor_level(lao) != "district":
        return User.objects.none()
    return User.objects.filter(
        is_active=True, role=Role.PROVINCE, province_id=(lao.district_id or "")[:2]
    )


def clerks_of(lao_ids: Iterable[int]) -> QuerySet[User]:
    """The active clerks of these LAOs: who fills in their records, and hears of a return, an
    approval or a reminder."""
    return User.objects.filter(is_active=True, role=Role.CLERK, lao_id__in=lao_ids)


def officers_of_districts(district_ids: Iterable[str]) -> QuerySet[User]:
    """The active officers of these district offices (each oversees its district's ทต./อบต.)."""
    return User.objects.filter(is_active=True, role=Role.DISTRICT, district_id__in=district_ids)


def officers_of_provinces(province_ids: Iterable[str]) -> QuerySet[User]:
    """The active officers of these province offices (each oversees its province's
    อบจ./ทน./ทม. and Pattaya)."""
    return User.objects.filter(is_active=True, role=Role.PROVINCE, province_id__in=province_ids)


def laos_overseen_in_district(district: District) -> QuerySet[LAO]:
    """The LAOs a district office oversees (its ทต./อบต.), whoever looks."""
    return LAO.objects.filter(district_oversight_q(district.pk))


def laos_overseen_by_province(province: Province) -> QuerySet[LAO]:
    """The LAOs a province office oversees directly (its อบจ./ทน./ทม., Pattaya), whoever looks."""
    return LAO.objects.filter(province_oversight_q(province.pk))


def _works_for(user: User, role: Role, place_id: str) -> bool:
    """Whether the user is active in ``role`` with the place ``place_id`` as scope (no query)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == role
        and getattr(user, f"{SCOPE_FIELD[role]}_id") == place_id
    )


def can_supervise_province(user: User, province: Province) -> bool:
    """Whether the user supervises the LAOs the province oversees (its own officers)."""
    return _works_for(user, Role.PROVINCE, province.pk)


def can_supervise_district(user: User, district: District) -> bool:
    """Whether the user supervises the LAOs a district oversees (its own officers; no query)."""
    return _works_for(user, Role.DISTRICT, district.pk)


def _in_scope(qs: QuerySet, user: User, by_role: dict[Role, Callable[[User], Q]]) -> QuerySet:
    """``qs`` cut to what the user may see: the filter ``by_role`` names for the user's role,
    everything for national users, nothing for anyone else (anonymous or inactive users, and
    roles ``by_role`` leaves out)."""
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role in by_role:
        return qs.filter(by_role[user.role](user))
    return qs if user.is_national else qs.none()


def laos_visible_to(user: User) -> QuerySet[LAO]:
    """The LAOs a user may read: a clerk's own LAO; a district officer's the LAOs the district
    oversees (``laos_supervised_by``); a province officer's every LAO of the province; national
    users' every LAO."""
    return _in_scope(
        LAO.objects.all(),
        user,
        {
            Role.CLERK: lambda clerk: Q(pk=clerk.lao_id),
            Role.DISTRICT: lambda officer: district_oversight_q(officer.district_id),
            Role.PROVINCE: lambda officer: Q(district__province_id=officer.province_id),
        },
    )


def districts_visible_to(user: User) -> QuerySet[District]:
    """The districts whose oversight page a user may open (clerks open none)."""
    return _in_scope(
        District.objects.all(),
        user,
        {
            Role.DISTRICT: lambda officer: Q(pk=officer.district_id),
            Role.PROVINCE: lambda officer: Q(province_id=officer.province_id),
        },
    )


def provinces_visible_to(user: User) -> QuerySet[Province]:
    """The provinces whose page a user may open."""
    return _in_scope(
        Province.objects.all(), user, {Role.PROVINCE: lambda officer: Q(pk=officer.province_id)}
    )


def can_view_lao(user: User, lao: LAO) -> bool:
    return laos_visible_to(user).filter(pk=lao.pk).exists()


def can_edit_lao_record(user: User, lao: LAO) -> bool:
    """Only the LAO's own clerks fill in its record."""
    return _works_for(user, Role.CLERK, lao.pk)


def can_approve_lao(user: User, lao: LAO) -> bool:
    """Whoever supervises the LAO approves its record, in one step (``can_supervise_lao``)."""
    return can_supervise_lao(user, lao)


def can_review_lao(user: User, lao: LAO) -> bool:
    """The LAO's supervisor (``can_supervise_lao``) approves its submission or returns it,
    reminds it and grants lock exceptions; nobody else does. One step: whoever supervises
    approves (docs/supervision.md). When is the workflow's
    (``deadlines.models.RoundLAO.allowed_moves``)."""
    return can_supervise_lao(user, lao)


def can_import_template(user: User, lao: LAO) -> bool:
    """The Excel round trip's importers: the LAO's own clerk, or a district officer of the
    district that oversees the LAO.

    District officers otherwise only read records (``can_edit_lao_record`` is the clerk's alone);
    they may fill a template for the LAOs of their district. Province officers review too, but
    do not import; executives and everyone else neither.
    """
    return can_edit_lao_record(user, lao) or (
        can_supervise_lao(user, lao) and user.role == Role.DISTRICT
    )


def template_laos(user: User) -> QuerySet[LAO]:
    """The LAOs a user may download and import templates for (see ``can_import_template``)."""
    if not (user.is_authenticated and user.is_active):
        return LAO.objects.none()
    if user.role == Role.CLERK:
        return LAO.objects.filter(pk=user.lao_id)
    if user.role == Role.DISTRICT:
        return laos_supervised_by(user).active()
    return LAO.objects.none()


# The level of the letters each role writes in the portal.
LETTER_LEVEL_OF_ROLE = {
    Role.DEPARTMENT: "department",
    Role.ADMIN: "department",
    Role.PROVINCE: "province",
    Role.DISTRICT: "district",
}


def letter_level(user: User) -> str | None:
    """The level of the letters a user writes: department staff and administrators issue the
    department's circulars, province and district officers record the letters that forward
    them; everyone else writes none (None)."""
    if not (user.is_authenticated and user.is_active):
        return None
    return LETTER_LEVEL_OF_ROLE.get(user.role)


def can_issue_circular(user: User) -> bool:
    """Department staff and administrators issue the department's circulars."""
    return letter_level(user) == "department"


def can_forward_circular(user: User) -> bool:
    """Province and district officers record the letters that forward a circular."""
    return letter_level(user) in ("province", "district")


def circulars_visible_filter(user: User) -> Q:
    """The letters a user may read, as a filter on circulars (``level``, ``province``,
    ``district``): the department's circulars for everyone; a province's or district's letters
    for the people of that province or district and those above them."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.is_national:
        return Q()
    department = Q(level="department")
    if user.role == Role.PROVINCE:
        return (
            department | Q(province_id=user.province_id) | Q(district__province_id=user.province_id)
        )
    district_id = user.district_id if user.role == Role.DISTRICT else user.lao.district_id
    province_id = district_id[:2]
    return department | Q(level="province", province_id=province_id) | Q(district_id=district_id)


def circulars_forwardable_filter(user: User) -> Q:
    """The letters a user may forward, as a filter on circulars: a province officer the
    department's circulars, a district officer those and their province's letters."""
    if not can_forward_circular(user):
        return Q(pk__in=[])
    department = Q(level="department")
    if user.role == Role.PROVINCE:
        return department
    return department | Q(level="province", province_id=user.district.province_id)


def can_view_district(user: User, district: District) -> bool:
    return districts_visible_to(user).filter(pk=district.pk).exists()


def can_view_province(user: User, province: Province) -> bool:
    """Whether the province's page is open to the user: as ``provinces_visible_to``, without a
    query (its officers and national users)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_national or (user.role == Role.PROVINCE and user.province_id == province.pk)


def can_see_nation(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_national


def can_search_laos(user: User) -> bool:
    """Officers, department staff and executives look LAOs up; a clerk's scope is one LAO."""
    return user.is_authenticated and user.is_active and user.role != Role.CLERK


def can_use_spreadsheet(user: User) -> bool:
    """Clerks and district officers fill in records through the Excel round trip
    (``template_laos`` says for which LAOs)."""
    return user.is_authenticated and user.is_active and user.role in (Role.CLERK, Role.DISTRICT)


def own_lao_id(user: User) -> str | None:
    """The LAO whose record the user fills in and submits (a clerk's own), or None."""
    if user.is_authenticated and user.is_active and user.role == Role.CLERK:
        return user.lao_id
    return None


def can_open_admin_site(user: User) -> bool:
    """Staff, and province officers (who manage their province's users there; what each may
    change is decided per model admin, see ``can_manage_users_in``)."""
    return user.is_active and (user.is_staff or user.role == Role.PROVINCE)


def can_import_registry(user: User) -> bool:
    """Department staff and administrators maintain the LAO registry."""
    return user.is_authenticated and user.is_active and user.role in (Role.DEPARTMENT, Role.ADMIN)


def can_manage_api_tokens(user: User) -> bool:
    """Department staff and administrators issue and revoke API tokens."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.role in (Role.DEPARTMENT, Role.ADMIN) or user.is_superuser)
    )


def can_manage_users_in(user: User, province: Province | None) -> bool:
    """Administrators manage everyone; a province officer manages the users of their province."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    return user.role == Role.PROVINCE and province is not None and province.pk == user.province_id


def scope_key(user: User) -> list:
    """Everything that decides what a user may see: answers cached per user vary by it."""
    return [user.pk, user.role, user.lao_id, user.district_id, user.province_id]


def home_url_name(user: User) -> tuple[str, list[str]]:
    """Where a user lands after logging in: their own scope's page."""
    if user.role == Role.CLERK:
        return "records:lao-overview", [user.lao.code]
    if user.role == Role.DISTRICT:
        return "dashboards:district", [user.district_id]
    if user.role == Role.PROVINCE:
        return "dashboards:province", [user.province_id]
    return "dashboards:national", []


def can_see_key_figures(user: User) -> bool:
    """Officers, department staff and executives read the key figures of every area (LAO-level
    values only within their scope, ``laos_visible_to``); clerks read their own LAO's profile."""
    return user.is_authenticated and user.is_active and user.role != Role.CLERK


def get_visible_or_404(request, queryset: QuerySet, **lookup):
    """The object of ``queryset`` (what the user may see) matching ``lookup``, or 404.

    Out-of-scope objects answer 404 like missing ones, so a guessed address tells nothing; when
    the object does exist outside the user's scope, the security log records a denied access.
    """
    from django.http import Http404

    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        log_if_denied(request, queryset.model, **lookup)
        raise Http404 from None


def log_if_denied(request, model, **lookup) -> None:
    """For a 404 about to be answered (a page's or the API's): if an object of ``model``
    matching ``lookup`` does exist, it is outside the user's scope, and the security log
    records one denied access (who, what, when, from where). A missing object logs nothing."""
    from accounts.security import Kind, security_log

    if model._default_manager.filter(**lookup).exists():
        security_log(
            Kind.DENIED,
            request=request,
            detail=f"{model._meta.label} "
            + ", ".join(f"{key}={value}" for key, value in lookup.items()),
        )


def can_read_security_log(user: User) -> bool:
    """Department staff and administrators read the security log."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.role in (Role.DEPARTMENT, Role.ADMIN) or user.is_superuser)
    )
