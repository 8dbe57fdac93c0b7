from django.contrib.auth import views as auth_views

from accounts.forms import LoginForm

login_view = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
