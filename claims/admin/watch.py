"""The workplace's notifications: the list under the bell, mark-read, and each user's settings.

Every user sees only their own notifications; the rows are made by the services, never here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from claims import selectors_watch, workflow
from claims.admin.base import ReadOnlyAdmin
from claims.exceptions import ServiceError
from claims.models import (
    Delivery,
    Notification,
    NotificationEvent,
    Recurrence,
    WebhookDelivery,
    WebhookEvent,
    WebhookMessage,
    WebhookSubscription,
)
from claims.services import notifications as notification_services
from claims.services import recurrences as recurrence_services
from claims.services import webhooks as webhook_services

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


# --- Webhooks (the desk's administrators) -------------------------------------------------------


class WebhookSubscriptionForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    new_secret = forms.CharField(
        label=_("secret"),
        required=False,
        help_text=_("Leave empty to have one generated; it is shown once, after saving."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ("url", "events", "active")


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ("attempt", "status_code", "ok", "error", "response_excerpt", "created_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    verbose_name_plural = _("attempts")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("url", "active", "events_list", "consecutive_failures", "owner", "created_at")
    list_filter = ("active",)
    readonly_fields = ("owner", "consecutive_failures", "disabled_reason", "created_at", "deliveries_link")

    @admin.display(description=_("events"))
    def events_list(self, obj: WebhookSubscription) -> str:
        return ", ".join(obj.events)

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj: WebhookSubscription) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:claims_webhookmessage_changelist") + f"?subscription__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Messages and attempts"))

    def get_fields(self, request: HttpRequest, obj: WebhookSubscription | None = None) -> list[Any]:
        fields = ["url", "events", "active"]
        if obj is None:
            fields.append("new_secret")
        return [*fields, *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            if change:
                fresh = WebhookSubscription.objects.get(pk=obj.pk)
                webhook_services.webhook_update(
                    user=request.user, subscription=fresh, url=data["url"], events=data["events"], active=data["active"]
                )
                obj.pk = fresh.pk
            else:
                saved, secret = webhook_services.webhook_subscribe(
                    user=request.user,
                    url=data["url"],
                    events=data["events"],
                    secret=data.get("new_secret") or None,
                    active=data["active"],
                )
                obj.pk, obj.id = saved.pk, saved.pk
                self.message_user(
                    request,
                    _("The subscription's secret (shown only now): %(secret)s") % {"secret": secret},
                    messages.WARNING,
                )
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from exc

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        user = request.user

        class Checked(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                url, events = cleaned.get("url"), cleaned.get("events")
                if url and events:
                    errors = webhook_services.check_subscription(
                        url=url, events=list(events), secret=cleaned.get("new_secret") or None
                    )
                    for field, problems in errors.items():
                        for problem in problems:
                            self.add_error(field if field in self.fields else None, problem)
                if not webhook_services.may_manage_webhooks(user):
                    raise forms.ValidationError(_("Only the desk's administrators may manage webhooks."))
                return cleaned

        return Checked


@admin.register(WebhookMessage)
class WebhookMessageAdmin(admin.ModelAdmin):
    list_display = ("msg_id", "event", "subscription", "claim_id", "status", "attempts", "created_at")
    list_filter = ("status", "event")
    list_select_related = ("subscription",)
    readonly_fields = (
        "msg_id",
        "subscription",
        "event",
        "claim",
        "payload",
        "status",
        "attempts",
        "created_at",
        "finished_at",
    )
    fields = readonly_fields
    inlines = [WebhookDeliveryInline]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return webhook_services.may_manage_webhooks(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return webhook_services.may_manage_webhooks(request.user)

    @admin.action(description=_("Deliver the selected messages again"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookMessage]) -> None:
        for message in queryset:
            webhook_services.webhook_redeliver(user=request.user, message=message)
        self.message_user(request, _("Queued again."), messages.SUCCESS)


# --- Recurrences ------------------------------------------------------------------------------


@admin.register(Recurrence)
class RecurrenceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("created_at", "claim_column", "article_column", "passage_column", "score", "status")
    list_filter = ("status", "article__language", "article__outlet")
    search_fields = ("passage", "article__title", "claim__claim_reviewed")
    list_select_related = ("claim", "article")
    readonly_fields = ("claim", "article", "passage", "start", "end", "score", "status", "decided_by", "decided_at")
    fields = readonly_fields
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Recurrence]:
        return selectors_watch.recurrences_list(claim_id=_int(request.GET.get("claim__id__exact")))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return desk_member(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return desk_member(request.user)

    @admin.display(description=_("claim"), ordering="claim")
    def claim_column(self, obj: Recurrence) -> str:
        url = reverse("admin:claims_claim_change", args=[obj.claim_id]) + "#recurrences"
        return format_html('<a href="{}">{}</a>', url, str(obj.claim)[:80])

    @admin.display(description=_("article"))
    def article_column(self, obj: Recurrence) -> str:
        return format_html(
            '<a href="{}" rel="noopener nofollow">{}</a>', obj.article.url, (obj.article.title or obj.article.url)[:80]
        )

    @admin.display(description=_("passage"))
    def passage_column(self, obj: Recurrence) -> str:
        return obj.passage[:200]

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/confirm/", wrap(require_POST(self.confirm_view)), name="claims_recurrence_confirm"),
            path("<int:pk>/dismiss/", wrap(require_POST(self.dismiss_view)), name="claims_recurrence_dismiss"),
            *super().get_urls(),
        ]

    def _decide(self, request: HttpRequest, pk: int, decide: Any, done: StrOrPromise) -> HttpResponse:
        recurrence = get_object_or_404(Recurrence, pk=pk)
        if not desk_member(request.user):
            raise PermissionDenied
        try:
            decide(user=request.user, recurrence=recurrence)
            self.message_user(request, done, messages.SUCCESS)
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("admin:claims_claim_change", args=[recurrence.claim_id]) + "#recurrences"
        return HttpResponseRedirect(back)

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._decide(
            request, pk, recurrence_services.recurrence_confirm, _("Confirmed: the article was added as an appearance.")
        )

    def dismiss_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._decide(request, pk, recurrence_services.recurrence_dismiss, _("Dismissed."))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
