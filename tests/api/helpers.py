"""A test case with an API token for every persona, and a client that sends it."""

import datetime

from django.core.cache import cache

from api.services import token_issue
from records.services import record_progress
from tests.base import PersonasTestCase, on
from tests.factories import POPULATION, fill_section

ENDPOINTS = (
    "/api/v1/laos/",
    "/api/v1/laos/{lao}/",
    "/api/v1/completeness/?level=province",
    "/api/v1/circulars/",
)


def owed(lao) -> int:
    """What an LAO without a record owes, counted by records.services (not by the API)."""
    return sum(p.required for p in record_progress(lao=lao, record=None))


class APITestCase(PersonasTestCase):
    """Personas plus a token each: `self.tokens["province_officer"]` is its text."""

    PERSONAS = (
        "clerk_a",
        "district_officer",
        "province_officer",
        "other_province_officer",
        "department",
        "executive",
    )

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.tokens = {}
        for name in cls.PERSONAS:
            _token, text = token_issue(user=getattr(cls, name), name=f"{name} system", by=None)
            cls.tokens[name] = text

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # the rate limit counts in the cache; each test starts afresh

    def api(self, path: str, token: str | None = None, **headers):
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return self.client.get(path, **headers)

    def as_(self, persona: str, path: str, **headers):
        return self.api(path, self.tokens[persona], **headers)


class FilledAPITestCase(APITestCase):
    """LAO A's population section filled in on 1 February 2025 (fiscal year 2568)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with on(datetime.date(2025, 2, 1)):
            fill_section(cls.lao_a, 2568, "population", cls.clerk_a, POPULATION)
