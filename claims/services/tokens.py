"""API tokens: the housekeeping knox would otherwise do on every authenticated request."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken


@transaction.atomic
def api_tokens_purge_expired() -> int:
    """Delete every expired API token; returns how many. (An expired token is refused anyway.)"""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
