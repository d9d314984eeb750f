"""Operations: request/case context, health and readiness, Prometheus metrics (issue 9).

A Django app (label ``ops``) only so that ``ready()`` can hook the audit trail: every audited
change names its case, and the case id then follows the request into the log lines and into the
Celery tasks it schedules (``config.ops.context``).
"""
