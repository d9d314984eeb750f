"""Limits that hold (issue 17, item 3); star-imported at the end of base.py.

- Client addresses: only what our trusted proxy says (config/client_address.py).
- Query codes: a few wrong codes for one case number pause that number's code checks, whatever the
  address (cases/services/code_checks.py).
- Staff sign-in (/accounts/login/, the admin, POST /api/v1/auth/token/): django-axes locks an
  account by username after repeated failures, whatever the address (docs/operations.md).
"""

import datetime as dt

import environ

_env = environ.Env()

# How many proxies of ours stand in front of Django: 0 = none (the header is ignored, the embedded
# default and runserver), 1 = nginx (production.py's default). Anything else the client sent is
# ignored. One setting for the throttles, the request log and django-axes.
TRUSTED_PROXY_COUNT = _env.int("TRUSTED_PROXY_COUNT", default=0)

# Query codes: after QUERY_CODE_FAILURE_LIMIT wrong codes for one case number within
# QUERY_CODE_LOCKOUT_MINUTES, code checks for that number are refused for QUERY_CODE_LOCKOUT_MINUTES
# (even with the right code); a right code resets the count. Counted in PostgreSQL.
QUERY_CODE_FAILURE_LIMIT = _env.int("QUERY_CODE_FAILURE_LIMIT", default=5)
QUERY_CODE_LOCKOUT_MINUTES = _env.int("QUERY_CODE_LOCKOUT_MINUTES", default=30)

# django-axes: lock by username only (an address is cheap to change), in PostgreSQL (the database
# handler, so it holds across workers and while Redis is down).
AXES_ENABLED = _env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = _env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_env.int("AXES_COOLOFF_MINUTES", default=30))
# By username alone: a government office shares one public address, so locking addresses would
# lock out a whole office. The second entry (username and address together) can never lock before
# the first does; it is there because axes' check W006 (written for address-based set-ups) wants
# "ip_address" named, and `check --deploy` stays clean without silencing anything.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The cool-off runs from the lockout; attempts during it neither extend it nor count.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
# A clear answer: JSON in the API's error shape under /api/, our page elsewhere (config/signin.py).
AXES_LOCKOUT_CALLABLE = "config.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

LIMITS_AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout rows of numbers nobody has tried for a day are deleted (cases.tasks.prune_code_lockouts).
LIMITS_BEAT_SCHEDULE = {
    "code-lockouts-prune": {"task": "cases.code_lockouts_prune",
                            "schedule": _env.int("CODE_LOCKOUT_PRUNE_SECONDS", default=3600)},
}
