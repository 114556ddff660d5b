"""Login lockouts (django-axes): who is locked out, until when, and lifting a lockout.

Also the page a locked-out sign-in gets instead of the login form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import services
from claims.models import LoginLockout


def _locked_until(obj: LoginLockout) -> dt.datetime | None:
    cool_off = get_cool_off()
    if obj.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return None
    return obj.attempt_time + cool_off if cool_off else None


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Failed sign-ins per username and client IP; "Lift" (or delete) forgets them."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "locked", "until")
    list_filter = ("attempt_time",)
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time", "path_info")
    readonly_fields = fields
    actions = ("lift",)

    @admin.display(boolean=True, description=_("locked out"))
    def locked(self, obj: LoginLockout) -> bool:
        until = _locked_until(obj)
        return obj.failures_since_start >= settings.AXES_FAILURE_LIMIT and (until is None or until > timezone.now())

    @admin.display(description=_("locked until"))
    def until(self, obj: LoginLockout) -> Any:
        return _locked_until(obj) or "—"

    @admin.action(description=_("Lift the selected lockouts"), permissions=["delete"])
    def lift(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> None:
        count = services.login_lockouts_lift(actor=request.user, lockout_ids=queryset.values_list("pk", flat=True))
        message = ngettext("Lifted %(count)d lockout.", "Lifted %(count)d lockouts.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """What a locked-out sign-in sees (AXES_LOCKOUT_CALLABLE): a plain statement, status 429."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else None
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed sign-ins"),
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "admin/locked_out.html", context, status=429)
