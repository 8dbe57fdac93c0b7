from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import access
from accounts.forms import LoginForm, SecurityLogFilterForm
from accounts.models import SecurityEvent

login_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)


@login_required
def security_log(request: HttpRequest) -> HttpResponse:
    """The security log for department staff and administrators; everyone else gets a 404."""
    if not access.can_read_security_log(request.user):
        raise Http404
    form = SecurityLogFilterForm(request.GET or None)
    events = SecurityEvent.objects.all()
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/security_log.html", {"form": form, "page": page})
