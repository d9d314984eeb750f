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
    }


def test_check_deploy_reports_nothing_under_production_settings(production_env):
    result = manage("check", "--deploy", **production_env)
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
