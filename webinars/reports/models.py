"""Pre-aggregated reach figures, one webinar at a time (see ``services.refresh_reach``).

A report reads these small tables instead of the registrations and attendees: the
per-webinar counts (``ReachWebinar``), the four breakdowns' groups per webinar
(``ReachMargin``) and who took part where (``ReachParticipant`` with ``ReachPerson``, for
the distinct-people figures). A webinar's rows are recomputed when its ``version`` (bumped
by every saved or deleted registration, attendee or attendance import) differs from the
version they were computed at, or when rows were written in bulk (``services.stale_webinars``).
"""

from __future__ import annotations

from django.db import models


class ReachWebinar(models.Model):
    webinar = models.OneToOneField("programme.Webinar", primary_key=True, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=1)
    computed_version = models.PositiveBigIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    registrations = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    erased = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    registered_attendees = models.PositiveIntegerField(default=0)
    walk_ins = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"reach of webinar {self.webinar_id}"


class ReachMargin(models.Model):
    """Registrations, confirmed and registered attendees of one webinar in one group of one dimension."""

    webinar = models.ForeignKey("programme.Webinar", on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=40, blank=True)
    registrations = models.PositiveIntegerField(default=0)
    confirmed = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["webinar", "dimension", "value"], name="reach_margin_webinar")]

    def __str__(self) -> str:
        return f"{self.dimension}={self.value!r} of webinar {self.webinar_id}"


class ReachPerson(models.Model):
    """A person key (keyed hash of the lower-case e-mail, or of ``attendee:<id>`` for an anonymous attendee) with how many
    webinars of the whole programme they registered for and attended."""

    key = models.CharField(max_length=400, unique=True)
    registered_webinars = models.PositiveIntegerField(default=0)
    attended_webinars = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.key


class ReachParticipant(models.Model):
    """One person in one webinar: registered (any status) and/or attended (counting attendee)."""

    webinar = models.ForeignKey("programme.Webinar", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(ReachPerson, on_delete=models.CASCADE, related_name="+")
    registered = models.BooleanField(default=False)
    attended = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["webinar", "person"], name="reach_participant_unique")]
        indexes = [
            models.Index(fields=["webinar", "person", "registered", "attended"], name="reach_participant_webinar"),
            models.Index(fields=["person", "webinar", "registered", "attended"], name="reach_participant_person"),
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} in webinar {self.webinar_id}"


class ReachState(models.Model):
    """The highest registration and attendee ids already looked at (rows inserted in bulk, without
    signals, are found by id and their webinars marked stale)."""

    registration_seen_id = models.BigIntegerField(default=0)
    attendee_seen_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return "reach state"
