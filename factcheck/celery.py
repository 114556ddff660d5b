"""The Celery application, configured from Django settings (CELERY_* names)."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery, signals
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
    # A pool process warms the analysis up before it reports up (_warm_up_child): about 5 s
    # at 10,000 live fact-checks, more than Celery's default 4 s wait.
    worker_proc_alive_timeout=60.0,
    worker_hijack_root_logger=False,
)


def _configure_limits() -> None:
    from django.conf import settings

    app.conf.task_time_limit = settings.CELERY_TASK_HARD_TIME_LIMIT
    app.conf.task_soft_time_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
    if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            os.makedirs(str(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]), exist_ok=True)


def _consumes_analysis() -> bool:
    from django.conf import settings

    return bool(settings.WORKER_WARM_UP) and "default" in app.amqp.queues.consume_from


def _warm_up() -> None:
    from django.db import connections

    from claims.discovery.pipeline import analysis_warm_up

    try:
        analysis_warm_up()
    finally:
        connections.close_all()


@signals.worker_process_init.connect(weak=False)
def _warm_up_child(**_kwargs: Any) -> None:
    """A pool process of a worker that consumes the queue the article analysis runs on builds
    the live index before it takes work, not on its first batch. Each process builds its own,
    as it did on its first batch: built once in the parent and shared copy-on-write, the
    reference counts the children write would copy it page by page (measured: a one-process
    worker's peak RSS 362 -> 432 MB). Hence the longer wait for a process to report up."""
    if _consumes_analysis():
        _warm_up()


@signals.worker_init.connect(weak=False)
def _warm_up_solo(sender: Any = None, **_kwargs: Any) -> None:
    """A worker without a process pool (solo, threads) analyses in its own process."""
    pool = getattr(sender, "pool_cls", "")
    if "prefork" not in (pool if isinstance(pool, str) else getattr(pool, "__module__", "")) and _consumes_analysis():
        _warm_up()


app.autodiscover_tasks()
app.on_after_configure.connect(lambda sender, **kw: _configure_limits(), weak=False)
