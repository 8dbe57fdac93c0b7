"""Who may do what (accounts.access), and what each persona is offered on the pages."""

import re

from django.utils import timezone

from accounts import access
from accounts.models import Role
from deadlines.models import RoundLAO
from records.models import LAO, Province
from tests.base import PersonasTestCase
from tests.factories import PERSONA_NAMES, make_lao, make_round, make_user


class ReviewTestCase(PersonasTestCase):
    """lao_a is an SAO of district 6701 (province 67)."""

    def test_who_may_approve_an_saos_record(self):
        self.assertEqual(self.lao_a.type, LAO.Type.SAO)
        may = {p for p in PERSONA_NAMES if access.can_approve_lao(getattr(self, p), self.lao_a)}
        self.assertEqual(may, {"district_officer"})

    def test_the_province_approves_a_town_municipality_and_the_district_does_not(self):
        # One step, by whoever supervises (docs/supervision.md): the district no longer
        # approves the PAO and town municipalities, nor the province the district's SAOs.
        town = make_lao("6701", type=LAO.Type.TOWN)
        may = {p for p in PERSONA_NAMES if access.can_approve_lao(getattr(self, p), town)}
        self.assertEqual(may, {"province_officer"})

    def test_reviewers_are_the_supervisors_only(self):
        may = {p for p in PERSONA_NAMES if access.can_review_lao(getattr(self, p), self.lao_a)}
        self.assertEqual(may, {"district_officer"})

    def test_a_disabled_officer_reviews_nothing(self):
        self.district_officer.is_active = False
        self.assertFalse(access.can_approve_lao(self.district_officer, self.lao_a))

    def test_who_may_import_a_template_for_an_lao(self):
        may = {p for p in PERSONA_NAMES if access.can_import_template(getattr(self, p), self.lao_a)}
        self.assertEqual(may, {"clerk_a", "district_officer"})
        self.assertEqual(set(access.template_laos(self.district_officer)), {self.lao_a, self.lao_b})
        self.assertFalse(access.template_laos(self.province_officer).exists())


class WhoHearsTestCase(PersonasTestCase):
    """Who is told of a record's moves and reminded of it: its clerks and its supervisors."""

    def usernames(self, users) -> set[str]:
        return set(users.values_list("username", flat=True))

    def test_an_laos_clerks_are_its_active_clerks_only(self):
        make_user("clerk_a_left", Role.CLERK, lao=self.lao_a, is_active=False)
        self.assertEqual(self.usernames(access.clerks_of([self.lao_a.pk])), {"clerk_a"})
        self.assertEqual(
            self.usernames(access.clerks_of([self.lao_a.pk, self.lao_b.pk])),
            {"clerk_a", "clerk_b"},
        )

    def test_an_offices_officers_are_its_own_active_officers(self):
        make_user("district_6701_left", Role.DISTRICT, district_id="6701", is_active=False)
        self.assertEqual(self.usernames(access.officers_of_districts(["6701"])), {"district_6701"})
        self.assertEqual(
            self.usernames(access.officers_of_provinces(["67", "81"])),
            {"province_67", "province_81"},
        )
        self.assertEqual(self.usernames(access.officers_of_provinces(["6701"])), set())


