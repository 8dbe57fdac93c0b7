"""The clerk's home (the LAO page) says where the record stands in the round and what to do
next; a submitted record's forms are read-only with the reason; breadcrumbs lead only where the
user may go."""

import datetime
import re

from deadlines.services import round_return, round_submit
from tests.base import PersonasTestCase, on
from tests.factories import POPULATION, fill_section, make_round

DAY = datetime.date(2024, 12, 20)


class NextStepTestCase(PersonasTestCase):
    def setUp(self):
        self.round = make_round()  # deadline 30 Dec 2024
        self.participant = self.round.participants.get(lao=self.lao_a)

    def home(self, user=None):
        self.login(user or self.clerk_a)
        with on(DAY):
            return self.client.get("/", follow=True)

    def test_the_clerk_home_shows_the_status_deadline_and_days_left(self):
        page = self.home()
        self.assertContains(page, 'data-testid="next-step"')
        self.assertContains(page, "ยังไม่เริ่ม")
        self.assertContains(page, "30 ธันวาคม 2567")
        self.assertContains(page, "เหลืออีก 10 วัน")
        # What is missing: the round's section, linked to its form.
        self.assertContains(page, 'href="/lao/' + self.lao_a.code + '/2568/population/"')

    def test_a_returned_record_shows_the_officers_comment_on_the_home_page(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        with on(DAY):
            round_submit(participant=self.participant, by=self.clerk_a)
            round_return(participant=self.participant, by=self.district_officer, comment="ตรวจชาย")
        page = self.home()
        self.assertContains(page, 'data-testid="returned"')
        self.assertContains(page, "ตรวจชาย")
        self.assertContains(page, "ส่งกลับแก้ไข")

    def test_a_submitted_record_is_read_only_with_the_reason_at_the_top(self):
        fill_section(self.lao_a, 2568, "population", self.clerk_a, POPULATION)
        with on(DAY):
            round_submit(participant=self.participant, by=self.clerk_a)
        self.login(self.clerk_a)
        with on(DAY):
            page = self.client.get(f"/lao/{self.lao_a.code}/2568/population/")
        html = page.content.decode()
        self.assertContains(page, 'data-testid="blocked"')
        self.assertLess(
            html.index('data-testid="blocked"'), html.index('<form method="post" novalidate')
        )
        self.assertNotIn('type="submit" class="btn btn-primary"', html)
        inputs = re.findall(r"<input [^>]*name=\"population_[^\"]*\"[^>]*>", html)
        self.assertTrue(inputs)
        self.assertTrue(all("disabled" in tag for tag in inputs))
        self.assertContains(page, "อ่านได้อย่างเดียว")

    def test_the_section_list_comes_after_the_form(self):
        self.login(self.clerk_a)
        html = self.client.get(f"/lao/{self.lao_a.code}/2568/population/").content.decode()
        self.assertLess(html.index('<form method="post"'), html.index("<aside"))

    def test_a_clerks_breadcrumb_does_not_link_to_the_district_or_province(self):
        page = self.home()
        self.assertNotContains(page, 'href="/district/6701/"')
        self.assertNotContains(page, 'href="/province/67/"')
        officer = self.home(self.district_officer)
        self.login(self.district_officer)
        officer = self.client.get(f"/lao/{self.lao_a.code}/")
        self.assertContains(officer, 'href="/district/6701/"')
        self.assertNotContains(officer, 'href="/province/67/"')
