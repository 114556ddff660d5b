"""`manage.py load_demo`: a ready-to-use demo desk around the January 2022 Geneva talks.

Idempotent: run it as often as you like; a second run changes nothing. It creates the
logins `reviewer`, `editor` and `admin` (a superuser) with the password from
FACTCHECK_DEMO_PASSWORD, or `demo-pass-2022` when that is unset and DJANGO_DEBUG is on; with
DEBUG off (a real deployment) FACTCHECK_DEMO_PASSWORD is required, so no published default
password guards a superuser. Users that already exist keep their password and flags.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.demo import loader


class Command(BaseCommand):
    help = "Load demo users, claims in every workflow state, published fact-checks and a small article corpus."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-articles", action="store_true", help="Skip the local demo article corpus.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = loader.load(with_articles=not options["no_articles"])
        except loader.DemoRefused as exc:
            raise CommandError(str(exc)) from exc

        self.stdout.write(
            f"Claims created: {report.claims_created}, workflow steps taken: {report.transitions}, "
            f"articles added: {report.articles_created}, candidate claims found: {report.candidates_created}."
        )
        for slug in report.left_alone:
            self.stdout.write(self.style.WARNING(f"Left as it is (moved off the demo path): {slug}"))
        password = "(from FACTCHECK_DEMO_PASSWORD)" if report.password_from_env else report.password
        self.stdout.write(self.style.SUCCESS("Demo logins (admin at /admin/):"))
        for username, role, created in report.users:
            shown = password if created else "(existing user, password unchanged)"
            self.stdout.write(f"  {username:<9} {shown}   {role}")
