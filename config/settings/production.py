"""Production settings: refuse to start without PostgreSQL, Redis and a real secret key."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import BASE_DIR, DATABASES, LOG_LEVEL, REDIS_URL, SECRET_KEY, build_logging, env

_problems = []
if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    _problems.append("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters")
if not env.str("DATABASE_URL", default=""):
    _problems.append("DATABASE_URL must be set (postgres://user:password@host:port/name)")
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    _problems.append("DATABASE_URL must point to PostgreSQL")
if not REDIS_URL:
    _problems.append("REDIS_URL must be set (redis://host:port/db)")
if _problems:
    raise ImproperlyConfigured("Production settings refuse to start: " + "; ".join(_problems) + ".")

DEBUG = False
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
WHITENOISE_USE_FINDERS = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# One JSON object per log line, with request and case ids (config/logging.py); LOG_FORMAT=text to read by eye.
LOGGING = build_logging(level=LOG_LEVEL, fmt=env.str("LOG_FORMAT", default="json"))
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
