"""Who may do what: Django's model permissions, read in one query per request instead of two."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission


class DeskModelBackend(ModelBackend):
    """Django's ModelBackend, but a user's own and their groups' permissions come in one
    query (a UNION) instead of two. Every API request by a signed-in client asks at least
    once (can this caller see drafts?), so this is one query off each of them.

    The result is kept where Django's backend keeps it (`_perm_cache` on the user object,
    per request), so Django's own idiom for fresh permissions — fetch the user again —
    works unchanged; tests/test_backends.py pins that to the Django version.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                columns = ("content_type__app_label", "codename")
                # order_by(): Permission's default ordering is not allowed inside a UNION.
                own = Permission.objects.filter(user=user_obj).order_by().values_list(*columns)
                via_groups = Permission.objects.filter(group__user=user_obj).order_by().values_list(*columns)
                perms = own.union(via_groups)
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in perms}
        return user_obj._perm_cache
