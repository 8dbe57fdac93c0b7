"""What every test module shares: the personas of the permission matrix and the frozen clock.

The fast password hasher is set once for the whole run in tests/conftest.py.
"""

import datetime
import shutil
import tempfile
from unittest import mock

from django.test import TestCase, override_settings

from tests.factories import POPULATION, fill_section, make_personas

BANGKOK = datetime.timezone(datetime.timedelta(hours=7), "Asia/Bangkok")


def at(day: datetime.date) -> datetime.datetime:
    """Noon in Bangkok on a day (as the UTC moment Django keeps)."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=BANGKOK).astimezone(
        datetime.UTC
    )


def on(day: datetime.date):
    """Freezes "now" at noon Bangkok time on a day: pages, services and commands read it."""
    return mock.patch("django.utils.timezone.now", return_value=at(day))


def temporary_media(case: TestCase) -> str:
    """Points MEDIA_ROOT at a fresh folder for the rest of one test and removes it after."""
    media = tempfile.mkdtemp()
    case.addCleanup(shutil.rmtree, media, ignore_errors=True)
    case.enterContext(override_settings(MEDIA_ROOT=media))
    return media


class PersonasTestCase(TestCase):
    """A test case with the named personas of the permission matrix (see tests/factories.py)."""

    @classmethod
    def setUpTestData(cls) -> None:
        for name, obj in make_personas().items():
            setattr(cls, name, obj)

    def login(self, user) -> None:
        self.client.force_login(user)

    def assertPageQueries(self, url: str, queries: int) -> None:
        """A GET of ``url`` answers 200 in exactly ``queries`` queries (a streamed body read to
        its end, where the queries of a download are made)."""
        with self.assertNumQueries(queries):
            response = self.client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        self.assertEqual(response.status_code, 200)

    def assertStatusFor(self, personas: list[str], url: str, status_code: int) -> None:
        """Each of the personas, logged in, gets ``status_code`` for a GET of ``url``."""
        for persona in personas:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                self.assertEqual(self.client.get(url).status_code, status_code)


class FilledTestCase(PersonasTestCase):
    """The personas, and LAO A's population section of fiscal year 2568 filled in by its clerk
    (tests.factories.POPULATION)."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        fill_section(cls.lao_a, 2568, "population", cls.clerk_a, POPULATION)
