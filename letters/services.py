"""Writes of the letter engine. Case services call ``letter_issue`` and ``letter_reissue``.

The contract: a case step that must send a letter calls ``letter_issue`` inside its own transaction
with the letter's content (``context``, see ``letters.types.SPECS`` for the keys each type needs)
and the case's audit chain. The letter gets its document number in that transaction — so the number
exists exactly when the case step commits — and is rendered and signed by a Celery task after
commit. The task writes the PDF's SHA-256 into the case's audit chain.
"""

from __future__ import annotations

import datetime as dt

import json
import logging
import time

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from cases.audit.services import audit_record
from cases.errors import Conflict, Forbidden, ValidationFailed
from cases.locking import for_update
from cases.models import StaffProfile, Subject, Unit
from cases.selectors.scope import staff_of

from . import numbering, rendering, signing
from .models import Letter
from .types import OBJECTION_OUTCOMES, LetterType, spec_for

logger = logging.getLogger(__name__)

OBJECT_TYPE = "letters.letter"
ISSUING_ROLES = (StaffProfile.Role.OFFICER, StaffProfile.Role.LEADER)


# --- checks ---------------------------------------------------------------------------------------


def _staff(actor):
    return staff_of(actor)


def _check_may_issue(actor, unit: Unit) -> None:
    """Officers and leaders issue their own unit's letters; ``actor=None`` is the system itself."""
    if actor is None:
        return
    staff = _staff(actor)
    if staff is None or staff.unit_id != unit.pk or staff.role not in ISSUING_ROLES:
        raise Forbidden(_("Only officers and leaders of the issuing unit may issue its letters."))


def _check_may_retry(actor, unit: Unit) -> None:
    if actor is None or getattr(actor, "is_superuser", False):
        return
    staff = _staff(actor)
    if staff is not None and staff.role == StaffProfile.Role.ADMINISTRATOR:
        return
    _check_may_issue(actor, unit)


def _normalise_context(context) -> dict:
    """Store exactly what will be rendered: dates become ISO strings once, here."""
    if not isinstance(context, dict):
        raise ValidationFailed(fields={"context": [("invalid", _("The letter content must be a mapping."))]})
    return json.loads(json.dumps(context, cls=DjangoJSONEncoder, ensure_ascii=False))


def _validate(*, unit, letter_type, subject, case_chain, case_ref, context, addressee) -> None:
    errors: dict[str, list] = {}
    if letter_type not in LetterType.values:
        raise ValidationFailed(fields={"letter_type": [("invalid_choice", _("Unknown letter type."))]})
    spec = spec_for(letter_type)
    if not isinstance(unit, Unit) or not unit.is_active:
        errors.setdefault("unit", []).append(("inactive", _("The issuing unit must be an active unit.")))
    elif spec.numbered and not unit.document_prefix:
        errors.setdefault("unit", []).append(
            ("no_document_prefix", _("The issuing unit has no document number prefix."))
        )
    if not isinstance(subject, Subject):
        errors.setdefault("subject", []).append(("required", _("A credit subject is required.")))
    if not case_chain:
        errors.setdefault("case_chain", []).append(("required", _("The case's audit chain is required.")))
    if not case_ref:
        errors.setdefault("case_ref", []).append(("required", _("The case reference is required.")))
    if not (addressee or "").strip():
        errors.setdefault("addressee", []).append(("required", _("The addressee is required.")))
    for key in spec.required:
        if context.get(key) in (None, "", [], {}):
            errors.setdefault(f"context.{key}", []).append(("required", _("This letter needs this content.")))
    if letter_type == LetterType.OBJECTION_RESULT and context.get("outcome") not in (None, *OBJECTION_OUTCOMES):
        errors.setdefault("context.outcome", []).append(("invalid_choice", _("Unknown objection outcome.")))
    if errors:
        raise ValidationFailed(fields=errors)


def _schedule_production(letter: Letter) -> None:
    letter_id = letter.pk
    # robust: a broker outage at commit must not turn the committed decision into an error.
    transaction.on_commit(lambda: letter_enqueue_production(letter_ids=[letter_id]), robust=True)


def letter_enqueue_production(*, letter_ids: list[int]) -> int:
    """Hand letters to the letters queue; returns how many were handed over.

    When the broker refuses (Redis down), the letter is marked ``enqueue_failed_at`` and the beat
    sweep enqueues it at its next run after Redis is back (``letters_stale_pending``); a letter the
    sweep hands over is unmarked. The rest of the batch waits for the next run too.
    """
    from .tasks import letter_produce_task

    for done, letter_id in enumerate(letter_ids):
        try:
            letter_produce_task.delay(letter_id)
        except OperationalError as exc:
            Letter.objects.filter(pk__in=letter_ids[done:], status=Letter.Status.PENDING,
                                  enqueue_failed_at__isnull=True).update(enqueue_failed_at=timezone.now())
            logger.warning("letters: production of %s letter(s) not enqueued (%s); the sweep will enqueue it",
                           len(letter_ids) - done, exc)
            return done
    Letter.objects.filter(pk__in=letter_ids, enqueue_failed_at__isnull=False).update(enqueue_failed_at=None)
    return len(letter_ids)


