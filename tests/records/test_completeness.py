from django.test import SimpleTestCase

from records.completeness import percent


class PercentTestCase(SimpleTestCase):
    def test_nothing_required_is_complete(self):
        self.assertEqual(percent(0, 0), 100.0)

    def test_nothing_filled_is_zero(self):
        self.assertEqual(percent(0, 238), 0.0)

    def test_all_filled_is_a_hundred(self):
        self.assertEqual(percent(238, 238), 100.0)

    def test_it_is_never_a_hundred_before_the_last_field(self):
        self.assertEqual(percent(199, 200), 99.5)
        self.assertEqual(percent(1999, 2000), 99.9)
        self.assertEqual(percent(186_999, 187_000), 99.9)

    def test_it_rounds_down_to_one_decimal_place(self):
        self.assertEqual(percent(1, 3), 33.3)
        self.assertEqual(percent(2, 3), 66.6)
        self.assertEqual(percent(5, 8), 62.5)
        self.assertEqual(percent(1, 1000), 0.1)
        self.assertEqual(percent(1, 1001), 0.0)

    def test_whole_numbers_stay_exact(self):
        self.assertEqual(percent(1, 2), 50.0)
        self.assertEqual(percent(3, 10), 30.0)  # 0.3 * 100 in floats would be 30.000000000000004
        self.assertEqual(percent(7, 100), 7.0)

    def test_more_than_required_is_shown_as_complete(self):
        self.assertEqual(percent(5, 4), 100.0)

    def test_it_agrees_with_the_below_filter(self):
        # The dashboards keep the LAOs "below 90 per cent" with filled * 100 < required * 90.
        for filled, required in [(899, 1000), (8999, 10000), (900, 1000), (9, 10)]:
            self.assertEqual(percent(filled, required) < 90, filled * 100 < required * 90)
