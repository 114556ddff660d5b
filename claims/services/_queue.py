"""The one way the services start background work: by task name, once the transaction commits.

Services never import `claims.tasks` (tasks import services); they name the task instead.
A rolled-back transaction enqueues nothing.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from celery import current_app
from django.db import transaction


def enqueue_on_commit(task_name: str, *args: Any, **kwargs: Any) -> None:
    """Queue `task_name(*args, **kwargs)` when the current transaction commits (at once outside one)."""

    def send() -> None:
        if task_name not in current_app.tasks:
            # Celery discovers task modules lazily; load the named one (no import cycle at load time).
            import_module(task_name.rsplit(".", 1)[0])
        # The registered task, not send_task: it keeps the routes and eager mode of the settings.
        current_app.tasks[task_name].apply_async(args=args, kwargs=kwargs)

    transaction.on_commit(send)
