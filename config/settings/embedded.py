"""The embedded default: runs with nothing configured (SQLite, tasks in-process)."""

from .base import *  # noqa: F401,F403
from .base import SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A fixed development key is acceptable only here: this settings module never serves production.
SECRET_KEY = SECRET_KEY or "embedded-insecure-development-key-not-for-production-use-0123456789"
