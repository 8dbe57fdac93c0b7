"""The access matrix: every URL of the portal, for every persona, inside and outside their scope,
by GET and by POST.

How to read a row: ``MATRIX["records:lao-overview"]`` says how to build the URL for scope A and
scope B, then the status codes each persona gets there: nine codes, one a persona, in the order
of ``matrix_harness.PERSONAS``:

    anonymous, clerk_a, clerk_b, district_officer, other_district_officer, province_officer,
    other_province_officer, department, executive

Scope A is LAO A (clerk_a's) in district 6701 (district_officer's), province 67
(province_officer's); scope B is an LAO in district 8104, province 81 (other_province_officer's).
clerk_b's LAO and other_district_officer's district are neighbours of scope A; nobody but the
department, executives and province 81 may see scope B. The codes that recur are named after
whom they let in (``LAO_A``, ``SCOPE_B``, ``CENTRE``, ...), ``only(persona, code)`` lets one
persona in; the others are spelled out in their row.

How to add a URL: add a row ``"namespace:name": page(url, a=..., b=...)`` for a URL that answers
a POST as it answers a GET, ``action(url, a=..., b=...)`` for one that takes only a POST (a GET
answers 405), ``api_read(url, a=..., b=...)`` for the read-only API (a POST answers 405, 401
without a token), or ``row(url, get_a=..., get_b=..., post_a=..., post_b=...)`` for anything
else. ``url`` is a function of (world, scope) returning the path (use ``reverse`` with the scope's
objects: ``s.lao``, ``s.district``, ``s.province``, ``s.circular``, ``s.attachment``,
``s.notice``, ``s.job``, ``s.token``). A URL without scope takes one string for A and B
(``page(url, codes)``, ``row(url, get=..., post=...)``). Status codes: 200, 302 (to the login
page for anonymous users, or after an action), 400 (a form refused), 401 (the API without a
token), 403, 404 (outside the scope, or absent), 405 (the method is not allowed). A new URL
without a row fails ``test_every_url_has_a_row``. The admin site is one rule
(``test_the_admin_site_refuses_everyone_but_its_people``).

``ACCESS_MATRIX_PRINT=1 pytest -s tests/access -k expected`` prints what every row observes
instead of asserting: a starting point for a new row, to be read line by line (a 200 outside the
scope is a leak, not a row to copy).
"""

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.test import Client, TestCase, override_settings
from django.urls import URLResolver, get_resolver, reverse

from accounts.models import Role
from tests.access.matrix_harness import PERSONAS, build_world, request, url_patterns
from tests.factories import make_personas, make_user

YEAR = 2568


def only(persona: str, code: int) -> str:
    """``persona`` gets ``code``, anonymous users the login page (302), everyone else 404 (as if
    it were not there): a job or a token seen by whoever started it alone."""
    return " ".join(
        "302" if name == "anonymous" else str(code) if name == persona else "404"
        for name in PERSONAS
    )


# Who gets in, as the codes of the nine personas (anonymous first, executive last).
# Every persona once signed in:
SIGNED_IN = "302 200 200 200 200 200 200 200 200"
# LAO A's clerk, its district's and its province's officers, the department and executives:
LAO_A = "302 200 404 200 404 200 404 200 200"
# The same without the clerk:
DISTRICT_A = "302 404 404 200 404 200 404 200 200"
# The same without the district officer:
PROVINCE_A = "302 404 404 404 404 200 404 200 200"
# Anything in scope B: province 81's officer, the department and executives:
SCOPE_B = "302 404 404 404 404 404 200 200 200"
# The department and executives:
CENTRE = "302 404 404 404 404 404 404 200 200"
# The department alone:
DEPARTMENT = only("department", 200)
# No persona at all (scope B's registry import was started by an administrator):
NOBODY = "302 404 404 404 404 404 404 404 404"
# The workflow of a round: the clerk of LAO A acts (acknowledges, submits); its district officer
# reviews and decides; the others who see the LAO may not act (403).
CLERK_A_ACTS = "302 302 404 403 404 403 404 403 403"
DISTRICT_A_REVIEWS = "302 403 404 200 404 403 404 403 403"
DISTRICT_A_DECIDES = "302 403 404 302 404 403 404 403 403"
# Those who see scope B may not act in it:
SCOPE_B_LOOKS_ONLY = "302 404 404 404 404 404 403 403 403"
# Everyone is sent on: to the login page, or where the URL leads.
REDIRECTED = "302 302 302 302 302 302 302 302 302"
# A GET of a URL that takes only a POST: the login page first, then 405.
GET_NOT_ALLOWED = "302 405 405 405 405 405 405 405 405"
# A POST to the read-only API: the token first (401), then 405.
API_POST = "401 405 405 405 405 405 405 405 405"


