"""Writes about sign-in security: lifting login lockouts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from claims.models import LoginLockout
from claims.services._base import User, _require


@transaction.atomic
def login_lockouts_lift(*, actor: User, lockout_ids: Iterable[int]) -> int:
    """Forget the failed sign-ins behind these lockouts, so the user may try again at once.

    Returns how many were lifted. Needs the permission to delete lockouts (admins).
    """
    _require(actor, "claims.delete_loginlockout")
    deleted, _ = LoginLockout.objects.filter(pk__in=list(lockout_ids)).delete()
    return deleted
