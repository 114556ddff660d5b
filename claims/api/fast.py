"""List pages serialized with DRF's own fields, without DRF's per-row, per-field overhead.

A list page of 50 claims with claimant, tags, appearances, sources, review and rating is
some 4 000 field values. DRF computes each through the generic `Serializer.to_representation`
loop: a generator over the readable fields, `get_attribute` walking the source with its
exception handling, and for date-times a timezone lookup per value; and before that it
builds every nested serializer's fields from the model, for every request. On the
benchmark (bench/, case 1) that cost more than the database work of the page.

`compile_serializer` looks at a serializer's fields once and builds one small function per
field: a plain `getattr` for a simple source, nested serializers compiled the same way,
and the field's own `to_representation` for everything else (with an inlined equivalent
for the stock char/integer/choice/boolean/date/date-time fields DRF builds for model
columns). `CompiledListSerializer` does that once per page, and for a serializer whose
nested fields are all such stock fields it keeps the compiled structure per class, so
later pages only bind the request's timezone and the top-level method fields.

The output is DRF's, byte for byte; tests/test_fast.py compares the two on realistic
pages and pins the few private DRF/Django attributes used here to the pinned versions. A
nested serializer that overrides `to_representation`, or a field of another kind, is left
to DRF.

One switch: `API_COMPILED_SERIALIZERS` (settings, default on). On, the claim list also
reads its page as column values rather than model instances (claims/api/rows.py). Off,
lists and exports go through DRF's own `to_representation` from model instances and the
API answers the same bytes, only slower (bench/, case 1b measures the difference with the
same paginator on both sides; tests/test_api_fast.py compares the bytes).

Use it with `class Meta: list_serializer_class = CompiledListSerializer`. The same list
serializer checks, when `API_CHECK_SERIALIZER_QUERIES` is on (the test settings), that the
first row is serialized without a database query: a queryset that was not given the
serializer's `load()` fails there, loudly, instead of costing a query per row.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import connections
from django.db.models import Prefetch, QuerySet
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField, is_simple_callable
from rest_framework.relations import PKOnlyObject
from rest_framework.settings import api_settings

_SKIP = object()
Represent = Callable[[Any], dict[str, Any]]
Convert = Callable[[Any], Any]
_STRINGS = (serializers.CharField, serializers.SlugField, serializers.URLField, serializers.EmailField)


# --- Prefetched lists ---------------------------------------------------------------------------


def rows_attr(relation: str) -> str:
    """Where `prefetch_rows(relation)` leaves the related rows: a plain list on the instance."""
    return f"_{relation}_rows"


def prefetch_rows(relation: str, queryset: QuerySet | None = None) -> Prefetch:
    """Prefetch a to-many relation into a plain list for the serializers' many fields.

    Django's plain prefetch stores each instance's rows in a queryset made from a related
    manager: two objects and a query clone per instance and relation (a page of 50 claims
    with tags and appearances: 100 clones, a fifth of the page's ORM time) only to hold a
    list. A `many=True` field whose list serializer is `CompiledListSerializer` reads the
    list first and falls back to the relation, so nothing is dropped without it (and under
    the test settings a fallback that queries fails: see `represent_rows`).
    """
    return Prefetch(relation, queryset=queryset, to_attr=rows_attr(relation))


def _prefetched(instance: Any, relation: str) -> Any:
    return getattr(instance, "__dict__", {}).get(rows_attr(relation))


# --- Values ---------------------------------------------------------------------------------


def _getter(field: serializers.Field) -> Callable[[Any], Any]:
    """`field.get_attribute`, with a fast path for a plain (possibly dotted) attribute source."""
    attrs = tuple(field.source_attrs)
    if not attrs or field.source == "*":
        return field.get_attribute

    last = len(attrs) - 1

    def get(instance: Any) -> Any:
        value = instance
        for i, name in enumerate(attrs):
            try:
                value = getattr(value, name)
            except ObjectDoesNotExist:
                return None
            except AttributeError:
                return field.get_attribute(instance)  # DRF's defaults, SkipField and messages
            if value is None:
                # None half-way down a dotted source is an AttributeError to DRF.
                return None if i == last else field.get_attribute(instance)
            if is_simple_callable(value):
                value = value()
        return value

    return get


def _leaf_factory(field: serializers.Field) -> Callable[[Any], Convert] | None:
    """For DRF's stock model-column fields: tz -> converter, equal to `field.to_representation`."""
    kind = type(field)
    if kind in _STRINGS:
        return lambda tz: _string
    if kind is serializers.IntegerField:
        return lambda tz: _integer
    if kind is serializers.BigIntegerField:  # type: ignore[attr-defined]  # DRF 3.17+; the stubs are 3.16's
        if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
            return lambda tz: str
        return lambda tz: _integer
    if kind is serializers.ChoiceField:
        choices = cast(serializers.ChoiceField, field).choice_strings_to_values
        return lambda tz: lambda value: value if value == "" else choices.get(str(value), value)
    if kind is serializers.BooleanField:
        return lambda tz: lambda value: value if type(value) is bool else field.to_representation(value)
    if kind is serializers.DateField and getattr(field, "format", api_settings.DATE_FORMAT) == ISO_8601:
        return lambda tz: lambda value: value.isoformat() if type(value) is dt.date else field.to_representation(value)
    if (
        kind is serializers.DateTimeField
        and settings.USE_TZ
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and not hasattr(field, "timezone")
    ):

        def datetimes(tz: Any) -> Convert:
            def datetime_value(value: Any) -> Any:
                if type(value) is not dt.datetime or value.tzinfo is None:
                    return field.to_representation(value)
                text = value.astimezone(tz).isoformat()
                return text[:-6] + "Z" if text.endswith("+00:00") else text

            return datetime_value

        return datetimes
    return None


def _string(value: Any) -> str:
    return value if type(value) is str else str(value)


def _integer(value: Any) -> int:
    return value if type(value) is int else int(value)


def _plain_attrs(field: serializers.Field) -> tuple[str, ...]:
    return () if field.source == "*" else tuple(field.source_attrs)


def _drf_serializes_itself_cls(cls: type[serializers.BaseSerializer]) -> bool:
    return cls.to_representation is serializers.Serializer.to_representation


def _drf_serializes_itself(serializer: serializers.BaseSerializer) -> bool:
    """True if the serializer's output is DRF's stock loop (no to_representation override)."""
    if isinstance(serializer, serializers.ListSerializer):
        method = type(serializer).to_representation
        return method in (serializers.ListSerializer.to_representation, CompiledListSerializer.to_representation)
    return _drf_serializes_itself_cls(type(serializer))


# --- Compiling one serializer (per page) ---------------------------------------------------------


def _step(field: serializers.Field, parent: serializers.Serializer, tz: Any) -> Callable[[Any], Any]:
    if isinstance(field, serializers.SerializerMethodField):
        return getattr(parent, field.method_name)
    get = _getter(field)
    if isinstance(field, serializers.ListSerializer) and _drf_serializes_itself(field):
        return _many(get, _compile(_child(field), tz), _plain_attrs(field))
    if isinstance(field, serializers.Serializer) and _drf_serializes_itself(field):
        return _one(get, _compile(field, tz))
    factory = _leaf_factory(field)
    convert = factory(tz) if factory is not None else field.to_representation
    if get is field.get_attribute or isinstance(field, serializers.BaseSerializer):
        # DRF's full semantics: SkipField, PKOnlyObject for related fields.
        def generic(instance: Any) -> Any:
            try:
                value = field.get_attribute(instance)
            except SkipField:
                return _SKIP
            check = value.pk if isinstance(value, PKOnlyObject) else value
            return None if check is None else convert(value)

        return generic
    return _simple(get, convert)


def _simple(get: Callable[[Any], Any], convert: Convert) -> Callable[[Any], Any]:
    def simple(instance: Any) -> Any:
        try:
            value = get(instance)
        except SkipField:
            return _SKIP
        return None if value is None else convert(value)

    return simple


def _one(get: Callable[[Any], Any], nested: Represent) -> Callable[[Any], Any]:
    def one(instance: Any) -> Any:
        try:
            value = get(instance)
        except SkipField:
            return _SKIP
        return None if value is None else nested(value)

    return one


def _many(get: Callable[[Any], Any], child: Represent, attrs: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    # A prefetched relation is read from the prefetch cache directly: going through the
    # attribute builds a related manager per row (and per relation) only to hand back the
    # same cached rows. The cache is keyed by the relation's name, which for the plain
    # `tags`/`appearances` sources is the attribute itself; anything else takes the
    # attribute path.
    cache_key = attrs[0] if len(attrs) == 1 else None

    def many(instance: Any) -> Any:
        if cache_key is not None:
            rows = _prefetched(instance, cache_key)  # prefetch_rows()'s list
            if rows is not None:
                return [child(item) for item in rows]
            cached = getattr(instance, "_prefetched_objects_cache", None)
            if cached is not None and cache_key in cached:
                return [child(item) for item in cached[cache_key]]
        try:
            value = get(instance)
        except SkipField:
            return _SKIP
        if value is None:
            return None
        items = value.all() if isinstance(value, BaseManager) else value
        return [child(item) for item in items]

    return many


def _represent(steps: list[tuple[str, Callable[[Any], Any]]]) -> Represent:
    def represent(instance: Any) -> dict[str, Any]:
        out = {}
        for name, step in steps:
            value = step(instance)
            if value is not _SKIP:
                out[name] = value
        return out

    return represent


def _child(many: serializers.ListSerializer) -> serializers.Serializer:
    return cast(serializers.Serializer, many.child)


def _name(field: serializers.Field) -> str:
    return cast(str, field.field_name)  # set when the field was bound to its serializer


def _compile(serializer: serializers.Serializer, tz: Any) -> Represent:
    return _represent([(_name(field), _step(field, serializer, tz)) for field in serializer._readable_fields])


def compile_serializer(serializer: serializers.Serializer) -> Represent:
    """A function that represents one instance exactly as `serializer.to_representation` would."""
    return _compile(serializer, timezone.get_current_timezone())


# --- Blueprints kept per serializer class ---------------------------------------------------------
#
# A blueprint is the compiled structure without anything tied to one request: field names,
# sources, nested blueprints, converter factories. Binding one to a request (its timezone,
# the serializer instance's method fields) takes microseconds; building DRF's fields for
# eight nested serializers took milliseconds on every page. It is built from an instance
# of its own, without context, so the cache never holds a request (or anything else of
# the first page's).

Blueprint = list[tuple[str, str, Any]]
_BLUEPRINTS: dict[type, Blueprint | None] = {}
_LOCK = threading.Lock()


def _static_fields(cls: type[serializers.BaseSerializer]) -> bool:
    """The class builds the same fields for every instance (no per-instance field tailoring)."""
    return (
        cls.__init__ is serializers.BaseSerializer.__init__
        and getattr(cls, "get_fields", None)
        in (serializers.ModelSerializer.get_fields, serializers.Serializer.get_fields)
        and getattr(cls, "fields", None) is serializers.Serializer.fields
        and _drf_serializes_itself_cls(cls)
    )


def _blueprint(serializer: serializers.Serializer, *, top: bool) -> Blueprint | None:
    """The serializer's structure, or None if some part of it cannot be reused across requests."""
    entries: Blueprint = []
    for field in serializer._readable_fields:
        name = _name(field)
        if isinstance(field, serializers.SerializerMethodField):
            if not top:
                return None  # bound to a nested instance we would not have
            entries.append((name, "method", field.method_name))
            continue
        if field.source == "*" or not field.source_attrs:
            return None
        get = _getter(field)
        if isinstance(field, serializers.ListSerializer):
            child = _blueprint(_child(field), top=False) if _drf_serializes_itself(field) else None
            if child is None or not _static_fields(type(_child(field))):
                return None
            entries.append((name, "many", (get, child, _plain_attrs(field))))
        elif isinstance(field, serializers.Serializer):
            child = _blueprint(field, top=False) if _static_fields(type(field)) else None
            if child is None:
                return None
            entries.append((name, "one", (get, child)))
        else:
            factory = _leaf_factory(field)
            if factory is None:
                return None
            entries.append((name, "leaf", (get, factory)))
    return entries


def _bind(blueprint: Blueprint, serializer: serializers.Serializer | None, tz: Any) -> Represent:
    steps: list[tuple[str, Callable[[Any], Any]]] = []
    for name, kind, data in blueprint:
        if kind == "method":
            steps.append((name, getattr(serializer, data)))
        elif kind == "leaf":
            get, factory = data
            steps.append((name, _simple(get, factory(tz))))
        elif kind == "one":
            get, child = data
            steps.append((name, _one(get, _bind(child, None, tz))))
        else:
            get, child, attrs = data
            steps.append((name, _many(get, _bind(child, None, tz), attrs)))
    return _represent(steps)


def plan_for(serializer: serializers.Serializer) -> Represent:
    """The compiled representation for this serializer instance, from the class's blueprint if it has one."""
    cls = type(serializer)
    if cls not in _BLUEPRINTS:
        blueprint = _blueprint(cls(), top=True) if _static_fields(cls) else None
        with _LOCK:
            _BLUEPRINTS.setdefault(cls, blueprint)
    blueprint = _BLUEPRINTS[cls]
    if blueprint is None:
        return compile_serializer(serializer)
    return _bind(blueprint, serializer, timezone.get_current_timezone())


def representer(serializer: serializers.Serializer) -> Represent:
    """How to represent one instance: the compiled plan, or DRF's own with the switch off."""
    if settings.API_COMPILED_SERIALIZERS:
        return plan_for(serializer)
    return serializer.to_representation


@contextmanager
def _no_queries(what: str) -> Iterator[None]:
    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        raise ImproperlyConfigured(
            f"{what} ran a query while serializing a row; give the queryset the serializer's load(): {sql[:300]}"
        )

    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(refuse))
        yield


def represent_rows(serializer: serializers.Serializer, items: Iterable[Any]) -> list[dict[str, Any]]:
    represent = representer(serializer)
    rows = iter(items)
    out = []
    if settings.API_CHECK_SERIALIZER_QUERIES:
        first = next(rows, None)
        if first is not None:
            with _no_queries(type(serializer).__name__):
                out.append(represent(first))
    out.extend(represent(item) for item in rows)
    return out


class CompiledListSerializer(serializers.ListSerializer):
    """`many=True` serialization through a compiled plan of the child serializer (or DRF's, switched off).

    As a nested field it reads the list `prefetch_rows()` left on the instance, if any,
    instead of the relation (with the compiled plan and with DRF's alike)."""

    def get_attribute(self, instance: Any) -> Any:
        if len(self.source_attrs) == 1:
            rows = _prefetched(instance, self.source_attrs[0])
            if rows is not None:
                return rows
        return super().get_attribute(instance)

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        items = data.all() if isinstance(data, BaseManager) else data
        return represent_rows(_child(self), items)
