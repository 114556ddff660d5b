"""The one family of strict JSON fields and serializers, for every face of the API.

A number is not a string, "yes" is not a boolean, ftp:// is not a web page, and a key the
serializer does not know is an error. DRF coerces liberally (123 becomes "123", "1"
becomes True); partners sending wrong types should hear about it with a 400 instead.
The Google face subclasses these only for its own messages (`claims.api.google_serializers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

web_url_validator = URLValidator(schemes=["http", "https"], message=_("Enter a valid http or https URL."))


class StrictCharField(serializers.CharField):
    """A string, and only a string, that can be stored (no lone surrogates from JSON escapes)."""

    default_error_messages = {
        "not_a_string": _("Not a valid string."),
        "bad_unicode": _("Contains characters that are not valid Unicode."),
    }

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("bad_unicode")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictURLField(StrictCharField):
    """An absolute http(s) URL."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)
        self.validators.append(web_url_validator)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """A choice whose JSON type must match the choices' type (an integer choice takes no "2")."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, str | int) or str(data) not in self.choice_strings_to_values:
            self.fail("invalid_choice", input=data)
        value = self.choice_strings_to_values[str(data)]
        if isinstance(value, str) != isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return value


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class UserRefField(serializers.Field):
    """A user given by id (integer) or username (string); resolves to the user object."""

    default_error_messages = {"invalid": _("Give a user id or username."), "missing": _("No such user.")}

    def to_internal_value(self, data: Any) -> Any:
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        if isinstance(data, bool) or not isinstance(data, int | str) or data == "":
            self.fail("invalid")
        lookup = {"pk": data} if isinstance(data, int) else {user_model.USERNAME_FIELD: data}
        user = user_model.objects.filter(is_active=True, **lookup).first()
        if user is None:
            self.fail("missing")
        return user

    def to_representation(self, value: Any) -> Any:
        return value.get_username()


class StrictFieldsMixin:
    """Unknown or read-only keys in a request body are field errors, not silently dropped."""

    unknown_field_message = _("Unknown or read-only field.")

    def to_internal_value(self, data: Any) -> Any:
        unknown: dict[str, list[str]] = {}
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}  # type: ignore[attr-defined]
            unknown = {str(key): [str(self.unknown_field_message)] for key in data if key not in writable}
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as exc:
            # Report every problem at once: the unknown keys and the invalid known ones.
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown, code="unknown_field")
        return value


class StrictSerializer(StrictFieldsMixin, serializers.Serializer):
    """A plain input serializer with strict types and no unknown keys."""


class StrictModelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A model serializer whose generated fields are the strict ones."""

    serializer_choice_field = StrictChoiceField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
        models.BooleanField: StrictBooleanField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
    }
