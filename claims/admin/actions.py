"""Bulk actions on the claim list: assign, and move through the workflow, claim by claim.

Each claim goes through the same service as a single edit, so role, workflow and verdict
rules apply per claim; refusals are reported one by one and do not stop the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from claims import services, workflow
from claims.admin.base import error_messages
from claims.admin.forms import BulkAssignForm, BulkTransitionForm
from claims.exceptions import ServiceError
from claims.models import Claim
from claims.workflow import ClaimStatus

# One request does at most this many claims; each is its own locked, audited write.
MAX_BULK = 500
# Refusals listed one by one before the rest are summed up.
MAX_LISTED = 15


def _too_many(request: HttpRequest, queryset: QuerySet) -> bool:
    if queryset.order_by().values("pk")[: MAX_BULK + 1].count() > MAX_BULK:
        messages.error(
            request,
            _("Select at most %(max)d claims for a bulk action; narrow the list with filters first.")
            % {"max": MAX_BULK},
        )
        return True
    return False


def _apply(
    modeladmin: Any,
    request: HttpRequest,
    queryset: QuerySet,
    change: Callable[[Claim], Claim],
    done_message: Callable[[int], str],
    log_message: str,
) -> None:
    """Run `change` on each claim, log it, and report successes and per-claim refusals."""
    done, refused = 0, list[tuple[Claim, ServiceError]]()
    for claim in queryset.defer("search_vector", "search_extra", "search_folded").order_by("pk"):
        try:
            changed = change(claim)
        except ServiceError as exc:
            refused.append((claim, exc))
            continue
        done += 1
        modeladmin.log_change(request, changed, log_message)
    if done:
        messages.success(request, done_message(done))
    for claim, error in refused[:MAX_LISTED]:
        messages.warning(request, f"“{claim}”: " + " ".join(error_messages(error)))
    if len(refused) > MAX_LISTED:
        messages.warning(request, _("… and %(n)d more claims were left unchanged.") % {"n": len(refused) - MAX_LISTED})
    if not done and not refused:
        messages.info(request, _("No claims were changed."))


def _intermediate(
    modeladmin: Any,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    form: Any,
    action: str,
    title: str,
    submit: str,
) -> TemplateResponse:
    """A confirmation page that posts back to the changelist with the same selection."""
    select_across = request.POST.get("select_across") == "1"
    selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
    preview = list(queryset.select_related("claimant").defer("search_vector", "search_extra", "search_folded")[:20])
    count = queryset.order_by().count()
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "form": form,
        "media": modeladmin.media + form.media,
        "action": action,
        "submit_label": submit,
        "preview": preview,
        "count": count,
        "more": max(count - len(preview), 0),
        "select_across": select_across,
        # Django wants ids posted even with select_across (the browser sends the page's).
        "selected": selected,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/claims/claim/bulk_action.html", context)


@admin.action(permissions=["work"], description=gettext_lazy("Assign to me"))
def assign_to_me(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> None:
    if _too_many(request, queryset):
        return
    _apply(
        modeladmin,
        request,
        queryset,
        lambda claim: services.claim_assign(claim=claim, user=request.user, assignee=request.user),
        lambda n: ngettext("%(n)d claim is now yours.", "%(n)d claims are now yours.", n) % {"n": n},
        _("Assigned to %(name)s.") % {"name": request.user.get_username()},
    )


@admin.action(permissions=["work"], description=gettext_lazy("Assign to…"))
def assign_to(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
    if _too_many(request, queryset):
        return None
    form = BulkAssignForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        person = form.cleaned_data["assignee"]
        name = (person.get_full_name() or person.get_username()) if person else _("nobody")
        _apply(
            modeladmin,
            request,
            queryset,
            lambda claim: services.claim_assign(claim=claim, user=request.user, assignee=person),
            lambda n: (
                ngettext("%(n)d claim assigned to %(name)s.", "%(n)d claims assigned to %(name)s.", n)
                % {"n": n, "name": name}
            ),
            _("Assigned to %(name)s.") % {"name": name},
        )
        return None
    return _intermediate(
        modeladmin, request, queryset, form=form, action="assign_to", title=_("Assign claims"), submit=_("Assign")
    )


def reachable_targets(user: Any, statuses: Iterable[str]) -> list[tuple[str, str]]:
    """States this user may move at least one of these claims to, in workflow order."""
    sources = set(statuses)
    seen: dict[str, str] = {}
    for t in workflow.TRANSITIONS:
        if t.source in sources and t.target not in seen and user.has_perm(t.permission):
            seen[t.target] = str(ClaimStatus(t.target).label)
    order = list(ClaimStatus.values)
    return sorted(seen.items(), key=lambda item: order.index(item[0]))


@admin.action(permissions=["work"], description=gettext_lazy("Move to state…"))
def move_to_state(modeladmin: Any, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
    if _too_many(request, queryset):
        return None
    statuses = queryset.order_by().values_list("status", flat=True).distinct()
    choices = reachable_targets(request.user, statuses)
    if not choices:
        messages.warning(request, _("Your role cannot move any of the selected claims to another state."))
        return None
    form = BulkTransitionForm(request.POST if "apply" in request.POST else None)
    target_field = form.fields["target"]
    assert isinstance(target_field, forms.ChoiceField)
    target_field.choices = choices
    if "apply" in request.POST and form.is_valid():
        target = form.cleaned_data["target"]
        label = ClaimStatus(target).label
        _apply(
            modeladmin,
            request,
            queryset,
            lambda claim: services.claim_transition(claim=claim, user=request.user, to=target),
            lambda n: (
                ngettext("%(n)d claim moved to %(state)s.", "%(n)d claims moved to %(state)s.", n)
                % {"n": n, "state": label}
            ),
            _("Moved to %(state)s.") % {"state": label},
        )
        return None
    return _intermediate(
        modeladmin,
        request,
        queryset,
        form=form,
        action="move_to_state",
        title=_("Move claims to another state"),
        submit=_("Move"),
    )
