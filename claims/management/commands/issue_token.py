"""`manage.py issue_token USERNAME [--group reviewer|editor|admin] [--expiry-days N]`

Creates the user if there is none by that name, adds it to the desk group, and prints a
new API token, and only the token, on stdout, so scripts can capture it:

    TOKEN=$(python manage.py issue_token partner-bot)
    curl -H "Authorization: Token $TOKEN" https://desk.example/api/v1/claims/

The database keeps only a hash of the token; it cannot be shown again. Revoke it by
deleting it under "Auth tokens" in the admin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from knox.models import AuthToken

GROUPS = {"reviewer": "Reviewer", "editor": "Editor", "admin": "Admin"}
DEFAULT_EXPIRY_DAYS = 365


class Command(BaseCommand):
    help = "Create a user if needed, put it in a desk group, and print a new API token (only the token)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--group", choices=sorted(GROUPS), help="Desk role to add the user to.")
        parser.add_argument(
            "--expiry-days",
            type=int,
            default=DEFAULT_EXPIRY_DAYS,
            help=f"Days until the token expires (default {DEFAULT_EXPIRY_DAYS}; 0 = never).",
        )

    @transaction.atomic
    def handle(self, *args: Any, username: str, group: str | None, expiry_days: int, **options: Any) -> None:
        if expiry_days < 0:
            raise CommandError("--expiry-days must be 0 (never) or more.")
        user_model = get_user_model()
        user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            user = user_model(**{user_model.USERNAME_FIELD: username})
            user.set_unusable_password()  # an API client; a person sets a password in the admin
            try:
                user.full_clean(exclude=["password"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
            user.save()
            self.stderr.write(f"Created user {username}.")
        elif not user.is_active:
            raise CommandError(f"User {username} is inactive; activate it in the admin first.")
        if group:
            user.groups.add(Group.objects.get(name=GROUPS[group]))
        expiry = dt.timedelta(days=expiry_days) if expiry_days else None
        _, token = AuthToken.objects.create(user=user, expiry=expiry)
        self.stdout.write(token)