# --- issue, reissue, retry ------------------------------------------------------------------------


@transaction.atomic
def letter_issue(
    *,
    actor,
    unit: Unit,
    letter_type: str,
    subject: Subject,
    case_chain: str,
    case_ref: str,
    context: dict,
    addressee: str,
) -> Letter:
    """Number a letter in the caller's transaction and render and sign it after commit.

    domain.md §6: each letter has a document number per unit, letter type and year, gapless; it is
    laid out as an official document, signed with the issuing unit's key, and its hash goes into
    the case's audit chain (§7).
    """
    _check_may_issue(actor, unit)
    context = _normalise_context(context)
    _validate(unit=unit, letter_type=letter_type, subject=subject, case_chain=case_chain,
              case_ref=case_ref, context=context, addressee=addressee)
    today = timezone.localdate()
    number, document_number = numbering.assign(unit=unit, letter_type=letter_type, year=today.year)
    letter = Letter.objects.create(
        letter_type=letter_type,
        unit=unit,
        subject=subject,
        case_chain=case_chain,
        case_ref=case_ref,
        addressee=addressee.strip(),
        context=context,
        year=today.year,
        number=number,
        document_number=document_number,
        issue_date=today,
        created_by=actor,
    )
    audit_record(
        action="letter.issued",
        chain=case_chain,
        object_type=OBJECT_TYPE,
        object_id=letter.pk,
        actor=actor,
        actor_unit=unit,
        to_state=Letter.Status.PENDING,
        changes={"letter_type": [None, letter_type], "document_number": [None, document_number or None]},
    )
    _schedule_production(letter)
    return letter


@transaction.atomic
def letter_reissue(*, actor, letter: Letter, reason: str, context: dict | None = None) -> Letter:
    """Issue a replacement letter in the same case; the old one is kept, marked SUPERSEDED.

    The replacement takes a new number (the old number stays on the old letter, so numbering stays
    gapless) and the old content unless ``context`` replaces it.
    """
    if not (reason or "").strip():
        raise ValidationFailed(fields={"reason": [("required", _("A reason for the reissue is required."))]})
    old = for_update(Letter.objects).select_related("unit", "subject").get(pk=letter.pk)
    _check_may_issue(actor, old.unit)
    if old.status not in (Letter.Status.ISSUED, Letter.Status.FAILED):
        raise Conflict(_("Only an issued or failed letter can be reissued."))
    new = letter_issue(
        actor=actor,
        unit=old.unit,
        letter_type=old.letter_type,
        subject=old.subject,
        case_chain=old.case_chain,
        case_ref=old.case_ref,
        context=old.context if context is None else context,
        addressee=old.addressee,
    )
    new.supersedes = old
    new.save(update_fields=["supersedes", "updated_at"])
    before = old.status
    old.status = Letter.Status.SUPERSEDED
    old.superseded_reason = reason.strip()
    old.superseded_at = timezone.now()
    old.save(update_fields=["status", "superseded_reason", "superseded_at", "updated_at"])
    audit_record(
        action="letter.superseded",
        chain=old.case_chain,
        object_type=OBJECT_TYPE,
        object_id=old.pk,
        actor=actor,
        actor_unit=old.unit,
        from_state=before,
        to_state=Letter.Status.SUPERSEDED,
        changes={"superseded_by": [None, new.document_number or f"#{new.pk}"]},
        reason=reason.strip(),
    )
    letter.refresh_from_db()
    return new


@transaction.atomic
def letter_retry(*, actor, letter: Letter) -> Letter:
    """Render and sign a FAILED letter again, under the number it already holds."""
    locked = for_update(Letter.objects).select_related("unit").get(pk=letter.pk)
    _check_may_retry(actor, locked.unit)
    if locked.status != Letter.Status.FAILED:
        raise Conflict(_("Only a letter whose rendering failed can be retried."))
    previous = locked.failure_reason
    locked.status = Letter.Status.PENDING
    locked.failure_reason = ""
    locked.save(update_fields=["status", "failure_reason", "updated_at"])
    audit_record(
        action="letter.retried",
        chain=locked.case_chain,
        object_type=OBJECT_TYPE,
        object_id=locked.pk,
        actor=actor,
        actor_unit=locked.unit,
        from_state=Letter.Status.FAILED,
        to_state=Letter.Status.PENDING,
        reason=previous,
    )
    _schedule_production(locked)
    return locked


