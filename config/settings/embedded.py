"""The embedded default (``scripts/run``): the same code as production on a private PostgreSQL
cluster and Redis under ``var/`` that ``scripts/run`` starts, with one Celery worker running the
periodic jobs. Nothing to configure: ``scripts/run`` writes ``var/embedded.env`` (ports, database
password, secret key) on its first start, and any ``manage.py`` command run afterwards reads it.

``DEBUG`` is off, as in production (``DJANGO_DEBUG=true`` turns it on): errors are our pages, and
JSON under ``/api/``.
"""

import os
from pathlib import Path

_VAR = Path(os.environ.get("CREDIT_VAR_DIR") or Path(__file__).resolve().parents[2] / "var")
_ENV_FILE = _VAR / "embedded.env"
if _ENV_FILE.exists():
    _values = {}
    for _line in _ENV_FILE.read_text().splitlines():
        if _line.strip() and not _line.startswith("#") and "=" in _line:
            _key, _value = _line.split("=", 1)
            _values[_key.strip()] = _value.strip()
    # --- issue 17 item 6: the application connects as credit_app; migrate as the owner, credit ---
    _owner_url = f"postgres://credit:{_values['EMBEDDED_DB_PASSWORD']}@127.0.0.1:{_values['EMBEDDED_PG_PORT']}/credit"
    if _values.get("EMBEDDED_DB_APP_PASSWORD"):
        os.environ.setdefault("DATABASE_URL", f"postgres://credit_app:{_values['EMBEDDED_DB_APP_PASSWORD']}"
                                              f"@127.0.0.1:{_values['EMBEDDED_PG_PORT']}/credit")
        os.environ.setdefault("DATABASE_OWNER_URL", _owner_url)
    os.environ.setdefault("DATABASE_URL", _owner_url)  # a var/ from before the two roles
    if _values.get("AUDIT_ANCHOR_KEY"):
        os.environ.setdefault("AUDIT_ANCHOR_KEY", _values["AUDIT_ANCHOR_KEY"])
    # --- end issue 17 item 6 ---
    os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:{_values['EMBEDDED_REDIS_PORT']}/0")
    os.environ.setdefault("DJANGO_SECRET_KEY", _values["DJANGO_SECRET_KEY"])

from .base import *  # noqa: E402,F401,F403
from .base import DATABASES, SECRET_KEY, env  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL: the embedded default runs the same "
                               "database engine as production (scripts/run starts a private cluster).")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Before scripts/run has written var/embedded.env (e.g. compilemessages on a fresh clone), a fixed
# key: this settings module never serves production (production.py refuses it).
SECRET_KEY = SECRET_KEY or "embedded-insecure-development-key-not-for-production-use-0123456789"
