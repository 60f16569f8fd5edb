"""Saving the webinar form: the programme's save and, when the seats change, the registrations'
capacity change (which promotes the waiting list at once), in one transaction.

The programme app may not call the registrations app (a lower layer never imports a higher
one), so the workspace composes the two services here, as ``dashboard.py`` composes selectors.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from webinars.programme import services as programme_services
from webinars.programme.models import Webinar
from webinars.registrations import services as registration_services
from webinars.registrations.models import Registration


@transaction.atomic
def webinar_form_save(*, webinar: Webinar, capacity: int | None, actor: Any, **save: Any) -> list[Registration]:
    """``webinar_save`` with ``save``'s arguments, then the new capacity; the registrations moved up."""
    if webinar.pk is None:
        webinar.capacity = capacity
        programme_services.webinar_save(webinar=webinar, actor=actor, **save)
        return []
    programme_services.webinar_save(webinar=webinar, actor=actor, **save)
    if capacity == webinar.capacity:
        return []
    return registration_services.webinar_capacity_change(webinar=webinar, capacity=capacity, actor=actor)
