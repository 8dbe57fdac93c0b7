"""The read replica's router: read-only pages read the replica only while it is usable."""

import socket
import threading
from types import SimpleNamespace
from unittest import mock

from django.db import OperationalError
from django.db.utils import ConnectionHandler
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase

from lgdata import replica
from lgdata.models import Job
from lgdata.replica import ReplicaReadsMiddleware, ReplicaRouter, replica_reads
from lgdata.settings import replica_database


def reset_health() -> None:
    replica._health.update(until=0.0, ok=False)


class ReplicaRouterTestCase(SimpleTestCase):
    def setUp(self) -> None:
        reset_health()
        self.addCleanup(reset_health)
        self.router = ReplicaRouter()

    def test_without_a_replica_everything_reads_the_primary(self):
        with replica_reads():
            self.assertIsNone(self.router.db_for_read(Job))

    def test_read_only_pages_read_a_usable_replica_and_nothing_else_does(self):
        with mock.patch.object(replica, "replica_usable", return_value=True):
            with replica_reads():
                self.assertEqual(self.router.db_for_read(Job), "replica")
                self.assertEqual(self.router.db_for_write(Job), "default")
            self.assertIsNone(self.router.db_for_read(Job))  # a clerk's page, a save
        self.assertFalse(self.router.allow_migrate("replica", "lgdata"))

    def test_a_row_just_written_is_read_back_from_the_primary(self):
        job = Job()
        job._state.db = "default"
        with mock.patch.object(replica, "replica_usable", return_value=True), replica_reads():
            self.assertEqual(self.router.db_for_read(Job, instance=job), "default")


class ReplicaHealthTestCase(SimpleTestCase):
    def setUp(self) -> None:
        reset_health()
        self.addCleanup(reset_health)
        configured = SimpleNamespace(
            DATABASES={"default": {}, "replica": {}},
            REPLICA_MAX_LAG_SECONDS=30,
            REPLICA_CHECK_SECONDS=5,
        )
        self.enterContext(mock.patch.object(replica, "settings", configured))

    def test_a_replica_within_the_lag_bound_is_used(self):
        with mock.patch.object(replica, "replica_lag_seconds", return_value=2.0):
            self.assertTrue(replica.replica_usable())

    def test_a_replica_lagging_past_the_bound_is_not(self):
        with mock.patch.object(replica, "replica_lag_seconds", return_value=31.0):
            self.assertFalse(replica.replica_usable())

    def test_a_missing_replica_is_not_and_the_answer_is_kept_a_while(self):
        lag = mock.Mock(side_effect=OperationalError("connection refused"))
        with (
            mock.patch.object(replica, "replica_lag_seconds", lag),
            mock.patch.object(replica, "connections"),
        ):
            self.assertFalse(replica.replica_usable())
            self.assertFalse(replica.replica_usable())
        self.assertEqual(lag.call_count, 1)  # checked once per REPLICA_CHECK_SECONDS


class ReplicaReadsMiddlewareTestCase(SimpleTestCase):
    def reads_replica(self, method: str, path: str) -> bool:
        seen = []

        def view(request):
            seen.append(replica._reading.get())
            return HttpResponse()

        ReplicaReadsMiddleware(view)(RequestFactory().generic(method, path))
        return seen[0]

    def test_gets_of_dashboards_exports_and_the_api_may_read_the_replica(self):
        for path in (
            "/national/",
            "/province/67/",
            "/figures/",
            "/exports/records/",
            "/api/v1/laos/",
        ):
            with self.subTest(path=path):
                self.assertTrue(self.reads_replica("GET", path))

    def test_record_pages_and_every_post_read_the_primary(self):
        self.assertFalse(self.reads_replica("GET", "/lao/6701/2568/population/"))
        self.assertFalse(self.reads_replica("POST", "/national/"))


class HungReplicaTestCase(SimpleTestCase):
    """A replica host that takes connections and never answers (hung, or an address that
    swallows packets): the page that checks it reads the primary after REPLICA_CONNECT_TIMEOUT
    instead of waiting for TCP to give up."""

    databases = {"default"}  # lets the test connect (to its own silent replica only)

    def setUp(self) -> None:
        reset_health()
        self.addCleanup(reset_health)
        # The kernel completes the handshake into the backlog; nobody ever answers.
        self.silent = socket.socket()
        self.silent.bind(("127.0.0.1", 0))
        self.silent.listen(8)
        self.addCleanup(self.silent.close)
        # Without a connect timeout the test would wait forever: the server closes after 60 s,
        # and the connection fails for that reason instead of the timeout.
        closer = threading.Timer(60, self.silent.close)
        closer.start()
        self.addCleanup(closer.cancel)
        port = self.silent.getsockname()[1]
        self.replica_settings = replica_database(f"postgres://lgdata@127.0.0.1:{port}/lgdata")
        self.connections = ConnectionHandler(
            {"default": {"ENGINE": "django.db.backends.dummy"}, "replica": self.replica_settings}
        )
        self.addCleanup(self.connections.close_all)

    def test_the_replica_connection_gives_up_after_its_timeout(self):
        self.assertEqual(self.replica_settings["OPTIONS"]["connect_timeout"], 2)
        with self.assertRaisesRegex(OperationalError, "timeout expired"):
            self.connections["replica"].ensure_connection()

    def test_a_hung_replica_is_not_used(self):
        configured = SimpleNamespace(
            DATABASES={"default": {}, "replica": self.replica_settings},
            REPLICA_MAX_LAG_SECONDS=30,
            REPLICA_CHECK_SECONDS=5,
        )
        with (
            mock.patch.object(replica, "settings", configured),
            mock.patch.object(replica, "connections", self.connections),
            self.assertLogs("lgdata.replica", "WARNING") as logs,
        ):
            self.assertFalse(replica.replica_usable())
        self.assertIn("timeout expired", "\n".join(logs.output))
