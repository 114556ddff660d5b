"""Full-text search over claims and articles.

On PostgreSQL the trigger-maintained, GIN-indexed `search_vector` (migration 0003) is
matched with a tsquery that ANDs the terms, each stemmed and used as a prefix, OR-ed over
the Norwegian, English and simple configurations: "denies" finds "denied", "planene"
finds "planer", and "invasjon" finds the compound "invasjonsplaner". SQLite has no
tsvector; there every term must appear as a substring of the indexed text.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

_TERM = re.compile(r"\w+", re.UNICODE)
CONFIGS = ("norwegian", "english", "simple")


def search_terms(query: str, *, limit: int = 12) -> list[str]:
    return [t.lower() for t in _TERM.findall(query or "")][:limit]


def prefix_tsquery(terms: list[str]) -> tuple[str, list[str]]:
    """SQL for the tsquery, with the terms bound as parameters (no tsquery syntax from users)."""
    clauses = []
    params: list[str] = []
    for config in CONFIGS:
        # plainto_tsquery stems the words, drops stop words and ANDs the rest; the regexp
        # turns each lexeme into a prefix match: 'invasjon' -> 'invasjon':*. One call per
        # configuration for all the words rather than one per word: the same tsquery, with
        # a third of the SQL for PostgreSQL to parse and fold (bench/ case 3).
        clauses.append(
            f"to_tsquery('{config}', regexp_replace(plainto_tsquery('{config}', %s)::text, "
            f"'''([^'']+)''', '''\\1'':*', 'g'))"
        )
        params.append(" ".join(terms))
    return "(" + " || ".join(clauses) + ")", params


def search_queryset(queryset: QuerySet, query: str, *, text_fields: tuple[str, ...]) -> QuerySet:
    terms = search_terms(query)
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        table = queryset.model._meta.db_table
        sql, params = prefix_tsquery(terms)
        # Safe: the SQL is built from constants and the table name; user terms are bound params.
        match = RawSQL(f'"{table}"."search_vector" @@ {sql}', params, output_field=BooleanField())  # noqa: S611
        return queryset.filter(match)
    condition = Q()
    for term in terms:
        any_field = Q()
        for field in text_fields:
            any_field |= Q(**{f"{field}__icontains": term})
        condition &= any_field
    return queryset.filter(condition)


def search_claims(queryset: QuerySet, query: str) -> QuerySet:
    return search_queryset(queryset, query, text_fields=("text", "claim_reviewed", "search_extra"))


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    return search_queryset(queryset, query, text_fields=("title", "summary", "text"))
