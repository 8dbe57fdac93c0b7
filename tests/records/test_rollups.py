"""The key figures' stored roll-ups (records/rollups.py): after saves, a return, approvals, an
import and LAOs moved to another district, they equal the from-scratch computation, and the
pages and the API show the figures counted by hand (tests/dashboards/key_figures_scenario.py).
"""

import datetime

from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from dashboards import key_figures
from deadlines.models import RoundLAO
from deadlines.services import round_approve, round_return, round_submit
from records import registry, rollups
from records.indicators import load_catalogue
from records.models import LAO, District, KeyFigureRollup, Subdistrict
from tests.api.helpers import APITestCase
from tests.dashboards import key_figures_scenario as scenario
from tests.dashboards.test_key_figures_pages import rows_of
from tests.factories import fill_section, make_user
from tests.records.test_import_laos import HEADER, registry_row

YEAR = scenario.YEAR


class RollupsTestCase(APITestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        scenario.build(cls)

    def figure(self, code: str, indicator: str = "population", **kwargs):
        level = "province" if len(code) == 2 else "district"
        rows, _total = key_figures.area_table(
            level=level,
            parent=None if level == "province" else code[:2],
            year=YEAR,
            today=timezone.localdate(),
            **kwargs,
        )
        return next(r for r in rows if r.code == code).figures[indicator]

    def api_population(self, parent: str = "67") -> dict:
        response = self.as_(
            "executive",
            f"/api/v1/indicators/population/values/?level=district&parent={parent}&year={YEAR}",
        )
        self.assertEqual(response.status_code, 200)
        return {row["code"]: row for row in response.json()["results"]}

    def participant(self, lao) -> RoundLAO:
        return RoundLAO.objects.get(round=self.round, lao=lao)

    def assert_exact(self):
        self.assertEqual(rollups.differences(), [])

    def test_the_scenario_as_saved_and_approved_is_exact(self):
        self.assert_exact()
        self.assertEqual(self.figure("6701").numerator, 7500)
        self.assertEqual(self.figure("67").approved, 2)

    def test_saves_a_return_approvals_an_import_and_moves_keep_them_exact(self):
        # lao_b (subdistrict municipality, 6701) now counts 2,100 people.
        fill_section(
            self.lao_b,
            YEAR,
            "population",
            self.clerk_b,
            {
                "population_male": "1000",
                "population_female": "1100",
                "population_total": "2100",
                "population_age_15_59": "1400",
            },
        )
        self.assert_exact()
        self.assertEqual(self.figure("6701").numerator, 7600)  # 2,500 + 2,100 + 3,000
        # Submitted, returned, submitted again, approved by the district.
        round_submit(participant=self.participant(self.lao_b), by=self.clerk_b)
        round_return(
            participant=self.participant(self.lao_b), by=self.district_officer, comment="ตรวจ"
        )
        self.assertEqual(self.figure("6701").approved, 1)  # lao_a only
        round_submit(participant=self.participant(self.lao_b), by=self.clerk_b)
        round_approve(participant=self.participant(self.lao_b), by=self.district_officer)
        self.assert_exact()
        self.assertEqual((self.figure("6701").approved, self.figure("67").approved), (2, 3))
        approved_only = self.figure("6701", approved_only=True)
        self.assertEqual((approved_only.numerator, approved_only.contributing), (4600, 2))
        # The long-format import gives the town 3,500 people.
        scenario.import_value(self, self.town, "population_total", "3500")
        self.assert_exact()
        self.assertEqual(self.figure("6701").numerator, 8100)
        # The town moves to district 6702 (the admin saves one LAO at a time).
        self.town.district = District.objects.get(code="6702")
        self.town.save()
        self.assert_exact()
        self.assertEqual(self.figure("6701").numerator, 4600)  # lao_a and lao_b
        self.assertEqual(self.figure("6702").numerator, 5000)  # lao_c 1,500 + the town
        self.assertEqual(self.figure("67").numerator, 9600)
        # The page and the API say the same.
        api = self.api_population()
        self.assertEqual((api["6701"]["numerator"], api["6701"]["laos"]), ("4600", 2))
        self.assertEqual((api["6702"]["numerator"], api["6702"]["contributing"]), ("5000", 2))
        self.login(self.province_officer)
        page = self.client.get(f"/figures/?year={YEAR}&province=67&download=csv")
        rows = {r[0]: r for r in rows_of(page) if r}
        self.assertEqual(load_catalogue().indicators[0].code, "population")
        # Code, name, then the population this year, last year, contributing, LAOs, approved.
        self.assertEqual(rows["6701"][2:7], ["4600", "", "2", "2", "2"])
        self.assertEqual(rows["6702"][2:7], ["5000", "", "2", "3", "1"])

    def test_an_lao_moved_by_the_registry_import_takes_its_figures_along(self):
        district = District.objects.select_related("province").get(code="6702")
        subdistrict = Subdistrict.objects.filter(district=district).first()
        row = registry_row(
            self.lao_b.code,
            "เทศบาลตำบล",
            self.lao_b.name_th,
            subdistrict.name_th,
            province=district.province.name_th,
            district=district.name_th,
        )
        data = ("\n".join(",".join(r) for r in [HEADER, row]) + "\n").encode()
        result = registry.registry_import(data=data, filename="laos.csv", commit=True)
        self.assertTrue(result.ok, result)
        self.assertEqual(LAO.objects.get(pk=self.lao_b.pk).district_id, "6702")
        self.assert_exact()
        self.assertEqual(self.figure("6701").numerator, 5500)  # lao_a 2,500 + town 3,000
        self.assertEqual(self.figure("6702").numerator, 3500)  # lao_c 1,500 + lao_b 2,000

    def test_an_lao_given_another_type_counts_as_its_new_type(self):
        # The subdistrict municipality becomes the province's PAO (whose population is not
        # added, docs/key-figures.md): its 2,000 people leave the district's population.
        self.lao_b.type = LAO.Type.PAO
        self.lao_b.save()
        self.assert_exact()
        self.assertEqual(self.figure("6701").numerator, 5500)

    def test_an_approval_taken_away_takes_the_record_out_of_the_approved_figures(self):
        RoundLAO.objects.filter(round=self.round, lao=self.lao_a).update(
            state=RoundLAO.State.RETURNED
        )
        rollups.approval_changed(lao_id=self.lao_a.pk, fiscal_year=YEAR, approved=False)
        self.assert_exact()
        self.assertEqual(self.figure("6701").approved, 0)
        self.assertEqual(self.figure("6701", approved_only=True).numerator, 0)

    def test_an_lao_that_no_longer_exists_is_left_out(self):
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        LAO.objects.filter(pk=self.lao_b.pk).update(active_until=yesterday)
        figure = self.figure("6701")
        self.assertEqual((figure.numerator, figure.contributing, figure.laos), (5500, 2, 2))
        self.assertEqual(self.figure("67").numerator, 7000)

    def test_the_command_finds_and_repairs_a_wrong_row(self):
        KeyFigureRollup.objects.filter(area="6701", indicator="population").update(
            numerator=F("numerator") + 100
        )
        with self.assertRaisesMessage(CommandError, "1 stored roll-ups differ"):
            call_command("rebuild_rollups", "--check", stdout=_Sink())
        self.assertEqual(self.figure("6701").numerator, 7501)  # hundredths: 100 is 1 person
        call_command("rebuild_rollups", stdout=_Sink())
        self.assert_exact()
        self.assertEqual(self.figure("6701").numerator, 7500)

    def test_a_clerk_of_another_district_saving_changes_only_that_district(self):
        clerk_krabi = make_user("clerk_krabi", Role.CLERK, lao=self.lao_krabi)
        before = rollups.stored()
        fill_section(self.lao_krabi, YEAR, "population", clerk_krabi, {"population_total": "2600"})
        after = rollups.stored()
        changed = {
            key[1] for key in before.keys() | after.keys() if before.get(key) != after.get(key)
        }
        self.assertEqual(changed, {"8104", "81"})  # the district's rows and its province's
        self.assert_exact()


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
