"""List pages serialized with DRF's own fields, without DRF's per-row, per-field overhead.

A list page of 50 claims with claimant, tags, appearances, sources, review and rating is
some 4 000 field values. DRF computes each through the generic `Serializer.to_representation`
loop: a generator over the readable fields, `get_attribute` walking the source with its
exception handling, and for date-times a timezone lookup per value. On the benchmark
(bench/, case 1) that loop cost more than the database work of the page.

`CompiledListSerializer` looks at the child serializer's fields once per page and builds
one small function per field: a plain `getattr` for a simple source, nested serializers
compiled the same way, and the field's own `to_representation` for everything else (with
an inlined equivalent for the plain char/integer/boolean/date/date-time fields DRF builds
for model columns). The output is the same as DRF's, key for key;
tests/test_perf_guards.py compares the two on a realistic page.

Use it with `class Meta: list_serializer_class = CompiledListSerializer`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import serializers
from rest_framework.fields import ISO_8601, SkipField, is_simple_callable
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

_SKIP = object()
Step = Callable[[Any], Any]


def _simple_getter(field: serializers.Field) -> Callable[[Any], Any] | None:
    """A fast getter for a one-attribute source, or None when DRF's own must be used."""
    attrs = field.source_attrs
    if len(attrs) != 1 or field.source == "*":
        return None
    name = attrs[0]

    def get(instance: Any) -> Any:
        try:
            value = getattr(instance, name)
        except ObjectDoesNotExist:
            return None
        except AttributeError:
            return field.get_attribute(instance)  # DRF's defaults and error messages
        if is_simple_callable(value):
            value = value()
        return value

    return get


def _getter(field: serializers.Field) -> Callable[[Any], Any]:
    fast = _simple_getter(field)
    if fast is not None:
        return fast
    return field.get_attribute


def _leaf(field: serializers.Field) -> Callable[[Any], Any]:
    """The value conversion of a leaf field: inlined for DRF's stock model-column fields."""
    kind = type(field)
    if kind in (serializers.CharField, serializers.SlugField, serializers.URLField, serializers.EmailField):
        return lambda value: value if type(value) is str else str(value)
    if kind is serializers.IntegerField:
        return lambda value: value if type(value) is int else int(value)
    if kind is serializers.BooleanField:
        return lambda value: value if type(value) is bool else field.to_representation(value)
    if kind is serializers.DateField and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601:
        return lambda value: value.isoformat() if type(value) is dt.date else field.to_representation(value)
    if (
        kind is serializers.DateTimeField
        and settings.USE_TZ
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and not hasattr(field, "timezone")
    ):
        tz = timezone.get_current_timezone()

        def datetime_value(value: Any) -> Any:
            if type(value) is not dt.datetime or value.tzinfo is None:
                return field.to_representation(value)
            text = value.astimezone(tz).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return datetime_value
    return field.to_representation


def _step(field: serializers.Field, parent: serializers.Serializer) -> Step:
    if isinstance(field, serializers.SerializerMethodField):
        method = getattr(parent, field.method_name)
        return method
    get = _getter(field)
    if isinstance(field, serializers.ListSerializer):
        child = compile_serializer(field.child)

        def many(instance: Any) -> Any:
            value = get(instance)
            if value is None:
                return None
            items = value.all() if isinstance(value, BaseManager) else value
            return [child(item) for item in items]

        return many
    if isinstance(field, serializers.Serializer):
        nested = compile_serializer(field)

        def one(instance: Any) -> Any:
            value = get(instance)
            return None if value is None else nested(value)

        return one
    convert = _leaf(field)
    if get is field.get_attribute:
        # DRF's full semantics: SkipField, PKOnlyObject for related fields.
        def generic(instance: Any) -> Any:
            try:
                value = field.get_attribute(instance)
            except SkipField:
                return _SKIP
            check = value.pk if isinstance(value, PKOnlyObject) else value
            return None if check is None else convert(value)

        return generic

    def simple(instance: Any) -> Any:
        value = get(instance)
        return None if value is None else convert(value)

    return simple


def compile_serializer(serializer: serializers.Serializer) -> Callable[[Any], dict[str, Any]]:
    """A function that represents one instance exactly as `serializer.to_representation` would."""
    steps = [(field.field_name, _step(field, serializer)) for field in serializer._readable_fields]

    def represent(instance: Any) -> dict[str, Any]:
        out = {}
        for name, step in steps:
            value = step(instance)
            if value is not _SKIP:
                out[name] = value
        return out

    return represent


class CompiledListSerializer(serializers.ListSerializer):
    """`many=True` serialization through a per-page compiled plan of the child serializer."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        items = data.all() if isinstance(data, BaseManager) else data
        represent = compile_serializer(self.child)
        return [represent(item) for item in items]
