"""Requests at once end in one consistent state: first opens, saves of different sections of
one record, a submission racing a save or a return racing an approval, an import racing a form.

Real threads, each with its own connection, on PostgreSQL (row locks); skipped on SQLite, which
serialises every write anyway.
"""

import threading
import unittest

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client, TransactionTestCase

from accounts.models import Role
from deadlines import progress_rollups
from deadlines.models import ProgressRollup, RoundLAO, Transition
from deadlines.services import (
    SubmissionIncomplete,
    WorkflowError,
    round_approve,
    round_return,
    round_submit,
)
from records import gap_rollups, rollups
from records.models import LAO, Field, KeyFigureRollup, Record, SectionEntry, ValueChange
from records.record_import import ImportRow, record_values_import
from records.schema import schema_load_all
from records.services import (
    EditBlockedError,
    StaleSectionError,
    applicable_fields,
    record_get_or_create,
    section_save,
)
from tests import factories
from tests.factories import POPULATION, fill_section, make_lao, make_personas, make_round

YEAR = 2568

pytestmark = pytest.mark.postgres


def valid_value(f: Field):
    """A value the field accepts, as section_save stores it."""
    if f.is_numeric:
        low = f.min_value if f.min_value is not None else 0
        value = max(low, 1)
        if f.max_value is not None:
            value = min(value, f.max_value)
        return str(value)
    if f.type == Field.Type.DATE:
        return "2025-01-01"
    if f.type == Field.Type.BOOLEAN:
        return True
    if f.type == Field.Type.CHOICE:
        return f.choices[0]["value"]
    return "x"


