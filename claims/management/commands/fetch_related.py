"""`manage.py fetch_related --claim ID | --open`: run related-article discovery now, with progress."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims import workflow
from claims.discovery import jobs, pipeline
from claims.management.commands.harvest_feeds import progress_bar
from claims.models import Claim, FetchJob


class Command(BaseCommand):
    help = "Find related articles for one claim (--claim) or every open claim (--open), in this process."

    def add_arguments(self, parser: Any) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--claim", type=int, action="append", help="Claim id (repeatable)")
        target.add_argument("--open", action="store_true", help="Every claim that is still being worked on")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["open"]:
            claims = list(Claim.objects.filter(status__in=workflow.OPEN_STATES).order_by("pk"))
        else:
            claims = list(Claim.objects.filter(pk__in=options["claim"]).order_by("pk"))
            if len(claims) != len(set(options["claim"])):
                raise CommandError("Unknown claim id.")
        failed = 0
        for claim in claims:
            claimed, state = jobs.claim_job(jobs.create_job(kind=FetchJob.Kind.DISCOVER, claim=claim).pk)
            if claimed is None:
                raise CommandError(f"The discovery job could not be started ({state}).")
            label = f"#{claim.pk} {str(claim)[:30]:30}"
            job = pipeline.run_discovery(claimed, on_progress=progress_bar(label, self.stderr))
            ranking = job.provider_stats.get("ranking", {})
            self.stdout.write(
                f"claim {claim.pk}: {job.status}, {ranking.get('suggested', 0)} suggestions "
                f"from {ranking.get('candidates', 0)} candidates, {len(job.errors)} errors (job {job.pk})"
            )
            failed += job.status == FetchJob.Status.FAILED
        if failed:
            raise CommandError(f"{failed} of {len(claims)} discovery jobs failed.")
