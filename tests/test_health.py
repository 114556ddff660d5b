"""The probes (/healthz, /readyz) and the queue report for alerting."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from claims.models import FetchJob
from factcheck import health
from factcheck.celery import app


@pytest.fixture(autouse=True)
def _forget_migration_state(monkeypatch):
    # Each test decides afresh; the module remembers "all applied" for the process's life.
    monkeypatch.setattr(health, "_migrations_applied", False)


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_says_ok_per_check_and_nothing_else(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "migrations": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_when_a_migration_is_not_applied(client):
    last = MigrationRecorder.Migration.objects.filter(app="claims").order_by("-id").first()
    last.delete()  # the test's transaction puts it back
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "ok", "migrations": "fail"}


@pytest.mark.django_db
def test_readyz_is_503_without_the_broker_and_tells_no_internals(client, monkeypatch):
    # A real connection to a port nothing listens on: refused at once.
    unreachable = app.connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda: unreachable(url="redis://127.0.0.1:9/0"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "fail", "migrations": "ok"}
    assert b"127.0.0.1" not in response.content and b"refused" not in response.content.lower()


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_queue_lengths_count_waiting_messages():
    name = f"probe-{uuid.uuid4().hex[:8]}"
    with app.connection_for_write() as conn:
        for _ in range(3):
            app.send_task("claims.tasks.nothing_real", queue=name, connection=conn)
        assert health.queue_lengths([name]) == {name: 3}
        conn.default_channel.queue_purge(name)
    assert health.queue_lengths([name]) == {name: 0}


@pytest.mark.django_db
def test_queue_status_reports_the_oldest_waiting_job_and_alerts_past_the_limit():
    old = FetchJob.objects.create(kind=FetchJob.Kind.HARVEST)
    FetchJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=30))
    FetchJob.objects.create(kind=FetchJob.Kind.DISCOVER)
    FetchJob.objects.create(kind=FetchJob.Kind.DISCOVER, status=FetchJob.Status.RUNNING)
    FetchJob.objects.create(kind=FetchJob.Kind.DISCOVER, status=FetchJob.Status.SUCCEEDED)

    out = StringIO()
    call_command("queue_status", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert set(report["queues"]) == {"default", "fetch"}
    assert report["jobs_queued"] == 2 and report["jobs_running"] == 1
    assert report["oldest_queued_job"]["id"] == old.pk
    assert 1790 <= report["oldest_queued_job"]["waited_s"] <= 1900

    call_command("queue_status", "--max-wait", "3600", stdout=StringIO())  # within the limit: no error
    with pytest.raises(CommandError, match=rf"job #{old.pk} has waited") as excinfo:
        call_command("queue_status", "--max-wait", "600", stdout=StringIO())
    assert excinfo.value.returncode == 1


@pytest.mark.django_db
def test_queue_status_with_nothing_waiting_prints_plain_lines():
    out = StringIO()
    call_command("queue_status", "--max-wait", "1", stdout=out)
    text = out.getvalue()
    assert "jobs: 0 queued, 0 running" in text
    assert "oldest" not in text