class AllowedMovesTestCase(PersonasTestCase):
    """RoundLAO.allowed_moves: who (access) and when (the state), for lao_a's participation."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round()

    def moves(self, state: str, *, acknowledged: bool = True) -> dict[str, set[str]]:
        """Who may make which moves on lao_a's participation in ``state`` (personas without
        any are left out)."""
        participant = RoundLAO.objects.select_related("lao__district").get(
            round=self.round, lao=self.lao_a
        )
        participant.state = state
        participant.acknowledged_at = timezone.now() if acknowledged else None
        found = {p: participant.allowed_moves(getattr(self, p)) for p in PERSONA_NAMES}
        return {p: moves for p, moves in found.items() if moves}

    def test_an_open_record_is_acknowledged_and_submitted_by_its_clerk_only(self):
        self.assertEqual(
            self.moves("open", acknowledged=False), {"clerk_a": {"acknowledge", "submit"}}
        )

    def test_acknowledging_is_done_once(self):
        self.assertEqual(self.moves("open"), {"clerk_a": {"submit"}})

    def test_an_saos_submission_is_approved_or_returned_by_its_district_only(self):
        # The district's approval is final; the province is informed (docs/supervision.md).
        self.assertEqual(self.moves("submitted"), {"district_officer": {"approve", "return"}})

    def test_an_approval_of_the_old_two_step_workflow_awaits_nobody(self):
        self.assertEqual(self.moves("district_approved"), {})

    def test_nobody_moves_an_approved_record(self):
        self.assertEqual(self.moves("approved"), {})

    def test_a_returned_record_is_submitted_again_by_its_clerk(self):
        self.assertEqual(self.moves("returned"), {"clerk_a": {"submit"}})


class LettersTestCase(PersonasTestCase):
    def test_the_level_of_the_letters_each_persona_writes(self):
        levels = {p: access.letter_level(getattr(self, p)) for p in PERSONA_NAMES}
        self.assertEqual(
            levels,
            {
                "clerk_a": None,
                "clerk_b": None,
                "district_officer": "district",
                "other_district_officer": "district",
                "province_officer": "province",
                "other_province_officer": "province",
                "department": "department",
                "executive": None,
            },
        )


class ProvincePageTestCase(PersonasTestCase):
    def test_can_view_province_agrees_with_the_visible_provinces(self):
        for persona in PERSONA_NAMES:
            user = getattr(self, persona)
            visible = set(access.provinces_visible_to(user))
            for province in Province.objects.filter(code__in=["67", "81", "10"]):
                with self.subTest(persona=persona, province=province.code):
                    self.assertEqual(access.can_view_province(user, province), province in visible)


NAV = re.compile(r'<ul class="navbar-nav.*?</ul>', re.S)
HREF = re.compile(r'href="([^"]+)"')
EVERYONE = {"/", "/circulars/", "/notices/", "/figures/"}


class NavigationTestCase(PersonasTestCase):
    """The links in the navigation bar, as each persona sees them."""

    def links(self, user) -> set[str]:
        self.login(user)
        html = self.client.get("/circulars/").content.decode()
        return set(HREF.findall(NAV.search(html).group()))

    def test_each_persona_sees_the_links_for_what_they_may_do(self):
        admin = make_user("admin", Role.ADMIN, is_staff=True)
        expected = {
            "clerk_a": EVERYONE | {"/template/"},
            "district_officer": EVERYONE | {"/lao/", "/template/"},
            "province_officer": EVERYONE | {"/lao/", "/admin/"},
            "department": EVERYONE | {"/lao/", "/registry/import/", "/api/tokens/"},
            "executive": EVERYONE | {"/lao/"},
        }
        for persona, links in expected.items():
            with self.subTest(persona=persona):
                self.assertEqual(self.links(getattr(self, persona)), links)
        self.assertEqual(
            self.links(admin),
            EVERYONE | {"/lao/", "/registry/import/", "/api/tokens/", "/admin/"},
        )

    def test_a_visitor_sees_no_navigation(self):
        self.assertNotContains(self.client.get("/accounts/login/"), 'class="navbar-nav')

    def test_the_circular_list_offers_what_the_user_writes(self):
        cases = {
            "department": "หนังสือเวียนใหม่",  # New circular
            "district_officer": "บันทึกหนังสือแจ้งต่อ",  # Record a forwarding letter
            "other_district_officer": "บันทึกหนังสือแจ้งต่อ",
            "province_officer": "บันทึกหนังสือแจ้งต่อ",
            "other_province_officer": "บันทึกหนังสือแจ้งต่อ",
        }
        for persona in PERSONA_NAMES:
            with self.subTest(persona=persona):
                self.login(getattr(self, persona))
                response = self.client.get("/circulars/")
                if persona in cases:
                    self.assertContains(response, 'href="/circulars/new/"')
                    self.assertContains(response, cases[persona])
                else:
                    self.assertNotContains(response, 'href="/circulars/new/"')
