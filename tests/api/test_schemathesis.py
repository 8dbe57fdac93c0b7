"""Schemathesis against the generated schema, through the WSGI app, with real tokens.

Each operation gets a bounded, deterministic set of generated requests, valid and invalid
(query parameters of every kind, random and real LAO codes), for a national token and a
province's token; no answer may be a 5xx, and each must conform to the schema (documented
status code, content type, body). About 20 seconds.
"""

import contextlib
from collections import Counter

import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings

from lgdata.wsgi import application
from tests.api import scenario
from tests.api.helpers import APITestCase
from tests.base import on

EXAMPLES = 15
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]


@contextlib.contextmanager
def connections_kept_open():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction (on PostgreSQL); Django's own test Client suspends this the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@override_settings(API_RATE_LIMIT="100000/minute")
class SchemathesisTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        scenario.build(cls)

    def test_every_operation_conforms_to_the_schema(self):
        with connections_kept_open():
            self.check_every_operation()

    def check_every_operation(self):
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
        operations = {result.ok().label: result.ok() for result in schema.get_all_operations()}
        detail = operations["GET /api/v1/laos/{lao_code}/"]
        strategies = [
            (label, mode, operation.as_strategy(generation_mode=mode))
            for label, operation in operations.items()
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
        ] + [
            (
                f"{detail.label} ({code})",
                mode,
                detail.as_strategy(mode, path_parameters={"lao_code": code}),
            )
            for code in (self.lao_a.code, self.lao_krabi.code)
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
        ]
        statuses = Counter()
        for persona in ("department", "province_officer"):
            for label, mode, strategy in strategies:
                with self.subTest(persona=persona, operation=label, mode=mode.value):
                    self.run_cases(strategy, self.tokens[persona], statuses)
        # The run reached real answers, refusals and the scope's 404s, not only one of them.
        self.assertTrue({200, 400, 404} <= set(statuses), statuses)

    def run_cases(self, strategy, token: str, statuses: Counter) -> None:
        headers = {"Authorization": f"Bearer {token}"}

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            with on(scenario.TODAY):
                response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses[response.status_code] += 1

        run()
