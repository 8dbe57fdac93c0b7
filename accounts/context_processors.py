"""What the user may do, for every template: ``{% if can.import_registry %}``.

Templates ask ``can`` and never compare a user's role; ``accounts.access`` decides. Each answer
is worked out when a template first asks for it, and none of them costs a query. What a user may
do to one object (approve this submission) is passed by the view that shows it.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts import access


class Can:
    """``can.<question>`` answers a question of ``QUESTIONS`` about the user, once per request."""

    QUESTIONS = {
        "search_laos": access.can_search_laos,
        "use_spreadsheet": access.can_use_spreadsheet,
        "import_registry": access.can_import_registry,
        "manage_api_tokens": access.can_manage_api_tokens,
        "admin_site": access.can_open_admin_site,
        "issue_circular": access.can_issue_circular,
        "forward_circular": access.can_forward_circular,
        "see_nation": access.can_see_nation,
    }

    def __init__(self, user) -> None:
        self.user = user

    def __getattr__(self, question: str) -> bool:
        try:
            ask = self.QUESTIONS[question]
        except KeyError:
            raise AttributeError(question) from None
        answer = self.__dict__[question] = ask(self.user)
        return answer


def can(request: HttpRequest) -> dict:
    return {"can": Can(getattr(request, "user", None) or AnonymousUser())}
