"""Logging: JSON lines in production (python-json-logger), plain text on the embedded default.

Every record carries ``request_id`` and ``case_id`` from ``config.ops.context`` (empty when there
is none), in the web process and in Celery workers alike, so ``grep`` or a log store can follow a
case from the request that changed it to the task that finished the job.
"""

from __future__ import annotations

import logging


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from config.ops.context import case_id_var, request_id_var

        record.request_id = request_id_var.get()
        record.case_id = case_id_var.get()
        return True


JSON_FIELDS = "%(levelname)s %(name)s %(message)s %(process)d %(request_id)s %(case_id)s"


def build(*, level: str = "INFO", fmt: str = "text") -> dict:
    """The LOGGING dict. ``fmt`` is ``json`` (one object per line on stderr) or ``text``."""
    formatters = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": JSON_FIELDS,
            "timestamp": "time",  # ISO 8601 in UTC with microseconds
            "rename_fields": {"levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(case_id)s] %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logging.ContextFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt if fmt in formatters else "text",
                        "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request comes from our middleware; Django's own would repeat it.
            "django.server": {"level": "WARNING"},
            "django.request": {"level": "ERROR"},
            "celery": {"level": level},
        },
    }
