"""Bulk-load a newsroom-sized data set into a PostgreSQL database for the benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_bench_20k \\
        .venv/bin/python bench/generate.py --claims 20000 --articles 100000

Migrates the database, empties the desk's tables, and loads with COPY: users in the desk
groups, claimants, claims in every workflow state (Norwegian and English text), 0–4
appearances each with their sources, tags, reviews with ratings and evidence for the
claims that have a verdict, history rows as the services would have written them, and an
article index. COPY fires row triggers, so migration 0003's trigger fills every
`search_vector`. Secondary indexes are dropped for the load and rebuilt afterwards (one
sorted build is much cheaper than 200k random inserts into a GIN index), then the tables
are VACUUM ANALYZEd so the planner and the visibility map look like a settled database.

The parameters are stored as a comment on the database, so `bench/run.py` can tell
whether a database already holds the data set it asks for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import OUTLETS, SECTIONS, TAGS, TextMaker  # noqa: E402
from bench.database import MARKER, ensure_database, parse_count  # noqa: E402
from claims.search import index_text  # noqa: E402  (pure: no settings needed)

GENERATOR_VERSION = 8  # 8: articles in 2 streams (other texts); 7: claims' reader_requests; 6: search_folded
ARTICLE_STREAMS = 2
END = dt.datetime(2025, 12, 1, 12, 0, tzinfo=dt.UTC)
SPAN_DAYS = 6 * 365
BENCH_PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway account in a throwaway database

# Tables emptied before a load. Migration data (groups, permissions, ratings, content types) stays.
DATA_TABLES = [
    "claims_relatedarticle", "claims_duplicatesuggestion", "claims_fetchjob", "claims_comment",
    "claims_historicalreview_evidence", "claims_review_evidence", "claims_historicalreview", "claims_review",
    "claims_claimreviewpage", "claims_historicalappearance", "claims_appearance", "claims_source",
    "claims_claim_tags", "claims_historicalclaim", "claims_claim", "claims_historicalclaimant",
    "claims_claimant", "claims_tag", "claims_article", "claims_feed", "knox_authtoken", "django_admin_log",
    "django_session", "auth_user_user_permissions", "auth_user_groups", "auth_user",
]  # fmt: skip
# Tables whose secondary indexes are rebuilt after the load.
BIG_TABLES = [
    "claims_claim", "claims_historicalclaim", "claims_appearance", "claims_historicalappearance",
    "claims_source", "claims_review", "claims_historicalreview", "claims_review_evidence", "claims_claim_tags",
    "claims_claimant", "claims_historicalclaimant", "claims_article",
]  # fmt: skip

STATUS_WEIGHTS = {
    "new": 18, "triaged": 9, "in_research": 10, "in_review": 5,
    "published": 42, "updated": 5, "retracted": 2, "rejected": 9,
}  # fmt: skip
LIVE = {"published", "updated"}
WITH_REVIEW = {"in_review", "published", "updated", "retracted"}
# Claims generated before their rows are sent (see Loader.claims), and the row lists of a batch.
CLAIM_BATCH = 50_000
BATCH_TABLES = ("sources", "claims", "claim_hist", "tags", "appearances", "appearance_hist", "reviews", "review_hist",
                "evidence")  # fmt: skip
RATING_WEIGHTS = {"true": 8, "mostly-true": 10, "mixed": 14, "mostly-false": 16, "false": 30, "misleading": 14,
                  "unproven": 8}  # fmt: skip


def log(message: str) -> None:
    print(f"[generate] {message}", flush=True)


def _ts(rng: random.Random, start: dt.datetime | None = None, max_days: float = SPAN_DAYS) -> dt.datetime:
    base = start or (END - dt.timedelta(days=SPAN_DAYS))
    # Stay before END without piling rows up on END itself (that would make ties in every ordering).
    max_days = max(0.0, min(max_days, (END - base).total_seconds() / 86400))
    return base + dt.timedelta(seconds=rng.random() * max_days * 86400)


class Loader:
    """Generates rows in memory, then streams each table to PostgreSQL with COPY."""

    def __init__(self, conn: psycopg.Connection, *, claims: int, articles: int, seed: int) -> None:
        self.conn = conn
        self.n_claims = claims
        self.n_articles = articles
        self.rng = random.Random(seed)
        self.text = TextMaker(self.rng)
        self.pools: dict[tuple[str, ...], list[str]] = {}

    # --- plumbing -------------------------------------------------------------------------

    def pooled(self, key: tuple[str, ...], make: Any, *args: Any, size: int = 400) -> str:
        """Long texts (source bodies, verdicts) drawn from a pool: their size is realistic, and
        generating a fresh one for each of 100 000 rows would dominate the load time."""
        pool = self.pools.setdefault(key, [])
        if len(pool) < size:
            pool.append(make(*args))
            return pool[-1]
        return self.rng.choice(pool)

    def copy(
        self,
        table: str,
        columns: Iterable[str],
        rows: Iterable[tuple[Any, ...]],
        constants: dict[str, Any] | None = None,
    ) -> int:
        """COPY rows in; `constants` are columns with the same value on every row.

        Django's field defaults are not database defaults: a NOT NULL column the generator
        does not fill must be given here, or COPY writes NULL and fails.
        """
        extra = tuple((constants or {}).values())
        cols = ", ".join(f'"{c}"' for c in [*columns, *(constants or {})])
        n = 0
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *extra) if extra else row)
                n += 1
        return n

    def scalar(self, sql: str, params: Any = None) -> Any:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
            return row[0] if row else None

    def execute(self, sql: str, params: Any = None) -> None:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)

    # --- steps ----------------------------------------------------------------------------

    def empty(self) -> None:
        self.execute("TRUNCATE " + ", ".join(DATA_TABLES) + " RESTART IDENTITY CASCADE")

    def drop_indexes(self, tables: list[str]) -> list[str]:
        with self.conn.cursor() as cur:
            cur.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
                WHERE t.relname = ANY(%s) AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                """,
                [tables],
            )
            found = cur.fetchall()
            for name, _definition in found:
                cur.execute(f"DROP INDEX {name}")
        return [definition for _name, definition in found]

    def users(self) -> dict[str, list[int]]:
        from django.contrib.auth.hashers import make_password

        password = make_password(BENCH_PASSWORD)
        groups = dict(self.conn.execute("SELECT name, id FROM auth_group").fetchall())
        plan = [("bench-reviewer", "Reviewer"), ("bench-editor", "Editor"), ("bench-admin", "Admin")]
        plan += [(f"reviewer{i:02d}", "Reviewer") for i in range(1, 31)]
        plan += [(f"editor{i:02d}", "Editor") for i in range(1, 9)]
        joined = END - dt.timedelta(days=SPAN_DAYS + 30)
        self.copy(
            "auth_user",
            ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
             "is_active", "date_joined"],
            (
                (i, password, False, name, "", "", f"{name}@bench.example", True, True, joined)
                for i, (name, _group) in enumerate(plan, start=1)
            ),
        )  # fmt: skip
        self.copy(
            "auth_user_groups",
            ["user_id", "group_id"],
            ((i, groups[group]) for i, (_name, group) in enumerate(plan, start=1)),
        )
        by_role: dict[str, list[int]] = {"Reviewer": [], "Editor": [], "Admin": []}
        for i, (_name, group) in enumerate(plan, start=1):
            by_role[group].append(i)
        return by_role

    def tags(self) -> dict[str, list[int]]:
        from django.utils.text import slugify

        rows, by_topic, tag_id = [], {}, 0
        for topic, names in TAGS.items():
            by_topic[topic] = []
            for name in names:
                tag_id += 1
                rows.append((tag_id, name, slugify(name) or f"tag-{tag_id}"))
                by_topic[topic].append(tag_id)
        self.copy("claims_tag", ["id", "name", "slug"], rows)
        return by_topic

    def claimants(self) -> list[tuple[int, str]]:
        n = max(300, self.n_claims // 15)
        seen: set[str] = set()
        rows, hist = [], []
        while len(rows) < n:
            org = self.rng.random() < 0.12
            name = self.text.organisation() if org else self.text.person()
            if org and name.lower() in seen:
                name = f"{name} i {self.rng.choice(['Oslo', 'Bergen', 'Tromsø', 'Ålesund', 'Bodø'])}"
            if name.lower() in seen:
                # The corpus makes about 32,000 distinct names; past that every draw would
                # collide and the loop would never end (`--claims 1m` needs 66,666). A
                # namesake gets a home town, then a number: unique at any scale.
                name = f"{name} ({self.rng.choice(['Oslo', 'Bergen', 'Tromsø', 'Ålesund', 'Bodø'])})"
                if name.lower() in seen:
                    name = f"{name} {len(rows) + 1}"
            seen.add(name.lower())
            cid = len(rows) + 1
            created = _ts(self.rng)
            kind = "organization" if org else "person"
            job = "" if org else self.rng.choice(["", "Stortingsrepresentant", "Ordfører", "Statsråd", "Forsker"])
            row = (cid, name, kind, job, "", "", "", created, created)
            rows.append(row)
            hist.append((*row, created, "+", "bench data", None))
        cols = ["id", "name", "kind", "job_title", "description", "wikidata_id", "same_as_url", "created_at",
                "updated_at"]  # fmt: skip
        self.copy("claims_claimant", cols, rows)
        self.copy(
            "claims_historicalclaimant",
            [*cols, "history_date", "history_type", "history_change_reason", "history_user_id"],
            hist,
        )
        return [(r[0], r[1]) for r in rows]

    def claims(self, users: dict[str, list[int]], tags: dict[str, list[int]], claimants: list[tuple[int, str]]) -> None:
        from django.utils.text import slugify

        rng, tm = self.rng, self.text
        ratings = dict(self.conn.execute("SELECT slug, id FROM claims_rating").fetchall())
        rating_ids = [ratings[s] for s in RATING_WEIGHTS]
        rating_w = list(RATING_WEIGHTS.values())
        statuses, status_w = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
        reviewers, editors = users["Reviewer"], users["Editor"]
        # Rows go to PostgreSQL every CLAIM_BATCH claims: held in memory all at once, a million
        # claims with their histories, appearances and sources take gigabytes. Only each
        # source's title and outlet stay for the whole load (a later appearance may cite it).
        rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in BATCH_TABLES}
        claim_rows, claim_hist, tag_rows = rows["claims"], rows["claim_hist"], rows["tags"]
        src_rows, app_rows, app_hist = rows["sources"], rows["appearances"], rows["appearance_hist"]
        review_rows, review_hist, evidence_rows = rows["reviews"], rows["review_hist"], rows["evidence"]
        sources: list[tuple[str, str]] = []  # (title, outlet) of every source so far, by id - 1
        app_id = review_id = 0
        totals = dict.fromkeys(("claims", "appearances", "sources", "reviews"), 0)
        t = time.perf_counter()
        for cid in range(1, self.n_claims + 1):
            lang = "nb" if rng.random() < 0.65 else "en"
            main, text = tm.claim_text(lang)
            summary = (main.bare[:1].upper() + main.bare[1:])[:200] if rng.random() < 0.8 else ""
            claimant_id, claimant_name = rng.choice(claimants) if rng.random() < 0.93 else (None, "")
            created = _ts(rng)
            claim_date = (created - dt.timedelta(days=rng.randint(0, 4))).date()
            status = rng.choices(statuses, status_w)[0]
            updated = created if status == "new" and rng.random() < 0.6 else _ts(rng, created, 90)
            author = rng.choice(reviewers)
            assignee = author if status != "new" or rng.random() < 0.3 else None
            creator = rng.choice(reviewers)
            published = updated if status in LIVE | {"retracted"} else None
            version = 1 + statuses.index(status) if status != "rejected" else 3
            slug = f"{slugify(summary or text)[:100].strip('-') or 'claim'}-{cid}"
            priority = rng.choices((1, 2, 3, 4), (20, 55, 20, 5))[0]
            location = rng.choice(["", "", "Oslo", "Bergen", "Tromsø", "Genève", "Brussel", "Stortinget"])
            # Appearances and their sources; the claim's search_extra repeats what the services keep there.
            extra = [claimant_name] if claimant_name else []
            n_app = rng.choices((0, 1, 2, 3, 4), (15, 35, 25, 15, 10))[0]
            used: set[int] = set()
            first = rng.random() < 0.7
            for k in range(n_app):
                if sources and rng.random() < 0.15:
                    sid = rng.randint(1, len(sources))
                    if sid in used:
                        continue
                    title, outlet = sources[sid - 1]
                else:
                    sid = len(sources) + 1
                    outlet, domain = rng.choice(OUTLETS)
                    title = tm.headline(lang, main)[:500]
                    when = _ts(rng, created - dt.timedelta(days=3), 3)
                    url = f"https://{domain}/{rng.choice(SECTIONS)}/{when:%Y/%m}/{slugify(title)[:70]}-{sid}"
                    # A third of the sources were fetched, with their extracted text (a few kB).
                    fetched = rng.random() < 0.33
                    topic = main.topic
                    body = (
                        self.pooled(("body", lang, topic), tm.body, lang, topic, rng.randint(10, 40)) if fetched else ""
                    )
                    digest = hashlib.sha256(body.encode()).hexdigest() if fetched else ""
                    src_rows.append((sid, url, title, outlet, "", when, lang, body, digest, when if fetched else None,
                                     when))  # fmt: skip
                    sources.append((title, outlet))
                used.add(sid)
                app_id += 1
                quote = tm.quote(lang, main)
                appeared = claim_date + dt.timedelta(days=k)
                row = (app_id, quote, appeared, first and k == 0, created, cid, sid)
                app_rows.append(row)
                app_hist.append((*row, created, "+", "bench data", creator))
                extra += [quote, title, outlet]
            claim_row = (
                cid, text, summary, lang, claim_date, location, status, priority, slug, created, updated,
                published, version, "\n".join(extra), assignee, creator, None, claimant_id,
                index_text(summary, text, "\n".join(extra)),
            )  # fmt: skip
            claim_rows.append(claim_row)
            base = (cid, text, summary, lang, claim_date, location)
            claim_hist.append((*base, "new", priority, slug, created, created, None, 1, created, "+", None,
                               None, creator, claimant_id, creator))  # fmt: skip
            if status != "new":
                claim_hist.append((*base, status, priority, slug, created, updated, published, version, updated, "~",
                                   None, assignee, creator, claimant_id, author))  # fmt: skip
            topic_tags = tags[main.topic]
            for tag_id in rng.sample(topic_tags, rng.choices((0, 1, 2, 3), (20, 40, 30, 10))[0]):
                tag_rows.append((cid, tag_id))
            if status in WITH_REVIEW or (status == "in_research" and rng.random() < 0.3):
                review_id += 1
                rating = rng.choices(rating_ids, rating_w)[0]
                approver = rng.choice(editors) if status in LIVE | {"retracted"} else None
                pub_url = f"https://factcheck.example.org/factchecks/{slug}/" if published else ""
                verdict = self.pooled(("rationale", lang), tm.rationale, lang)
                row = (review_id, tm.headline(lang, main)[:300], verdict, pub_url, published, created,
                       updated, approver, author, cid, None, rating)  # fmt: skip
                review_rows.append(row)
                review_hist.append((*row, updated, "+", "bench data", author))
                if sources and status != "in_research":
                    for sid in {rng.randint(1, len(sources)) for _ in range(rng.randint(1, 3))}:
                        evidence_rows.append((review_id, sid))
            if cid % CLAIM_BATCH == 0 or cid == self.n_claims:
                for key in totals:
                    totals[key] += len(rows[key])
                self.copy_claim_rows(rows)
                for batch in rows.values():
                    batch.clear()
                if self.n_claims > CLAIM_BATCH:
                    log(f"{cid} claims loaded: {time.perf_counter() - t:.1f}s")
        log(
            f"loaded {totals['claims']} claims, {totals['appearances']} appearances, {totals['sources']} sources, "
            f"{totals['reviews']} reviews (COPY's trigger builds search_vector): {time.perf_counter() - t:.1f}s"
        )

    def copy_claim_rows(self, rows: dict[str, list[tuple[Any, ...]]]) -> None:
        """One batch of claims and their rows; sources first, since claims' rows refer to them."""
        src_rows, claim_rows, claim_hist, tag_rows = rows["sources"], rows["claims"], rows["claim_hist"], rows["tags"]
        app_rows, app_hist = rows["appearances"], rows["appearance_hist"]
        review_rows, review_hist, evidence_rows = rows["reviews"], rows["review_hist"], rows["evidence"]
        self.copy("claims_source", ["id", "url", "title", "outlet", "author", "published_at", "language", "text",
                                    "content_hash", "fetched_at", "created_at"], src_rows)  # fmt: skip
        claim_cols = ["id", "text", "claim_reviewed", "language", "claim_date", "location", "status", "priority",
                      "slug", "created_at", "updated_at", "published_at", "version", "search_extra", "assignee_id",
                      "created_by_id", "duplicate_of_id", "claimant_id", "search_folded"]  # fmt: skip
        self.copy("claims_claim", claim_cols, claim_rows, constants={"reader_requests": 0})
        hist_cols = [*claim_cols[:13], "history_date", "history_type", "history_change_reason", "assignee_id",
                     "created_by_id", "claimant_id", "history_user_id"]  # fmt: skip
        self.copy("claims_historicalclaim", hist_cols, claim_hist)
        self.copy("claims_claim_tags", ["claim_id", "tag_id"], tag_rows)
        app_cols = ["id", "quote", "appeared_on", "is_first_appearance", "created_at", "claim_id", "source_id"]
        self.copy("claims_appearance", app_cols, app_rows)
        self.copy(
            "claims_historicalappearance",
            [*app_cols, "history_date", "history_type", "history_change_reason", "history_user_id"],
            app_hist,
        )
        review_cols = ["id", "headline", "rationale", "published_url", "published_at", "created_at", "updated_at",
                       "approver_id", "author_id", "claim_id", "page_id", "rating_id"]  # fmt: skip
        self.copy("claims_review", review_cols, review_rows)
        self.copy(
            "claims_historicalreview",
            [*review_cols, "history_date", "history_type", "history_change_reason", "history_user_id"],
            review_hist,
        )
        self.copy("claims_review_evidence", ["review_id", "source_id"], evidence_rows)

    def feeds(self) -> list[tuple[Any, ...]]:
        feeds = []
        for i, (outlet, domain) in enumerate(OUTLETS, start=1):
            lang = "en" if domain.endswith(("herald.example", "times.example", "ledger.example", "wire.example",
                                            "dispatch.example")) else "nb"  # fmt: skip
            # Disabled: the hosts are fictional, and a discovery job must not try to harvest them.
            feeds.append((i, f"https://{domain}/rss.xml", outlet, lang, False, "", "", END, "", END, domain))
        self.copy(
            "claims_feed",
            ["id", "url", "name", "language", "enabled", "etag", "last_modified", "last_harvested_at", "last_error",
             "created_at"],
            (f[:-1] for f in feeds),
        )  # fmt: skip
        return feeds

    def articles(self, feeds: list[tuple[Any, ...]], first: int = 1, last: int | None = None) -> None:
        """Articles `first`…`last` (ids), so that several connections can load one index."""
        from django.utils.text import slugify

        rng, tm = self.rng, self.text

        def rows() -> Iterator[tuple[Any, ...]]:
            for aid in range(first, (self.n_articles if last is None else last) + 1):
                feed = rng.choice(feeds)
                lang = feed[3] if rng.random() < 0.9 else ("en" if feed[3] == "nb" else "nb")
                _topic, title, summary, body = tm.article(lang)
                when = _ts(rng)
                url = f"https://{feed[10]}/{rng.choice(SECTIONS)}/{when:%Y/%m/%d}/{slugify(title)[:60]}-{aid}"
                digest = hashlib.sha256(body.encode()).hexdigest()
                yield (aid, url, url, title[:500], feed[2], "", when, lang, summary, body, digest, "feed", feed[0],
                       when, "", when)  # fmt: skip

        t = time.perf_counter()
        n = self.copy(
            "claims_article",
            ["id", "url", "canonical_url", "title", "outlet", "author", "published_at", "language", "summary", "text",
             "content_hash", "provider", "feed_id", "fetched_at", "fetch_error", "created_at"],
            rows(),
        )  # fmt: skip
        log(f"COPY {n} articles {first}–{last} (trigger builds search_vector): {time.perf_counter() - t:.1f}s")

    def reset_sequences(self) -> None:
        with self.conn.cursor() as cur:
            cur.execute(
                """
                SELECT c.table_name, c.column_name FROM information_schema.columns c
                WHERE c.table_schema = 'public' AND c.is_identity = 'YES' AND c.table_name = ANY(%s)
                """,
                [DATA_TABLES],
            )
            for table, column in cur.fetchall():
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                    f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
                )


