"""Each dashboard runs the same number of queries for one province of data and for many."""

from django.core.cache import cache
from django.test import override_settings

from dashboards.snapshots import snapshots_take
from deadlines.models import RoundLAO, Transition
from records.models import LAO
from tests.base import at, on
from tests.dashboards import scenario
from tests.dashboards.scenario import BEFORE
from tests.factories import POPULATION, fill_section, make_lao, make_round

# Page: (persona, URL, queries). Each count includes the session, the user and the unread
# notices of every page.
PAGES = {
    # +1 on the district and province pages: which submissions may be approved at once (their
    # records' flags and rules); +2 more on the province's: the LAOs it oversees. The district
    # page asks its province's roll-ups' stamp, under which its LAOs' rows are kept in the
    # cache (three queries fewer when warm: test_a_warm_district_page).
    "district": ("district_officer", "/district/6701/", 16),
    "district, filtered": (
        "district_officer",
        "/district/6701/?status=in_progress&below=90&sort=-completeness",
        13,  # no burn-up when LAOs are picked by status
    ),
    # The area pages read their areas from the stored roll-ups (dashboards.figures.area_rows):
    # the roll-ups' stamp, what each type owes, then, on a cold cache as here, the rows of the
    # year and the round and the LAOs that no longer exist (kept in the cache under the
    # stamp: two queries fewer when warm, test_a_warm_national_page). A page with a burn-up
    # asks whether the history changed since the cache kept it (one query), then, on a cold
    # cache, adds it up (one more).
    # The province's LAOs furthest behind (+ their sections) and those it oversees are kept
    # in the cache under the province's stamp (six queries fewer when warm).
    "province": ("province_officer", "/province/67/", 22),
    "national": ("department", "/national/", 13),
    "national, executive": ("executive", "/national/?type=sao", 13),
    # The field counts: the newest schema, the stored rows added up, and which LAOs no longer
    # exist (none here: their entries would be counted in two more queries).
    "fields": ("department", "/national/fields/", 9),
    "field": ("department", "/national/fields/population_total/", 9),
    "progress": ("department", f"/national/progress/?day={BEFORE.isoformat()}", 8),
    "national download": ("department", "/national/?download=csv", 9),
}


# The counts include the session's query: sessions read from the database here, as on a
# cold cache (the portal's cached_db engine usually saves that query).
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")
class QueryCountTestCase(scenario.DashboardTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.round = make_round(deadline=scenario.DEADLINE)  # the personas' LAOs, 67 and 81
        with on(BEFORE):
            fill_section(cls.lao_a, 2568, "population", cls.clerk_a, POPULATION)
            fill_section(cls.lao_c, 2568, "population", cls.clerk_a)

    def counts_equal_the_pages(self):
        with on(BEFORE):
            snapshots_take(day=BEFORE, rounds=[self.round])
        for name, (persona, url, queries) in PAGES.items():
            with self.subTest(page=name):
                cache.clear()  # every count on a cold cache, whichever page came before
                self.login(getattr(self, persona))
                with on(BEFORE):
                    self.assertPageQueries(url, queries)

    def test_one_province_then_many(self):
        self.counts_equal_the_pages()
        states = [s for s in RoundLAO.State.values]
        for n, district in enumerate(
            ["6701"] * 6
            + ["1001", "2001", "3001", "5001", "8101", "9001", "9601", "4001", "6702"] * 2
        ):
            lao = make_lao(district, name=f"เพิ่ม{n}")
            with on(BEFORE):
                fill_section(lao, 2568, "population", self.clerk_a, POPULATION)
            participant = RoundLAO.objects.create(
                round=self.round, lao=lao, state=states[n % len(states)], on_time=n % 2 == 0
            )
            Transition.objects.create(
                participant=participant,
                from_state="open",
                to_state="submitted",
                at=at(BEFORE),
            )
        self.counts_equal_the_pages()

    def test_a_warm_national_page(self):
        # Read again with nothing written in between, the areas' sums and the burn-up come
        # from the cache: the stamp and the history are asked, nothing is added up.
        self.login(self.department)
        with on(BEFORE):
            self.assertEqual(self.client.get("/national/").status_code, 200)
            self.assertPageQueries("/national/", 10)
            # A save anywhere stamps the roll-ups: the sums are added up again.
            fill_section(self.lao_c, 2568, "population", self.clerk_a, POPULATION)
            self.assertPageQueries("/national/", 12)

    def test_a_warm_district_page(self):
        # The LAOs' rows come from the cache while nothing in the province is written; a
        # save in another district of the province stamps it, and they are counted again.
        self.login(self.district_officer)

        def rows() -> dict:
            page = self.client.get("/district/6701/")
            return {row.lao.pk: row.filled for row in page.context["rows"]}

        with on(BEFORE):
            before = rows()
            behind = next(lao for lao in LAO.objects.filter(pk__in=before) if not before[lao.pk])
            self.assertPageQueries("/district/6701/", 13)
            fill_section(behind, 2568, "population", self.clerk_a, POPULATION)
            # The rows are counted again (the burn-up's history has not changed: kept).
            self.assertPageQueries("/district/6701/", 15)
            self.assertGreater(rows()[behind.pk], 0)

    def test_a_warm_province_page(self):
        self.login(self.province_officer)
        with on(BEFORE):
            self.assertEqual(self.client.get("/province/67/").status_code, 200)
            # The stamps and the history are asked; the districts' sums, the LAOs behind and
            # those the province oversees come from the cache.
            self.assertPageQueries("/province/67/", 16)
