"""Small hand-written factories: geography comes from the migration, LAOs and users from here."""

import itertools
from unittest import mock

from accounts.models import Role, User
from records.models import LAO, District

PASSWORD = "correct-horse-2567"
_seq = itertools.count(1)


def make_lao(
    district_code: str = "6701", *, type: str = LAO.Type.SAO, name: str = "", **fields
) -> LAO:
    n = next(_seq)
    district = District.objects.get(code=district_code)
    prefix = {"pao": "2", "city": "3", "town": "4", "subdistrict": "5", "sao": "6", "special": "1"}[
        type
    ]
    code = fields.pop("code", f"{prefix}{district_code}{n % 100:02d}")
    return LAO.objects.create(
        code=code, type=type, name_th=name or f"ทดสอบ{n}", district=district, **fields
    )


def make_user(username: str, role: str, **scope) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **scope)


# The people of the permission matrix (make_personas), in the order of its columns.
PERSONA_NAMES = (
    "clerk_a",
    "clerk_b",
    "district_officer",
    "other_district_officer",
    "province_officer",
    "other_province_officer",
    "department",
    "executive",
)


def make_personas() -> dict:
    """The permission matrix's people: two LAOs in one district, a third LAO elsewhere, and one
    user of every role, with a neighbour at each level who must not see the others."""
    lao_a = make_lao("6701", type=LAO.Type.SAO, name="นาป่า")
    lao_b = make_lao("6701", type=LAO.Type.SUBDISTRICT, name="วังชมภู")
    lao_c = make_lao("6702", type=LAO.Type.SAO, name="ชนแดน")
    lao_krabi = make_lao("8104", type=LAO.Type.SAO, name="คลองท่อมเหนือ")
    return {
        "lao_a": lao_a,
        "lao_b": lao_b,
        "lao_c": lao_c,
        "lao_krabi": lao_krabi,
        "clerk_a": make_user("clerk_a", Role.CLERK, lao=lao_a),
        "clerk_b": make_user("clerk_b", Role.CLERK, lao=lao_b),
        "district_officer": make_user("district_6701", Role.DISTRICT, district_id="6701"),
        "other_district_officer": make_user("district_6702", Role.DISTRICT, district_id="6702"),
        "province_officer": make_user("province_67", Role.PROVINCE, province_id="67"),
        "other_province_officer": make_user("province_81", Role.PROVINCE, province_id="81"),
        "department": make_user("department", Role.DEPARTMENT),
        "executive": make_user("executive", Role.EXECUTIVE),
    }


def make_round(
    *, deadline=None, lock_date=None, fiscal_year=2568, sections=("population",), by=None
):
    """A department circular and the round it opens for every LAO that exists then."""
    import datetime

    from deadlines.models import Circular
    from deadlines.services import circular_create, round_open

    circular = circular_create(
        level=Circular.Level.DEPARTMENT,
        reference="มท ๐๘๐๖/ว ๓๑๓๗",
        date=datetime.date(2024, 11, 19),
        subject="การปรับปรุงข้อมูลกลางองค์กรปกครองส่วนท้องถิ่น",
        issuer="อธิบดีกรมส่งเสริมการปกครองท้องถิ่น",
        addressees=["ผู้ว่าราชการจังหวัด ทุกจังหวัด"],
        deadline=deadline or datetime.date(2024, 12, 30),
        by=by,
    )
    return round_open(
        circular=circular,
        fiscal_year=fiscal_year,
        section_codes=list(sections),
        deadline=deadline or datetime.date(2024, 12, 30),
        lock_date=lock_date,
    )


def forward_letter(forwards, area, *, reference, date, by=None, subject=None, **fields):
    """A province's or a district's letter (``area`` is its Province or District) passing the
    letter ``forwards`` on, under the same subject unless another is given."""
    from deadlines.models import Circular
    from deadlines.services import circular_create

    common = {"reference": reference, "date": date, "subject": subject or forwards.subject}
    common |= {"by": by, "forwards": forwards, **fields}
    if isinstance(area, District):
        return circular_create(level=Circular.Level.DISTRICT, district=area, **common)
    return circular_create(level=Circular.Level.PROVINCE, province=area, **common)


def fill_section(lao, fiscal_year, section_code, by, values=None):
    """Fills a section through the service: the given values, or "1" in every required field.

    Test data, as if saved before any round closed the record: the edit guards are not asked.
    """
    from records import hooks
    from records.models import SectionEntry
    from records.services import applicable_fields, record_get_or_create, section_save

    record = record_get_or_create(lao=lao, fiscal_year=fiscal_year)
    entry = SectionEntry.objects.select_related("section", "record__lao").get(
        record=record, section__code=section_code
    )
    if values is None:
        values = {f.code: "1" for f in applicable_fields(entry.section, lao.type) if f.required}
    with mock.patch.object(hooks, "edit_guards", []):
        return section_save(entry=entry, values=values, expected_version=entry.version, by=by)


POPULATION = {
    "population_as_of": "2024-09-30",
    "population_male": "1200",
    "population_female": "1300",
    "population_total": "2500",
    "population_age_0_14": "500",
    "population_age_15_59": "1500",
    "population_age_60_plus": "500",
    "households_total": "800",
}
