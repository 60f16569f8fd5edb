"""Feedback on webinars: an invitation per registrant, at most one anonymous response each.

After a webinar, every confirmed registrant (those who attended, once attendance is
imported) gets one ``FeedbackInvitation`` and an e-mail with the link to the survey; the
link is signed for the registration when the e-mail is rendered (``core.links``), never
stored. A ``FeedbackResponse`` is the answer. It keeps its invitation
only so that the database can refuse a second answer; no page but the organiser's
summary shows answers, and that page shows them without names or addresses.

Invariants kept by the database: one invitation per registration; one response per
invitation; ratings between 1 and 5; free texts of at most 5,000 characters.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from webinars.programme.models import Webinar
from webinars.registrations.models import Registration

TEXT_MAX_LENGTH = 5000


class Rating(models.IntegerChoices):
    POOR = 1, _("1 – poor")
    FAIR = 2, _("2 – fair")
    GOOD = 3, _("3 – good")
    VERY_GOOD = 4, _("4 – very good")
    EXCELLENT = 5, _("5 – excellent")


class Usefulness(models.IntegerChoices):
    VERY_USEFUL = 5, _("Very useful")
    USEFUL = 4, _("Useful")
    SOMEWHAT_USEFUL = 3, _("Somewhat useful")
    SLIGHTLY_USEFUL = 2, _("Slightly useful")
    NOT_USEFUL = 1, _("Not useful")


class FeedbackInvitation(models.Model):
    """The survey of one registration (its signed link is the only key to it)."""

    registration = models.OneToOneField(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="feedback_invitation"
    )
    webinar = models.ForeignKey(Webinar, verbose_name=_("webinar"), on_delete=models.CASCADE, related_name="feedback_invitations")
    # SHA-256 of a survey token e-mailed before links were signed, so that link works until it expires.
    legacy_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    sent_at = models.DateTimeField(_("invitation queued at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback invitation")
        verbose_name_plural = _("feedback invitations")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.webinar_id}:{self.pk}"


def _rating_q(field: str, *, nullable: bool = False) -> Q:
    in_range = Q(**{f"{field}__gte": 1, f"{field}__lte": 5})
    return in_range | Q(**{f"{field}__isnull": True}) if nullable else in_range


class FeedbackResponse(models.Model):
    """One registrant's answers to the survey of one webinar."""

    webinar = models.ForeignKey(Webinar, verbose_name=_("webinar"), on_delete=models.CASCADE, related_name="feedback_responses")
    invitation = models.OneToOneField(
        FeedbackInvitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="response", editable=False
    )
    rating = models.PositiveSmallIntegerField(_("overall rating"), choices=Rating.choices)
    usefulness = models.PositiveSmallIntegerField(_("usefulness"), choices=Usefulness.choices, null=True, blank=True)
    improve = models.TextField(_("what to improve"), max_length=TEXT_MAX_LENGTH, blank=True)
    topics_next = models.TextField(_("topics wanted next"), max_length=TEXT_MAX_LENGTH, blank=True)
    comments = models.TextField(_("comments"), max_length=TEXT_MAX_LENGTH, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("answered at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("feedback response")
        verbose_name_plural = _("feedback responses")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_rating_q("rating"), name="feedback_rating_1_to_5"),
            models.CheckConstraint(condition=_rating_q("usefulness", nullable=True), name="feedback_usefulness_1_to_5"),
            *(
                models.CheckConstraint(condition=LessThanOrEqual(Length(field), TEXT_MAX_LENGTH), name=f"feedback_{field}_short")
                for field in ("improve", "topics_next", "comments")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.webinar_id}: {self.rating}"


class WebinarFeedback(Webinar):
    """A webinar seen from the feedback side (the admin's list of per-webinar summaries)."""

    class Meta:
        proxy = True
        verbose_name = _("feedback summary")
        verbose_name_plural = _("feedback by webinar")
