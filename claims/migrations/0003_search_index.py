"""Full-text search on PostgreSQL: trigger-maintained tsvectors with GIN indexes.

The claim's language picks the text-search configuration (norwegian for nb/nn/no,
english for en, simple otherwise); a `simple` copy is added so that names and words in
another language still match. SQLite has no tsvector, so this is a no-op there and the
selectors fall back to substring search.
"""

from __future__ import annotations

from django.db import migrations

CONFIG_FOR = """
CREATE OR REPLACE FUNCTION factcheck_ts_config(lang text) RETURNS regconfig AS $$
    SELECT CASE
        WHEN lang IN ('nb', 'nn', 'no') OR lang LIKE 'nb-%%' OR lang LIKE 'nn-%%' OR lang LIKE 'no-%%'
            THEN 'pg_catalog.norwegian'::regconfig
        WHEN lang = 'en' OR lang LIKE 'en-%%' THEN 'pg_catalog.english'::regconfig
        ELSE 'pg_catalog.simple'::regconfig
    END
$$ LANGUAGE sql IMMUTABLE;
"""

CLAIM_TRIGGER = """
CREATE OR REPLACE FUNCTION claims_claim_search_update() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(factcheck_ts_config(NEW.language), coalesce(NEW.claim_reviewed, '')), 'A') ||
        setweight(to_tsvector(factcheck_ts_config(NEW.language), coalesce(NEW.text, '')), 'A') ||
        setweight(to_tsvector(factcheck_ts_config(NEW.language), coalesce(NEW.search_extra, '')), 'B') ||
        setweight(to_tsvector('pg_catalog.simple', coalesce(NEW.claim_reviewed, '') || ' ' || coalesce(NEW.text, '')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_claim_search ON claims_claim;
CREATE TRIGGER claims_claim_search BEFORE INSERT OR UPDATE OF text, claim_reviewed, language, search_extra
    ON claims_claim FOR EACH ROW EXECUTE FUNCTION claims_claim_search_update();
CREATE INDEX IF NOT EXISTS claims_claim_search_gin ON claims_claim USING gin (search_vector);
UPDATE claims_claim SET search_extra = search_extra;
"""

ARTICLE_TRIGGER = """
CREATE OR REPLACE FUNCTION claims_article_search_update() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector(factcheck_ts_config(NEW.language), coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector(factcheck_ts_config(NEW.language), coalesce(NEW.summary, '')), 'B') ||
        setweight(to_tsvector(factcheck_ts_config(NEW.language), coalesce(NEW.text, '')), 'C') ||
        setweight(to_tsvector('pg_catalog.simple', coalesce(NEW.title, '')), 'D');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS claims_article_search ON claims_article;
CREATE TRIGGER claims_article_search BEFORE INSERT OR UPDATE OF title, summary, text, language
    ON claims_article FOR EACH ROW EXECUTE FUNCTION claims_article_search_update();
CREATE INDEX IF NOT EXISTS claims_article_search_gin ON claims_article USING gin (search_vector);
"""

DROP = """
DROP TRIGGER IF EXISTS claims_claim_search ON claims_claim;
DROP TRIGGER IF EXISTS claims_article_search ON claims_article;
DROP INDEX IF EXISTS claims_claim_search_gin;
DROP INDEX IF EXISTS claims_article_search_gin;
DROP FUNCTION IF EXISTS claims_claim_search_update();
DROP FUNCTION IF EXISTS claims_article_search_update();
DROP FUNCTION IF EXISTS factcheck_ts_config(text);
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CONFIG_FOR)
        schema_editor.execute(CLAIM_TRIGGER)
        schema_editor.execute(ARTICLE_TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_roles_and_ratings")]

    operations = [migrations.RunPython(forwards, backwards)]
