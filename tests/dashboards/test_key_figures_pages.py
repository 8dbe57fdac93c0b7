"""The key-figure pages: who sees what, the drill-down, the downloads, the charts and the
number of queries at two data sizes (figures from tests/dashboards/key_figures_scenario.py)."""

import csv
import io
import xml.etree.ElementTree as ET

from django.core.cache import cache
from django.test import override_settings
from openpyxl import load_workbook

from tests.dashboards import key_figures_scenario as scenario
from tests.factories import make_lao

YEAR = scenario.YEAR
SVG = "{http://www.w3.org/2000/svg}"


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# The counts include the session's query: sessions read from the database here, as on a
# cold cache (the portal's cached_db engine usually saves that query).
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")
class KeyFiguresPagesTestCase(scenario.KeyFiguresScenarioTestCase):
    def get(self, persona, url):
        self.login(getattr(self, persona))
        return self.client.get(url)

    # --- /figures/ -----------------------------------------------------------------------------

    def test_officers_read_every_province_with_last_year_beside(self):
        for persona in ("executive", "department", "province_officer", "other_district_officer"):
            with self.subTest(persona):
                response = self.get(persona, f"/figures/?year={YEAR}")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'data-code="67"')
                self.assertContains(response, 'data-code="81"')
        row = self.row(response, "67")
        self.assertIn("9,000", row)

    def row(self, response, code: str) -> str:
        html = response.content.decode()
        start = html.index(f'<tr data-code="{code}"')
        return html[start : html.index("</tr>", start)]

    def test_a_clerk_is_sent_to_their_own_lao(self):
        response = self.get("clerk_a", "/figures/")
        self.assertRedirects(response, f"/lao/{self.lao_a.code}/figures/")

    def test_the_province_with_the_lowest_figure_comes_first_and_opens_its_districts(self):
        response = self.get("executive", f"/figures/?year={YEAR}&sort=own_revenue_per_person")
        html = response.content.decode()
        # Phetchabun 3,800 baht a person, Krabi 320: Krabi first; provinces without it last.
        self.assertLess(html.index('<tr data-code="81"'), html.index('<tr data-code="67"'))
        self.assertContains(response, "?year=2568&amp;province=67")
        districts = self.get("executive", f"/figures/?year={YEAR}&province=67")
        self.assertContains(districts, 'data-code="6701"')
        self.assertIn("7,500", self.row(districts, "6701"))
        self.assertNotContains(districts, 'data-code="8104"')

    def test_lao_values_only_within_the_scope(self):
        url = f"/figures/?year={YEAR}&district=6701"
        mine = self.get("district_officer", url)
        self.assertContains(mine, f'data-code="{self.lao_a.code}"')
        self.assertContains(mine, f'href="/lao/{self.lao_a.code}/figures/"')
        other = self.get("other_district_officer", url)
        self.assertEqual(other.status_code, 200)
        self.assertNotContains(other, f'data-code="{self.lao_a.code}"')
        self.assertContains(other, 'data-testid="scope-note"')
        self.assertIn("7,500", self.row(other, "6701"))  # the district's total all the same

    def test_the_laos_table_a_page_builds_is_kept_out_of_the_garbage_collectors_walk(self):
        import gc

        cache.clear()
        gc.unfreeze()
        self.assertEqual(gc.get_freeze_count(), 0)
        try:
            page = self.get("district_officer", f"/figures/?year={YEAR}&district=6701")
            self.assertContains(page, f'data-code="{self.lao_a.code}"')
            # Frozen: full collections no longer walk the per-LAO table (~100 ms a time at
            # national scale, bench/key_figures.py), which reference counting still frees.
            self.assertGreater(gc.get_freeze_count(), 0)
        finally:
            gc.unfreeze()

    def test_a_greyed_figure_says_why(self):
        response = self.get("executive", f"/figures/?year={YEAR}&province=67")
        row = self.row(response, "6701")
        self.assertIn('data-greyed="1"', row)
        self.assertIn("3 จาก 4 อปท.", row)  # "3 of 4 LAOs"

    def test_the_table_downloads_as_csv_and_xlsx(self):
        response = self.get("executive", f"/figures/?year={YEAR}&province=67&download=csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = rows_of(response)
        header = next(r for r in rows if r and r[0] == "รหัส")
        column = header.index("ประชากร (คน) 2568")
        district = next(r for r in rows if r and r[0] == "6701")
        self.assertEqual(district[column], "7500")
        self.assertEqual(rows[-1][column], "9000")  # the province's total
        response = self.get("executive", f"/figures/?year={YEAR}&download=xlsx")
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        phetchabun = next(r for r in values if r[0] == "67")
        self.assertIn(9000, phetchabun)

    def test_english_through_the_switch(self):
        self.login(self.executive)
        self.client.cookies["django_language"] = "en"
        response = self.client.get(f"/figures/?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(response, "Own-source revenue per person")

    # --- /figures/<indicator>/ -----------------------------------------------------------------

    def test_the_indicator_page_maps_ranks_and_spreads(self):
        response = self.get("province_officer", f"/figures/population/?year={YEAR}")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        start = html.index('<svg xmlns="http://www.w3.org/2000/svg"')
        tile_map = ET.fromstring(html[start : html.index("</svg>", start) + 6])
        tiles = {g.get("data-code"): g.get("data-value") for g in tile_map.iter(f"{SVG}g")}
        self.assertEqual(tiles["67"], "9000")
        self.assertEqual(tiles["81"], "2500")
        self.assertEqual(tiles["10"], "")  # Bangkok: no data
        ranking = html[html.index('data-testid="ranking"') :]
        self.assertLess(ranking.index('data-code="67"'), ranking.index('data-code="81"'))
        self.assertContains(response, 'data-testid="spread"')
        self.assertContains(response, 'data-type="sao"')

    def test_an_unknown_indicator_is_a_404_and_clerks_do_not_open_it(self):
        self.assertEqual(self.get("executive", "/figures/no_such_thing/").status_code, 404)
        self.assertEqual(self.get("clerk_a", "/figures/population/").status_code, 404)

    def test_the_ranking_downloads(self):
        response = self.get(
            "executive", f"/figures/own_revenue_per_person/?year={YEAR}&download=csv"
        )
        rows = rows_of(response)
        first = next(r for r in rows if r and r[0] == "1")
        self.assertEqual(first[1], "67")
        self.assertEqual(first[3], "3800")

    # --- /lao/<code>/figures/ ------------------------------------------------------------------

    def test_an_lao_profile_for_its_clerk_and_officers_not_for_others(self):
        url = f"/lao/{self.lao_a.code}/figures/?year={YEAR}"
        for persona in ("clerk_a", "district_officer", "province_officer", "executive"):
            with self.subTest(persona):
                self.assertEqual(self.get(persona, url).status_code, 200)
        for persona in ("clerk_b", "other_district_officer", "other_province_officer"):
            with self.subTest(persona):
                self.assertEqual(self.get(persona, url).status_code, 404)
        response = self.get("clerk_a", url)
        row = self.row(response, "population")
        self.assertIn("2,500", row)
        self.assertIn("2,000", row)  # the median of Phetchabun's SAOs (2,500 and 1,500)
        download = self.get("clerk_a", url + "&download=csv")
        self.assertIn(["ประชากร", "คน", "2500", "", "2000", "2", "2500", "3"], rows_of(download))

    # --- Queries -------------------------------------------------------------------------------

    PAGES = {
        # (persona, URL, queries on a cold cache, queries on a warm one); each count includes the
        # session, the user and the notices (one query) of every page. Area figures come from the
        # stored roll-ups (five queries for this year and last, cache or not); LAO-level
        # figures from the per-LAO tables, cached.
        "national": ("executive", f"/figures/?year={YEAR}", 10, 10),
        "province": ("province_officer", f"/figures/?year={YEAR}&province=67", 13, 13),
        "district": ("district_officer", f"/figures/?year={YEAR}&district=6701", 21, 15),
        "indicator": ("executive", f"/figures/population/?year={YEAR}", 14, 11),
        "profile": ("clerk_a", f"/lao/{{lao}}/figures/?year={YEAR}", 11, 8),
        "national download": ("executive", f"/figures/?year={YEAR}&download=csv", 9, 9),
    }

    def counts_equal_the_pages(self):
        for name, (persona, url, cold, warm) in self.PAGES.items():
            url = url.format(lao=self.lao_a.code)
            self.login(getattr(self, persona))
            for state, queries in (("cold", cold), ("warm", warm)):
                if state == "cold":
                    cache.clear()
                with self.subTest(page=name, cache=state):
                    self.assertPageQueries(url, queries)

    def test_the_same_number_of_queries_for_few_and_many_laos(self):
        self.counts_equal_the_pages()
        for n, district in enumerate(["6701"] * 6 + ["1001", "5001", "8101", "9601", "6702"] * 3):
            lao = make_lao(district, name=f"เพิ่ม{n}")
            scenario.fill(lao, scenario.BASE, self.clerk_a)
        self.counts_equal_the_pages()