def run_at_once(*actions) -> list:
    """Runs each action in its own thread, all released together; their outcomes in order
    (a return value, or the exception raised)."""
    outcomes = [None] * len(actions)
    barrier = threading.Barrier(len(actions))

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = actions[i]()
        except Exception as error:  # the outcome under test
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@unittest.skipUnless(connection.vendor == "postgresql", "row-level concurrency needs PostgreSQL")
class ConcurrencyTestCase(TransactionTestCase):
    """One test running every scenario on its own LAO or year: a TransactionTestCase restores
    the whole database before each test (25 s here), so one restore serves them all."""

    serialized_rollback = True

    def test_requests_at_once_end_in_one_consistent_state(self):
        self.personas = make_personas()
        schema_load_all()
        self.lao, self.clerk = self.personas["lao_a"], self.personas["clerk_a"]
        for scenario in (
            self.twelve_simultaneous_first_opens_and_first_saves_all_answer,
            self.eight_sections_saved_at_once_leave_the_record_totals_right,
            self.a_save_racing_the_submission_never_changes_a_submitted_record,
            self.a_return_racing_an_approval_ends_in_one_of_them,
            self.an_import_racing_a_form_save_loses_nothing,
            self.saves_of_laos_of_one_district_at_once_leave_the_key_figures_exact,
            self.first_saves_racing_saves_in_one_province_all_land,
        ):
            with self.subTest(scenario.__name__):
                scenario()

    def entry(self, section: str, year: int = YEAR, lao=None) -> SectionEntry:
        return SectionEntry.objects.select_related("record__lao", "section").get(
            record__lao=lao or self.lao, record__fiscal_year=year, section__code=section
        )

    def twelve_simultaneous_first_opens_and_first_saves_all_answer(self):
        lao, clerk = self.personas["lao_b"], self.personas["clerk_b"]
        url = f"/lao/{lao.code}/{YEAR}/population/"
        clients = []
        for _ in range(12):
            client = Client()
            client.force_login(clerk)
            clients.append(client)
        opened = run_at_once(*[lambda c=c: c.get(url).status_code for c in clients])
        self.assertEqual(opened, [200] * 12)
        self.assertFalse(Record.objects.filter(lao=lao).exists())  # a GET never makes a record

        posts = [
            lambda c=c, n=n: c.post(url, {"version": 0, "population_total": str(1000 + n)})
            for n, c in enumerate(clients)
        ]
        statuses = sorted(response.status_code for response in run_at_once(*posts))
        # One save wins; the others are shown the conflict page (409), none fails.
        self.assertEqual(statuses, [302] + [409] * 11)
        record = Record.objects.get(lao=lao, fiscal_year=YEAR)
        self.assertEqual(record.entries.count(), record.schema.sections.count())
        self.assertEqual(self.entry("population", lao=lao).version, 1)
        changes = ValueChange.objects.filter(record=record, field_code="population_total")
        self.assertEqual(changes.count(), 1)

    def eight_sections_saved_at_once_leave_the_record_totals_right(self):
        year = YEAR + 2
        record = record_get_or_create(lao=self.lao, fiscal_year=year)
        codes = list(record.schema.sections.values_list("code", flat=True)[:8])
        self.assertEqual(len(codes), 8)

        def save(code: str):
            entry = self.entry(code, year)
            fields = applicable_fields(entry.section, self.lao.type)
            return section_save(
                entry=entry,
                values={f.code: valid_value(f) for f in fields},
                expected_version=0,
                by=self.clerk,
            )

        outcomes = run_at_once(*[lambda c=c: save(c) for c in codes])
        self.assertFalse([o for o in outcomes if isinstance(o, Exception)], outcomes)
        record.refresh_from_db()
        totals = record.entries.aggregate(
            required=Sum("required_count"), filled=Sum("filled_count")
        )
        self.assertEqual(record.filled_count, totals["filled"])
        self.assertEqual(record.required_count, totals["required"])
        self.assertGreater(record.filled_count, 0)

    def participant(self) -> RoundLAO:
        return RoundLAO.objects.select_related("round", "lao").get(lao=self.lao)

    def a_save_racing_the_submission_never_changes_a_submitted_record(self):
        make_round()
        for attempt in range(4):
            with self.subTest(attempt=attempt):
                fill_section(self.lao, YEAR, "population", self.clerk, POPULATION)
                entry = self.entry("population")
                emptied = {"population_total": None}
                submit = lambda: round_submit(participant=self.participant(), by=self.clerk)  # noqa: E731
                save = lambda entry=entry, emptied=emptied: section_save(  # noqa: E731
                    entry=entry, values=emptied, expected_version=entry.version, by=self.clerk
                )
                submitted, saved = run_at_once(submit, save)
                participant = self.participant()
                if isinstance(submitted, RoundLAO):
                    # Submitted first: the save met the edit guard, the record is as submitted.
                    self.assertIsInstance(saved, EditBlockedError)
                    self.assertEqual(participant.state, RoundLAO.State.SUBMITTED)
                    self.assertEqual(self.entry("population").values["population_total"], "2500")
                else:
                    # Saved first: the submission saw the emptied field and was refused.
                    self.assertIsInstance(submitted, SubmissionIncomplete)
                    self.assertNotIsInstance(saved, Exception)
                    self.assertEqual(participant.state, RoundLAO.State.OPEN)
                # Back to the start for the next attempt.
                RoundLAO.objects.filter(pk=participant.pk).update(state=RoundLAO.State.OPEN)

    def a_return_racing_an_approval_ends_in_one_of_them(self):
        fill_section(self.lao, YEAR, "population", self.clerk, POPULATION)
        round_submit(participant=self.participant(), by=self.clerk)
        officer = self.personas["district_officer"]
        approve = lambda: round_approve(participant=self.participant(), by=officer)  # noqa: E731
        give_back = lambda: round_return(  # noqa: E731
            participant=self.participant(), by=officer, comment="ตรวจอีกครั้ง"
        )
        approved, returned = run_at_once(approve, give_back)
        errors = [o for o in (approved, returned) if isinstance(o, WorkflowError)]
        self.assertEqual(len(errors), 1, (approved, returned))
        state = self.participant().state
        # The district's approval of its SAO is final (docs/supervision.md): one step.
        winner = RoundLAO.State.RETURNED if errors[0] is approved else RoundLAO.State.APPROVED
        self.assertEqual(state, winner)
        moves = Transition.objects.filter(from_state=RoundLAO.State.SUBMITTED)
        self.assertEqual(list(moves.values_list("to_state", flat=True)), [state])

    def an_import_racing_a_form_save_loses_nothing(self):
        year = YEAR + 3
        record = record_get_or_create(lao=self.lao, fiscal_year=year)
        entry = self.entry("population", year)
        rows = [ImportRow(2, self.lao.code, str(year), "population_total", "5000")]
        imported, saved = run_at_once(
            lambda: record_values_import(rows=rows, by=self.clerk, commit=True),
            lambda: section_save(
                entry=entry, values={"population_total": "6000"}, expected_version=0, by=self.clerk
            ),
        )
        entry = self.entry("population", year)
        history = list(
            ValueChange.objects.filter(record=record, field_code="population_total").order_by("pk")
        )
        # Every save that succeeded is in the history, and the value is the last one saved.
        applied = (1 if imported.committed else 0) + (0 if isinstance(saved, Exception) else 1)
        self.assertGreaterEqual(applied, 1)
        self.assertEqual(len(history), applied)
        self.assertEqual(entry.version, applied)
        self.assertEqual(entry.values["population_total"], history[-1].new_value)
        if not imported.committed:
            self.assertTrue(imported.errors)  # a refusal with its message
        if isinstance(saved, Exception):
            self.assertIsInstance(saved, StaleSectionError)

    def saves_of_laos_of_one_district_at_once_leave_the_key_figures_exact(self):
        """Eight LAOs of one district save their population at once: each save adds its own
        change to the district's roll-up rows (records/rollups.py) and none is lost."""
        year = YEAR + 4
        laos = [make_lao("6703", type=LAO.Type.SAO, name=f"พร้อมกัน{n}") for n in range(8)]
        entries = []
        for lao in laos:
            record_get_or_create(lao=lao, fiscal_year=year)
            entries.append(self.entry("population", year, lao=lao))
        people = [1000 + 100 * n for n in range(len(laos))]

        def save(entry, total):
            return section_save(
                entry=entry,
                values={"population_total": str(total)},
                expected_version=0,
                by=self.clerk,
            )

        outcomes = run_at_once(
            *[lambda e=e, t=t: save(e, t) for e, t in zip(entries, people, strict=True)]
        )
        self.assertFalse([o for o in outcomes if isinstance(o, Exception)], outcomes)
        self.assertEqual(rollups.differences([year]), [])
        row = KeyFigureRollup.objects.get(fiscal_year=year, area="6703", indicator="population")
        self.assertEqual((row.numerator, row.contributing), (100 * sum(people), len(laos)))
        # The dashboards' progress counts of the district and province too (counted again by
        # each save after the province's lock: deadlines/progress_rollups.py).
        self.assertEqual(progress_rollups.differences([year]), [])
        sao = ProgressRollup.objects.get(
            fiscal_year=year, round=None, area="6703", lao_type=LAO.Type.SAO
        )
        filled = sum(
            Record.objects.filter(lao__in=laos, fiscal_year=year).values_list(
                "filled_count", flat=True
            )
        )
        self.assertGreaterEqual(sao.filled, filled)  # the district's other SAOs add theirs
        self.assertEqual(
            sao.recorded,
            Record.objects.filter(
                lao__district_id="6703", lao__type=LAO.Type.SAO, fiscal_year=year
            ).count(),
        )

    def first_saves_racing_saves_in_one_province_all_land(self):
        """Clerks of one province save at once through the form: four first saves (each makes
        the record, counts its empty sections in the field-level view and saves, in one
        transaction) and four saves of records already made. Every writer takes the
        province's lock before any roll-up's rows (records.rollups.lock_provinces), so none
        waits in a cycle: all eight land, and every roll-up equals a count from scratch."""
        year = YEAR  # a year the form serves; the LAOs are new
        laos = [make_lao("6703", type=LAO.Type.SAO, name=f"ครั้งแรก{n}") for n in range(8)]
        for lao in laos[4:]:
            record_get_or_create(lao=lao, fiscal_year=year)
        clients = []
        for n, lao in enumerate(laos):
            client = Client()
            client.force_login(factories.make_user(f"first_{n}", Role.CLERK, lao=lao))
            clients.append(client)
        posts = [
            lambda c=c, lao=lao, n=n: c.post(
                f"/lao/{lao.code}/{year}/population/",
                {"version": 0, "population_total": str(2000 + n), "population_male": "900"},
            )
            for n, (c, lao) in enumerate(zip(clients, laos, strict=True))
        ]
        statuses = [getattr(o, "status_code", o) for o in run_at_once(*posts)]
        self.assertEqual(statuses, [302] * 8)
        self.assertEqual(
            sorted(
                SectionEntry.objects.filter(
                    record__lao__in=laos, record__fiscal_year=year, section__code="population"
                ).values_list("values__population_total", flat=True)
            ),
            [str(2000 + n) for n in range(8)],
        )
        self.assertEqual(gap_rollups.differences([year]), [])
        self.assertEqual(rollups.differences([year]), [])
        self.assertEqual(progress_rollups.differences([year]), [])
