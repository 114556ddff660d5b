"""The claim's audit trail page: every change to the claim, its verdict and its appearances."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from claims import selectors
from claims.models import Appearance, Claim, Review

MODELS = {"claim": Claim, "review": Review, "appearance": Appearance}
USER_FIELDS = frozenset({"assignee", "created_by", "author", "approver"})


def _labels() -> dict[str, str]:
    return {"claim": _("Claim"), "review": _("Verdict"), "appearance": _("Appearance")}


def _related_names(entries: list[dict[str, Any]]) -> dict[tuple[Any, str], dict[Any, str]]:
    """For every foreign key in the trail (claimant, rating, source, …), its ids' names.

    One query per related model; a row deleted since shows as "#id".
    """
    wanted: dict[tuple[Any, str], set[Any]] = {}
    for entry in entries:
        model = MODELS[entry["model"]]
        for change in entry["changes"]:
            if change["field"] in USER_FIELDS:
                continue
            try:
                field = model._meta.get_field(change["field"])
            except FieldDoesNotExist:
                continue
            if field.many_to_one:
                ids = wanted.setdefault((model, field.name), set())
                ids.update(v for v in (change["old"], change["new"]) if v not in (None, ""))
    names: dict[tuple[Any, str], dict[Any, str]] = {}
    by_model: dict[Any, set[Any]] = {}
    for (model, name), ids in wanted.items():
        by_model.setdefault(model._meta.get_field(name).related_model, set()).update(ids)
    loaded = {related: related.objects.in_bulk(list(ids)) for related, ids in by_model.items() if ids}
    for (model, name), ids in wanted.items():
        rows = loaded.get(model._meta.get_field(name).related_model, {})
        names[model, name] = {pk: _label(rows[pk]) for pk in ids if pk in rows}
    return names


def _label(obj: Any) -> str:
    return getattr(obj, "label", None) or str(obj)


def readable_trail(claim: Claim) -> list[dict[str, Any]]:
    """The audit trail newest first, with field names and foreign-key and user ids made readable."""
    entries = list(reversed(selectors.claim_audit_trail(claim=claim)))
    user_ids = {
        value
        for e in entries
        for c in e["changes"]
        if c["field"] in USER_FIELDS
        for value in (c["old"], c["new"])
        if isinstance(value, int)
    }
    users = {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.filter(pk__in=user_ids)}
    related = _related_names(entries)
    labels = _labels()

    def show(model: Any, field: str, value: Any) -> Any:
        if value in (None, ""):
            return "—"
        if field in USER_FIELDS:
            return users.get(value, value)
        if (model, field) in related:
            return related[model, field].get(value, f"#{value}")
        try:
            choices = model._meta.get_field(field).flatchoices
        except FieldDoesNotExist:
            choices = None
        if choices:
            # Show "In review" (or its translation), not the stored code "in_review".
            return dict(choices).get(value, value)
        return value

    for entry in entries:
        model = MODELS[entry["model"]]
        entry["label"] = labels[entry["model"]]
        for change in entry["changes"]:
            try:
                field = model._meta.get_field(change["field"])
                change["name"] = capfirst(getattr(field, "verbose_name", change["field"]))
            except FieldDoesNotExist:
                change["name"] = change["field"]
            change["old_display"] = show(model, change["field"], change["old"])
            change["new_display"] = show(model, change["field"], change["new"])
    return entries


def audit_response(model_admin: Any, request: HttpRequest, claim: Claim) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Audit trail: %(claim)s") % {"claim": claim},
        "opts": model_admin.opts,
        "original": claim,
        "entries": readable_trail(claim),
    }
    return TemplateResponse(request, "admin/claims/claim/audit_trail.html", context)
