"""Supervision by LAO type (docs/supervision.md): for each type, which officer reads, reminds and
approves its record, and which does not, through the pages people use."""

import datetime

from accounts import access
from accounts.models import Role
from deadlines.models import Reminder, RoundLAO
from deadlines.services import round_submit
from records.models import LAO
from tests.base import PersonasTestCase
from tests.factories import POPULATION, fill_section, make_lao, make_round, make_user

SEES, NOT_FOUND = 200, 404

# LAO (type, district) → the officer who supervises it (reads its record, reminds it and approves
# it), the officers who only read it, and those to whom it is not there (404).
# "d67" district 6701's officer, "p67" province 67's, "d2004" Bang Lamung's, "p20" Chonburi's,
# "dept" department staff, "exec" an executive.
TABLE = {
    "sao": (("sao", "6701"), "d67", ("p67", "dept", "exec"), ("p20",)),
    "subdistrict": (("subdistrict", "6701"), "d67", ("p67", "dept"), ()),
    "town": (("town", "6701"), "p67", ("dept",), ("d67",)),
    "city": (("city", "6701"), "p67", (), ("d67",)),
    "pao": (("pao", "6701"), "p67", (), ("d67", "p20")),
    "pattaya": (("special", "2004"), "p20", ("dept",), ("d2004",)),
    "bangkok": (("special", "1001"), "dept", (), ("d1001", "p20")),
}


def outcomes(name: str) -> dict[str, tuple[int, bool, bool]]:
    """TABLE's row ``name`` per officer: (participant page, may remind, may approve)."""
    _kind, supervisor, readers, outsiders = TABLE[name]
    return {
        supervisor: (SEES, True, True),
        **dict.fromkeys(readers, (SEES, False, False)),
        **dict.fromkeys(outsiders, (NOT_FOUND, False, False)),
    }


class SupervisionTestCase(PersonasTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.officers = {
            "d67": cls.district_officer,
            "p67": cls.province_officer,
            "d2004": make_user("district_2004", Role.DISTRICT, district_id="2004"),
            "d1001": make_user("district_1001", Role.DISTRICT, district_id="1001"),
            "p20": make_user("province_20", Role.PROVINCE, province_id="20"),
            "dept": cls.department,
            "exec": cls.executive,
        }
        cls.laos = {
            name: make_lao(district, type=type_) for name, ((type_, district), *_) in TABLE.items()
        }
        cls.round = make_round(deadline=datetime.date(2099, 12, 30))
        cls.clerks = {
            name: make_user(f"clerk_{name}", Role.CLERK, lao=lao) for name, lao in cls.laos.items()
        }

    def participant(self, name) -> RoundLAO:
        return RoundLAO.objects.select_related("lao__district").get(
            round=self.round, lao=self.laos[name]
        )

    def remind(self, officer_key: str, lao: LAO) -> int:
        """Reminds the LAO from the officer's own page (the district's or the province's);
        returns the number of reminders that went out."""
        officer = self.officers[officer_key]
        before = Reminder.objects.filter(kind=Reminder.Kind.MANUAL).count()
        self.login(officer)
        if officer.role == Role.DISTRICT:
            url = f"/district/{officer.district_id}/remind/"
        elif officer.role == Role.PROVINCE:
            url = f"/province/{officer.province_id}/remind/"
        else:  # national users have no remind page; the predicate answers for them
            return int(access.can_review_lao(officer, lao))
        self.client.post(url, {"round": self.round.pk, "lao": lao.code})
        return Reminder.objects.filter(kind=Reminder.Kind.MANUAL).count() - before

    def test_who_reads_reminds_and_approves_each_lao_type(self):
        for name in TABLE:
            lao = self.laos[name]
            url = f"/rounds/{self.round.pk}/lao/{lao.code}/"
            for key, (page, reminds, _approves) in outcomes(name).items():
                with self.subTest(lao=name, officer=key):
                    self.login(self.officers[key])
                    self.assertEqual(self.client.get(url).status_code, page)
                    self.assertEqual(self.remind(key, lao) > 0, reminds)
                    Reminder.objects.filter(kind=Reminder.Kind.MANUAL).delete()

    def test_the_clerk_is_told_who_will_review_the_submission(self):
        expected = {"sao": "อำเภอเมืองเพชรบูรณ์", "town": "จังหวัดเพชรบูรณ์"}
        for name, supervisor in expected.items():
            with self.subTest(lao=name):
                lao = self.laos[name]
                fill_section(lao, 2568, "population", self.clerks[name], POPULATION)
                self.login(self.clerks[name])
                response = self.client.post(
                    f"/rounds/{self.round.pk}/lao/{lao.code}/submit/", follow=True
                )
                self.assertContains(response, f"ส่งข้อมูลให้{supervisor}พิจารณาแล้ว")
                self.assertEqual(self.participant(name).state, RoundLAO.State.SUBMITTED)

    def test_only_the_supervisor_approves_in_one_step(self):
        for name in TABLE:
            lao = self.laos[name]
            fill_section(lao, 2568, "population", self.clerks[name], POPULATION)
            round_submit(participant=self.participant(name), by=self.clerks[name])
            url = f"/rounds/{self.round.pk}/lao/{lao.code}/approve/"
            # Everyone who may not approve first: each gets a 404 (cannot read) or 403.
            for key, (page, _reminds, approves) in sorted(
                outcomes(name).items(), key=lambda i: i[1][2]
            ):
                with self.subTest(lao=name, officer=key):
                    self.login(self.officers[key])
                    response = self.client.post(url, {"confirm": "on"})
                    state = self.participant(name).state
                    if approves:
                        self.assertEqual(response.status_code, 302)
                        self.assertEqual(state, RoundLAO.State.APPROVED)
                    else:
                        self.assertEqual(response.status_code, 404 if page == 404 else 403)
                        self.assertEqual(state, RoundLAO.State.SUBMITTED)

    def test_the_district_page_lists_the_laos_the_district_oversees(self):
        self.login(self.district_officer)
        response = self.client.get("/district/6701/", {"round": self.round.pk})
        self.assertContains(response, "นับจากกำหนดส่งสุดท้ายของกรม 30 ธันวาคม 2642")
        codes = {row.lao.code for row in response.context["rows"]}
        self.assertEqual(
            codes,
            {
                self.lao_a.code,
                self.lao_b.code,
                self.laos["sao"].code,
                self.laos["subdistrict"].code,
            },
        )

    def test_the_province_page_shows_the_laos_it_oversees_beside_the_districts(self):
        self.login(self.province_officer)
        response = self.client.get("/province/67/", {"round": self.round.pk})
        codes = {row.lao.code for row in response.context["overseen"]}
        self.assertEqual(codes, {self.laos[n].code for n in ("town", "city", "pao")})
        self.assertTrue(response.context["can_act"])
        self.login(self.department)
        response = self.client.get("/province/67/", {"round": self.round.pk})
        self.assertFalse(response.context["can_act"])

    def test_supervisor_level_of_each_type(self):
        levels = {name: access.supervisor_level(lao) for name, lao in self.laos.items()}
        self.assertEqual(
            levels,
            {
                "sao": "district",
                "subdistrict": "district",
                "town": "province",
                "city": "province",
                "pao": "province",
                "pattaya": "province",
                "bangkok": "department",
            },
        )
