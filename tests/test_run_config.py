"""Configuration a newcomer meets: the site URL `make run` derives from its host and port,
links built from it, and README's `manage.py issue_token` in a second terminal."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claims import services
from claims.api.serializers import ClaimDetailSerializer
from claims.claimreview import build_claimreview
from claims.models import Claim
from claims.selectors import claims_visible_to

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("run_script", ROOT / "scripts" / "run.py")
run_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_script)

# Variables a fresh terminal does not have.
UNSET = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "FACTCHECK_SITE_URL",
    "EMAIL_BACKEND",
)


def test_site_url_follows_host_and_port(monkeypatch):
    monkeypatch.delenv("FACTCHECK_SITE_URL", raising=False)
    assert run_script.site_url("127.0.0.1", 8123) == "http://127.0.0.1:8123"
    assert run_script.site_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert run_script.dev_env(host="127.0.0.1", port=8123)["FACTCHECK_SITE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.setenv("FACTCHECK_SITE_URL", "https://desk.example")
    assert run_script.dev_env(host="127.0.0.1", port=8123)["FACTCHECK_SITE_URL"] == "https://desk.example"


@pytest.mark.django_db
def test_published_links_use_the_configured_site(settings, reviewed_claim, editor):
    settings.FACTCHECK_SITE_URL = "http://127.0.0.1:8123"
    services.claim_transition(claim=reviewed_claim, user=editor, to="published")
    claim = ClaimDetailSerializer.load(claims_visible_to(user=editor), desk=True).get(pk=reviewed_claim.pk)
    assert claim.review.published_url == f"http://127.0.0.1:8123/factchecks/{claim.slug}/"
    assert build_claimreview(claim)["url"].startswith("http://127.0.0.1:8123/")
    assert Claim.objects.get(pk=claim.pk).status == "published"


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _fresh_terminal(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET and not k.startswith("PYTEST")}
    env["FACTCHECK_VAR_DIR"] = str(var_dir)  # stands for the checkout's var/ (kept out of the tree)
    return env


def test_readme_token_command_in_a_second_terminal(tmp_path):
    # What `make run` leaves behind for other terminals.
    run_env = {**run_script.dev_env(host="127.0.0.1", port=8123), "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    run_script.write_run_env(run_env, tmp_path)
    assert "FACTCHECK_SITE_URL=http://127.0.0.1:8123" in (tmp_path / "run.env").read_text()
    env = _fresh_terminal(tmp_path)
    assert _manage("migrate", "--noinput", "-v0", env=env).returncode == 0
    result = _manage("issue_token", "partner-bot", env=env)  # exactly as README writes it
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) >= 32 and "\n" not in result.stdout.strip()
    assert "Traceback" not in result.stderr


def test_settings_error_is_one_clear_line(tmp_path):
    result = _manage("issue_token", "partner-bot", env=_fresh_terminal(tmp_path))  # no run.env, no DEBUG
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "KeyError" not in result.stderr
    assert result.stderr.strip() == "error: DJANGO_SECRET_KEY must be set (or DJANGO_DEBUG=1 for local development)."
