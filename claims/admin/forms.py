"""Forms of the claim page and of the bulk actions' intermediate pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from claims import selectors
from claims.admin.base import ServiceErrorsMixin
from claims.models import Claim, Rating, Review
from claims.workflow import ClaimStatus


def display_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _model_choices(field: forms.Field) -> forms.ModelChoiceField:
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a ModelChoiceField")
    return field


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of desk member, shown by display name."""

    def label_from_instance(self, obj: Any) -> str:
        return display_name(obj)


def _people(field: forms.Field) -> None:
    """An assignee choice: the desk's working members (read per request)."""
    _model_choices(field).queryset = selectors.users_who_can_work()


class CountedTextMixin:
    """Long texts get a live character counter instead of the browser's silent cut.

    A textarea's `maxlength` makes the browser drop whatever a paste brings beyond it, with
    no sign. The limit moves to `data-fc-maxlength` (claims/static/claims/workplace.js counts
    and warns), and the form's own max_length check refuses an over-long text with its length.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Textarea) and "maxlength" in widget.attrs:
                widget.attrs["data-fc-maxlength"] = widget.attrs.pop("maxlength")
                widget.attrs["data-fc-count"] = _("%(count)s of %(max)s characters")
                widget.attrs["data-fc-over"] = _("%(count)s characters, %(over)s too many (at most %(max)s)")


class ClaimAdminForm(CountedTextMixin, ServiceErrorsMixin, forms.ModelForm):
    """The claim's own fields, plus the version it was loaded at and a new comment."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_comment = forms.CharField(
        label=_("Add a comment"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Internal note for the desk; never published.")}),
    )

    class Meta:
        model = Claim
        fields = ["text", "claim_reviewed", "language", "claimant", "claim_date", "location", "priority", "assignee"]
        field_classes = {"assignee": PersonChoiceField}
        widgets = {
            "text": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField fc-claim-text-input"}),
            "claim_reviewed": forms.TextInput(attrs={"class": "vTextField", "maxlength": 200}),
            "language": forms.TextInput(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "expected_version" in self.fields:
            self.fields["expected_version"].initial = self.instance.version
        if "assignee" in self.fields:
            _people(self.fields["assignee"])


class ReviewInlineForm(CountedTextMixin, ServiceErrorsMixin, forms.ModelForm):
    """The verdict: only active ratings can be chosen (the current one stays selectable)."""

    class Meta:
        model = Review
        fields = ["rating", "headline", "rationale", "evidence"]
        widgets = {"rationale": forms.Textarea(attrs={"rows": 8, "class": "vLargeTextField"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "rating" in self.fields:
            current = self.instance.rating_id if self.instance.pk else None
            queryset = Rating.objects.filter(is_active=True)
            if current:
                queryset = Rating.objects.filter(pk=current) | queryset
            _model_choices(self.fields["rating"]).queryset = queryset.order_by("order", "id")


class CorrectionForm(forms.Form):
    """Publish an update / correction: the verdict's new values and the public note (all checked again by
    services.claim_correct; empty values arrive as "" so the service names them)."""

    note = forms.CharField(max_length=2000, required=False, strip=True)
    rating = forms.ModelChoiceField(queryset=Rating.objects.filter(is_active=True), required=False)
    headline = forms.CharField(max_length=300, required=False, strip=False)
    rationale = forms.CharField(max_length=20000, required=False, strip=False)


class BulkAssignForm(forms.Form):
    assignee = PersonChoiceField(
        label=_("Assign to"),
        queryset=selectors.users_who_can_work(),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Evaluated per request: people join and leave the desk.
        _people(self.fields["assignee"])


class BulkTransitionForm(forms.Form):
    target = forms.ChoiceField(label=_("Move to state"), choices=ClaimStatus.choices)
