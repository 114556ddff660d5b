"""Pieces every desk admin shares: role checks, history without revert, service refusals as errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from claims import workflow
from claims.exceptions import ServiceError
from claims.workflow import ClaimStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Django 6 makes https the default scheme of URL form fields; the desk wants it now.
URL_FIELDS_HTTPS: dict[type[models.Field], dict[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


def can_work(user: Any) -> bool:
    """Reviewers, editors and desk admins: may triage, research and draft."""
    return bool(user and user.is_active and user.has_perm(workflow.WORK))


def status_badge_html(status: str) -> str:
    """The coloured workflow-state badge, the same on every admin page that shows one."""
    label: StrOrPromise
    try:
        label = ClaimStatus(status).label
    except ValueError:
        label = status
    return format_html('<span class="fc-badge fc-status fc-status-{}">{}</span>', status, label)


def error_messages(exc: Exception) -> list[str]:
    """The human-readable reasons inside a refused write, one per problem."""
    if isinstance(exc, ServiceError):
        return [str(e) for e in exc.errors]
    if isinstance(exc, ValidationError):
        return [str(m) for m in exc.messages]
    return [str(exc)]


def report_errors(request: HttpRequest, exc: Exception, *, prefix: str = "") -> None:
    for text in error_messages(exc):
        messages.error(request, f"{prefix}{text}")


class ServiceErrorsMixin:
    """A form mixin that shows the reasons a service refused the last save as form errors."""

    service_errors: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()  # type: ignore[misc]
        for message in self.service_errors:
            self.add_error(None, message)  # type: ignore[attr-defined]
        return cleaned


class RefusalsAsFormErrors:
    """ModelAdmin mixin for admins whose save_model/save_formset call the services.

    The services run after the form validated. When one refuses (a role rule, a stale
    version, a protected row), the admin's transaction rolls back and the page is
    rendered again from the same POST with the reasons as form errors: validation then
    fails, nothing is written, and the user keeps what they typed. Never a 500.
    """

    _errors_attr = "_desk_service_errors"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        errors = getattr(request, self._errors_attr, None)
        if errors:
            bases = (form,) if issubclass(form, ServiceErrorsMixin) else (ServiceErrorsMixin, form)
            form = type(form.__name__, bases, {"service_errors": tuple(errors)})
        return form

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except (ServiceError, ValidationError) as exc:
            setattr(request, self._errors_attr, error_messages(exc))
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # list_editable rows are saved through save_model too; a refusal undoes the whole page.
        try:
            return super().changelist_view(request, extra_context)  # type: ignore[misc]
        except ServiceError as exc:
            report_errors(request, exc)
            return HttpResponseRedirect(request.get_full_path())

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except ServiceError as exc:
            report_errors(request, exc)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin:
    """For rows that only services and background jobs write (verdicts, candidates,
    recurrences): the admin lists and shows them, and its own add, change and delete are off."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeskHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history is for reading: who changed what, when.

    Reverting a version would write through the model form and `form.save_m2m()`,
    around the services; the desk restores old values by editing instead.
    """

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        # simple-history looks the id up unchecked; a malformed id would be a 500, not a 404.
        try:
            self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
