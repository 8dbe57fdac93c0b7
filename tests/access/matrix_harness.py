"""The access matrix's machinery: the people, the objects in scope A and scope B, and one request.

Scope A is LAO A (อบต.นาป่า) in district 6701, province 67; scope B is an LAO in district 8104,
province 81 (Krabi). See tests/access/test_access_matrix.py for the table itself.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role
from api.services import token_issue
from dashboards import export_jobs
from deadlines.models import Circular, Reminder
from lgdata.models import Job
from records import tasks as registry_tasks
from records.models import Province
from tests.factories import (
    PERSONA_NAMES,
    POPULATION,
    fill_section,
    forward_letter,
    make_personas,
    make_round,
    make_user,
)

# The order of the columns in every row of the matrix.
PERSONAS = ("anonymous", *PERSONA_NAMES)
PDF = b"%PDF-1.4\n%%EOF\n"


def url_patterns() -> dict[str, str]:
    """Every pattern of the URL configuration as {name: route}, namespaced ("records:history");
    an unnamed pattern is keyed by its route. The admin site is one entry, "admin"."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                if inner == "admin":
                    found["admin"] = route
                    continue
                full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                walk(pattern, route, full)
            elif isinstance(pattern, URLPattern):
                key = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found[key if pattern.name else route] = route

    walk(get_resolver(), "", "")
    return found


@dataclass
class Scope:
    lao: object
    district: str
    province: str
    circular: Circular
    attachment: object
    notice: Reminder
    job: str
    token: object
    registry_job: str
    registry_check: str
    template_job: str


def _letter(province: str, reference: str, by, forwards: Circular) -> Circular:
    """A province's letter forwarding the department's circular."""
    return forward_letter(
        forwards,
        Province.objects.get(code=province),
        reference=reference,
        date=datetime.date(2024, 11, 20),
        subject="ส่งต่อหนังสือ",
        issuer="ผู้ว่าราชการจังหวัด",
        addressees=["นายอำเภอ ทุกอำเภอ"],
        by=by,
    )


def _job(user, token: str, kind: str = export_jobs.KIND, status=Job.Status.DONE) -> str:
    """A background job owned by ``user`` (finished: an export with its file in the storage)."""
    name = default_storage.save(f"exports/{token}.xlsx", ContentFile(b"PK\x03\x04"))
    Job.objects.create(
        token=token, kind=kind, user=user, status=status, done=1, total=1,
        params={"filename": "x.xlsx", "upload": token}, result={"file": name},
    )  # fmt: skip
    return token


def build_world(media: Path) -> SimpleNamespace:
    """The personas, an administrator, a round, letters, attachments, notices, export jobs and
    API tokens, each in scope A and in scope B."""
    people = make_personas()
    world = SimpleNamespace(**people)
    world.admin = make_user("root", Role.ADMIN, is_staff=True, is_superuser=True)
    world.round = make_round(by=people["department"], sections=("population",))
    fill_section(people["lao_a"], 2568, "population", people["clerk_a"], POPULATION)
    fill_section(people["lao_krabi"], 2568, "population", people["department"], POPULATION)
    letters = {
        "A": _letter("67", "พช ๑/ว ๑", people["province_officer"], world.round.circular),
        "B": _letter("81", "กบ ๑/ว ๑", people["other_province_officer"], world.round.circular),
    }
    notice_of = {"A": people["clerk_a"], "B": people["other_province_officer"]}
    job_of = {"A": people["district_officer"], "B": people["other_province_officer"]}
    registry_job_of = {"A": people["department"], "B": world.admin}
    # A template job is its uploader's alone: clerk_b sees scope B's because it is theirs.
    template_job_of = {"A": people["clerk_a"], "B": people["clerk_b"]}
    token_of = {"A": people["executive"], "B": people["department"]}
    world.scopes = {}
    for name, lao, district in (("A", people["lao_a"], "6701"), ("B", people["lao_krabi"], "8104")):
        attachment = letters[name].attachments.create(
            file=SimpleUploadedFile("letter.pdf", PDF), name="letter.pdf", size=len(PDF)
        )
        notice = Reminder.objects.create(
            round=world.round, recipient=notice_of[name], kind=Reminder.Kind.MANUAL,
            day=datetime.date(2024, 12, 1), subject="เตือน", text="เตือน",
        )  # fmt: skip
        token, _text = token_issue(
            user=token_of[name], name=f"token {name}", by=people["department"]
        )
        world.scopes[name] = Scope(
            lao=lao, district=district, province=district[:2], circular=letters[name],
            attachment=attachment, notice=notice,
            job=_job(job_of[name], f"job{name}" + "x" * 24), token=token,
            registry_job=_job(registry_job_of[name], f"reg{name}" + "x" * 24, registry_tasks.KIND),
            # Background previews that failed (their page offers a retry; the upload is gone).
            registry_check=_job(registry_job_of[name], f"chk{name}" + "x" * 24,
                                registry_tasks.PREVIEW_KIND, Job.Status.FAILED),
            template_job=_job(template_job_of[name], f"tpl{name}" + "x" * 24,
                              registry_tasks.TEMPLATE_PREVIEW_KIND, Job.Status.FAILED),
        )  # fmt: skip
    # Each persona's own API token: the API takes no session.
    world.api_keys = {}
    for persona in PERSONAS[1:]:
        _token, text = token_issue(user=people[persona], name=persona, by=people["department"])
        world.api_keys[persona] = text
    return world


def request(client: Client, method: str, url: str, *, api_key: str | None) -> int:
    """One request whose writes are rolled back, so every cell of the matrix starts from the
    same data; the status code it answered."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_key}"} if api_key else {}
    with transaction.atomic():
        if method == "GET":
            response = client.get(url, **headers)
        else:
            response = client.post(url, {}, **headers)
        transaction.set_rollback(True)
    if hasattr(response, "streaming_content"):
        # The test client closes a streamed response once it is read, without dropping the
        # test's database connection (a plain response.close() would).
        b"".join(response.streaming_content)
    return response.status_code
