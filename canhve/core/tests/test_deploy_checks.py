"""`canhve check --deploy` is clean with the production settings (CANHVE_ENV=production): HSTS, SSL
redirect and secure cookies are on there, while the demo on http://localhost keeps them off. Production
refuses to start without the environment it needs instead of warning and answering 400 to everyone."""

import os
import secrets
import subprocess
import sys


def _check(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ALLOWED_HOSTS", "SECRET_KEY")}
    base.update(
        DJANGO_SETTINGS_MODULE="canhve.settings",
        CANHVE_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-m", "canhve", "check", "--deploy", "--fail-level", "WARNING"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_checks_pass_with_the_production_settings(tmp_path):
    run = _check(
        tmp_path,
        CANHVE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="canhve.example.vn",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_without_allowed_hosts_refuses_to_start(tmp_path):
    run = _check(tmp_path, CANHVE_ENV="production", SECRET_KEY=secrets.token_urlsafe(50))
    assert run.returncode != 0
    assert "ALLOWED_HOSTS" in run.stderr and "W020" not in run.stdout + run.stderr


def test_the_demo_keeps_plain_http(settings):
    """Outside production nothing redirects to https or marks cookies secure (the demo runs on http)."""
    assert not settings.PRODUCTION
    assert not getattr(settings, "SECURE_SSL_REDIRECT", False)
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
    assert not getattr(settings, "SECURE_HSTS_SECONDS", 0)


def test_the_production_static_storage_collects_every_file(settings, tmp_path):
    """Production serves hashed, compressed static files; the manifest storage refuses the whole collect
    when a file names one that is not there (a vendored library's source map comment did)."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest and "canhve/" in manifest
