"""The section form's rows as the page writes them (records.forms.rows_html): what a clerk sees
beside each input, and nothing a label or message holds is taken as HTML."""

from django.test import SimpleTestCase
from django.utils import translation
from django.utils.safestring import mark_safe

from records.forms import SectionRow, rows_html


def section_row(**changes) -> SectionRow:
    values = {
        "code": "population_total",
        "id": "id_population_total",
        "label": "Population <total>",
        "required": True,
        "unit": "persons & more",
        "widget": mark_safe('<input type="text" name="population_total" id="id_population_total">'),
        "na": mark_safe('<input type="checkbox" name="population_total__na" id="id_na">'),
        "na_id": "id_na",
        "na_label": "not applicable",
        "errors": ["Enter a number <here>"],
        "help_text": 'Count "everyone"',
        "help_id": "id_population_total_helptext",
        "error_id": "id_population_total_error",
        "flagged": True,
    }
    return SectionRow(**{**values, **changes})


class SectionRowsTestCase(SimpleTestCase):
    def test_a_row_shows_its_label_input_unit_box_link_error_help_and_note(self):
        with translation.override("en"):
            page = str(rows_html([section_row()], history_url="/lao/1/2568/history/"))
        for part in (
            'id="row-population_total"',
            "border-warning",
            '<label for="id_population_total" class="form-label fw-semibold">'
            'Population &lt;total&gt; <span class="text-danger" title="required">*</span></label>',
            '<input type="text" name="population_total" id="id_population_total">',
            '<span class="input-group-text">persons &amp; more</span>',
            '<label class="form-check-label" for="id_na">not applicable</label>',
            '<a href="/lao/1/2568/history/?field=population_total">history</a>',
            '<div id="id_population_total_error"><div class="text-danger small mt-1" role="alert">'
            "Enter a number &lt;here&gt;</div></div>",
            '<div class="form-text" id="id_population_total_helptext">Count &quot;everyone&quot;'
            "</div>",
            "Far from last year&#x27;s value: please check.",
        ):
            with self.subTest(part=part):
                self.assertIn(part, page)

    def test_a_plain_row_has_no_star_unit_box_link_error_help_or_note(self):
        row = section_row(required=False, unit="", na=None, errors=[], help_text="", flagged=False)
        with translation.override("th"):
            page = str(rows_html([row], history_url=None))
        for absent in ("*", "input-group-text", "form-check", "<a ", 'role="alert"', "form-text",
                       "border-warning", "text-warning-emphasis"):  # fmt: skip
            with self.subTest(absent=absent):
                self.assertNotIn(absent, page)
        self.assertIn('<input type="text" name="population_total"', page)

    def test_the_words_are_in_thai_by_default(self):
        with translation.override("th"):
            page = str(rows_html([section_row()], history_url="/h/"))
        self.assertNotIn(">history<", page)
        self.assertNotIn('title="required"', page)
