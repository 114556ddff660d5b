"""`manage.py load_demo`: a ready-to-use demo desk around the January 2022 Geneva talks.

Idempotent: run it as often as you like; a second run changes nothing. The logins are
`reviewer`, `editor` and `admin` with the password from FACTCHECK_DEMO_PASSWORD, or
`demo-pass-2022` when it is unset and DJANGO_DEBUG is on; with DEBUG off (a real deployment)
FACTCHECK_DEMO_PASSWORD is required, so no public default password guards a superuser.
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
            f"articles added: {report.articles_created}."
        )
        for slug in report.left_alone:
            self.stdout.write(self.style.WARNING(f"Left as it is (moved off the demo path): {slug}"))
        password = "(from FACTCHECK_DEMO_PASSWORD)" if report.password_from_env else report.password
        self.stdout.write(self.style.SUCCESS("Demo logins (admin at /admin/):"))
        for username, role, created in report.users:
            note = " – new" if created else ""
            self.stdout.write(f"  {username:<9} {password}   {role}{note}")
