"""The workplace's notifications: the list under the bell, mark-read, and each user's settings.

Every user sees only their own notifications; the rows are made by the services, never here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from claims import selectors_watch, workflow
from claims.models import Delivery, Notification, NotificationEvent
from claims.services import notifications as notification_services


def desk_member(user: Any) -> bool:
    return bool(user and user.is_active and user.is_staff and user.has_perm(workflow.WORK))


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        return queryset


class PreferencesForm(forms.Form):
    """One choice per event: how the user wants to hear about it."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for event, label in NotificationEvent.choices:
            self.fields[event] = forms.ChoiceField(label=label, choices=Delivery.choices, initial=current[event])


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("unread_mark", "message_link", "event", "created_at")
    list_display_links = None
    list_filter = (ReadFilter, "event")
    actions = ["mark_read"]
    list_per_page = 50
    change_list_template = "admin/claims/notification/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Notification]:
        return selectors_watch.notifications_for(user=request.user)

    # Every desk member reads their own notifications; nobody adds or edits them here.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return desk_member(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return self.has_module_permission(request) and (obj is None or obj.user_id == request.user.pk)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    @admin.display(description="")
    def unread_mark(self, obj: Notification) -> str:
        return format_html('<span class="fc-unread" title="{}">●</span>', _("Unread")) if not obj.read else ""

    @admin.display(description=_("message"))
    def message_link(self, obj: Notification) -> str:
        url = reverse("admin:claims_notification_open", args=[obj.pk])
        return format_html('<a href="{}" class="fc-notification">{}</a>', url, obj.message)

    @admin.action(description=_("Mark selected notifications read"))
    def mark_read(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        for notification in queryset:
            notification_services.notification_mark_read(user=request.user, notification=notification)

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/open/", wrap(self.open_view), name="claims_notification_open"),
            path("read-all/", wrap(require_POST(self.read_all_view)), name="claims_notification_read_all"),
            path("settings/", wrap(self.settings_view), name="claims_notification_settings"),
            *super().get_urls(),
        ]

    def open_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Follow a notification's link, marking it read on the way."""
        notification = get_object_or_404(selectors_watch.notifications_for(user=request.user), pk=pk)
        notification_services.notification_mark_read(user=request.user, notification=notification)
        return HttpResponseRedirect(notification.url or reverse("admin:claims_notification_changelist"))

    def read_all_view(self, request: HttpRequest) -> HttpResponse:
        count = notification_services.notifications_mark_all_read(user=request.user)
        self.message_user(request, _("%(count)d notifications marked read.") % {"count": count}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:claims_notification_changelist"))

    def settings_view(self, request: HttpRequest) -> HttpResponse:
        """The user's own choice, per event, of in-app, e-mail at once, daily digest or off."""
        current = selectors_watch.notification_deliveries(user=request.user)
        form = PreferencesForm(request.POST or None, current=current)
        if request.method == "POST" and form.is_valid():
            for event, delivery in form.cleaned_data.items():
                if delivery != current[event]:
                    notification_services.notification_preference_set(user=request.user, event=event, delivery=delivery)
            self.message_user(request, _("Your notification settings were saved."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:claims_notification_settings"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("My notification settings"),
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "admin/claims/notification/settings.html", context)
