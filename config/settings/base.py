"""Settings shared by every environment. Values come from the environment (django-environ)."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.logging import build as build_logging

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# Where the embedded default keeps its PostgreSQL cluster, Redis data, media, letters and demo keys.
VAR_DIR = Path(env.str("CREDIT_VAR_DIR", default=str(BASE_DIR / "var")))

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "viewflow",
    "viewflow.workflow",
    "deadlines",
    "cases",
    "cases.audit",
    "workflow",
    "letters",
    "notifications",
    "config.ops",
]

MIDDLEWARE = [
    # First: the request id, metrics and the access log line cover everything below (config/ops).
    "config.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is known, before anything reads parameters: NUL characters are a 400.
    "config.input_guard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# Middleware that serves pages only: API requests that carry a token skip it (config/handlers.py;
# issue 21 item 1). Every other middleware runs for both.
PAGE_ONLY_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # added below; sign-in lockouts (tokens never sign in)
    "viewflow.middleware.SiteMiddleware",  # viewflow appends these two when its app is ready
    "viewflow.middleware.HotwireTurboMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# PostgreSQL everywhere (the embedded default runs a private cluster: scripts/run). Without a URL,
# the local server's default socket: a clear connection error rather than another database engine.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres:///credit")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Optional streaming replica for the status check and the public search (docs/scaling.md).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_routers.ReplicaRouter"]
DATABASE_REPLICA_VIEWS = ["status-check", "status-batch", "public-entries", "public:search"]
# The status check's statements are prepared once per connection (config/prepared.py). Off behind a
# pooler in transaction mode, where a session's PREPARE is not the next transaction's (docs/scaling.md).
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Chinese first, English second (DEVELOPERS.md).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Development and tests serve static files from the apps (finders); production collects them.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploaded attachments are proven by decoding them (cases/upload_proof.py). A PDF's streams may
# inflate to at most this much each and in total (an A4 page scanned at 600 dpi in colour, stored
# losslessly, is about 100 MB); a picture may have at most this many pixels (a 48-megapixel phone
# photo, an A4 page at 600 dpi: 35 million).
ATTACHMENT_PDF_MAX_STREAM_BYTES = env.int("ATTACHMENT_PDF_MAX_STREAM_BYTES", default=128 * 1024 * 1024)
ATTACHMENT_PDF_MAX_TOTAL_BYTES = env.int("ATTACHMENT_PDF_MAX_TOTAL_BYTES", default=256 * 1024 * 1024)
# Reading one PDF object costs pypdf about 0.1 ms; a real 10 MB document has hundreds to a few
# thousand. The cap bounds the check at about two seconds.
ATTACHMENT_PDF_MAX_OBJECTS = env.int("ATTACHMENT_PDF_MAX_OBJECTS", default=20_000)
ATTACHMENT_IMAGE_MAX_PIXELS = env.int("ATTACHMENT_IMAGE_MAX_PIXELS", default=50_000_000)

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

REDIS_URL = env.str("REDIS_URL", default="")

# Celery: with no Redis configured the embedded default runs tasks in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Named queues so that a slow letter batch or import never delays an escalation (deploy/README.md):
# each queue has its own worker(s); routing is by the task name's prefix.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "workflow.*": {"queue": "deadlines"},
    "deadlines.*": {"queue": "deadlines"},
    "entries.*": {"queue": "deadlines"},
    "cases.*": {"queue": "deadlines"},
    "audit.*": {"queue": "deadlines"},
    "ops.*": {"queue": "deadlines"},
    "portal.*": {"queue": "deadlines"},
    "letters.*": {"queue": "letters"},
    "notifications.*": {"queue": "notifications"},
    "imports.*": {"queue": "imports"},
}
# A message taken by a worker that dies without acknowledging it goes back to its queue after this
# long (Redis transport); longer than the longest task, or that task runs twice.
# kombu looks for such messages every CELERY_UNACKED_RESTORE_SECONDS × its throttle (10 × 10: about
# every 100 s), so one comes back between the timeout and the timeout + 100 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_SECONDS", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A request publishes its tasks after commit: with Redis stopped or hung it must give up within
    # about a second, not wait (kombu's default is forever); the sweeps enqueue the work later
    # (docs/operations.md, "When Redis is down"). The worker reads its BRPOP replies only once they
    # have arrived, so its 1 s BRPOP is not cut short by this.
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=1.0),
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=1.0),
}
# One retry (a pooled connection may be stale after Redis restarted), then the publish fails.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# --- broker outages (issue 17, item 2; tests/deploy/test_redis_down_in_the_stack.py) ---
# Workers and beat wait for a stopped Redis however long it takes (Celery's default gives up after
# 100 attempts, ~45 min, and the worker exits); kombu retries every 2 s growing to 30 s, so a worker
# is consuming again at most 30 s after Redis returns, and the 30 s sweeps hand it the waiting work.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the connection drops finishes (its work commits); its acknowledgement is lost
# with the connection ("Couldn't ack", logged CRITICAL by Celery), so Redis hands the message out
# again after the visibility timeout and the idempotent task finds its work done.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# --- end broker outages ---
# Workers log through Django's LOGGING (JSON in production) instead of Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BEAT_SCHEDULE: dict = {
    # Anchor the heads of every audit chain that moved (docs/adr/0001-audit-hash-chains.md).
    "audit-anchor": {"task": "audit.anchor", "schedule": env.int("AUDIT_ANCHOR_SECONDS", default=300)},
    # Reminders before and escalation at every open task's deadline (workflow.timers).
    "deadlines-sweep": {"task": "workflow.sweep_deadlines", "schedule": env.int("DEADLINE_SWEEP_SECONDS", default=900)},
    # 期满自动撤下: entries whose validity ended leave the lists.
    "entries-expire": {"task": "entries.expire", "schedule": env.int("EXPIRY_SWEEP_SECONDS", default=3600)},
    # 逾期未补正的，视为撤回申请: supplement windows that ended without material.
    "supplements-lapse": {"task": "cases.supplements_lapse",
                          "schedule": env.int("SUPPLEMENT_SWEEP_SECONDS", default=3600)},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          # a cache call fails fast when Redis is stopped or hung, never hangs a request
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per process: where the throttles count while the default cache is down (config/throttling.py).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-fallback"}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@credit.example.gov.cn")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "cases.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "cases.api.parsers.ObjectJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "cases.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "cases.api.schema.AutoSchema",  # declares the error answers (cases/api/schema.py)
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "信用联合奖惩案件管理系统 API",
    "DESCRIPTION": "Case management for social-credit joint reward and punishment lists.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request and response components apart: uploads are binary files (format: binary), not URIs,
    # and read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SubjectKindEnum": "cases.models.subjects.Subject.Kind",
        "ListKindEnum": "cases.models.catalogue.ListType.Kind",
        "ListEntryStateEnum": "cases.models.entries.ListEntry.State",
        "ExecutionStateEnum": "cases.models.entries.MeasureExecution.State",
        "ObjectionStateEnum": "cases.models.objections.ObjectionCase.State",
        "FilingChannelEnum": "cases.models.intake.FiledCase.Channel",
        "PeriodUnitEnum": "deadlines.calendar.UNITS",
        "RemovalReasonEnum": "cases.models.entries.ListEntry.RemovalReason",
    },
}

# Where signing keys, letters and attachments live; production points these elsewhere.
LETTERS_KEY_DIR = Path(env.str("LETTERS_KEY_DIR", default=str(VAR_DIR / "keys")))
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# A letter still PENDING this long after numbering lost its production task: the sweep re-enqueues it.
# A letter whose enqueue failed at commit (broker down) is re-enqueued at the next run, whatever its
# age; the sweep is one query on a partial index, so it runs every 30 s.
LETTERS_SWEEP_GRACE_SECONDS = env.int("LETTERS_SWEEP_GRACE_SECONDS", default=600)
CELERY_BEAT_SCHEDULE["letters-sweep-pending"] = {
    "task": "letters.sweep_pending", "schedule": env.int("LETTERS_SWEEP_SECONDS", default=30),
}

# JSON lines with request and case ids in production (LOG_FORMAT=json), text elsewhere (config/logging.py).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = build_logging(level=LOG_LEVEL, fmt=LOG_FORMAT)

# Area settings, one module each so that areas don't edit one file (config/settings/parts/).
from .parts.ui import *  # noqa: E402,F401,F403
from .parts.notifications import *  # noqa: E402,F401,F403
from .parts.ops import *  # noqa: E402,F401,F403
from .parts.imports import *  # noqa: E402,F401,F403
# Areas add periodic tasks as NOTIFICATIONS_BEAT_SCHEDULE / OPS_BEAT_SCHEDULE / IMPORTS_BEAT_SCHEDULE.
for _area_beat in ("NOTIFICATIONS_BEAT_SCHEDULE", "OPS_BEAT_SCHEDULE", "IMPORTS_BEAT_SCHEDULE"):
    CELERY_BEAT_SCHEDULE.update(globals().get(_area_beat, {}))
# The audit area: auditors change nothing; its middleware refuses their unsafe requests everywhere.
from .parts.audit import *  # noqa: E402,F401,F403
MIDDLEWARE = [*MIDDLEWARE, *AUDIT_MIDDLEWARE]  # noqa: F405
DEADLINES_CALENDAR_WARN_FROM = env.str("DEADLINES_CALENDAR_WARN_FROM", default="11-01")
# --- Limits that hold (issue 17 item 3): trusted proxy, query-code and sign-in lockouts ---
from .parts.limits import *  # noqa: E402,F401,F403
INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
# Last, as django-axes asks: it turns a lockout flagged during the request into its answer.
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = LIMITS_AUTHENTICATION_BACKENDS  # noqa: F405
CELERY_BEAT_SCHEDULE.update(LIMITS_BEAT_SCHEDULE)  # noqa: F405
# --- end limits ---
# --- Content-Security-Policy and the other security headers (issue 17 item 7; docs/operations.md,
# "Security headers"). Every page is built for this policy: no inline script, style or event
# handler; htmx runs without eval and without its injected indicator <style> (templates/base.html).
from csp.constants import NONE, SELF  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "csp"]
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
# Right after SecurityMiddleware: every response it covers gets these too, static files and the
# 400s that middleware further in answers (a disallowed host, a NUL byte) included; hence
# X-Frame-Options moves up here as well. django-csp leaves a Content-Security-Policy that a view set
# itself (the sandboxing one on downloads) alone.
_xframe = "django.middleware.clickjacking.XFrameOptionsMiddleware"
MIDDLEWARE = [*MIDDLEWARE[:_security], "config.security_headers.CSPMiddleware", "config.security_headers.PermissionsPolicyMiddleware",
              _xframe, *(m for m in MIDDLEWARE[_security:] if m != _xframe)]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Nothing here uses a device or sensor: deny them to the page and to anything it might embed.
PERMISSIONS_POLICY = {feature: [] for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer",
    "microphone", "midi", "payment", "usb", "serial", "hid", "xr-spatial-tracking")}
# The site's own stylesheets and script (static/credit/), beside the apps' static files.
STATICFILES_DIRS = [BASE_DIR / "static"]
# --- end security headers ---

# The apps' static files, less viewflow's unused frontend (config/staticfinders.py).
STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder",
                       "config.staticfinders.ServedAppDirectoriesFinder"]
