"""Writes shared by every app."""

from django.db import transaction
from django.db.models import F

from . import selectors
from .models import ContentVersion


def content_version_bump() -> None:
    """Invalidate every cached public page (all processes: at once with a shared cache, else within a second)."""
    updated = ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 2})
    # This process forgets at once (it reads its own writes); after commit again, so a
    # read that raced with the transaction does not keep the old number for a second.
    selectors.forget_content_version(committed=False)
    transaction.on_commit(selectors.forget_content_version)
