"""Production settings refuse to start without PostgreSQL, Redis and a real secret; check --deploy is clean."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env_overrides):
    # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the browser tests' process, never to a deployment.
    dropped = ("DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "LETTERS_P12_PASSPHRASE",
               "PLATFORM_WEBHOOK_URL", "PLATFORM_WEBHOOK_SECRET", "OPS_METRICS_TOKEN", "OPS_METRICS_ALLOW")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def production_env():
    return {
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "credit.example.gov.cn",
        "LETTERS_P12_PASSPHRASE": secrets.token_urlsafe(24),
        "AUDIT_ANCHOR_KEY": secrets.token_hex(32),
    }


@pytest.fixture
def application_role_url():
    """A login role that owns nothing, as production's DATABASE_URL must be (docs/adr/0006): the suite's
    own role is a superuser, which `check --deploy` rightly reports as able to rewrite the audit trail."""
    import psycopg2
    from urllib.parse import urlsplit, urlunsplit

    url = urlsplit(os.environ["DATABASE_URL"])
    role, password = f"check_app_{secrets.token_hex(4)}", secrets.token_hex(16)
    admin = psycopg2.connect(os.environ["DATABASE_URL"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD %s", [password])
        cursor.execute(f"GRANT CONNECT ON DATABASE {url.path.lstrip('/')} TO {role}")
    try:
        yield urlunsplit(url._replace(netloc=f"{role}:{password}@{url.hostname}:{url.port}"))
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"REVOKE ALL ON DATABASE {url.path.lstrip('/')} FROM {role}")
            cursor.execute(f"DROP ROLE {role}")
        admin.close()


def test_check_deploy_reports_nothing_under_production_settings(production_env, application_role_url):
    result = manage("check", "--deploy", **{**production_env, "DATABASE_URL": application_role_url})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "missing,message",
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
        ("REDIS_URL", "REDIS_URL must be set"),
    ],
)
def test_a_missing_setting_stops_start_up_with_a_clear_message(production_env, missing, message):
    env = dict(production_env)
    env.pop(missing)
    result = manage("check", **env)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("configuration error: Production settings refuse to start:")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_weak_secret_or_a_non_postgresql_database_is_refused(production_env):
    result = manage("check", **{**production_env, "DJANGO_SECRET_KEY": "short"})
    assert "DJANGO_SECRET_KEY must be set to a random value" in result.stderr
    result = manage("check", **{**production_env, "DATABASE_URL": "mysql://credit:credit@127.0.0.1:3306/credit"})
    assert "DATABASE_URL must point to PostgreSQL" in result.stderr


@pytest.mark.parametrize("overrides,message", [
    ({"DJANGO_SECRET_KEY": "embedded-insecure-development-key-not-for-production-use-0123456789"},
     "DJANGO_SECRET_KEY is a value published in the repository"),
    ({"DJANGO_SECRET_KEY": "a" * 50}, "DJANGO_SECRET_KEY is too predictable"),
    ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS must name the site's host names, not *"),
    ({"PLATFORM_WEBHOOK_URL": "https://platform.example.gov.cn/events", "PLATFORM_WEBHOOK_SECRET": ""},
     "PLATFORM_WEBHOOK_SECRET must be set"),
    ({"OPS_METRICS_ALLOW": "10.0.0.0/8", "OPS_METRICS_TOKEN": ""}, "OPS_METRICS_TOKEN must be set"),
    ({"LETTERS_P12_PASSPHRASE": ""}, "LETTERS_P12_PASSPHRASE must be set"),
    ({"LETTERS_P12_PASSPHRASE": "demo-letters-passphrase"}, "LETTERS_P12_PASSPHRASE must be set"),
])
def test_each_weak_value_is_refused_with_one_clear_line(production_env, overrides, message):
    result = manage("check", **{**production_env, **overrides})
    assert result.returncode != 0
    assert result.stderr.strip().startswith("configuration error: Production settings refuse to start:")
    assert message in result.stderr and "Traceback" not in result.stderr
