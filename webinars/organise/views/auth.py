"""Signing in and out, choosing a password (from an invitation or a reset).

Django's own views with the workspace's templates: the username is the e-mail address. A
password reset never says whether an address has an account (Django's behaviour).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


class LoginView(auth_views.LoginView):
    template_name = "organise/registration/login.html"
    redirect_authenticated_user = True
    extra_context = {"title": _("Sign in")}

    def get_form(self, form_class=None):  # type: ignore[no-untyped-def]
        form = super().get_form(form_class)
        form.fields["username"].label = _("E-mail address")
        form.fields["username"].widget.attrs.update({"autocomplete": "username", "inputmode": "email"})
        return form

    def get_default_redirect_url(self) -> str:
        return str(reverse_lazy("organise:dashboard"))


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("organise:login")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "organise/registration/password_reset_form.html"
    email_template_name = "organise/registration/password_reset_email.txt"
    subject_template_name = "organise/registration/password_reset_subject.txt"
    success_url = reverse_lazy("organise:password_reset_done")
    extra_context = {"title": _("Forgot your password?")}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "organise/registration/password_reset_done.html"
    extra_context = {"title": _("Check your e-mail")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Also where an invited organiser chooses their first password."""

    template_name = "organise/registration/password_reset_confirm.html"
    success_url = reverse_lazy("organise:password_reset_complete")
    extra_context = {"title": _("Choose a password")}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "organise/registration/password_reset_complete.html"
    extra_context = {"title": _("Password saved")}
