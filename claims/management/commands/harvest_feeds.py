"""`manage.py harvest_feeds [--feed ID …]`: harvest feeds now, in this process, with progress."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims.discovery import jobs, pipeline
from claims.models import Feed, FetchJob


def progress_bar(label: str, stream: Any = sys.stderr) -> Any:
    """A plain-text progress bar on stderr, redrawn in place: "label [#####.....] 5/10"."""

    def draw(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if total and done >= total:
            stream.write("\n")
        stream.flush()

    return draw


class Command(BaseCommand):
    help = "Harvest enabled feeds (or the given ones) into the article index, and fetch the new pages."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--feed", type=int, action="append", help="Feed id (repeatable); default: all enabled")
        parser.add_argument("--no-pages", action="store_true", help="Store feed entries only; skip fetching pages")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = Feed.objects.filter(pk__in=options["feed"]) if options["feed"] else Feed.objects.filter(enabled=True)
        feeds = list(chosen)
        if options["feed"] and len(feeds) != len(set(options["feed"])):
            raise CommandError("Unknown feed id.")
        failed = 0
        for feed in feeds:
            claimed, state = jobs.claim_job(jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed).pk)
            if claimed is None:
                raise CommandError(f"The harvest job could not be started ({state}).")
            job, created = pipeline.run_harvest(claimed, on_progress=progress_bar(f"{feed.name[:30]:30}", self.stderr))
            stats, status, errors = dict(job.provider_stats.get("feeds", {})), job.status, list(job.errors)
            if created and not options["no_pages"]:
                # The harvest job is closed; this recorder only drives the progress bar.
                recorder = jobs.JobRecorder(job)
                recorder.on_progress = progress_bar(f"{'  pages':30}", self.stderr)
                recorder.set_total(len(created))
                try:
                    pipeline.fetch_articles(created, recorder=recorder)
                except Exception as exc:  # transient page errors are already recorded per article
                    self.stderr.write(f"  some pages failed for now: {exc}")
            if status == FetchJob.Status.FAILED:
                failed += 1
                self.stdout.write(f"{feed.name}: failed — {errors[-1]['error'] if errors else ''}")
            else:
                self.stdout.write(f"{feed.name}: {stats.get('found', 0)} entries, {stats.get('stored', 0)} new")
        if failed:
            raise CommandError(f"{failed} of {len(feeds)} feeds failed.")
