"""Writes on the registry: regions, units and their roles, staff, list types, measures, procedure rules.

Every write is recorded with ``audit_record`` (domain.md §7). Task routing rests on one rule: each
unit owns exactly one permission, ``cases.unit_<code>``, held by the unit's group ``unit:<code>``;
viewflow tasks name it as ``owner_permission`` and only officers and leaders of that unit hold it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import events
from cases.audit.services import audit_record, field_changes
from cases.errors import Conflict, ValidationFailed
from cases.locking import for_update
from cases.services.access import require_administrator
from cases.models import (
    ListType,
    ListTypeMeasure,
    Measure,
    MeasureImplementer,
    ProcedureRule,
    Region,
    StaffProfile,
    Unit,
    UnitListRole,
)

# Roles whose members work the unit's task queue (hold the unit permission).
QUEUE_ROLES = frozenset({StaffProfile.Role.OFFICER, StaffProfile.Role.LEADER})


def _required(**values) -> None:
    missing = {k: [("required", _("This field is required."))] for k, v in values.items() if not str(v or "").strip()}
    if missing:
        raise ValidationFailed(fields=missing)


def _choice(field: str, value: str, choices) -> None:
    if value not in choices.values:
        raise ValidationFailed(fields={field: [("invalid_choice", _("Not one of the allowed values."))]})


def unit_group_name(code: str) -> str:
    return f"unit:{code}"


# --- regions ---------------------------------------------------------------------------------


@transaction.atomic
def region_create(*, actor, code: str, name: str, parent: Region | None = None) -> Region:
    """Add an administrative division (6-digit 行政区划代码) under ``parent``."""
    _required(code=code, name=name)
    if len(code) != 6 or not code.isdigit():
        raise ValidationFailed(fields={"code": [("region_code", _("A division code has 6 digits."))]})
    if Region.objects.filter(code=code).exists():
        raise Conflict(_("This division code is already registered."), code="region_exists")
    region = Region.objects.create(code=code, name=name.strip(), parent=parent)
    audit_record(
        action="region.create", obj=region, actor=actor,
        changes={"code": [None, code], "name": [None, region.name], "parent": [None, parent.code if parent else None]},
    )
    return region


# --- units -----------------------------------------------------------------------------------


@transaction.atomic
def unit_create(
    *,
    actor,
    code: str,
    name: str,
    short_name: str,
    region: Region,
    document_prefix: str,
    parent: Unit | None = None,
    is_credit_lead_office: bool = False,
    is_platform_window: bool = False,
) -> Unit:
    """Create a unit with its group ``unit:<code>`` and its one permission ``cases.unit_<code>``.

    The permission is what viewflow routes the unit's tasks by (``owner_permission``); the group
    is how officers and leaders come to hold it. Unit.Meta has no default permissions, so this is
    the only permission on the Unit content type for this unit.
    """
    code = (code or "").strip()
    _required(code=code, name=name, short_name=short_name, document_prefix=document_prefix, region=region)
    try:
        validate_slug(code)
    except DjangoValidationError:
        raise ValidationFailed(
            fields={"code": [("unit_code", _("Use letters, digits, hyphens and underscores only."))]}
        ) from None
    if Unit.objects.filter(code=code).exists():
        raise Conflict(_("A unit with this code already exists."), code="unit_exists")
    if Unit.objects.filter(name=name.strip()).exists():
        raise Conflict(_("A unit with this name already exists."), code="unit_exists")
    if Group.objects.filter(name=unit_group_name(code)).exists():
        raise Conflict(_("The unit's group already exists."), code="unit_group_exists")

    unit = Unit(
        code=code, name=name.strip(), short_name=short_name.strip(), region=region, parent=parent,
        document_prefix=document_prefix.strip(), is_credit_lead_office=is_credit_lead_office,
        is_platform_window=is_platform_window,
    )
    content_type = ContentType.objects.get_for_model(Unit)
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=unit.permission_codename,
        defaults={"name": f"Works the task queue of {unit.name}"[:255]},
    )
    group = Group.objects.create(name=unit_group_name(code))
    group.permissions.set([permission])
    unit.group = group
    unit.save()
    audit_record(
        action="unit.create", obj=unit, actor=actor,
        changes={
            "code": [None, unit.code], "name": [None, unit.name], "short_name": [None, unit.short_name],
            "region": [None, region.code], "parent": [None, parent.code if parent else None],
            "document_prefix": [None, unit.document_prefix],
            "is_credit_lead_office": [None, is_credit_lead_office], "is_platform_window": [None, is_platform_window],
            "group": [None, group.name], "permission": [None, unit.permission_name],
        },
    )
    return unit


@transaction.atomic
def unit_assign_role(*, actor, unit: Unit, list_type: ListType, role: str) -> UnitListRole:
    """Give ``unit`` a role (认定/信息提供/实施/牵头) for ``list_type``. Assigning twice is a no-op."""
    _choice("role", role, UnitListRole.Role)
    unit_role, created = UnitListRole.objects.get_or_create(unit=unit, list_type=list_type, role=role)
    if created:
        audit_record(
            action="unit.role_assign", obj=unit, actor=actor,
            changes={"role": [None, f"{list_type.code}:{role}"]},
        )
    return unit_role


@transaction.atomic
def unit_remove_role(*, actor, unit: Unit, list_type: ListType, role: str, reason: str = "") -> bool:
    """Take a role away; returns whether there was one to remove."""
    _choice("role", role, UnitListRole.Role)
    deleted, _rows = UnitListRole.objects.filter(unit=unit, list_type=list_type, role=role).delete()
    if deleted:
        audit_record(
            action="unit.role_remove", obj=unit, actor=actor, reason=reason,
            changes={"role": [f"{list_type.code}:{role}", None]},
        )
    return bool(deleted)


# --- staff -----------------------------------------------------------------------------------


@transaction.atomic
def staff_create(
    *,
    actor,
    unit: Unit,
    username: str,
    password: str,
    role: str,
    full_name: str,
    scope_region: Region | None = None,
    email: str = "",
    phone: str = "",
    password_hash: str = "",
) -> AbstractUser:
    """Create a staff account: the user, its StaffProfile and its access.

    ``password_hash``: ``make_password(password)`` made once by a caller that gives many accounts one
    password (the demo loader: its one published password, hashed once instead of 29 times at
    0.4 s each under the production hasher). ``password`` is validated all the same.

    domain.md Actors: officers work their unit's task queue and leaders approve, so both join the
    unit's group (its one permission routes the tasks); auditors read everything in their scope and
    change nothing, so they join no group and hold no permission; administrators manage units,
    rules and catalogues in the Django admin (``is_staff``) but do not work case queues.
    An auditor's scope defaults to the unit's region.
    """
    User = get_user_model()
    username = (username or "").strip()
    _required(username=username, password=password, full_name=full_name)
    _choice("role", role, StaffProfile.Role)
    if User.objects.filter(username=username).exists():
        raise Conflict(_("This username is taken."), code="username_taken")

    user = User(username=username, email=email.strip(), first_name=full_name.strip()[:150])
    try:
        validate_password(password, user)
    except DjangoValidationError as err:
        raise ValidationFailed(fields={"password": [(e.code or "password", e.messages[0]) for e in err.error_list]}) from None
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.is_staff = role == StaffProfile.Role.ADMINISTRATOR
    user.save()

    if role == StaffProfile.Role.AUDITOR and scope_region is None:
        scope_region = unit.region
    StaffProfile.objects.create(user=user, unit=unit, role=role, scope_region=scope_region, phone=phone)
    if role in QUEUE_ROLES:
        if unit.group_id is None:
            raise Conflict(_("The unit has no group; create units with unit_create."), code="unit_without_group")
        user.groups.add(unit.group)
    audit_record(
        action="staff.create", obj=user, actor=actor,
        changes={
            "username": [None, username], "full_name": [None, user.first_name], "unit": [None, unit.code],
            "role": [None, role], "scope_region": [None, scope_region.code if scope_region else None],
            "groups": [None, [unit.group.name] if role in QUEUE_ROLES else []], "is_staff": [None, user.is_staff],
        },
    )
    return user


# --- list types and measures -----------------------------------------------------------------


@transaction.atomic
def list_type_revoke(*, actor, list_type: ListType, reason: str) -> ListType:
    """The list type's basis is revoked (名单类型废止): no entry of it is drafted or decided from now
    on, and its listed entries leave the lists: the removal sweep (``entries_expire``, hourly and
    at once after this commit through ``list_type_revoked``) removes them in batches like expired
    ones, every execution lift-pending until its unit confirms (domain.md §2). Entries still in
    their listing procedure stay with their unit, whose decision is refused; it withdraws them."""
    require_administrator(actor)
    _required(reason=reason)
    list_type = for_update(ListType.objects).get(pk=list_type.pk)
    if list_type.revoked_at is not None:
        raise Conflict(_("This list type is already revoked."), code="list_type_revoked")
    list_type.revoked_at, list_type.revocation_reason = timezone.now(), reason.strip()
    was_active, list_type.is_active = list_type.is_active, False
    list_type.save(update_fields=["revoked_at", "revocation_reason", "is_active"])
    audit_record(action="list_type.revoke", obj=list_type, actor=actor, reason=list_type.revocation_reason,
                 changes={"revoked_at": [None, list_type.revoked_at], "is_active": [was_active, False]})
    events.list_type_revoked(list_type=list_type)
    return list_type


@transaction.atomic
def list_type_create(
    *,
    actor,
    code: str,
    kind: str,
    name: str,
    standard_document: str,
    standard_article: str = "",
    validity_months: int | None = None,
    severity: str = "",
    min_publication_months: int | None = None,
    max_publication_months: int | None = None,
    repair_excluded: bool = False,
    repair_exclusion_basis: str = "",
    measures: Iterable[Measure] = (),
) -> ListType:
    """Define a list type: its standard (document no. and article), validity, tier and measures."""
    _required(code=code, name=name, standard_document=standard_document)
    _choice("kind", kind, ListType.Kind)
    if severity:
        _choice("severity", severity, ListType.Severity)
    if (
        min_publication_months is not None
        and max_publication_months is not None
        and min_publication_months > max_publication_months
    ):
        raise ValidationFailed(
            fields={"min_publication_months": [("publication_range", _("The minimum exceeds the maximum."))]}
        )
    if repair_excluded and not repair_exclusion_basis.strip():
        raise ValidationFailed(
            fields={"repair_exclusion_basis": [("required", _("State the basis of the exclusion from repair."))]}
        )
    if ListType.objects.filter(code=code).exists():
        raise Conflict(_("A list type with this code already exists."), code="list_type_exists")
    list_type = ListType.objects.create(
        code=code, kind=kind, name=name.strip(), standard_document=standard_document.strip(),
        standard_article=standard_article.strip(), validity_months=validity_months, severity=severity,
        min_publication_months=min_publication_months, max_publication_months=max_publication_months,
        repair_excluded=repair_excluded, repair_exclusion_basis=repair_exclusion_basis.strip(),
    )
    measure_codes = []
    for measure in measures:
        ListTypeMeasure.objects.get_or_create(list_type=list_type, measure=measure)
        measure_codes.append(measure.code)
    audit_record(
        action="list_type.create", obj=list_type, actor=actor,
        changes={
            "code": [None, code], "kind": [None, kind], "name": [None, list_type.name],
            "standard_document": [None, list_type.standard_document],
            "standard_article": [None, list_type.standard_article], "validity_months": [None, validity_months],
            "severity": [None, severity], "min_publication_months": [None, min_publication_months],
            "max_publication_months": [None, max_publication_months], "repair_excluded": [None, repair_excluded],
            "measures": [None, sorted(measure_codes)],
        },
    )
    return list_type


# Fields of a measure the catalogue seed owns; implementing units are managed separately.
MEASURE_FIELDS = (
    "title", "direction", "category", "legal_class", "mandatory", "legal_basis", "basis_status",
    "source_note", "target", "typical_implementers",
)


def _validate_measure(values: dict) -> None:
    _required(title=values.get("title"), legal_basis=values.get("legal_basis"), target=values.get("target"))
    _choice("direction", values["direction"], Measure.Direction)
    _choice("category", values["category"], Measure.Category)
    _choice("legal_class", values["legal_class"], Measure.LegalClass)
    _choice("basis_status", values["basis_status"], Measure.BasisStatus)
    if values["legal_class"] == Measure.LegalClass.C and values["mandatory"]:
        # 国办发〔2020〕49号: bodies outside public administration cannot be required to punish.
        raise ValidationFailed(
            fields={"mandatory": [("class_c_mandatory", _("A class C measure can only be recommended."))]}
        )


@transaction.atomic
def measure_create(
    *,
    actor,
    code: str,
    title: str,
    direction: str,
    category: str,
    legal_class: str,
    legal_basis: str,
    basis_status: str,
    target: str,
    mandatory: bool = False,
    source_note: str = "",
    typical_implementers: str = "",
    implementing_units: Iterable[Unit] = (),
    is_active: bool = True,
) -> Measure:
    """Add a measure to the catalogue. Its legal basis starts unverified (49号: every measure must
    cite a law, regulation or central policy; a legal reviewer confirms it)."""
    values = dict(
        title=title, direction=direction, category=category, legal_class=legal_class, mandatory=mandatory,
        legal_basis=legal_basis, basis_status=basis_status, source_note=source_note, target=target,
        typical_implementers=typical_implementers,
    )
    _required(code=code)
    _validate_measure(values)
    if Measure.objects.filter(code=code).exists():
        raise Conflict(_("A measure with this code already exists."), code="measure_exists")
    measure = Measure.objects.create(code=code, legal_basis_verified=False, is_active=is_active, **values)
    for unit in implementing_units:
        MeasureImplementer.objects.get_or_create(measure=measure, unit=unit)
    audit_record(
        action="measure.create", obj=measure, actor=actor,
        changes={"code": [None, code], **{k: [None, v] for k, v in values.items()}, "is_active": [None, is_active],
                 "implementing_units": [None, sorted(u.code for u in measure.implementing_units.all())]},
    )
    return measure


@transaction.atomic
def measure_upsert(*, actor, code: str, is_active: bool = True, **values) -> tuple[Measure, bool]:
    """Create the measure ``code`` or bring its catalogue fields to ``values`` (old → new audited).

    A reviewer's confirmation of the legal basis survives a re-seed, but not a change of the basis
    text itself: a new basis is unverified again. ``is_active`` applies to a new measure only, so a
    measure an administrator switched off stays off. Returns (measure, created).
    """
    unknown = set(values) - set(MEASURE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={f: [("unknown_field", _("Unknown field."))] for f in sorted(unknown)})
    measure = for_update(Measure.objects).filter(code=code).first()
    if measure is None:
        return measure_create(actor=actor, code=code, is_active=is_active, **values), True
    merged = {f: values.get(f, getattr(measure, f)) for f in MEASURE_FIELDS}
    _validate_measure(merged)
    before = {f: getattr(measure, f) for f in MEASURE_FIELDS}
    before["legal_basis_verified"] = measure.legal_basis_verified
    after = dict(merged)
    after["legal_basis_verified"] = measure.legal_basis_verified and merged["legal_basis"] == measure.legal_basis
    changes = field_changes(before, after)
    if changes:
        for f, value in after.items():
            setattr(measure, f, value)
        measure.save()
        audit_record(action="measure.update", obj=measure, actor=actor, changes=changes)
    return measure, False


@transaction.atomic
def measure_add_implementer(*, actor, measure: Measure, unit: Unit) -> bool:
    """Name ``unit`` as an implementing unit (实施部门) of ``measure``; returns whether it is new."""
    _link, created = MeasureImplementer.objects.get_or_create(measure=measure, unit=unit)
    if created:
        audit_record(action="measure.implementer_add", obj=measure, actor=actor, changes={"unit": [None, unit.code]})
    return created


# --- procedure rules -------------------------------------------------------------------------


def _rule_effective_from(effective_from: dt.date | None) -> dt.date:
    return effective_from or ProcedureRule._meta.get_field("effective_from").get_default()


@transaction.atomic
def procedure_rule_set(
    *,
    actor,
    case_type: str,
    step: str,
    amount: int,
    period_unit: str,
    regime: str = ProcedureRule.DEFAULT_REGIME,
    basis: str,
    description: str,
    effective_from: dt.date | None = None,
    reason: str = "",
) -> ProcedureRule:
    """Set one deadline of the procedure (domain.md: *configurable* figures are data, never code).

    Update-or-create on (case type, step, regime, effective from); a change is audited old → new.
    """
    _required(step=step, basis=basis, description=description, regime=regime)
    _choice("case_type", case_type, ProcedureRule.CaseType)
    _choice("period_unit", period_unit, ProcedureRule.PeriodUnit)
    if amount is None or int(amount) < 0:
        raise ValidationFailed(fields={"amount": [("min_value", _("The amount cannot be negative."))]})
    key = dict(case_type=case_type, step=step, regime=regime, effective_from=_rule_effective_from(effective_from))
    values = dict(amount=int(amount), period_unit=period_unit, basis=basis.strip(), description=description.strip())
    rule = for_update(ProcedureRule.objects).filter(**key).first()
    if rule is None:
        rule = ProcedureRule.objects.create(**key, **values)
        audit_record(
            action="procedure_rule.create", obj=rule, actor=actor, reason=reason,
            changes={**{k: [None, str(v)] for k, v in key.items()}, **{k: [None, v] for k, v in values.items()}},
        )
        return rule
    changes = field_changes({f: getattr(rule, f) for f in values}, values)
    if changes:
        for f, value in values.items():
            setattr(rule, f, value)
        rule.save()
        audit_record(action="procedure_rule.update", obj=rule, actor=actor, changes=changes, reason=reason)
    return rule


# --- the seeded catalogue --------------------------------------------------------------------


@transaction.atomic
def catalogue_seed(*, actor=None, update_existing: bool = True) -> dict[str, int]:
    """Load the measures catalogue (cases.catalogue_seed) and the default procedure rules
    (cases.rules_seed). Idempotent: a second run changes nothing.

    ``update_existing=False`` only adds missing rows, so values an administrator has edited stay
    as they are (the demo loader runs this way on every start).
    """
    from cases.catalogue_seed import MEASURES
    from cases.rules_seed import RULES

    counts = {"measures_created": 0, "measures_updated": 0, "rules_created": 0, "rules_updated": 0}
    # What is already there, read in two statements (the demo loader and every test province run
    # this on a seeded database: it must cost a couple of queries, not one per row).
    present = {m["code"]: m for m in Measure.objects.values("code", *MEASURE_FIELDS, "legal_basis_verified")}
    rule_values = ("amount", "period_unit", "basis", "description")
    rules = {(r.pop("case_type"), r.pop("step"), r.pop("regime"), r.pop("effective_from")): r
             for r in ProcedureRule.objects.values("case_type", "step", "regime", "effective_from", *rule_values)}
    for row in MEASURES:
        fields = {f: row[f] for f in MEASURE_FIELDS}
        before = present.get(row["code"])
        if before is not None:
            before.pop("code")
        if not update_existing:
            if before is None:
                measure_create(actor=actor, code=row["code"], is_active=row.get("is_active", True), **fields)
                counts["measures_created"] += 1
            continue
        measure, created = measure_upsert(
            actor=actor, code=row["code"], is_active=row.get("is_active", True), **fields
        )
        if created:
            counts["measures_created"] += 1
        elif before != {f: getattr(measure, f) for f in (*MEASURE_FIELDS, "legal_basis_verified")}:
            counts["measures_updated"] += 1
    for row in RULES:
        key = (row["case_type"], row["step"], row.get("regime", ProcedureRule.DEFAULT_REGIME),
               _rule_effective_from(row.get("effective_from")))
        existing = rules.get(key)
        if existing is not None and not update_existing:
            continue
        wanted = {f: row[f] for f in rule_values}
        if existing == wanted:
            continue
        procedure_rule_set(actor=actor, reason="seed_catalogue", **row)
        counts["rules_created" if existing is None else "rules_updated"] += 1
    return counts
