"""bench/generate.py's row makers, without a database: the rows they would COPY."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def generate():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def test_claimant_names_stay_unique_past_what_the_corpus_can_make(generate):
    """`--claims 1m` needs 66,666 claimants; the name corpus makes about 32,000, and the
    loader used to draw forever. Now a namesake is told apart and the names stay unique."""

    class Collecting(generate.Loader):
        tables: dict[str, list[tuple[Any, ...]]] = {}

        def copy(self, table, columns, rows, constants=None):
            self.tables[table] = list(rows)
            return len(self.tables[table])

    loader = Collecting(None, claims=1_000_000, articles=0, seed=7)
    claimants = loader.claimants()
    assert len(claimants) == 66_666
    names = [name.lower() for _, name in claimants]
    assert len(set(names)) == len(names)
    assert len(loader.tables["claims_historicalclaimant"]) == 66_666


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="bench/generate.py loads PostgreSQL"
)
def test_the_generator_loads_the_current_schema():
    """COPY fills only the columns it names: a NOT NULL column added to a model without a
    database default (claims' reader_requests) broke every bench until this test."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    base = urlsplit(os.environ["DATABASE_URL"])
    name = f"fc_generate_test_{os.getpid()}"
    url = urlunsplit(base._replace(path=f"/{name}"))
    admin = urlunsplit(base._replace(path="/postgres"))
    try:
        result = subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "--database-url", url, "--claims", "300", "--articles", "40"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM claims_claim").fetchone()[0] == 300
            # Claimant names as loaded: unique (case-insensitively, as the loader keeps them).
            sql = "SELECT count(*), count(DISTINCT lower(name)) FROM claims_claimant"
            names, distinct = conn.execute(sql).fetchone()
            assert names == 300 and distinct == names
            # The article streams load disjoint id ranges that together make the whole index.
            count, top, vectors = conn.execute(
                "SELECT count(*), max(id), count(search_vector) FROM claims_article"
            ).fetchone()
            assert count == top == vectors == 40
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_claimant_names_stay_unique_when_every_draw_collides(generate):
    """The same at small scale: a corpus that can make only one person and one organisation
    name still yields 300 distinct claimants, and the loader ends."""

    class Collecting(generate.Loader):
        def copy(self, table, columns, rows, constants=None):
            return len(list(rows))

    loader = Collecting(None, claims=300, articles=0, seed=3)
    loader.text.person = lambda: "Kari Fjellstad"
    loader.text.organisation = lambda: "Fjordlaget"
    names = [name.lower() for _, name in loader.claimants()]
    assert len(names) == 300
    assert len(set(names)) == 300
    assert {"kari fjellstad", "fjordlaget"} <= set(names)


def _claim_tables(generate, batch: int, monkeypatch) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, list[int]]]:
    """Every row the claims step would COPY, per table, and the sizes of each table's COPYs."""
    monkeypatch.setattr(generate, "CLAIM_BATCH", batch)
    tables: dict[str, list[tuple[Any, ...]]] = {}
    copies: dict[str, list[int]] = {}

    class Ratings:
        def fetchall(self):
            return [(slug, i) for i, slug in enumerate(generate.RATING_WEIGHTS, start=1)]

    class Connection:
        def execute(self, sql, params=None):
            assert "claims_rating" in sql
            return Ratings()

    class Collecting(generate.Loader):
        def copy(self, table, columns, rows, constants=None):
            rows = list(rows)
            tables.setdefault(table, []).extend(rows)
            copies.setdefault(table, []).append(len(rows))
            return len(rows)

    loader = Collecting(Connection(), claims=230, articles=0, seed=11)
    users = {"Reviewer": [1, 2, 3], "Editor": [4, 5], "Admin": [6]}
    tags = {topic: [i * 10 + k for k in range(len(names))] for i, (topic, names) in enumerate(generate.TAGS.items())}
    loader.claims(users, tags, [(1, "Kari Fjellstad"), (2, "Fjordlaget")])
    return tables, copies


def test_claims_load_in_batches_with_the_same_rows_as_in_one(generate, monkeypatch):
    """A million claims are sent CLAIM_BATCH at a time (held at once they took gigabytes);
    the batches must add up to the same rows, sources cited across batches included."""
    whole, whole_copies = _claim_tables(generate, 10_000, monkeypatch)
    batched, batched_copies = _claim_tables(generate, 50, monkeypatch)
    assert whole_copies["claims_claim"] == [230]
    assert batched_copies["claims_claim"] == [50, 50, 50, 50, 30]
    assert batched.keys() == whole.keys()
    for table in whole:
        assert batched[table] == whole[table], table
    # The last batch cites sources that an earlier batch loaded (ids up to the earlier COPYs' rows).
    loaded_before = sum(batched_copies["claims_source"][:-1])
    cited = {row[6] for row in batched["claims_appearance"] if row[5] > 200}
    assert min(cited) <= loaded_before < max(cited)
