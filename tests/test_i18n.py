"""Norwegian Bokmål: the catalogue is complete, compiled, and used where the browser asks for it."""

from __future__ import annotations

import ast
import gettext
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import ClaimFactory, ReviewFactory

LOCALE = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: entries with msgctxt, msgid(_plural), msgstr(s) and flags."""
    entries: list[dict] = []
    entry: dict = {}
    key = ""

    def flush() -> None:
        if "msgid" in entry:
            entries.append(entry.copy())
        entry.clear()

    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            key = ""
        elif line.startswith("#,"):
            if "msgid" in entry:
                flush()
            entry.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            if key == "msgctxt" and "msgid" in entry:
                flush()
            entry[key] = ast.literal_eval(value)
    return entries


def messages(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e["msgid"] and not e.get("obsolete")]


def untranslated(entries: list[dict]) -> list[str]:
    missing = []
    for e in messages(entries):
        strings = [v for k, v in e.items() if k.startswith("msgstr")]
        if not strings or not all(strings) or "fuzzy" in e.get("flags", set()):
            missing.append(e["msgid"])
    return missing


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = parse_po(PO)
    assert len(messages(entries)) > 200
    assert untranslated(entries) == []
    header = next(e for e in entries if e["msgid"] == "")
    assert "fuzzy" not in header.get("flags", set())
    assert "Language: nb" in header["msgstr"]


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for e in messages(parse_po(PO)):
        msgid = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            assert compiled.ngettext(msgid, e["msgid_plural"], 1) == e["msgstr[0]"], msgid
            assert compiled.ngettext(msgid, e["msgid_plural"], 5) == e["msgstr[1]"], msgid
        else:
            assert compiled.gettext(msgid) == e["msgstr"], f"{msgid!r}: recompile with compilemessages"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_every_translatable_string_in_the_code_is_translated(tmp_path, settings, monkeypatch):
    """Runs makemessages over a copy of the sources, so a string added without a translation fails here."""
    base = Path(settings.BASE_DIR)
    for name in ("claims", "factcheck", "templates"):
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(base / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["nb"], verbosity=0, no_obsolete=True)
    missing = untranslated(parse_po(tmp_path / "locale" / "nb" / "LC_MESSAGES" / "django.po"))
    assert missing == [], (
        f"{len(missing)} untranslated strings, e.g. {missing[:5]}; run `make messages`, "
        "translate them in locale/nb/LC_MESSAGES/django.po, then `make messages` again."
    )


@pytest.fixture
def in_review_claim(db):
    claim = ClaimFactory(status="in_review", claim_reviewed="Lavrov says the talks were useful")
    return ReviewFactory(claim=claim).claim


def test_admin_speaks_norwegian_when_the_browser_asks(client, editor, in_review_claim):
    client.force_login(editor)
    norwegian = client.get("/admin/claims/claim/", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert "Til godkjenning" in norwegian  # ClaimStatus.IN_REVIEW
    assert "Påstander" in norwegian  # Claim's verbose_name_plural
    assert "In review" not in norwegian
    english = client.get("/admin/claims/claim/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "In review" in english
    assert "Til godkjenning" not in english


@pytest.mark.django_db
def test_public_pages_speak_norwegian_when_the_browser_asks(client):
    claim = ClaimFactory(status="published", language="en")
    ReviewFactory(claim=claim, headline="A headline that stays as written")
    listing = client.get("/factchecks/", HTTP_ACCEPT_LANGUAGE="nb-NO,nb;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="nb">' in listing
    assert "Publiserte faktasjekker" in listing
    assert "Usant" in listing  # the rating label follows the reader's language

    # A fact-check's own page speaks the fact-check's language, chrome included, whatever
    # the browser asks for; it links to the other language's fact-checks.
    for accept in ("nb", "en"):
        english = client.get(f"/factchecks/{claim.slug}/", HTTP_ACCEPT_LANGUAGE=accept)
        html = english.content.decode()
        assert '<html lang="en">' in html and "Our verdict" in html and "Vår konklusjon" not in html
        assert english["Content-Language"] == "en"
        assert 'href="/factchecks/?lang=nb"' in html
    norwegian = ClaimFactory(status="published", language="nb")
    ReviewFactory(claim=norwegian, headline="En tittel som står som skrevet")
    detail = client.get(f"/factchecks/{norwegian.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nb">' in detail and "Vår konklusjon" in detail and "Påstanden" in detail
    assert "En tittel som står som skrevet" in detail  # content is never translated
    listing = client.get("/factchecks/?lang=en", HTTP_ACCEPT_LANGUAGE="nb").content.decode()
    assert '<html lang="en">' in listing and claim.slug in listing and norwegian.slug not in listing
