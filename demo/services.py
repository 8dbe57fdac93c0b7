"""seed_demo's one service: the demo registry, the demo users and the sample records, in that
order and in one transaction.

The order matters: the clerk's LAO must exist before the clerk, and the records name the demo
clerk as who saved its LAO's sections. The command runs the rounds (demo/rounds.py) after this,
since they read the records' completeness and the demo officers.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from demo import DemoSeedError
from demo.records.seed import DEFAULT_FILL, RecordsSeedResult, sample_records_seed
from demo.registry import RegistrySeedResult, lao_registry_seed
from demo.users import DEMO_PROVINCE, UsersSeedResult, demo_users_seed

DEFAULT_SEED = 2555


@dataclass
class DemoSeedResult:
    registry: RegistrySeedResult
    users: UsersSeedResult | None
    records: RecordsSeedResult | None = None
    # True when province 67 was added to --provinces because the clerk's LAO is there.
    added_demo_province: bool = False


@transaction.atomic
def demo_seed(
    *,
    province_codes: Sequence[str] | None,
    seed: int = DEFAULT_SEED,
    with_users: bool = True,
    fill: float = DEFAULT_FILL,
) -> DemoSeedResult:
    """The demo registry for these provinces (None: the whole country), the demo users, then
    sample records (none with ``fill`` 0).

    Checks everything before writing: with DEBUG off and users asked for, or with an unknown
    province code, it raises DemoSeedError and the database is untouched. The clerk's LAO is in
    province 67, so with users 67 is added to the provinces when missing. The users come before
    the records, which name the demo clerk as who saved its LAO's sections.
    """
    if with_users and not settings.DEBUG:
        raise DemoSeedError(_("refusing to create demo users with DEBUG off"))
    added = False
    if with_users and province_codes is not None and DEMO_PROVINCE not in province_codes:
        province_codes = [*province_codes, DEMO_PROVINCE]
        added = True
    registry = lao_registry_seed(province_codes=province_codes, seed=seed)
    users = demo_users_seed() if with_users else None
    records = sample_records_seed(
        province_codes=province_codes, lao_codes=registry.lao_codes, seed=seed, fill=fill
    )
    return DemoSeedResult(
        registry=registry, users=users, records=records, added_demo_province=added
    )
