"""The Celery application, configured from Django settings (CELERY_* names)."""

from __future__ import annotations

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")

# Settings that make losing a task hard; they are not meant to be tuned per deployment.
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    # Acknowledge after the task finished, so a worker killed mid-task leaves the message
    # to be redelivered; tasks are written to be idempotent for that reason.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_queues=(Queue("default"), Queue("fetch")),
    task_routes={
        "claims.tasks.discover_related": {"queue": "fetch"},
        "claims.tasks.harvest_feed": {"queue": "fetch"},
        "claims.tasks.harvest_all_feeds": {"queue": "fetch"},
        "claims.tasks.fetch_article": {"queue": "fetch"},
        "claims.tasks_watch.deliver_webhook": {"queue": "fetch"},
    },
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)


def _configure_limits() -> None:
    from django.conf import settings

    app.conf.task_time_limit = settings.CELERY_TASK_HARD_TIME_LIMIT
    app.conf.task_soft_time_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            os.makedirs(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]), exist_ok=True)


app.autodiscover_tasks()
app.on_after_configure.connect(lambda sender, **kw: _configure_limits(), weak=False)
