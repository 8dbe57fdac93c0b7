"""Places where higher apps plug rules into the records app without records importing them.

The deadlines app registers an edit guard (a submitted record waits for its officers; a locked
round needs an exception), so records never needs to know about rounds.
"""

import datetime
from collections.abc import Callable

from records.models import LAO

# Each guard returns a reason (str) why the record may not be changed now, or None.
EditGuard = Callable[[LAO, int, datetime.date], str | None]
edit_guards: list[EditGuard] = []


def register_edit_guard(guard: EditGuard) -> None:
    if guard not in edit_guards:
        edit_guards.append(guard)


def edit_blocked_reason(lao: LAO, fiscal_year: int, today: datetime.date) -> str | None:
    """The first reason a guard gives for refusing changes to this record now, or None."""
    for guard in edit_guards:
        reason = guard(lao, fiscal_year, today)
        if reason:
            return reason
    return None
