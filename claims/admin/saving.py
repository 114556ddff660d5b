"""Turning the claim page's validated formsets into service calls.

Django would call `formset.save()`, writing rows directly. Here each form becomes a
service call instead, and the formset's `new_objects`/`changed_objects`/`deleted_objects`
are filled in so the admin's change message and log entry still describe what happened.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from claims import services
from claims.models import Appearance, Claim


def adopt(target: Model, source: Model) -> None:
    """Make the admin's instance the row a service wrote (the admin keeps using its object)."""
    for field in type(source)._meta.concrete_fields:
        if field.attname in source.__dict__:
            setattr(target, field.attname, getattr(source, field.attname))
    target._state.adding = False
    target._state.db = source._state.db


def _appearance_input(data: dict[str, Any]) -> services.AppearanceInput:
    return services.AppearanceInput(
        url=data["source"].url,
        quote=data.get("quote") or "",
        appeared_on=data.get("appeared_on"),
        is_first_appearance=bool(data.get("is_first_appearance")),
    )


def save_appearances(user: Any, claim: Claim, formset: Any) -> None:
    new: list[Appearance] = []
    changed: list[tuple[Appearance, list[str]]] = []
    deleted: list[Appearance] = []
    deleted_forms = set(formset.deleted_forms) if formset.can_delete else set()
    # Removals first, so a source can move from a removed row to a new one in one save.
    for form in formset.initial_forms:
        if form in deleted_forms and form.instance.pk:
            services.appearance_remove(user=user, appearance=form.instance)
            deleted.append(form.instance)
    for form in formset.initial_forms:
        if form in deleted_forms or not form.has_changed():
            continue
        data = form.cleaned_data
        if "source" in form.changed_data:
            # Another source is another appearance: replace the row.
            services.appearance_remove(user=user, appearance=form.instance)
            appearance = services.appearance_add(user=user, claim=claim, item=_appearance_input(data))
        else:
            appearance = services.appearance_update(
                user=user,
                appearance=form.instance,
                quote=data.get("quote") or "",
                appeared_on=data.get("appeared_on"),
                is_first_appearance=bool(data.get("is_first_appearance")),
            )
        changed.append((appearance, form.changed_data))
    for form in formset.extra_forms:
        if form in deleted_forms or not form.has_changed():
            continue
        new.append(services.appearance_add(user=user, claim=claim, item=_appearance_input(form.cleaned_data)))
    formset.new_objects, formset.changed_objects, formset.deleted_objects = new, changed, deleted


def save_review(user: Any, claim: Claim, formset: Any) -> None:
    new, changed = [], []
    for form in formset.forms:
        if not form.has_changed():
            continue
        data = form.cleaned_data
        adding = form.instance._state.adding
        # "---------" in the rating list is an explicit request to clear the rating, not "keep".
        clear_rating = data.get("rating") is None and "rating" in form.changed_data
        review = services.review_save(
            claim=claim,
            user=user,
            rating=data.get("rating"),
            clear_rating=clear_rating,
            headline=data.get("headline") or "",
            rationale=data.get("rationale") or "",
            evidence=list(data.get("evidence") or []),
        )
        if adding:
            new.append(review)
        else:
            changed.append((review, form.changed_data))
    formset.new_objects, formset.changed_objects, formset.deleted_objects = new, changed, []
