"""Celery tasks: thin wrappers that take ids and call the services and the discovery engine.

Every task is safe to run twice (acks_late redelivers after a crash): writes are
update_or_create on unique keys, and jobs are claimed by a status-gated UPDATE.
"""

from __future__ import annotations

import logging

from celery import shared_task

from claims import services

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def find_duplicates(claim_id: int) -> int:
    """Store duplicate suggestions for a new claim; returns how many were found."""
    return services.duplicates_refresh(claim_id=claim_id)
