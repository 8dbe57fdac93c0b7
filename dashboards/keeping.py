"""What the dashboards keep in the cache, and the stamps they keep it under.

The cache is Redis when ``CACHE_URL`` is set, so every app server shares it. A value is kept
under exactly what it is made from: when anything it is made from changes, the key changes, so
nothing stale is ever served (docs/dashboards.md, "Kept in the cache").
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max, Subquery, Sum

from deadlines.models import RollupStamp, Transition
from records.models import LAO, Province

T = TypeVar("T")


def kept(kind: str, made_from, make: Callable[[], T]) -> T:
    """What ``make()`` returns, kept in the cache (shared by every app server) under exactly
    what it is made from (``made_from``, named by its repr): made once for the same inputs;
    other inputs are another key, so nothing stale is ever served."""
    key = f"{kind}:{hashlib.sha256(repr(made_from).encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = make()
        cache.set(key, found, timeout=24 * 3600)
    return found


def history_stamp() -> tuple:
    """What the history of moves and the registry look like now, in one query: the newest move
    and the newest change of an LAO (its district, type or dates). The history only grows, so
    what is drawn from it holds until one of them changes."""
    return (
        Province.objects.values_list(
            Subquery(Transition.objects.order_by("-pk").values("pk")[:1]),
            Subquery(LAO.objects.order_by("-updated_at").values("updated_at")[:1]),
        )
        .order_by()
        .first()
    )


def rollups_stamp(area: str | None = None) -> dict:
    """What the stored roll-ups of a district or province (of all for None) and the registry
    look like now, in one query: the roll-ups' stamp (every write of them adds to it,
    deadlines.models.RollupStamp) and the registry's newest change. What is counted from the
    records, participations and LAOs of the area is kept in the cache under it."""
    stamps = RollupStamp.objects.all()
    if area:
        stamps = stamps.filter(area=area)
    return stamps.aggregate(
        areas=Count("pk"),
        writes=Sum("writes"),
        registry=Max(Subquery(LAO.objects.order_by("-updated_at").values("updated_at")[:1])),
    )
