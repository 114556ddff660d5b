"""The type of "who is asking" that the services and selectors take."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as AuthUser

# A signed-in user (AUTH_USER_MODEL is django.contrib.auth's User), an anonymous caller, or
# None for the system (tasks, commands); the services record no person for the last two.
__all__ = ["AuthUser", "User"]

User: TypeAlias = AuthUser | AnonymousUser | None
