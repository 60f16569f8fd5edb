"""Re-encrypt every stored platform secret with the first key of PLATFORM_SECRETS_KEY (see ``meetings.crypto``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from webinars.meetings.services import secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt the meeting platforms' secrets with the newest PLATFORM_SECRETS_KEY "
        "(put the new key first, run this, then drop the old one)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = secrets_rotate()
        self.stdout.write(f"Re-encrypted the secrets of {count} connection(s).")
