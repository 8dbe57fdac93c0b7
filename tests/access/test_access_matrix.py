"""The access matrix: every URL of the portal, for every persona, inside and outside their scope,
by GET and by POST.

How to read a row: ``MATRIX["records:lao-overview"]`` says how to build the URL for scope A and
scope B (``url``), then the status codes each persona gets, in the order of
``matrix_harness.PERSONAS``:

    anonymous, clerk_a, clerk_b, district_officer, other_district_officer, province_officer,
    other_province_officer, department, executive

Scope A is LAO A (clerk_a's) in district 6701 (district_officer's), province 67
(province_officer's); scope B is an LAO in district 8104, province 81 (other_province_officer's).
clerk_b's LAO and other_district_officer's district are neighbours of scope A; nobody but the
department, executives and province 81 may see scope B.

How to add a URL: add a row ``"namespace:name": row(url=..., get_a=..., get_b=..., post_a=...,
post_b=...)``; ``url`` is a function of (world, scope) returning the path (use ``reverse`` with
the scope's objects: ``s.lao``, ``s.district``, ``s.province``, ``s.circular``, ``s.attachment``,
``s.notice``, ``s.job``, ``s.token``). A URL without scope takes only ``get``/``post`` (the same
for A and B). Status codes: 200, 302 (to the login page for anonymous users, or after an action),
400 (a form refused), 401 (the API without a token), 403, 404 (outside the scope, or absent),
405 (the method is not allowed). A new URL without a row fails ``test_every_url_has_a_row``.
The admin site is one rule (``test_the_admin_site_refuses_everyone_but_its_people``).

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


def r(name: str, *args, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def lao(name: str, *extra) -> Callable:
    return lambda w, s: r(name, s.lao.code, *extra)


def participant(name: str) -> Callable:
    return lambda w, s: r(name, w.round.pk, s.lao.code)


MATRIX: dict[str, Row] = {
    "home": row(
        "/", get="302 302 302 302 302 302 302 302 302", post="302 302 302 302 302 302 302 302 302"
    ),
    "healthz": row(
        "/healthz",
        get="200 200 200 200 200 200 200 200 200",
        post="405 405 405 405 405 405 405 405 405",
    ),
    "accounts:login": row(
        r("accounts:login"),
        get="200 302 302 302 302 302 302 302 302",
        post="200 302 302 302 302 302 302 302 302",
    ),
    "accounts:logout": row(
        r("accounts:logout"),
        get="405 405 405 405 405 405 405 405 405",
        post="302 302 302 302 302 302 302 302 302",
    ),
    "accounts:password-change": row(
        r("accounts:password-change"),
        get="302 200 200 200 200 200 200 200 200",
        post="302 200 200 200 200 200 200 200 200",
    ),
    "accounts:password-changed": row(
        r("accounts:password-changed"),
        get="302 200 200 200 200 200 200 200 200",
        post="302 405 405 405 405 405 405 405 405",
    ),
    "security:log": row(
        r("security:log"),
        get="302 404 404 404 404 404 404 200 404",
        post="302 404 404 404 404 404 404 200 404",
    ),
    "set_language": row(
        r("set_language"),
        get="302 302 302 302 302 302 302 302 302",
        post="302 302 302 302 302 302 302 302 302",
    ),
    "records:registry-import": row(
        r("records:registry-import"),
        get="302 404 404 404 404 404 404 200 404",
        post="302 404 404 404 404 404 404 200 404",
    ),
    "records:registry-import-job": row(
        lambda w, s: r("records:registry-import-job", s.registry_job),
        get_a="302 404 404 404 404 404 404 200 404",
        get_b="302 404 404 404 404 404 404 404 404",
        post_a="302 404 404 404 404 404 404 200 404",
        post_b="302 404 404 404 404 404 404 404 404",
    ),
    "records:registry-import-job-retry": row(
        lambda w, s: r("records:registry-import-job-retry", s.registry_job),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 404 404 404 404 404 404 302 404",
        post_b="302 404 404 404 404 404 404 404 404",
    ),
    "records:registry-import-check": row(
        lambda w, s: r("records:registry-import-check", s.registry_check),
        get_a="302 404 404 404 404 404 404 200 404",
        get_b="302 404 404 404 404 404 404 404 404",
        post_a="302 404 404 404 404 404 404 200 404",
        post_b="302 404 404 404 404 404 404 404 404",
    ),
    "records:spreadsheet-job": row(
        lambda w, s: r("records:spreadsheet-job", s.template_job),
        get_a="302 200 404 404 404 404 404 404 404",
        get_b="302 404 200 404 404 404 404 404 404",
        post_a="302 200 404 404 404 404 404 404 404",
        post_b="302 404 200 404 404 404 404 404 404",
    ),
    "records:spreadsheet-job-retry": row(
        lambda w, s: r("records:spreadsheet-job-retry", s.template_job),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 302 404 404 404 404 404 404 404",
        post_b="302 404 302 404 404 404 404 404 404",
    ),
    "records:registry-import-confirm": row(
        r("records:registry-import-confirm"),
        get="302 405 405 405 405 405 405 405 405",
        post="302 404 404 404 404 404 404 302 404",
    ),
    "records:spreadsheet": row(
        r("records:spreadsheet"),
        get="302 200 200 200 200 404 404 404 404",
        post="302 200 200 200 200 404 404 404 404",
    ),
    "records:spreadsheet-confirm": row(
        r("records:spreadsheet-confirm"),
        get="302 405 405 405 405 405 405 405 405",
        post="302 302 302 302 302 404 404 404 404",
    ),
    "records:spreadsheet-template": row(
        lambda w, s: r("records:spreadsheet-template", YEAR, query=f"lao={s.lao.code}"),
        get_a="302 200 404 200 404 404 404 404 404",
        get_b="302 404 404 404 404 404 404 404 404",
        post_a="302 200 404 200 404 404 404 404 404",
        post_b="302 404 404 404 404 404 404 404 404",
    ),
    "records:lao-search": row(
        r("records:lao-search"),
        get="302 200 200 200 200 200 200 200 200",
        post="302 200 200 200 200 200 200 200 200",
    ),
    "records:lao-overview": row(
        lao("records:lao-overview"),
        get_a="302 200 404 200 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 200 404 200 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "records:history": row(
        lao("records:history", YEAR),
        get_a="302 200 404 200 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 200 404 200 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "records:section-edit": row(
        lao("records:section-edit", YEAR, "population"),
        get_a="302 200 404 200 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 200 404 403 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "deadlines:notices": row(
        r("deadlines:notices"),
        get="302 200 200 200 200 200 200 200 200",
        post="302 200 200 200 200 200 200 200 200",
    ),
    "deadlines:notices-read": row(
        r("deadlines:notices-read"),
        get="302 405 405 405 405 405 405 405 405",
        post="302 302 302 302 302 302 302 302 302",
    ),
    "deadlines:notice-read": row(
        lambda w, s: r("deadlines:notice-read", s.notice.pk),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 302 404 404 404 404 404 404 404",
        post_b="302 404 404 404 404 404 302 404 404",
    ),
    "deadlines:circulars": row(
        r("deadlines:circulars"),
        get="302 200 200 200 200 200 200 200 200",
        post="302 200 200 200 200 200 200 200 200",
    ),
    "deadlines:circular-new": row(
        r("deadlines:circular-new"),
        get="302 404 404 200 200 200 200 200 404",
        post="302 404 404 200 200 200 200 200 404",
    ),
    "deadlines:circular": row(
        lambda w, s: r("deadlines:circular", s.circular.pk),
        get_a="302 200 200 200 200 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 200 200 200 200 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "deadlines:attachment": row(
        lambda w, s: r("deadlines:attachment", s.circular.pk, s.attachment.pk),
        get_a="302 200 200 200 200 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 200 200 200 200 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "deadlines:round": row(
        lambda w, s: r("deadlines:round", w.round.pk),
        get="302 200 200 200 200 200 200 200 200",
        post="302 200 200 200 200 200 200 200 200",
    ),
    "deadlines:participant": row(
        participant("deadlines:participant"),
        get_a="302 200 404 200 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 200 404 200 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "deadlines:acknowledge": row(
        participant("deadlines:acknowledge"),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 302 404 403 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "deadlines:submit": row(
        participant("deadlines:submit"),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 302 404 403 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "deadlines:review": row(
        participant("deadlines:review"),
        get_a="302 403 404 200 404 403 404 403 403",
        get_b="302 404 404 404 404 404 403 403 403",
        post_a="302 403 404 200 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "deadlines:approve-many": row(
        lambda w, s: r("deadlines:approve-many", w.round.pk),
        get="302 405 405 405 405 405 405 405 405",
        post="302 302 302 302 302 302 302 302 302",
    ),
    "deadlines:approve": row(
        participant("deadlines:approve"),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 403 404 302 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "deadlines:return": row(
        participant("deadlines:return"),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 403 404 302 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "deadlines:exception": row(
        participant("deadlines:exception"),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 403 404 302 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "deadlines:reminder-letter": row(
        participant("deadlines:reminder-letter"),
        get_a="302 403 404 200 404 403 404 403 403",
        get_b="302 404 404 404 404 404 403 403 403",
        post_a="302 403 404 200 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "dashboards:district": row(
        lambda w, s: r("dashboards:district", s.district),
        get_a="302 404 404 200 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 404 404 200 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "dashboards:province-remind": row(
        lambda w, s: r("dashboards:province-remind", s.province),
        get_a="302 404 404 404 404 404 404 403 403",
        get_b="302 404 404 404 404 404 404 403 403",
        post_a="302 404 404 404 404 404 404 403 403",
        post_b="302 404 404 404 404 404 404 403 403",
    ),
    "dashboards:district-remind": row(
        lambda w, s: r("dashboards:district-remind", s.district),
        get_a="302 404 404 404 404 403 404 403 403",
        get_b="302 404 404 404 404 404 403 403 403",
        post_a="302 404 404 404 404 403 404 403 403",
        post_b="302 404 404 404 404 404 403 403 403",
    ),
    "dashboards:district-progress": row(
        lambda w, s: r("dashboards:district-progress", s.district),
        get_a="302 404 404 200 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 404 404 200 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "dashboards:province": row(
        lambda w, s: r("dashboards:province", s.province),
        get_a="302 404 404 404 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 404 404 404 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "dashboards:province-progress": row(
        lambda w, s: r("dashboards:province-progress", s.province),
        get_a="302 404 404 404 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 404 404 404 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "dashboards:national": row(
        r("dashboards:national"),
        get="302 404 404 404 404 404 404 200 200",
        post="302 404 404 404 404 404 404 200 200",
    ),
    "dashboards:national-progress": row(
        r("dashboards:national-progress"),
        get="302 404 404 404 404 404 404 200 200",
        post="302 404 404 404 404 404 404 200 200",
    ),
    "dashboards:fields": row(
        r("dashboards:fields"),
        get="302 404 404 404 404 404 404 200 200",
        post="302 404 404 404 404 404 404 200 200",
    ),
    "dashboards:field": row(
        r("dashboards:field", "population_total"),
        get="302 404 404 404 404 404 404 200 200",
        post="302 404 404 404 404 404 404 200 200",
    ),
    "exports:records": row(
        lambda w, s: r("exports:records", query=f"format=csv&province={s.province}"),
        get_a="302 404 404 404 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 404 404 404 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "exports:job": row(
        lambda w, s: r("exports:job", s.job),
        get_a="302 404 404 200 404 404 404 404 404",
        get_b="302 404 404 404 404 404 200 404 404",
        post_a="302 404 404 200 404 404 404 404 404",
        post_b="302 404 404 404 404 404 200 404 404",
    ),
    "exports:job-download": row(
        lambda w, s: r("exports:job-download", s.job),
        get_a="302 404 404 200 404 404 404 404 404",
        get_b="302 404 404 404 404 404 200 404 404",
        post_a="302 404 404 200 404 404 404 404 404",
        post_b="302 404 404 404 404 404 200 404 404",
    ),
    "exports:job-retry": row(
        lambda w, s: r("exports:job-retry", s.job),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 404 404 302 404 404 404 404 404",
        post_b="302 404 404 404 404 404 302 404 404",
    ),
    "exports:province-report": row(
        lambda w, s: r("exports:province-report", s.province),
        get_a="302 404 404 404 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 404 404 404 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "figures:index": row(
        lambda w, s: r("figures:index", query=f"district={s.district}"),
        get_a="302 302 302 200 200 200 200 200 200",
        get_b="302 302 302 200 200 200 200 200 200",
        post_a="302 302 302 200 200 200 200 200 200",
        post_b="302 302 302 200 200 200 200 200 200",
    ),
    "figures:indicator": row(
        lambda w, s: r("figures:indicator", "population", query=f"province={s.province}"),
        get_a="302 404 404 200 200 200 200 200 200",
        get_b="302 404 404 200 200 200 200 200 200",
        post_a="302 404 404 200 200 200 200 200 200",
        post_b="302 404 404 200 200 200 200 200 200",
    ),
    "figures:lao": row(
        lao("figures:lao"),
        get_a="302 200 404 200 404 200 404 200 200",
        get_b="302 404 404 404 404 404 200 200 200",
        post_a="302 200 404 200 404 200 404 200 200",
        post_b="302 404 404 404 404 404 200 200 200",
    ),
    "api:laos": row(
        r("api:laos"),
        get="401 200 200 200 200 200 200 200 200",
        post="401 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api:lao": row(
        lao("api:lao"),
        get_a="401 200 404 200 404 200 404 200 200",
        get_b="401 404 404 404 404 404 200 200 200",
        post_a="401 405 405 405 405 405 405 405 405",
        post_b="401 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api:completeness": row(
        lambda w, s: r("api:completeness", query=f"level=district&parent={s.province}"),
        get_a="401 404 404 404 404 200 404 200 200",
        get_b="401 404 404 404 404 404 200 200 200",
        post_a="401 405 405 405 405 405 405 405 405",
        post_b="401 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api:circulars": row(
        r("api:circulars"),
        get="401 200 200 200 200 200 200 200 200",
        post="401 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api:indicators": row(
        r("api:indicators"),
        get="401 200 200 200 200 200 200 200 200",
        post="401 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api:indicator-values": row(
        r("api:indicator-values", "population"),
        get="401 400 400 400 400 400 400 400 400",
        post="401 405 405 405 405 405 405 405 405",
        api=True,
    ),
    "api:changes": row(
        r("api:changes"),
        get="401 200 200 200 200 200 200 200 200",
        post="401 405 405 405 405 405 405 405 405",
        api=True,
    ),
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
    "api-pages:tokens": row(
        r("api-pages:tokens"),
        get="302 404 404 404 404 404 404 200 404",
        post="302 404 404 404 404 404 404 200 404",
    ),
    "api-pages:token-revoke": row(
        lambda w, s: r("api-pages:token-revoke", s.token.pk),
        get_a="302 405 405 405 405 405 405 405 405",
        get_b="302 405 405 405 405 405 405 405 405",
        post_a="302 404 404 404 404 404 404 302 404",
        post_b="302 404 404 404 404 404 404 302 404",
    ),
    "api-pages:open-data": row(
        r("api-pages:open-data", "csv"),
        get="404 404 404 404 404 404 404 404 404",
        post="405 405 405 405 405 405 405 405 405",
    ),
    "_errors/403/": row(
        "/_errors/403/",
        get="403 403 403 403 403 403 403 403 403",
        post="403 403 403 403 403 403 403 403 403",
    ),
    "_errors/404/": row(
        "/_errors/404/",
        get="404 404 404 404 404 404 404 404 404",
        post="404 404 404 404 404 404 404 404 404",
    ),
    "_errors/500/": row(
        "/_errors/500/",
        get="500 500 500 500 500 500 500 500 500",
        post="500 500 500 500 500 500 500 500 500",
    ),
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
