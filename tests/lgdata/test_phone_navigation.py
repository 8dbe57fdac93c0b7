"""At phone width the navigation folds into a <details> menu: no JavaScript needed."""

import re
from pathlib import Path

from tests.base import PersonasTestCase

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css"
HREF = re.compile(r'href="([^"]+)"')


class PhoneNavigationTestCase(PersonasTestCase):
    def test_the_phone_menu_offers_the_same_links_as_the_bar(self):
        self.login(self.district_officer)
        html = self.client.get("/circulars/").content.decode()
        bar = re.search(r'<ul class="navbar-nav me-auto.*?</ul>', html, re.S).group()
        menu = re.search(r'<details class="nav-menu.*?</details>', html, re.S).group()
        self.assertIn("<summary", menu)
        self.assertIn("เมนู", menu)
        self.assertTrue(set(HREF.findall(bar)) <= set(HREF.findall(menu)))
        self.assertIn("/accounts/password/", menu)  # the account controls too
        self.assertNotIn("<script", html)

    def test_the_menu_is_folded_only_below_the_desktop_width(self):
        css = CSS.read_text(encoding="utf-8")
        self.assertRegex(css, r"@media \(min-width: 768px\) \{\s*\.nav-menu \{ display: none; \}")

    def test_a_visitor_gets_no_menu(self):
        self.assertNotContains(self.client.get("/accounts/login/"), "nav-menu")