@dataclass
class Row:
    url: Callable
    get_a: str
    get_b: str
    post_a: str
    post_b: str
    api: bool = False
    scoped: bool = True


def row(url, *, get=None, post=None, get_a=None, get_b=None, post_a=None, post_b=None, api=False):
    """A row of the matrix; ``get``/``post`` when scope makes no difference."""
    return Row(
        url=url if callable(url) else (lambda w, s, _url=url: _url),
        get_a=get_a or get,
        get_b=get_b or get_a or get,
        post_a=post_a or post,
        post_b=post_b or post_a or post,
        api=api,
        scoped=get is None,
    )


def page(url, codes=None, *, a=None, b=None) -> Row:
    """A URL that answers a POST as it answers a GET: ``codes`` for both scopes, or ``a`` and
    ``b``."""
    return row(url, get=codes, post=codes, get_a=a, get_b=b, post_a=a, post_b=b)


def action(url, codes=None, *, a=None, b=None) -> Row:
    """A URL that takes only a POST: ``codes`` (or ``a`` and ``b``) for a POST; a GET is sent to
    the login page, or answers 405."""
    if codes is not None:
        return row(url, get=GET_NOT_ALLOWED, post=codes)
    return row(url, get_a=GET_NOT_ALLOWED, post_a=a, post_b=b)


def api_read(url, codes=None, *, a=None, b=None) -> Row:
    """A URL of the read-only API, asked with each persona's token: ``codes`` (or ``a`` and ``b``)
    for a GET; a POST answers 405 (401 without a token)."""
    return row(url, get=codes, get_a=a, get_b=b, post=API_POST, api=True)


