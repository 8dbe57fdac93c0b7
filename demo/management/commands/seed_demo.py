"""manage.py seed_demo: the demo LAO registry on the real geography, the demo users, sample
records, and the circulars and rounds of demo/rounds.py.

It lives in the demo app, above every app it seeds, so that none of them imports demo data.
"""

import math
import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from deadlines import progress_rollups
from demo import DemoSeedError
from demo.records.seed import DEFAULT_FILL, RecordsSeedResult
from demo.registry import TYPE_ORDER
from demo.rounds import demo_rounds_seed
from demo.services import DEFAULT_SEED, DemoSeedResult, demo_seed
from demo.users import DEMO_PROVINCE
from lgdata.thai import to_arabic_digits
from records import gap_rollups, rollups
from records.models import LAO


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property, not gettext_lazy: argparse cannot format a lazy string.
        return _(
            "Seeds a realistic LAO registry on the real geography (PAOs, municipalities, SAOs, "
            "Bangkok and Pattaya), the demo users (password demo-2555, DEBUG only) and sample "
            "records of the current and the previous fiscal year. Seeded values have no "
            "history. Idempotent: a re-run with the same seed changes nothing."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--provinces",
            help=_(
                "Comma-separated DOPA province codes, e.g. 67,81 (Thai digits accepted). "
                "Default: the whole country. With users, 67 is always added."
            ),
        )
        parser.add_argument(
            "--fill",
            default=str(DEFAULT_FILL),
            help=_(
                "Share of the required fields filled in this fiscal year's sample records, 0 to 1 "
                "(default 0.6): some LAOs not started, some in progress, some complete; last "
                "year's records are nearly all complete. 0 makes no sample records. A LAO that "
                "already has a record for a year keeps it as it is."
            ),
        )
        parser.add_argument(
            "--seed",
            default=str(DEFAULT_SEED),
            help=_("Random seed: the same seed gives the same LAOs (default 2555)."),
        )
        parser.add_argument(
            "--no-users",
            action="store_true",
            help=_("Seed the registry only, no demo users; allowed with DEBUG off."),
        )

    def handle(self, *args, **options) -> None:
        province_codes = None
        if options["provinces"] is not None:
            province_codes = _parse_provinces(options["provinces"])
        fill = _parse_fill(options["fill"])
        seed = _parse_seed(options["seed"])

        started = time.monotonic()
        try:
            result = demo_seed(
                province_codes=province_codes,
                seed=seed,
                with_users=not options["no_users"],
                fill=fill,
            )
        except DemoSeedError as error:
            raise CommandError(str(error)) from None
        self._report(result, seconds=time.monotonic() - started)
        rounds = demo_rounds_seed(province_codes=province_codes, seed=seed)
        self.stdout.write(
            _(
                "Circulars and rounds: %(letters)d letters and %(rounds)d rounds created, "
                "%(participants)d LAOs added to rounds."
            )
            % {
                "letters": rounds.letters_created,
                "rounds": rounds.rounds_created,
                "participants": rounds.participants_created,
            }
        )
        # The sample records and approvals are written in bulk, past section_save: the key
        # figures' roll-ups are added up again at the end (records/rollups.py); a rerun that
        # changed nothing writes nothing. The dashboards' progress counts and the field-level
        # view's counts are counted again (deadlines/progress_rollups.py,
        # records/gap_rollups.py).
        corrected = rollups.rebuild()
        self.stdout.write(_("Key figures: %(rows)d roll-up rows corrected.") % {"rows": corrected})
        progress_rollups.rebuild()
        gap_rollups.rebuild()

    def _report(self, result: DemoSeedResult, *, seconds: float) -> None:
        registry = result.registry
        if result.added_demo_province:
            self.stdout.write(
                _("Province %(code)s added: the demo clerk's LAO is in it.")
                % {"code": DEMO_PROVINCE}
            )
        if result.records is not None:
            seconds -= result.records.seconds  # reported on its own below
        self.stdout.write(
            _("LAO registry for %(count)d provinces (%(seconds).1f s):")
            % {"count": len(registry.province_codes), "seconds": seconds}
        )
        # A context of their own: the catalogue's "updated" is the model's "updated at".
        header = (
            pgettext("seed_demo table", "LAO type"),
            pgettext("seed_demo table", "created"),
            pgettext("seed_demo table", "updated"),
            pgettext("seed_demo table", "unchanged"),
            pgettext("seed_demo table", "total"),
        )
        rows = [
            (
                str(LAO.Type(lao_type).label),
                registry.created[lao_type],
                registry.updated[lao_type],
                registry.unchanged[lao_type],
                registry.total[lao_type],
            )
            for lao_type in TYPE_ORDER
        ]
        rows.append(
            (
                pgettext("seed_demo table", "all types"),
                registry.created.total(),
                registry.updated.total(),
                registry.unchanged.total(),
                registry.total.total(),
            )
        )
        self._table(header, rows)
        if registry.links_added or registry.links_removed:
            self.stdout.write(
                _("Covered subdistricts: %(added)d links added, %(removed)d removed.")
                % {"added": registry.links_added, "removed": registry.links_removed}
            )
        if registry.others_left:
            self.stdout.write(
                _("%(count)d other LAOs in these provinces are not this seed's; left as they are.")
                % {"count": registry.others_left}
            )

        if result.records is not None:
            self._report_records(result.records)
        users = result.users
        if users is None:
            self.stdout.write(_("Demo users: skipped (--no-users)."))
            return
        self.stdout.write(
            _("Demo users: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "created": len(users.created),
                "updated": len(users.updated),
                "unchanged": len(users.unchanged),
            }
        )
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Demo logins")))
        self._table(
            (
                pgettext("seed_demo table", "username"),
                pgettext("seed_demo table", "role"),
                pgettext("seed_demo table", "scope"),
                pgettext("seed_demo table", "password"),
            ),
            [(login.username, login.role, login.scope, login.password) for login in users.logins],
        )

    def _report_records(self, records: RecordsSeedResult) -> None:
        if not records.created and not records.skipped:
            self.stdout.write(_("Sample records: none (--fill 0)."))
            return
        self.stdout.write(
            _("Sample records (%(seconds).1f s, %(entries)d section entries):")
            % {"seconds": records.seconds, "entries": records.entries}
        )
        self._table(
            (
                pgettext("seed_demo table", "fiscal year"),
                pgettext("seed_demo table", "created"),
                pgettext("seed_demo table", "already there"),
                pgettext("seed_demo table", "required fields filled"),
            ),
            [
                (
                    year,
                    records.created[year],
                    records.skipped[year],
                    f"{records.share(year):.0%}" if records.created[year] else "-",
                )
                for year in records.fiscal_years
            ],
        )

    def _table(self, header: tuple, rows: list[tuple]) -> None:
        # Thai vowel and tone marks take no column, so pad by what the eye sees, not len().
        table = [tuple(str(cell) for cell in row) for row in [header, *rows]]
        widths = [max(_width(row[i]) for row in table) for i in range(len(header))]
        for index, row in enumerate(table):
            cells = [
                cell + " " * (width - _width(cell))
                if column == 0 or not cell.isdigit()
                else " " * (width - _width(cell)) + cell
                for column, (cell, width) in enumerate(zip(row, widths, strict=True))
            ]
            self.stdout.write("  ".join(cells).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))


