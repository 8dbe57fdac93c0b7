"""What the user may do, for every template: ``{% if can.import_registry %}``.

Templates ask ``can`` and never compare a user's role; ``accounts.access`` decides. Each answer
is worked out when a template first asks for it, and none of them costs a query. What a user may
do to one object (approve this submission) is passed by the view that shows it.
"""

from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts import access


class Can:
    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def search_laos(self) -> bool:
        return access.can_search_laos(self.user)

    @cached_property
    def use_spreadsheet(self) -> bool:
        return access.can_use_spreadsheet(self.user)

    @cached_property
    def import_registry(self) -> bool:
        return access.can_import_registry(self.user)

    @cached_property
    def manage_api_tokens(self) -> bool:
        return access.can_manage_api_tokens(self.user)

    @cached_property
    def admin_site(self) -> bool:
        return access.can_open_admin_site(self.user)

    @cached_property
    def issue_circular(self) -> bool:
        return access.can_issue_circular(self.user)

    @cached_property
    def forward_circular(self) -> bool:
        return access.can_forward_circular(self.user)

    @cached_property
    def see_nation(self) -> bool:
        return access.can_see_nation(self.user)


def can(request: HttpRequest) -> dict:
    return {"can": Can(getattr(request, "user", None) or AnonymousUser())}
