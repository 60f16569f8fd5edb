"""The organisers' workspace under ``/organise/``. Each section's views live in ``views/<section>.py``."""

from django.urls import path

from .views import auth, dashboard, people, series, series_settings, webinar, webinar_edit

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
    # series settings and webinar editing (ws-content)
    path("series/new/", series_settings.SeriesCreateView.as_view(), name="series_create"),
    path("series/<int:series_id>/settings/", series_settings.SeriesEditView.as_view(), name="series_edit"),
    path("webinars/new/", webinar_edit.NewWebinarView.as_view(), name="webinar_new"),
    path("series/<int:series_id>/webinars/new/", webinar_edit.WebinarCreateView.as_view(), name="webinar_create"),
    path("webinars/<int:webinar_id>/edit/", webinar_edit.WebinarEditView.as_view(), name="webinar_edit"),
    path("webinars/<int:webinar_id>/status/<slug:action>/", webinar_edit.WebinarStatusView.as_view(), name="webinar_status"),
    path("webinars/<int:webinar_id>/duplicate/", webinar_edit.WebinarDuplicateView.as_view(), name="webinar_duplicate"),
    # people and organisations (ws-content)
    path("people/", people.DirectoryView.as_view(), name="people"),
    path("people/new/", people.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:person_id>/", people.PersonView.as_view(), name="person"),
    path("people/<int:person_id>/edit/", people.PersonEditView.as_view(), name="person_edit"),
    path("organisations/new/", people.OrganisationCreateView.as_view(), name="organisation_create"),
    path("organisations/<int:organisation_id>/", people.OrganisationView.as_view(), name="organisation"),
    path("organisations/<int:organisation_id>/edit/", people.OrganisationEditView.as_view(), name="organisation_edit"),
]
