"""Settings owned by the notifications area; star-imported at the end of base.py."""

import environ
from celery.schedules import crontab

_env = environ.Env()

# The shared credit platform (信用信息共享平台): where events are pushed as signed webhooks.
# Empty URL: nothing is queued for the platform (platform_reconcile --requeue catches up later).
PLATFORM_WEBHOOK_URL = _env.str("PLATFORM_WEBHOOK_URL", default="")
PLATFORM_WEBHOOK_SECRET = _env.str("PLATFORM_WEBHOOK_SECRET", default="")
PLATFORM_WEBHOOK_CONNECT_TIMEOUT = _env.float("PLATFORM_WEBHOOK_CONNECT_TIMEOUT", default=5.0)
PLATFORM_WEBHOOK_TIMEOUT = _env.float("PLATFORM_WEBHOOK_TIMEOUT", default=20.0)

# SMS gateway: a dotted path to a notifications.sms.BaseSmsBackend subclass.
NOTIFICATIONS_SMS_BACKEND = _env.str("NOTIFICATIONS_SMS_BACKEND", default="notifications.sms.LoggingSmsBackend")

# Delivery: a claimed row is the worker's for this long (must exceed the send timeouts); retries
# back off exponentially from BASE to MAX seconds; after MAX_ATTEMPTS a delivery is DEAD.
NOTIFICATIONS_LEASE_SECONDS = _env.int("NOTIFICATIONS_LEASE_SECONDS", default=60)
NOTIFICATIONS_RETRY_BASE_SECONDS = _env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=15.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = _env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600.0)
# The platform is retried for about a day (15 s doubling to hourly), mail and SMS for a few hours.
NOTIFICATIONS_MAX_ATTEMPTS = {
    "PLATFORM": _env.int("NOTIFICATIONS_PLATFORM_MAX_ATTEMPTS", default=30),
    "EMAIL": _env.int("NOTIFICATIONS_EMAIL_MAX_ATTEMPTS", default=10),
    "SMS": _env.int("NOTIFICATIONS_SMS_MAX_ATTEMPTS", default=10),
}
# Platform pushes go in batches: a drain claims up to BATCH events (one per subject) in one
# statement, sends them over SENDERS kept-alive connections side by side, and settles them in one
# statement; a commit asks for at most DRAINERS drains at once (docs/notifications.md).
NOTIFICATIONS_PLATFORM_BATCH = _env.int("NOTIFICATIONS_PLATFORM_BATCH", default=100)
NOTIFICATIONS_PLATFORM_SENDERS = _env.int("NOTIFICATIONS_PLATFORM_SENDERS", default=8)
NOTIFICATIONS_PLATFORM_DRAINERS = _env.int("NOTIFICATIONS_PLATFORM_DRAINERS", default=2)
# The sweeper leaves rows this young to the enqueue made at commit.
NOTIFICATIONS_SWEEP_GRACE_SECONDS = _env.int("NOTIFICATIONS_SWEEP_GRACE_SECONDS", default=10)
NOTIFICATIONS_DIGEST_DAYS = _env.int("NOTIFICATIONS_DIGEST_DAYS", default=3)

NOTIFICATIONS_BEAT_SCHEDULE = {
    # Outbox rows whose enqueue was lost (broker down at commit, worker killed): hand them out again.
    "notifications-sweep": {"task": "notifications.sweep",
                            "schedule": _env.float("NOTIFICATIONS_SWEEP_SECONDS", default=30.0)},
    # The officers' daily digest of their unit's due and overdue tasks, at 08:00 local time.
    "notifications-daily-digest": {"task": "notifications.daily_digest",
                                   "schedule": crontab(hour=_env.int("NOTIFICATIONS_DIGEST_HOUR", default=8), minute=0)},
}
