"""Keyset pagination on a unique key (a code, or an id): "the next page starts after the last
key you saw". Unlike page numbers, a page does not shift when LAOs are added or removed
before it, so a client walking the list while data changes sees no row twice and skips none
that existed throughout.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import QuerySet
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param


@dataclass
class Page:
    results: list
    next: str | None


def _next_url(request: Request, last) -> str:
    return replace_query_param(request.build_absolute_uri(), "after", last)


def keyset_page(qs: QuerySet, *, key: str, after, page_size: int) -> QuerySet:
    """`qs` (already ordered by `key`) cut to the page after `after`, with one row too many
    so that page_of() can tell whether a next page exists."""
    if after is not None:
        qs = qs.filter(**{f"{key}__gt": after})
    return qs[: page_size + 1]


def page_of(rows: Sequence, *, request: Request, key, page_size: int) -> Page:
    """The page from rows fetched with one row too many, with the link to the next page."""
    rows = list(rows)
    more = len(rows) > page_size
    rows = rows[:page_size]
    return Page(rows, _next_url(request, key(rows[-1])) if more else None)


def list_page(rows: Sequence[dict], *, request: Request, after, page_size: int) -> Page:
    """The same over rows already in memory (sorted by "code")."""
    if after is not None:
        rows = [r for r in rows if r["code"] > after]
    return page_of(
        rows[: page_size + 1], request=request, key=lambda r: r["code"], page_size=page_size
    )
