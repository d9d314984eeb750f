"""Celery application. Tasks are thin wrappers over services (see style.md)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

app = Celery("credit_cases")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