# --- production (run by the Celery task) ----------------------------------------------------------


def letters_stale_pending(*, older_than: dt.timedelta, limit: int = 500) -> list[int]:
    """Letters still PENDING whose production task was lost: long after they were numbered (a queue
    was purged, Redis lost its data), or at once when the enqueue itself failed (Redis was down at
    commit, ``enqueue_failed_at``). The beat sweep enqueues them again; ``letter_produce`` is
    idempotent, so a letter that was merely waiting is produced once."""
    cutoff = timezone.now() - older_than
    # Both arms are PENDING rows only: the partial index letter_pending_by_created serves the query.
    return list(
        Letter.objects.filter(status=Letter.Status.PENDING)
        .filter(Q(created_at__lt=cutoff) | Q(enqueue_failed_at__isnull=False))
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )


def letter_produce(*, letter_id: int) -> Letter:
    """Render, sign and store a PENDING letter; record FAILED with the reason if that fails.

    Idempotent: a letter that is no longer PENDING is left alone, so a task delivered twice (acks
    late, worker lost) does no harm. The slow work runs outside any transaction; only the final
    bookkeeping locks the row.
    """
    letter = Letter.objects.select_related("unit__region", "subject").get(pk=letter_id)
    if letter.status != Letter.Status.PENDING:
        return letter
    spec = spec_for(letter.letter_type)
    stage = "render"
    try:
        started = time.perf_counter()
        rendered = rendering.render_letter(letter)
        render_seconds = time.perf_counter() - started
        data, signer_certificate, algorithm, sign_seconds = rendered.pdf, "", "", None
        if spec.signed:
            stage = "sign"
            started = time.perf_counter()
            signed = signing.get_signer().sign(
                rendered.pdf,
                unit=letter.unit,
                seal=rendered.seal,
                reason=f"{letter.document_number} {letter.title}",
                location=letter.unit.region.name if letter.unit.region_id else "",
            )
            sign_seconds = time.perf_counter() - started
            data, signer_certificate, algorithm = signed.pdf, signed.signer_certificate, signed.algorithm
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the letter, never lost
        logger.exception("letter %s: %s failed", letter_id, stage)
        return _record_failure(letter_id, f"{stage}: {exc.__class__.__name__}: {exc}")
    return _record_success(
        letter_id, data, signer_certificate=signer_certificate, algorithm=algorithm,
        render_seconds=render_seconds, sign_seconds=sign_seconds,
    )


@transaction.atomic
def _record_success(letter_id, data: bytes, *, signer_certificate, algorithm, render_seconds, sign_seconds):
    from .verification import sha256_hex

    letter = for_update(Letter.objects).select_related("unit").get(pk=letter_id)
    if letter.status != Letter.Status.PENDING:
        return letter  # another delivery of the task finished first
    sha = sha256_hex(data)
    letter.pdf.save(f"{letter.year}/{letter.unit.code}/{letter.pk}-{sha[:16]}.pdf", ContentFile(data), save=False)
    letter.sha256 = sha
    letter.size = len(data)
    letter.signer_certificate = signer_certificate
    letter.signature_algorithm = algorithm
    letter.render_seconds = render_seconds
    letter.sign_seconds = sign_seconds
    letter.attempts += 1
    letter.status = Letter.Status.ISSUED
    letter.failure_reason = ""
    letter.issued_at = timezone.now()
    letter.save()
    audit_record(
        action="letter.signed" if letter.spec.signed else "letter.rendered",
        chain=letter.case_chain,
        object_type=OBJECT_TYPE,
        object_id=letter.pk,
        actor_unit=letter.unit,
        from_state=Letter.Status.PENDING,
        to_state=Letter.Status.ISSUED,
        changes={"sha256": [None, sha], "document_number": [None, letter.document_number or None]},
    )
    return letter


@transaction.atomic
def _record_failure(letter_id, reason: str) -> Letter:
    letter = for_update(Letter.objects).select_related("unit").get(pk=letter_id)
    if letter.status != Letter.Status.PENDING:
        return letter
    letter.status = Letter.Status.FAILED
    letter.failure_reason = reason[:2000]
    letter.attempts += 1
    letter.save(update_fields=["status", "failure_reason", "attempts", "updated_at"])
    audit_record(
        action="letter.failed",
        chain=letter.case_chain,
        object_type=OBJECT_TYPE,
        object_id=letter.pk,
        actor_unit=letter.unit,
        from_state=Letter.Status.PENDING,
        to_state=Letter.Status.FAILED,
        reason=letter.failure_reason,
    )
    return letter
