"""Production settings: refuse to start without PostgreSQL, Redis and real secrets.

Each weak value is refused with one clear line: a missing, short, low-entropy or published secret
key (the embedded default's and the test suite's fallbacks are public), ``*`` in the allowed hosts,
a platform webhook without its signing secret, metrics opened beyond loopback without a token,
and a letters signing-key passphrase that is missing or the published demo one.
"""

import ipaddress
import math
from collections import Counter

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import ALLOWED_HOSTS, BASE_DIR, DATABASES, LOG_LEVEL, REDIS_URL, SECRET_KEY, build_logging, env
from .parts.ops import OPS_METRICS_ALLOW, OPS_METRICS_TOKEN

# Secrets published in this repository: never acceptable in production.
PUBLISHED_SECRETS = {
    "embedded-insecure-development-key-not-for-production-use-0123456789",
    "test-secret-key-for-the-test-suite-only-0123456789abcdef",
    "demo-letters-passphrase",
}


def _entropy_bits(value: str) -> float:
    """Shannon entropy of the string's own characters, times its length: 50 × "a" has 0 bits."""
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values()) * len(value) if value else 0.0


def _loopback(network: str) -> bool:
    try:
        return ipaddress.ip_network(network, strict=False).is_loopback
    except ValueError:
        return False


_problems = []
if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    _problems.append("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters")
elif SECRET_KEY in PUBLISHED_SECRETS:
    _problems.append("DJANGO_SECRET_KEY is a value published in the repository: generate a new random one")
elif _entropy_bits(SECRET_KEY) < 200:
    _problems.append("DJANGO_SECRET_KEY is too predictable (repeated characters): generate a random one, "
                     "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(64))'")
if "*" in ALLOWED_HOSTS:
    _problems.append("DJANGO_ALLOWED_HOSTS must name the site's host names, not *")
if env.str("PLATFORM_WEBHOOK_URL", default="") and len(env.str("PLATFORM_WEBHOOK_SECRET", default="")) < 32:
    _problems.append("PLATFORM_WEBHOOK_SECRET must be set (at least 32 random characters) when PLATFORM_WEBHOOK_URL is")
if not OPS_METRICS_TOKEN and not all(_loopback(net) for net in OPS_METRICS_ALLOW):
    _problems.append("OPS_METRICS_TOKEN must be set when OPS_METRICS_ALLOW opens /metrics beyond loopback")
_passphrase = env.str("LETTERS_P12_PASSPHRASE", default="")
if not _passphrase or _passphrase in PUBLISHED_SECRETS or len(_passphrase) < 16:
    _problems.append("LETTERS_P12_PASSPHRASE must be set to the signing keys' own passphrase (at least 16 characters, "
                     "not the demo one)")
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
# Production runs behind our nginx, which writes X-Forwarded-For itself: trust that one hop (issue 17).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
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