def database_url(cli_value: str | None) -> str:
    url = cli_value or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("generate.py needs a PostgreSQL DATABASE_URL (or --database-url).")
    return url


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-not-secret")
    import django

    django.setup()


def _load_connection(url: str) -> psycopg.Connection:
    conn = psycopg.connect(url)
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute("SET synchronous_commit = off")
    # Check foreign keys at the end of each COPY, not at commit: CREATE INDEX refuses to
    # run on a table with pending (deferred) trigger events.
    conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return conn


def _rebuild(conn: psycopg.Connection, index_defs: list[str]) -> None:
    t = time.perf_counter()
    for definition in index_defs:
        conn.execute(definition)
    log(f"rebuilt {len(index_defs)} indexes: {time.perf_counter() - t:.1f}s")


def _load_articles(url: str, articles: int, seed: int, failure: list[BaseException]) -> None:
    """The article index, in ARTICLE_STREAMS slices loaded at once on their own connections.

    The trigger that builds each row's search_vector is the load's bottleneck and runs in the
    connection's server process: one stream kept one core busy for 16 minutes at 2M articles.
    """
    try:
        with _load_connection(url) as conn:
            loader = Loader(conn, claims=0, articles=articles, seed=seed)
            index_defs = loader.drop_indexes(["claims_article"])
            feeds = loader.feeds()
            conn.commit()
        t = time.perf_counter()
        size = -(-articles // ARTICLE_STREAMS)
        slices = [(k, 1 + k * size, min(articles, (k + 1) * size)) for k in range(ARTICLE_STREAMS)]
        threads = [
            threading.Thread(target=_load_slice, args=(url, articles, seed + k, feeds, first, last, failure))
            for k, first, last in slices
            if first <= last
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log(f"COPY {articles} articles in {len(threads)} streams (trigger builds search_vector): "
            f"{time.perf_counter() - t:.1f}s")  # fmt: skip
        if failure:
            return
        with _load_connection(url) as conn:
            _rebuild(conn, index_defs)
            conn.commit()
    except BaseException as exc:  # re-raised by the main thread
        failure.append(exc)


def _load_slice(
    url: str, articles: int, seed: int, feeds: list[tuple[Any, ...]], first: int, last: int,
    failure: list[BaseException],
) -> None:  # fmt: skip
    try:
        with _load_connection(url) as conn:
            Loader(conn, claims=0, articles=articles, seed=seed).articles(feeds, first, last)
            conn.commit()
    except BaseException as exc:  # re-raised by the main thread
        failure.append(exc)


def generate(url: str, *, claims: int, articles: int, seed: int) -> dict[str, Any]:
    started = time.perf_counter()
    ensure_database(url)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    with psycopg.connect(url) as conn:
        Loader(conn, claims=claims, articles=articles, seed=seed).empty()
    # The article index loads on a second connection while the claims load on the first:
    # each COPY's trigger work runs in its own server process, so both cores are busy.
    failure: list[BaseException] = []
    article_thread = threading.Thread(target=_load_articles, args=(url, articles, seed + 1, failure))
    article_thread.start()
    with _load_connection(url) as conn:
        loader = Loader(conn, claims=claims, articles=articles, seed=seed)
        index_defs = loader.drop_indexes([t for t in BIG_TABLES if t != "claims_article"])
        t = time.perf_counter()
        users = loader.users()
        tags = loader.tags()
        claimants = loader.claimants()
        loader.claims(users, tags, claimants)
        log(f"claims and their rows loaded: {time.perf_counter() - t:.1f}s")
        _rebuild(conn, index_defs)
        conn.commit()
    article_thread.join()
    if failure:
        raise failure[0]
    with psycopg.connect(url, autocommit=True) as conn:
        Loader(conn, claims=claims, articles=articles, seed=seed).reset_sequences()
    with psycopg.connect(url, autocommit=True) as conn:
        t = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        log(f"VACUUM ANALYZE: {time.perf_counter() - t:.1f}s")
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("claims_claim", "claims_appearance", "claims_source", "claims_review",
                          "claims_historicalclaim", "claims_article", "claims_claimant")
        }  # fmt: skip
        missing = conn.execute("SELECT count(*) FROM claims_claim WHERE search_vector IS NULL").fetchone()[0]
        if missing:
            raise SystemExit(f"{missing} claims have no search_vector: is migration 0003's trigger missing?")
        meta = {
            "claims": claims,
            "articles": articles,
            "seed": seed,
            "version": GENERATOR_VERSION,
            "counts": counts,
            "seconds": round(time.perf_counter() - started, 1),
        }
        conn.execute(f"COMMENT ON DATABASE \"{conn.info.dbname}\" IS '{MARKER} {json.dumps(meta)}'")
    log(f"done in {meta['seconds']}s: {counts}")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgres://… (default: $DATABASE_URL)")
    parser.add_argument("--claims", type=parse_count, default=20_000)
    parser.add_argument("--articles", type=parse_count, default=100_000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    generate(database_url(args.database_url), claims=args.claims, articles=args.articles, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
