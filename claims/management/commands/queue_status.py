"""`manage.py queue_status [--json] [--max-wait SECONDS]`: queue lengths and the oldest waiting job.

For a monitoring system: it prints the number of messages in each Celery queue, the jobs
queued and running, and how long the oldest queued job has waited. With `--max-wait` it
exits 1 when that wait is longer, so a cron check or an alerting probe can page someone
when the workers have stopped taking work.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from claims import selectors
from factcheck.health import queue_lengths


class Command(BaseCommand):
    help = "Print Celery queue lengths and the oldest waiting job; --max-wait SECONDS exits 1 past it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="One JSON object instead of lines of text.")
        parser.add_argument(
            "--max-wait", type=int, metavar="SECONDS", help="Exit with status 1 when a job has waited longer."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            queues = queue_lengths()
        except Exception as exc:  # the broker is down: say so in one line
            raise CommandError(f"cannot reach the message broker: {exc}") from exc
        jobs = selectors.jobs_waiting()
        oldest = jobs["oldest_queued"]
        waited = round((timezone.now() - oldest.created_at).total_seconds()) if oldest else None
        report = {
            "queues": queues,
            "jobs_queued": jobs["queued"],
            "jobs_running": jobs["running"],
            "oldest_queued_job": None if oldest is None else {"id": oldest.pk, "kind": oldest.kind, "waited_s": waited},
        }
        if options["json"]:
            self.stdout.write(json.dumps(report))
        else:
            for name, length in queues.items():
                self.stdout.write(f"queue {name}: {'unknown' if length is None else length} waiting")
            self.stdout.write(f"jobs: {jobs['queued']} queued, {jobs['running']} running")
            if oldest is not None:
                self.stdout.write(f"oldest queued job: #{oldest.pk} ({oldest.kind}), waiting {waited} s")
        limit = options["max_wait"]
        if limit is not None and waited is not None and waited > limit:
            raise CommandError(f"job #{oldest.pk} has waited {waited} s (more than {limit} s)", returncode=1)
