"""Test settings: PostgreSQL and Redis as provisioned by scripts/test."""

import os
import re

from django.core.exceptions import ImproperlyConfigured

# Under pytest-xdist each worker has its own test database (pytest-django adds the worker's name)
# and its own Redis database, so that one worker's cache.clear() or throttle counters never reach
# another's. Set before base.py reads REDIS_URL; processes a test starts inherit it.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER.startswith("gw") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = re.sub(r"(/\d*)?$", f"/{int(_WORKER[2:]) + 1}", os.environ["REDIS_URL"].rstrip("/"), count=1)

from .base import *  # noqa: F401,F403,E402
from .base import DATABASES, env  # noqa: E402

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="test-secret-key-for-the-test-suite-only-0123456789abcdef")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The suite runs on PostgreSQL, like every other settings module.
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Tests run on PostgreSQL: use scripts/test, which provisions one.")

# Tasks run in-process by default (the real task code, synchronously after commit); tests of
# delivery through a real worker and broker turn this off and start a worker themselves.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

# --- limits (issue 17 item 3): axes stays on in tests; only Django's test Client.login(), which
# authenticates without a request, skips its check (config/signin.py). ---
AUTHENTICATION_BACKENDS = ["config.signin.TestClientAxesBackend", "django.contrib.auth.backends.ModelBackend"]
