"""`{% notification_bell %}`: the bell with the unread count in the workplace's header."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from claims import selectors_watch, workflow
from claims.admin.watch import desk_member

register = template.Library()

# Drawn inline rather than as the bell emoji, which shows as an empty box on a machine
# without an emoji font; currentColor follows the header's link colour.
BELL_ICON = mark_safe(
    '<svg class="fc-bell-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" '
    'focusable="false" style="vertical-align:-2px"><path fill="currentColor" d="M8 16a2 2 0 0 0 '
    "2-2H6a2 2 0 0 0 2 2zm5-5V7a5 5 0 0 0-4-4.9V1a1 1 0 1 0-2 0v1.1A5 5 0 0 0 3 7v4l-1.5 "
    '1.5V13h13v-.5z"/></svg>'
)


@register.simple_tag(takes_context=True)
def notification_bell(context: template.Context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not desk_member(user):
        return ""
    count = selectors_watch.unread_notification_count(user=user)
    label = ngettext("%(count)d unread notification", "%(count)d unread notifications", count) % {"count": count}
    return format_html(
        '<a href="{}?read=no" id="fc-bell" class="fc-bell{}" title="{}" aria-label="{}">'
        '{} {} <span class="fc-bell-count">{}</span></a> / ',
        reverse("admin:claims_notification_changelist"),
        " fc-bell-unread" if count else "",
        label,
        label,
        BELL_ICON,
        _("Notifications"),
        count,
    )


@register.simple_tag(takes_context=True)
def recurrence_panel(context: template.Context) -> dict[str, Any] | None:
    """The claim page's recurrences (live and retracted claims only: others cannot recur)."""
    claim = context.get("claim") or context.get("original")
    request = context.get("request")
    user = getattr(request, "user", None)
    if claim is None or user is None or not desk_member(user) or claim.published_at is None:
        return None
    items = list(selectors_watch.recurrences_list(claim_id=claim.pk)[:50])
    return {
        "items": items,
        "new_count": sum(1 for r in items if r.status == "new"),
        "can_decide": user.has_perm(workflow.WORK),
        "can_update": user.has_perm(workflow.PUBLISH) and claim.status in workflow.LIVE_STATES,
        "back": reverse("admin:claims_claim_change", args=[claim.pk]) + "#recurrences",
    }
