"""The organisers' workspace under ``/organise/``. Each section's views live in ``views/<section>.py``."""

from django.urls import path

from .views import (
    activity,
    attendance,
    auth,
    certificates,
    dashboard,
    feedback,
    library,
    library_themes,
    messages,
    people,
    registrations,
    reports,
    series,
    series_settings,
    team,
    webinar,
    webinar_edit,
)

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
    path("webinars/<int:webinar_id>/attendance/", attendance.AttendanceView.as_view(), name="webinar_attendance"),
    path("webinars/<int:webinar_id>/attendance/confirm/", attendance.AttendanceConfirmView.as_view(), name="webinar_attendance_confirm"),
    path("webinars/<int:webinar_id>/attendance/review/", attendance.AttendanceReviewView.as_view(), name="webinar_attendance_review"),
    path("webinars/<int:webinar_id>/certificates/", certificates.CertificatesView.as_view(), name="webinar_certificates"),
    path(
        "webinars/<int:webinar_id>/certificates/preview.pdf",
        certificates.CertificatePreviewView.as_view(),
        name="webinar_certificates_preview",
    ),
    path(
        "webinars/<int:webinar_id>/certificates/design/", certificates.CertificateDesignView.as_view(), name="webinar_certificates_design"
    ),
    path("webinars/<int:webinar_id>/certificates/<int:pk>/pdf/", certificates.CertificatePdfView.as_view(), name="webinar_certificate_pdf"),
    path(
        "webinars/<int:webinar_id>/certificates/<int:pk>/resend/",
        certificates.CertificateResendView.as_view(),
        name="webinar_certificate_resend",
    ),
    path(
        "webinars/<int:webinar_id>/certificates/<int:pk>/revoke/",
        certificates.CertificateRevokeView.as_view(),
        name="webinar_certificate_revoke",
    ),
    path("webinars/<int:webinar_id>/feedback/", feedback.FeedbackView.as_view(), name="webinar_feedback"),
    path("webinars/<int:webinar_id>/report/", reports.WebinarReportView.as_view(), name="webinar_report"),
    path("series/<int:series_id>/report/", reports.SeriesReportView.as_view(), name="series_report"),
    path("webinars/<int:webinar_id>/name-corrections/<int:pk>/", certificates.NameCorrectionView.as_view(), name="webinar_name_correction"),
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
    # the library of a series, and the programme's list of themes
    path("series/<int:series_id>/library/", library.SeriesLibraryView.as_view(), name="series_library"),
    path("series/<int:series_id>/library/new/", library.ItemCreateView.as_view(), name="series_library_create"),
    path("series/<int:series_id>/library/import/", library.ImportView.as_view(), name="series_library_import"),
    path("series/<int:series_id>/library/import/confirm/", library.ImportConfirmView.as_view(), name="series_library_import_confirm"),
    path("series/<int:series_id>/library/<int:item_id>/", library.ItemView.as_view(), name="series_library_item"),
    path(
        "series/<int:series_id>/library/<int:item_id>/publish/",
        library.ItemStatusView.as_view(),
        {"status": "published"},
        name="series_library_publish",
    ),
    path(
        "series/<int:series_id>/library/<int:item_id>/unpublish/",
        library.ItemStatusView.as_view(),
        {"status": "draft"},
        name="series_library_unpublish",
    ),
    path("series/<int:series_id>/library/<int:item_id>/delete/", library.ItemDeleteView.as_view(), name="series_library_delete"),
    path("series/<int:series_id>/library/<int:item_id>/captions/", library.CaptionsView.as_view(), name="series_library_captions"),
    path(
        "series/<int:series_id>/library/<int:item_id>/captions/confirm/",
        library.CaptionConfirmView.as_view(),
        name="series_library_captions_confirm",
    ),
    path(
        "series/<int:series_id>/library/<int:item_id>/captions/<slug:language>/delete/",
        library.CaptionDeleteView.as_view(),
        name="series_library_caption_delete",
    ),
    path("library/themes/", library_themes.ThemesView.as_view(), name="library_themes"),
    path("library/themes/new/", library_themes.ThemeCreateView.as_view(), name="library_theme_create"),
    path("library/themes/<int:theme_id>/", library_themes.ThemeEditView.as_view(), name="library_theme"),
    path("library/themes/<int:theme_id>/delete/", library_themes.ThemeDeleteView.as_view(), name="library_theme_delete"),
]
