from unittest import mock

from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from api.models import APIToken
from api.throttling import TokenRateThrottle
from tests.api.helpers import APITestCase
from tests.shared_redis import needs_redis, redis_caches

# The limit counts per fixed window (api/throttling.py); a fixed clock keeps a test's requests
# in one window.
FIXED_CLOCK = mock.patch.object(TokenRateThrottle, "timer", lambda self: 1_000_000.0)


@override_settings(API_RATE_LIMIT="3/minute")
class RateLimitTestCase(APITestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(FIXED_CLOCK)

    def test_past_the_limit_a_token_gets_429_with_retry_after(self):
        for _ in range(3):
            self.assertEqual(self.as_("department", "/api/v1/circulars/").status_code, 200)
        response = self.as_("department", "/api/v1/laos/")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(response.json()["code"], "rate_limited")
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        self.assertEqual(
            response.json()["message"],
            f"โทเค็นนี้ส่งคำขอมากเกินไป โปรดลองใหม่ในอีก {response['Retry-After']} วินาที",
        )

    def test_the_limit_is_per_token(self):
        for _ in range(4):
            self.as_("department", "/api/v1/circulars/")
        self.assertEqual(self.as_("executive", "/api/v1/circulars/").status_code, 200)

    def test_conditional_requests_count_too_and_no_token_is_not_counted(self):
        for _ in range(5):
            self.assertEqual(self.api("/api/v1/laos/").status_code, 401)
        etag = self.as_("department", "/api/v1/circulars/")["ETag"]
        self.assertEqual(
            self.as_("department", "/api/v1/circulars/", HTTP_IF_NONE_MATCH=etag).status_code, 304
        )
        self.as_("department", "/api/v1/circulars/")
        self.assertEqual(self.as_("department", "/api/v1/circulars/").status_code, 429)


@needs_redis
@override_settings(API_RATE_LIMIT="3/minute")
class SharedRateLimitTestCase(APITestCase):
    """With the cache on Redis (CACHE_URL), every app server counts against one number."""

    def setUp(self) -> None:
        super().setUp()
        # A fresh key prefix instead of clearing: Redis's FLUSHDB would reach other test runs.
        self.enterContext(override_settings(CACHES=redis_caches()))
        self.enterContext(FIXED_CLOCK)

    def test_two_servers_with_their_own_cache_clients_share_one_count(self):
        settings = redis_caches()["default"]
        # Two cache clients with their own connections, as two gunicorn workers or two
        # machines would have; both on the same Redis and key prefix.
        servers = [RedisCache(settings["LOCATION"], settings) for _ in range(2)]
        request = mock.Mock(auth=APIToken.objects.get(user=self.department))
        allowed = []
        for cache_client in (servers[0], servers[1], servers[0], servers[1]):
            throttle = TokenRateThrottle()
            throttle.cache = cache_client
            allowed.append(throttle.allow_request(request, None))
        self.assertEqual(allowed, [True, True, True, False])

    def test_past_the_limit_the_api_answers_429_on_redis(self):
        for _ in range(3):
            self.assertEqual(self.as_("department", "/api/v1/circulars/").status_code, 200)
        response = self.as_("department", "/api/v1/circulars/")
        self.assertEqual(response.status_code, 429)
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)
        self.assertEqual(self.as_("executive", "/api/v1/circulars/").status_code, 200)
