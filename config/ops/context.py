"""Request id and case id of the work in progress, for log lines and Celery task headers.

Both live in context variables: set by the request middleware (web) or from a task's headers
(worker), read by the logging filter (``config.logging.ContextFilter``) and copied into the headers
of every task published meanwhile (``config.celery``), so one objection can be followed from the
HTTP request that filed it to the worker that signed its letter.
"""

from __future__ import annotations

import contextvars
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
case_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("case_id", default="")

# What we accept from a client or the proxy as a request id: short, printable, no spaces.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{8,64}$")
# Chains that name a case, by precedence: a request that decides an objection also resumes its
# entry, and the objection is the case it is about.
CASE_CHAIN_RANK = {
    "cases.objectioncase:": 3, "cases.repaircase:": 3, "cases.listentry:": 2,
    "cases.measureexecution:": 1, "cases.restorationtask:": 1,
}


def new_request_id() -> str:
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str:
    """The incoming X-Request-ID when it is well formed, else a fresh one (never trust raw input)."""
    if value and _REQUEST_ID.match(value):
        return value
    return new_request_id()


def bind(*, request_id: str | None = None, case_id: str | None = None) -> list:
    """Set the ids; returns tokens for ``reset``."""
    tokens = []
    if request_id is not None:
        tokens.append(request_id_var.set(request_id))
    if case_id is not None:
        tokens.append(case_id_var.set(case_id))
    return tokens


def reset(tokens: list) -> None:
    for token in reversed(tokens):
        token.var.reset(token)


def _rank(chain: str) -> int:
    return next((rank for prefix, rank in CASE_CHAIN_RANK.items() if chain.startswith(prefix)), 0)


def bind_case_from_audit_event(event) -> None:
    """Audit listener: the request's or task's case is the highest-ranked case chain it touched."""
    chain = getattr(event, "chain", "") or ""
    rank = _rank(chain)
    if rank and rank > _rank(case_id_var.get()):
        case_id_var.set(chain)
