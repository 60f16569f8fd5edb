"""The programme's webinar admin, with capacity changes going through the registrations' service.

The programme app sits below registrations and cannot call it, so this app replaces the
registered ``WebinarAdmin`` with a subclass: a changed capacity is stored by
``services.webinar_capacity_change``, which promotes the waiting list at once (in order,
with the "promoted" e-mail) and logs the change.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import ngettext

from webinars.programme.admin.webinars import WebinarAdmin
from webinars.programme.models import Webinar

from .. import services


class WebinarWithSeatsAdmin(WebinarAdmin):
    def save_model(self, request: HttpRequest, obj: Webinar, form: ModelForm, change: bool) -> None:
        if not change or "capacity" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        wanted = obj.capacity
        with transaction.atomic():
            obj.capacity = form.initial.get("capacity")
            super().save_model(request, obj, form, change)
            promoted = services.webinar_capacity_change(webinar=obj, capacity=wanted, actor=request.user)
        if promoted:
            text = ngettext(
                "%(count)d person moved up from the waiting list.", "%(count)d people moved up from the waiting list.", len(promoted)
            ) % {"count": len(promoted)}
            self.message_user(request, text, messages.SUCCESS)


admin.site.unregister(Webinar)
admin.site.register(Webinar, WebinarWithSeatsAdmin)
