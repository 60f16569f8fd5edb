from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.security, name="security"),
    path("verify/", views.verify, name="verify"),
    path("passkeys/register/options/", views.passkey_register_options, name="passkey_register_options"),
    path("passkeys/register/", views.passkey_register, name="passkey_register"),
    path("passkeys/verify/options/", views.passkey_verify_options, name="passkey_verify_options"),
    path("passkeys/verify/", views.passkey_verify, name="passkey_verify"),
    path("passkeys/sign-in/options/", views.passkey_sign_in_options, name="passkey_sign_in_options"),
    path("passkeys/sign-in/", views.passkey_sign_in, name="passkey_sign_in"),
]
