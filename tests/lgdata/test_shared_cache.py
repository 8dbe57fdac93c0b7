"""Nothing held on one machine: sessions any app server reads, on the shared Redis cache."""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tests.base import PersonasTestCase
from tests.shared_redis import needs_redis, redis_caches


class SessionEngineTestCase(PersonasTestCase):
    def test_sessions_are_kept_in_the_database_through_the_cache_only_when_it_is_shared(self):
        expected = "cached_db" if settings.CACHE_URL else "db"
        self.assertEqual(settings.SESSION_ENGINE, f"django.contrib.sessions.backends.{expected}")

    def test_without_a_shared_cache_a_change_made_by_another_worker_is_seen(self):
        if settings.CACHE_URL:
            self.skipTest("the shared cache keeps every worker's copy the same")
        self.login(self.clerk_a)
        self.client.get(reverse("home"), follow=True)  # this worker has read the session
        # Another gunicorn worker (its own memory) switches the language in the same session.
        key = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        other_worker = DatabaseSessionStore(key)
        other_worker["_language"] = "en"
        other_worker.save()
        self.assertEqual(
            self.client.get(reverse("home"), follow=True).wsgi_request.session["_language"], "en"
        )


@needs_redis
class SessionsOnRedisTestCase(PersonasTestCase):
    def setUp(self) -> None:
        # A fresh key prefix instead of clearing: Redis's FLUSHDB would reach other test runs.
        self.enterContext(override_settings(CACHES=redis_caches()))

    def test_another_app_server_reads_the_session(self):
        self.login(self.clerk_a)
        other_server = Client()
        other_server.cookies[settings.SESSION_COOKIE_NAME] = self.client.cookies[
            settings.SESSION_COOKIE_NAME
        ].value
        page = other_server.get(reverse("home"), follow=True)
        self.assertContains(page, 'data-testid="whoami"')

    def test_a_cleared_cache_logs_nobody_out(self):
        self.login(self.clerk_a)
        # Redis restarted, or its memory evicted the session.
        session_key = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        cache.delete(SessionStore(session_key).cache_key)
        self.assertIsNone(cache.get(SessionStore(session_key).cache_key))
        page = self.client.get(reverse("home"), follow=True)
        self.assertContains(page, 'data-testid="whoami"')
