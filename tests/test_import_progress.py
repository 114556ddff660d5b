"""A running import reports its counts so far, not only at the end.

A plain run updates the job row as it goes. A dry run and an all-or-nothing run work in
one transaction that may be rolled back; on PostgreSQL their progress is written through
a second connection, so another process (the API, the admin) sees it while the job runs,
and the rollback still stores nothing.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from claims.models import Claim, ExternalReview, ImportJob
from claims.services import imports
from tests.test_imports import data

FIELDS = ("status", "processed", "created", "updated", "skipped", "failed")


def _from_another_connection(job_id: int) -> dict:
    """The job row as a second process would read it now."""
    seen: dict = {}

    def read() -> None:
        try:
            seen.update(ImportJob.objects.filter(pk=job_id).values(*FIELDS).first() or {})
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=30)
    return seen


def _run_watching(monkeypatch, user, name: str, *, read, **options) -> tuple[ImportJob, list[dict]]:
    """Import `name`, reading the job row with `read` before each item is applied."""
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 1)
    apply_item = imports._apply_item
    job = imports.import_job_create(user=user, content=data(name), filename=name, **options)
    snapshots: list[dict] = []

    def watched(item, **kwargs):
        snapshots.append(read(job.pk))
        return apply_item(item, **kwargs)

    monkeypatch.setattr(imports, "_apply_item", watched)
    return imports.import_job_run(job_id=job.pk), snapshots


@pytest.mark.django_db
def test_a_plain_run_writes_its_counts_as_it_goes(monkeypatch, editor):
    def read(job_id):
        return ImportJob.objects.filter(pk=job_id).values(*FIELDS).get()

    job, snapshots = _run_watching(monkeypatch, editor, "datafeed.json", read=read)
    assert [(s["status"], s["processed"], s["created"], s["failed"]) for s in snapshots] == [
        ("running", 0, 0, 0),
        ("running", 1, 1, 0),
        ("running", 2, 2, 0),
    ]
    assert (job.status, job.processed, job.created, job.failed) == ("done", 3, 2, 1)


def test_progress_is_written_every_n_items_and_at_the_end(monkeypatch):
    writes: list[dict] = []
    progress = imports._Progress(ImportJob(pk=1), in_transaction=False)
    monkeypatch.setattr(progress, "write", writes.append)
    monkeypatch.setattr(imports, "PROGRESS_SECONDS", 3600)
    rows: list[dict] = []
    for n in range(1, 46):
        rows.append({"action": "failed" if n % 10 == 0 else "created"})
        progress.maybe_write(n, rows, last=n == 45)
    assert [(w["processed"], w["created"], w["failed"]) for w in writes] == [(20, 18, 2), (40, 36, 4), (45, 41, 4)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="progress of a rolled-back run needs PostgreSQL")
@pytest.mark.parametrize("options", [{"dry_run": True}, {"atomic": True}], ids=["dry-run", "atomic"])
def test_a_dry_run_or_atomic_run_shows_progress_to_other_connections(monkeypatch, editor, options):
    job, snapshots = _run_watching(monkeypatch, editor, "datafeed.json", read=_from_another_connection, **options)
    assert [(s["status"], s["processed"], s["created"]) for s in snapshots] == [
        ("running", 0, 0),
        ("running", 1, 1),
        ("running", 2, 2),
    ]
    assert job.processed == 3 and job.failed == 1
    if options.get("dry_run"):
        assert (job.status, job.created) == ("done", 2)
    else:
        assert (job.status, job.created) == ("failed", 0)
    # The progress went around the transaction; the import itself was still rolled back.
    assert not Claim.objects.exists() and not ExternalReview.objects.exists()
    assert _from_another_connection(job.pk)["processed"] == 3