def r(name: str, *args, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def lao(name: str, *extra) -> Callable:
    return lambda w, s: r(name, s.lao.code, *extra)


def district(name: str) -> Callable:
    return lambda w, s: r(name, s.district)


def province(name: str) -> Callable:
    return lambda w, s: r(name, s.province)


def participant(name: str) -> Callable:
    return lambda w, s: r(name, w.round.pk, s.lao.code)


MATRIX: dict[str, Row] = {
    "home": page("/", REDIRECTED),
    "healthz": row(
        "/healthz",
        get="200 200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405 405",
    ),
    "accounts:login": page(r("accounts:login"), "200 302 302 302 302 302 302 302 302"),
    "accounts:logout": row(
        r("accounts:logout"), get="405 405 405 405 405 405 405 405 405", post=REDIRECTED
    ),
    "accounts:password-change": page(r("accounts:password-change"), SIGNED_IN),
    "accounts:password-changed": row(
        r("accounts:password-changed"), get=SIGNED_IN, post=GET_NOT_ALLOWED
    ),
    "security:log": page(r("security:log"), DEPARTMENT),
    "set_language": page(r("set_language"), REDIRECTED),
    "records:registry-import": page(r("records:registry-import"), DEPARTMENT),
    "records:registry-import-job": page(
        lambda w, s: r("records:registry-import-job", s.registry_job), a=DEPARTMENT, b=NOBODY
    ),
    "records:registry-import-job-retry": action(
        lambda w, s: r("records:registry-import-job-retry", s.registry_job),
        a=only("department", 302),
        b=NOBODY,
    ),
    "records:registry-import-check": page(
        lambda w, s: r("records:registry-import-check", s.registry_check), a=DEPARTMENT, b=NOBODY
    ),
    "records:spreadsheet-job": page(
        lambda w, s: r("records:spreadsheet-job", s.template_job),
        a=only("clerk_a", 200),
        b=only("clerk_b", 200),
    ),
    "records:spreadsheet-job-retry": action(
        lambda w, s: r("records:spreadsheet-job-retry", s.template_job),
        a=only("clerk_a", 302),
        b=only("clerk_b", 302),
    ),
    "records:registry-import-confirm": action(
        r("records:registry-import-confirm"), only("department", 302)
    ),
    "records:spreadsheet": page(r("records:spreadsheet"), "302 200 200 200 200 404 404 404 404"),
    "records:spreadsheet-confirm": action(
        r("records:spreadsheet-confirm"), "302 302 302 302 302 404 404 404 404"
    ),
    "records:spreadsheet-template": page(
        lambda w, s: r("records:spreadsheet-template", YEAR, query=f"lao={s.lao.code}"),
        a="302 200 404 200 404 404 404 404 404",
        b=NOBODY,
    ),
    "records:lao-search": page(r("records:lao-search"), SIGNED_IN),
    "records:lao-overview": page(lao("records:lao-overview"), a=LAO_A, b=SCOPE_B),
    "records:history": page(lao("records:history", YEAR), a=LAO_A, b=SCOPE_B),
    "records:section-edit": row(
        lao("records:section-edit", YEAR, "population"),
        get_a=LAO_A,
        get_b=SCOPE_B,
        post_a="302 200 404 403 404 403 404 403 403",
        post_b=SCOPE_B_LOOKS_ONLY,
    ),
    "deadlines:notices": page(r("deadlines:notices"), SIGNED_IN),
    "deadlines:notices-read": action(r("deadlines:notices-read"), REDIRECTED),
    "deadlines:notice-read": action(
        lambda w, s: r("deadlines:notice-read", s.notice.pk),
        a=only("clerk_a", 302),
        b=only("other_province_officer", 302),
    ),
    "deadlines:circulars": page(r("deadlines:circulars"), SIGNED_IN),
    "deadlines:circular-new": page(
        r("deadlines:circular-new"), "302 404 404 200 200 200 200 200 404"
    ),
    "deadlines:circular": page(
        lambda w, s: r("deadlines:circular", s.circular.pk),
        a="302 200 200 200 200 200 404 200 200",
        b=SCOPE_B,
    ),
    "deadlines:attachment": page(
        lambda w, s: r("deadlines:attachment", s.circular.pk, s.attachment.pk),
        a="302 200 200 200 200 200 404 200 200",
        b=SCOPE_B,
    ),
    "deadlines:round": page(lambda w, s: r("deadlines:round", w.round.pk), SIGNED_IN),
    "deadlines:participant": page(participant("deadlines:participant"), a=LAO_A, b=SCOPE_B),
    "deadlines:acknowledge": action(
        participant("deadlines:acknowledge"), a=CLERK_A_ACTS, b=SCOPE_B_LOOKS_ONLY
    ),
    "deadlines:submit": action(
        participant("deadlines:submit"), a=CLERK_A_ACTS, b=SCOPE_B_LOOKS_ONLY
    ),
    "deadlines:review": page(
        participant("deadlines:review"), a=DISTRICT_A_REVIEWS, b=SCOPE_B_LOOKS_ONLY
    ),
    "deadlines:approve-many": action(
        lambda w, s: r("deadlines:approve-many", w.round.pk), REDIRECTED
    ),
    "deadlines:approve": action(
        participant("deadlines:approve"), a=DISTRICT_A_DECIDES, b=SCOPE_B_LOOKS_ONLY
    ),
    "deadlines:return": action(
        participant("deadlines:return"), a=DISTRICT_A_DECIDES, b=SCOPE_B_LOOKS_ONLY
    ),
    "deadlines:exception": action(
        participant("deadlines:exception"), a=DISTRICT_A_DECIDES, b=SCOPE_B_LOOKS_ONLY
    ),
    "deadlines:reminder-letter": page(
        participant("deadlines:reminder-letter"), a=DISTRICT_A_REVIEWS, b=SCOPE_B_LOOKS_ONLY
    ),
    "dashboards:district": page(district("dashboards:district"), a=DISTRICT_A, b=SCOPE_B),
    "dashboards:province-remind": page(
        province("dashboards:province-remind"),
        a="302 404 404 404 404 404 404 403 403",
        b="302 404 404 404 404 404 404 403 403",
    ),
    "dashboards:district-remind": page(
        district("dashboards:district-remind"),
        a="302 404 404 404 404 403 404 403 403",
        b=SCOPE_B_LOOKS_ONLY,
    ),
    "dashboards:district-progress": page(
        district("dashboards:district-progress"), a=DISTRICT_A, b=SCOPE_B
    ),
    "dashboards:province": page(province("dashboards:province"), a=PROVINCE_A, b=SCOPE_B),
    "dashboards:province-progress": page(
        province("dashboards:province-progress"), a=PROVINCE_A, b=SCOPE_B
    ),
    "dashboards:national": page(r("dashboards:national"), CENTRE),
    "dashboards:national-progress": page(r("dashboards:national-progress"), CENTRE),
    "dashboards:fields": page(r("dashboards:fields"), CENTRE),
    "dashboards:field": page(r("dashboards:field", "population_total"), CENTRE),
    "exports:records": page(
        lambda w, s: r("exports:records", query=f"format=csv&province={s.province}"),
        a=PROVINCE_A,
        b=SCOPE_B,
    ),
    "exports:job": page(
        lambda w, s: r("exports:job", s.job),
        a=only("district_officer", 200),
        b=only("other_province_officer", 200),
    ),
    "exports:job-download": page(
        lambda w, s: r("exports:job-download", s.job),
        a=only("district_officer", 200),
        b=only("other_province_officer", 200),
    ),
    "exports:job-retry": action(
        lambda w, s: r("exports:job-retry", s.job),
        a=only("district_officer", 302),
        b=only("other_province_officer", 302),
    ),
    "exports:province-report": page(province("exports:province-report"), a=PROVINCE_A, b=SCOPE_B),
    "figures:index": page(
        lambda w, s: r("figures:index", query=f"district={s.district}"),
        a="302 302 302 200 200 200 200 200 200",
        b="302 302 302 200 200 200 200 200 200",
    ),
    "figures:indicator": page(
        lambda w, s: r("figures:indicator", "population", query=f"province={s.province}"),
        a="302 404 404 200 200 200 200 200 200",
        b="302 404 404 200 200 200 200 200 200",
    ),
    "figures:lao": page(lao("figures:lao"), a=LAO_A, b=SCOPE_B),
    "api:laos": api_read(r("api:laos"), "401 200 200 200 200 200 200 200 200"),
    "api:lao": api_read(
        lao("api:lao"),
        a="401 200 404 200 404 200 404 200 200",
        b="401 404 404 404 404 404 200 200 200",
    ),
    "api:completeness": api_read(
        lambda w, s: r("api:completeness", query=f"level=district&parent={s.province}"),
        a="401 404 404 404 404 200 404 200 200",
        b="401 404 404 404 404 404 200 200 200",
    ),
    "api:circulars": api_read(r("api:circulars"), "401 200 200 200 200 200 200 200 200"),
    "api:indicators": api_read(r("api:indicators"), "401 200 200 200 200 200 200 200 200"),
    "api:indicator-values": api_read(
        r("api:indicator-values", "population"), "401 400 400 400 400 400 400 400 400"
    ),
    "api:changes": api_read(r("api:changes"), "401 200 200 200 200 200 200 200 200"),
    "api:openapi": row(
        r("api:openapi"),
        get="200 200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api:docs": row(
        r("api:docs"),
        get="200 200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api/v1/^.*$": row(
        "/api/v1/no-such-thing/",
        get="404 404 404 404 404 404 404 404 404",
        post="404 404 404 404 404 404 404 404 404",
        api=True,
    ),
    "api-pages:tokens": page(r("api-pages:tokens"), DEPARTMENT),
    "api-pages:token-revoke": action(
        lambda w, s: r("api-pages:token-revoke", s.token.pk),
        a=only("department", 302),
        b=only("department", 302),
    ),
    "api-pages:open-data": row(
        r("api-pages:open-data", "csv"),
        get="404 404 404 404 404 404 404 404 404",
        post="405 405 405 405 405 405 405 405 405",
    ),
    "_errors/403/": page("/_errors/403/", "403 403 403 403 403 403 403 403 403"),
    "_errors/404/": page("/_errors/404/", "404 404 404 404 404 404 404 404 404"),
    "_errors/500/": page("/_errors/500/", "500 500 500 500 500 500 500 500 500"),
}


@override_settings(OPEN_DATA_FEED=False)
class AccessMatrixTestCase(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.media = Path(tempfile.mkdtemp())
        cls._media = override_settings(MEDIA_ROOT=cls.media)
        cls._media.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._media.disable()

    @classmethod
    def setUpTestData(cls):
        cls.world = build_world(cls.media)

    def clients(self) -> dict[str, Client]:
        clients = {"anonymous": Client()}
        for persona in PERSONAS[1:]:
            clients[persona] = Client()
            clients[persona].force_login(getattr(self.world, persona))
        return clients

    def observe(self, entry: Row, method: str, scope: str, clients) -> str:
        url = entry.url(self.world, self.world.scopes[scope])
        codes = []
        for persona in PERSONAS:
            key = self.world.api_keys.get(persona) if entry.api else None
            client = clients[persona]
            codes.append(str(request(client, method, url, api_key=key)))
            if persona != "anonymous" and "_auth_user_id" not in client.session:
                client.force_login(getattr(self.world, persona))  # after the logout URL
        return " ".join(codes)

    def test_every_url_has_a_row(self):
        missing = sorted(set(url_patterns()) - set(MATRIX) - {"admin"})
        self.assertEqual(missing, [], "URLs without a row in tests/access/test_access_matrix.py")
        stale = sorted(set(MATRIX) - set(url_patterns()))
        self.assertEqual(stale, [], "rows for URLs that no longer exist")

    def test_every_persona_gets_the_expected_answer_for_every_url(self):
        clients = self.clients()
        printing = os.environ.get("ACCESS_MATRIX_PRINT")
        for name, entry in MATRIX.items():
            for method in ("GET", "POST"):
                for scope in ("A", "B") if entry.scoped else ("A",):
                    expected = getattr(entry, f"{method.lower()}_{scope.lower()}")
                    observed = self.observe(entry, method, scope, clients)
                    if printing:
                        print(f"ROW {name} {method} {scope} {observed}")
                        continue
                    with self.subTest(url=name, method=method, scope=scope):
                        self.assertEqual(observed, expected, "  ".join(PERSONAS))


def admin_paths() -> list[str]:
    """Every page of the admin site, with "1" for an object's id and the first app for an app's
    page."""
    paths = []

    def walk(resolver, prefix):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                walk(pattern, route)
                continue
            route = re.sub(r"<(?:\w+:)?\w+>", "1", route)
            route = re.sub(r"\(\?P<\w+>([\w]+)[^)]*\)", r"\1", route)
            paths.append("/" + route)

    admin = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "admin")
    walk(admin, str(admin.pattern))
    return sorted(set(paths))


class AdminSiteMatrixTestCase(TestCase):
    """The admin site as one rule: anonymous users and everyone without admin rights are sent to
    the admin's login page (or refused); administrators get in; province officers get in to manage
    their province's users only (tests/accounts/test_admin.py says what they may change)."""

    @classmethod
    def setUpTestData(cls):
        cls.people = make_personas()
        cls.admin = make_user("root", Role.ADMIN, is_staff=True, is_superuser=True)

    def test_the_admin_site_refuses_everyone_but_its_people(self):
        paths = admin_paths()
        self.assertIn("/admin/", paths)
        self.assertIn("/admin/accounts/user/", paths)
        outsiders = [None] + [
            self.people[name] for name in PERSONAS[1:] if name != "province_officer"
        ]
        outsiders.remove(self.people["other_province_officer"])
        for user in outsiders:
            client = Client()
            if user is not None:
                client.force_login(user)
            for path in paths:
                for method in ("get", "post"):
                    with self.subTest(user=str(user), path=path, method=method):
                        response = getattr(client, method)(path)
                        if path == "/admin/login/":  # open to all: the form, or its errors
                            self.assertEqual(response.status_code, 200)
                        elif path == "/admin/logout/":
                            # Logging out of the admin is Django's logout: anyone may.
                            self.assertIn(response.status_code, (200, 302, 405))
                            if user is not None:
                                client.force_login(user)
                        elif response.status_code == 302:
                            self.assertTrue(response["Location"].startswith("/admin/login/"))
                        else:
                            self.assertIn(response.status_code, (403, 404), response.status_code)
        for user, index, users in (
            (self.admin, 200, 200),
            (self.people["province_officer"], 200, 200),
        ):
            client = Client()
            client.force_login(user)
            self.assertEqual(client.get("/admin/").status_code, index)
            self.assertEqual(client.get("/admin/accounts/user/").status_code, users)
        client.force_login(self.people["province_officer"])
        self.assertEqual(client.get("/admin/records/lao/").status_code, 403)
