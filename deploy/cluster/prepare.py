"""Run by the cluster test inside `manage.py shell` after seed_demo, on the primary: more clerks
(one per SAO, password demo-2555 like the demo users), an API token for the department user and a
registry file that changes the web address of a few LAOs. Prints one JSON line."""

import csv
import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Role
from api.services import token_issue
from lgdata.thai import fiscal_year_of
from records.models import LAO
from records.registry_cells import COLUMNS


def prepare() -> dict:
    user_model = get_user_model()
    wanted = int(os.environ["CLUSTER_CLERKS"])
    clerk = user_model.objects.select_related("lao").get(username="clerk")
    clerks = [{"username": "clerk", "lao": clerk.lao.code}]
    others = (
        LAO.objects.filter(district__province_id=clerk.lao.district.province_id, type=LAO.Type.SAO)
        .exclude(pk=clerk.lao_id)
        .order_by("code")[: wanted - 1]
    )
    for number, lao in enumerate(others, 2):
        user, _ = user_model.objects.update_or_create(
            username=f"clerk{number}",
            defaults={
                "role": Role.CLERK,
                "lao": lao,
                "password": clerk.password,
                "is_active": True,
            },
        )
        clerks.append({"username": user.username, "lao": lao.code})

    department = user_model.objects.get(username="department")
    _, token = token_issue(user=department, name="cluster test", by=department)

    websites, rows = {}, []
    laos = (
        LAO.objects.filter(district_id=clerk.lao.district_id)
        .exclude(type=LAO.Type.PAO)
        .select_related("district__province", "office_subdistrict")
        .prefetch_related("subdistricts")
        .order_by("code")[:3]
    )
    for lao in laos:
        websites[lao.code] = f"https://cluster-{lao.code}.example.go.th"
        for subdistrict in list(lao.subdistricts.all()) or [lao.office_subdistrict]:
            rows.append(
                [
                    lao.district.province.name_th,
                    lao.district.name_th,
                    subdistrict.name_th,
                    lao.code,
                    LAO.TYPE_WORDS[lao.type],
                    lao.name_th,
                    lao.office_house_no,
                    lao.office_moo or "",
                    lao.office_postcode,
                    lao.area_km2 or "",
                    lao.latitude or "",
                    lao.longitude or "",
                    websites[lao.code],
                ]
            )
    path = Path(os.environ["CLUSTER_REGISTRY_FILE"])
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return {
        "clerks": clerks,
        "year": fiscal_year_of(timezone.localdate()),
        "province": clerk.lao.district.province_id,
        "district": clerk.lao.district_id,
        "token": token,
        "websites": websites,
    }


print(json.dumps(prepare()))
