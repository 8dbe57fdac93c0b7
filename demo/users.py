"""The demo users of README.md ("Demo logins"), one for each role, all with the public
password demo-2555.

They are made only with DEBUG on: anyone who has read the README knows the password. The clerk
works for the first SAO of Mueang Phetchabun, which the district officer oversees; clerk-town
works for the first town municipality (ทม.) of the province, which the province officer oversees
itself (docs/supervision.md), so each officer has a clerk to return a record to. Province 67
(the province of the demo circulars, demo/rounds.py) must be in the registry first.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from demo import DemoSeedError
from records.models import LAO, District, Province

DEMO_PASSWORD = "demo-2555"
DEMO_PROVINCE = "67"  # Phetchabun: the province of the demo circulars (demo/rounds.py)
DEMO_DISTRICT = "6701"  # Mueang Phetchabun

DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("clerk", Role.CLERK, "สมศรี", "ใจดี"),
    ("clerk-town", Role.CLERK, "มาลี", "ทองดี"),
    ("district", Role.DISTRICT, "ประเสริฐ", "วงศ์สวัสดิ์"),
    ("province", Role.PROVINCE, "วิไลวรรณ", "ศรีสุข"),
    ("department", Role.DEPARTMENT, "ธนพล", "รัตนพันธ์"),
    ("executive", Role.EXECUTIVE, "สุรชัย", "บุญมา"),
    ("admin", Role.ADMIN, "อรุณี", "แก้วมณี"),
)
DEMO_EMAIL_DOMAIN = "example.go.th"


@dataclass
class DemoLogin:
    username: str
    role: str
    scope: str
    password: str


@dataclass
class UsersSeedResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


@transaction.atomic
def demo_users_seed(*, password: str = DEMO_PASSWORD) -> UsersSeedResult:
    """Creates or resets the demo users of README.md, one for each role.

    Refuses with DEBUG off: the demo password is public. The clerk's LAO is the first SAO (by
    code) of Mueang Phetchabun, so province 67 must be seeded first. A re-run resets passwords,
    names and scopes and duplicates nothing.
    """
    if not settings.DEBUG:
        raise DemoSeedError(_("refusing to create demo users with DEBUG off"))
    clerk_lao = (
        LAO.objects.filter(district_id=DEMO_DISTRICT, type=LAO.Type.SAO).order_by("code").first()
    )
    town_lao = (
        LAO.objects.filter(district__province_id=DEMO_PROVINCE, type=LAO.Type.TOWN)
        .order_by("code")
        .first()
    )
    if clerk_lao is None or town_lao is None:
        raise DemoSeedError(
            _("The demo clerk needs an SAO in district %(district)s: seed province %(province)s.")
            % {"district": DEMO_DISTRICT, "province": DEMO_PROVINCE}
        )
    scopes = {
        "clerk": {"lao": clerk_lao},
        "clerk-town": {"lao": town_lao},
        "district": {"district": District.objects.get(code=DEMO_DISTRICT)},
        "province": {"province": Province.objects.get(code=DEMO_PROVINCE)},
    }

    User = get_user_model()
    existing = {
        user.username: user
        for user in User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).select_related(
            "lao", "district", "province"
        )
    }
    # Hashing is slow on purpose (~0.3 s); the demo users share one hash of the public password,
    # and each distinct stored hash is checked once.
    verified: dict[str, bool] = {}
    encoded: str | None = None
    result = UsersSeedResult()
    for username, role, first_name, last_name in DEMO_USERS:
        wanted = {
            "role": role,
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
            "is_active": True,
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
            "lao": None,
            "district": None,
            "province": None,
            **scopes.get(username, {}),
        }
        user = existing.get(username)
        if user is None:
            user = User(username=username, **wanted)
            changed = True
        else:
            changed = False
            for name, value in wanted.items():
                if getattr(user, name) != value:
                    setattr(user, name, value)
                    changed = True
        if user.password not in verified:
            verified[user.password] = bool(user.password) and check_password(
                password, user.password
            )
        if not verified[user.password]:
            encoded = encoded or make_password(password)
            user.password = encoded
            changed = True
        if user.pk is None:
            user.save()
            result.created.append(username)
        elif changed:
            user.save()
            result.updated.append(username)
        else:
            result.unchanged.append(username)
        result.logins.append(
            DemoLogin(
                username=username,
                role=str(Role(role).label),
                scope=user.scope_label,
                password=password,
            )
        )
    return result
