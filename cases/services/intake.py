"""Filing and following a case without an account, shared by objections and repair applications:
case numbers, query codes, attachments checked and hashed, chase-ups (催办)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.audit.services import audit_record, chain_key
from cases.errors import Conflict, NotFound, ValidationFailed
from cases.models import Attachment, ChaseUp
from cases.services import code_checks
from cases.upload_proof import UploadRefused, content_type_proven

# Unambiguous characters only (no 0/O, 1/I/L): the code is read out over the phone.
QUERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 10


def query_code_new() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def query_code_hash(code: str) -> str:
    normalised = (code or "").strip().upper().replace("-", "").replace(" ", "")
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def case_by_number(model, number: str, code: str):
    """The case for a number and its query code; a wrong code looks exactly like a wrong number.
    Every check counts towards the number's lockout (cases.services.code_checks): after a few wrong
    codes the number's checks are refused for a while, right code or not (CodeChecksLocked, 429)."""
    number = (number or "").strip().upper()
    attempt = code_checks.attempt_claim(number)
    case = model.objects.filter(number=number).first()
    if case is None or not hmac.compare_digest(case.query_code_hash, query_code_hash(code)):
        code_checks.attempt_failed(number, attempt)
        raise NotFound(_("No case matches this number and query code."), code="case_not_found")
    code_checks.attempt_passed(number)
    return case


def assign_number(case, prefix: str) -> None:
    case.number = f"{prefix}-{case.filed_at:%Y}-{case.pk:06d}"
    case.save(update_fields=["number"])


def attachments_check(files) -> list[tuple[str, bytes, str]]:
    """Validate every file before anything is written: (name, data, content type). The type is
    what the content proves when decoded (``cases.upload_proof``), never the name or the client's
    word: a PDF that parses, ends at its %%EOF and inflates within bounds, or a PNG/JPEG that
    decodes within the pixel limit. Each refusal is a field error on ``attachments``."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationFailed(fields={"attachments": [("too_many", _("At most %(n)s files.") % {"n": MAX_FILES})]})
    checked, errors = [], []
    for upload in files:
        name = getattr(upload, "name", "file")
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            errors.append(("too_large", _("%(name)s is larger than 10 MB.") % {"name": name}))
            continue
        data = upload.read()
        if len(data) > MAX_FILE_BYTES:
            errors.append(("too_large", _("%(name)s is larger than 10 MB.") % {"name": name}))
            continue
        if not data:
            errors.append(("empty", _("%(name)s is empty.") % {"name": name}))
            continue
        try:
            content_type = content_type_proven(name, data)
        except UploadRefused as refused:
            errors.append((refused.code, refused.message))
            continue
        checked.append((name, data, content_type))
    if errors:
        raise ValidationFailed(fields={"attachments": errors})
    return checked


def attachments_store(case, checked, *, kind: str, actor=None) -> list[Attachment]:
    stored = []
    for name, data, content_type in checked:
        digest = hashlib.sha256(data).hexdigest()
        attachment = Attachment(object_type=case._meta.label_lower, object_id=case.pk, kind=kind,
                                original_name=name[:255], content_type=content_type, size=len(data), sha256=digest,
                                uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
        attachment.file.save(f"{digest[:16]}-{secrets.token_hex(4)}", ContentFile(data), save=False)
        attachment.save()
        stored.append(attachment)
    if stored:
        audit_record(action="attachments.add", obj=case, actor=actor if getattr(actor, "is_authenticated", False) else None,
                     changes={"attachments": [None, [{"name": a.original_name, "sha256": a.sha256, "kind": kind,
                                                      "size": a.size} for a in stored]]})
    return stored


def attachments_of(case):
    return Attachment.objects.filter(object_type=case._meta.label_lower, object_id=case.pk).order_by("id")


def chase_up(case, *, note: str = "", today: dt.date | None = None) -> int:
    """催办: logged in the audit chain and counted; once per working day (a second one the same
    day, or on a rest day after one, is refused with 409)."""
    from deadlines.rules import current_calendar

    today = today or timezone.localdate()
    calendar = current_calendar()
    day = today
    while not calendar.is_working_day(day):  # a rest-day chase-up counts for the next working day
        day += dt.timedelta(days=1)
    kind = case._meta.label_lower
    try:
        with transaction.atomic():
            ChaseUp.objects.create(object_type=kind, object_id=case.pk, on=day, note=(note or "")[:255])
    except IntegrityError:
        raise Conflict(_("You can chase up once per working day."), code="chase_up_limit") from None
    type(case).objects.filter(pk=case.pk).update(chase_up_count=F("chase_up_count") + 1)
    case.refresh_from_db(fields=["chase_up_count"])
    audit_record(action="case.chase_up", chain=chain_key(case), object_type=kind, object_id=case.pk,
                 actor=None, changes={"chase_up_count": [case.chase_up_count - 1, case.chase_up_count]},
                 reason=(note or "")[:255])
    return case.chase_up_count
