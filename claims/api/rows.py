"""List pages read as column values, not model instances.

A list page of 50 claims builds some 400 model instances (claims, claimants, reviews,
ratings, tags, appearances, sources), and Django's prefetching sets each relation up
through related managers and querysets. On the benchmark (bench/, case 1) that was the
largest cost left after the serializers were compiled (claims/api/fast.py): a page read
with `values()` and turned into plain rows costs about half.

A `Row` carries exactly the columns a serializer reads, as attributes, nested the way the
serializer walks them: the columns `claimant__id`, `claimant__name` become
`row.claimant.id`, `row.claimant.name` (and `row.claimant` is None when the claim has no
claimant), so the compiled serializers and their method fields read rows and model
instances alike. To-many relations are loaded with one values query each and left where
`fast.prefetch_rows()` leaves its lists, so the serializers' many fields find them the
same way. Nothing on a row can query the database: a column the serializer reads but
the row lacks is an AttributeError, which the tests (tests/test_api_fast.py) catch by
comparing the output with DRF's own from model instances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .fast import rows_attr


class Row:
    """One record's columns on a list page, as attributes (see the module docstring)."""

    def __init__(self, values: Iterable[tuple[str, Any]] = ()) -> None:
        self.__dict__.update(values)

    @property
    def pk(self) -> Any:
        return self.__dict__["id"]

    def serializable_value(self, name: str) -> Any:
        # What DRF's primary-key related fields read: the related row's id, as a model's
        # serializable_value("rating") gives rating_id.
        value = self.__dict__[name]
        return value.pk if isinstance(value, Row) else value

    def __repr__(self) -> str:
        return f"Row({self.__dict__!r})"


@dataclass(frozen=True)
class Shape:
    """How one flat `values()` dict becomes nested Rows."""

    names: tuple[str, ...]  # attribute names at this level
    keys: tuple[str, ...]  # the dict's keys they come from
    nested: tuple[tuple[str, str, Shape], ...]  # (attribute, key of its id, shape)

    @classmethod
    def of(cls, columns: Iterable[str]) -> Shape:
        return cls._of([(column, column) for column in columns])

    @classmethod
    def _of(cls, columns: list[tuple[str, str]]) -> Shape:
        leaves: dict[str, str] = {}
        groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for path, key in columns:
            head, _, rest = path.partition("__")
            if rest:
                groups[head].append((rest, key))
            else:
                leaves.setdefault(head, key)
        nested = []
        for name, sub in groups.items():
            ids = [key for path, key in sub if path == "id"]
            if not ids:
                raise ValueError(f"the columns of {name!r} need its id (to tell a missing {name} from an empty one)")
            nested.append((name, ids[0], cls._of(sub)))
            leaves.pop(name, None)  # the foreign key's own column: the nested row takes its place
        return cls(tuple(leaves), tuple(leaves.values()), tuple(nested))

    def build(self, values: dict[str, Any]) -> Row:
        row = Row(zip(self.names, map(values.__getitem__, self.keys), strict=True))
        for name, id_key, shape in self.nested:
            row.__dict__[name] = None if values[id_key] is None else shape.build(values)
        return row


def rows(values: Sequence[dict[str, Any]]) -> list[Row]:
    """Rows from `values()` dicts (annotations included)."""
    if not values:
        return []
    shape = Shape.of(values[0])
    return [shape.build(item) for item in values]


def attach_many(parents: Sequence[Row], relation: str, related: QuerySet, *, key: str) -> None:
    """Load a to-many relation for all parents in one query, where `prefetch_rows(relation)` would.

    `related` is a `values()` queryset whose `key` column holds the parent's id, in the
    order the relation lists its rows."""
    by_parent: dict[Any, list[Row]] = defaultdict(list)
    results = list(related)
    if results:
        shape = Shape.of(column for column in results[0] if column != key)
        for item in results:
            by_parent[item[key]].append(shape.build(item))
    attr = rows_attr(relation)
    for parent in parents:
        parent.__dict__[attr] = by_parent.get(parent.pk, [])
