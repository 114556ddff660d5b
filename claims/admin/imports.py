"""Imports in the admin: upload a file or give a URL, see the dry-run preview (what would be
created, updated, skipped or fail, and why), then confirm. Also the rating-text table and the
external reviews. Every write goes through claims.services.imports."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.admin.base import error_messages
from claims.exceptions import ServiceError
from claims.models import ExternalReview, ImportJob, RatingMapping
from claims.services import imports as import_services


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy("A CSV of claims, a ClaimReview DataFeed or a Fact Check Tools search response (JSON)."),
    )
    url = forms.URLField(
        label=gettext_lazy("or the URL of a fact-check page or feed"), required=False, assume_scheme="https"
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: show what would happen first"), required=False, initial=True
    )
    atomic = forms.BooleanField(label=gettext_lazy("All or nothing: import nothing if any item fails"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Give either a file or a URL."))
        return data


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import jobs: the list, a job's progress and row report, and the import form."""

    list_display = (
        "__str__",
        "format",
        "dry_run",
        "atomic",
        "status",
        "created",
        "updated",
        "skipped",
        "failed",
        "created_at",
    )
    list_filter = ("status", "dry_run")
    change_form_template = "admin/claims/importjob/change_form.html"
    fields = (
        "source_url",
        "filename",
        "format",
        ("dry_run", "atomic"),
        "status",
        ("total", "processed"),
        ("created", "updated", "skipped", "failed"),
        "error",
        "created_by",
        ("created_at", "started_at", "finished_at"),
    )
    readonly_fields = tuple(f for group in fields for f in (group if isinstance(group, tuple) else (group,)))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a job is a record; new imports are new jobs

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        urls = super().get_urls()
        return [
            path("<int:pk>/confirm/", self.admin_site.admin_view(self.confirm_view), name="claims_importjob_confirm"),
            *urls,
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload is not None and upload.size > import_services.MAX_IMPORT_BYTES:
                    raise import_services.ImportTooLarge(_("The file is larger than 20 MiB."))
                job = import_services.import_job_create(
                    user=request.user,
                    url=form.cleaned_data["url"] or "",
                    content=upload.read() if upload is not None else None,
                    filename=upload.name if upload is not None else "",
                    dry_run=form.cleaned_data["dry_run"],
                    atomic=form.cleaned_data["atomic"],
                )
            except ServiceError as exc:
                for text in error_messages(exc):
                    form.add_error(None, text)
            else:
                return HttpResponseRedirect(reverse("admin:claims_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import claims and fact-checks"),
            "opts": self.model._meta,
            "form": form,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/claims/importjob/import_form.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        job = ImportJob.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        extra = {
            "job": job,
            "running": job is not None and job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            "can_confirm": job is not None
            and job.dry_run
            and job.status == ImportJob.Status.DONE
            and self.has_add_permission(request),
        }
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = get_object_or_404(ImportJob, pk=pk)
        if request.method != "POST" or not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        try:
            new = import_services.import_job_confirm(job=job, user=request.user)
        except ServiceError as exc:
            for text in error_messages(exc):
                messages.error(request, text)
            return HttpResponseRedirect(reverse("admin:claims_importjob_change", args=[job.pk]))
        messages.success(request, _("The import has started."))
        return HttpResponseRedirect(reverse("admin:claims_importjob_change", args=[new.pk]))


@admin.register(RatingMapping)
class RatingMappingAdmin(admin.ModelAdmin):
    """Rating texts other desks use and the step on this desk's scale each means."""

    list_display = ("text", "rating")
    search_fields = ("text",)
    list_select_related = ("rating",)


@admin.register(ExternalReview)
class ExternalReviewAdmin(admin.ModelAdmin):
    """Other organisations' fact-checks of the desk's claims (read-only here)."""

    list_display = ("publisher", "rating_text", "rating", "rating_unmapped", "date", "claim")
    list_filter = ("rating_unmapped", "language")
    search_fields = ("publisher", "rating_text", "claim_reviewed")
    list_select_related = ("rating", "claim")
    readonly_fields = (
        "claim",
        "publisher",
        "publisher_url",
        "url",
        "claim_reviewed",
        "rating_text",
        "rating_value",
        "best_rating",
        "worst_rating",
        "rating",
        "rating_unmapped",
        "date",
        "language",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
