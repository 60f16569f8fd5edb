"""The organisers' workspace under ``/organise/``. Each section's views live in ``views/<section>.py``."""

from django.urls import path

from .views import activity, auth, dashboard, messages, registrations, series, team, webinar

app_name = "organise"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/done/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("series/<int:series_id>/", series.SeriesWebinarsView.as_view(), name="series"),
    path("webinars/<int:webinar_id>/", webinar.WebinarOverviewView.as_view(), name="webinar"),
    path("webinars/<int:webinar_id>/registrations/", registrations.WebinarRegistrationsView.as_view(), name="webinar_registrations"),
    path(
        "webinars/<int:webinar_id>/registrations/export/",
        registrations.WebinarRegistrationsExportView.as_view(),
        name="webinar_registrations_export",
    ),
    path(
        "webinars/<int:webinar_id>/registrations/<int:registration_id>/",
        registrations.RegistrationDetailView.as_view(),
        name="webinar_registration",
    ),
    path("webinars/<int:webinar_id>/messages/", messages.WebinarMessagesView.as_view(), name="webinar_messages"),
    path("webinars/<int:webinar_id>/messages/<str:batch>/", messages.WebinarMessageBatchView.as_view(), name="webinar_message_batch"),
    path("series/<int:series_id>/team/", team.SeriesTeamView.as_view(), name="series_team"),
    path("series/<int:series_id>/activity/", activity.SeriesActivityView.as_view(), name="series_activity"),
]
