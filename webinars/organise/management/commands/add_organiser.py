"""``manage.py add_organiser EMAIL --series SLUG --role owner|editor|viewer [--password-stdin]``

Creates or updates an organiser and their role on a series; this is how the first owner of a
new installation is made. Without ``--password-stdin`` it prints a one-time link to choose a
password (valid for ``PASSWORD_RESET_TIMEOUT`` seconds, and only until a password is set).
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from webinars.core.errors import DomainError
from webinars.organise.mail import set_password_path
from webinars.programme.models import Series, SeriesRole
from webinars.team import services


class Command(BaseCommand):
    help = "Create or update an organiser with a role on a series; prints a one-time link to set the password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The organiser's e-mail address (their user name).")
        parser.add_argument("--series", required=True, help="Slug of the series (see /admin/ or the series' public address).")
        parser.add_argument("--role", required=True, choices=SeriesRole.Role.values, help="owner, editor or viewer.")
        parser.add_argument("--password-stdin", action="store_true", help="Read the password from standard input (for scripts).")

    def handle(self, *args: Any, email: str, series: str, role: str, password_stdin: bool, **options: Any) -> None:
        found = Series.objects.filter(slug=series).first()
        if found is None:
            known = ", ".join(Series.objects.order_by("slug").values_list("slug", flat=True)[:20]) or "none yet"
            raise CommandError(f"No series with the slug {series!r}. Known series: {known}.")
        password = None
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin: standard input held no password.")
        try:
            user, created = services.organiser_add(email=email, series=found, role=role, password=password)
        except DomainError as refused:
            raise CommandError(f"{refused.field or 'error'}: {refused}") from None
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} {user.username}: {role} of the series {found.slug}.")
        if password is None:
            self.stdout.write("Send them this one-time link to choose a password:")
            self.stdout.write(settings.SITE_URL + set_password_path(user))
        else:
            self.stdout.write(f"They can sign in at {settings.SITE_URL}/organise/login/")