def _width(text: str) -> int:
    """Columns a string takes in a terminal: Thai vowel and tone marks above or below take none."""
    return sum(1 for char in text if unicodedata.category(char) != "Mn")


def _parse_provinces(raw: str) -> list[str]:
    """ "67, 81" or "๖๗,๘๑" -> ["67", "81"] (order kept, duplicates dropped).

    Only the form is checked here; whether the provinces exist is the seeding's business.
    """
    codes = [part.strip() for part in to_arabic_digits(raw or "").split(",")]
    codes = [code for code in codes if code]
    if not codes:
        raise CommandError(_("Give at least one province code, e.g. --provinces 67,81."))
    return list(dict.fromkeys(codes))


def _parse_fill(raw: str) -> float:
    try:
        fill = float(to_arabic_digits(str(raw)).strip())
    except ValueError:
        fill = math.nan
    if not 0 <= fill <= 1:  # also refuses nan
        raise CommandError(
            _("--fill must be a number from 0 to 1, e.g. 0.6, not %(value)r.") % {"value": raw}
        )
    return fill


def _parse_seed(raw: str) -> int:
    try:
        return int(to_arabic_digits(str(raw)).strip())
    except ValueError:
        raise CommandError(
            _("--seed must be a whole number, e.g. 2555, not %(value)r.") % {"value": raw}
        ) from None
