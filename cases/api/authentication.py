"""DRF token authentication that loads the user, their staff profile, unit and region with the token,
in one fixed statement prepared once per connection (``config.prepared``): every staff endpoint
needs them (scoping, routing), and the status check (应查必查) is a hot path where building the ORM's
4-table join cost ~1.3 ms of Python per request (issue 21, docs/performance.md).

The statement reads the token table live on every request, so a deleted or rotated token, a
deactivated user or a moved staff member takes effect at the next request. The objects are the
ones ``select_related("user__staff__unit__region")`` would build, with the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication
from rest_framework.authtoken.models import Token

from cases.models import Region, StaffProfile, Unit
from config import prepared

User = get_user_model()
_MODELS = (Token, User, StaffProfile, Unit, Region)


def _columns(model, alias: str) -> str:
    return ", ".join(f'{alias}."{f.column}"' for f in model._meta.concrete_fields)


# The token's user, staff profile and unit: one join for both statements below.
_TOKEN_TO_UNIT = f"""{Token._meta.db_table} t
          JOIN {User._meta.db_table} u ON u.id = t.user_id
          LEFT JOIN {StaffProfile._meta.db_table} sp ON sp.user_id = u.id
          LEFT JOIN {Unit._meta.db_table} un ON un.id = sp.unit_id"""

TOKEN_STATEMENT = prepared.Statement(
    "credit_token_user",
    f"""SELECT {_columns(Token, 't')}, {_columns(User, 'u')}, {_columns(StaffProfile, 'sp')},
               {_columns(Unit, 'un')}, {_columns(Region, 'r')}
          FROM {_TOKEN_TO_UNIT}
          LEFT JOIN {Region._meta.db_table} r ON r.id = un.region_id
         WHERE t.key = %s""",
    ("text",),
)
_SLICES = []
_start = 0
for _model in _MODELS:
    _names = [f.attname for f in _model._meta.concrete_fields]
    _SLICES.append((_model, _names, _start, _start + len(_names)))
    _start += len(_names)


_TOKEN_USER = Token._meta.get_field("user")
_STAFF_USER = StaffProfile._meta.get_field("user")
_STAFF_UNIT = StaffProfile._meta.get_field("unit")
_UNIT_REGION = Unit._meta.get_field("region")


def token_user(key: str):
    """(user, token) for an existing token key, or None. The user's ``staff`` (or its absence),
    the staff's ``unit`` and the unit's ``region`` are loaded as ``select_related`` loads them:
    reading them sends no query."""
    using = prepared.alias_for(Token)
    rows = prepared.run_first(TOKEN_STATEMENT, [key], using=using)
    if not rows:
        return None
    row = rows[0]
    token, user, staff, unit, region = (
        None if row[a] is None else model.from_db(using, names, row[a:b]) for model, names, a, b in _SLICES
    )
    _TOKEN_USER.set_cached_value(token, user)
    _STAFF_USER.remote_field.set_cached_value(user, staff)  # None: user.staff raises, without a query
    if staff is not None:
        _STAFF_USER.set_cached_value(staff, user)
        _STAFF_UNIT.set_cached_value(staff, unit)
        _UNIT_REGION.set_cached_value(unit, region)
    return user, token


def _column(model, name: str) -> int:
    """Where ``model``'s field ``name`` sits in a row of ``TOKEN_STATEMENT``."""
    for sliced, names, start, _end in _SLICES:
        if sliced is model:
            return start + names.index(name)
    raise LookupError(model)


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A unit as the status check names it: its id for the catalogue cache, its code and name."""

    pk: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class TokenHolder:
    """Who a token belongs to, as plain values (no model instances): what the lean status check
    needs to know that the caller may ask (an active user with a staff profile) and for which unit."""

    user_id: int
    is_active: bool
    staff_id: int | None
    unit: UnitRef | None


_HOLDER_COLUMNS = (_column(User, "id"), _column(User, "is_active"), _column(StaffProfile, "id"),
                   _column(Unit, "id"), _column(Unit, "code"), _column(Unit, "name"))


# The holder's columns alone, for a statement that reads the holder beside something else (the lean
# status check): (columns, FROM item, parameter types), as ``subject_now_statement`` takes them.
HOLDER_AHEAD = (
    "h.*",
    f"""(SELECT u.id, u.is_active, sp.id, un.id, un.code, un.name FROM {_TOKEN_TO_UNIT} WHERE t.key = %s) h""",
    ("text",),
)
HOLDER_WIDTH = 6


def holder_from_row(row) -> TokenHolder:
    """The holder from the first ``HOLDER_WIDTH`` columns of a row read with ``HOLDER_AHEAD``."""
    user_id, is_active, staff_id, unit_id, unit_code, unit_name = row[:HOLDER_WIDTH]
    return TokenHolder(user_id, is_active, staff_id, None if unit_id is None else UnitRef(unit_id, unit_code, unit_name))


def token_holder(key: str) -> TokenHolder | None:
    """The token's holder from the same live statement as ``token_user``, or None for no such key."""
    rows = prepared.run_first(TOKEN_STATEMENT, [key], using=prepared.alias_for(Token))
    if not rows:
        return None
    user_id, is_active, staff_id, unit_id, unit_code, unit_name = (rows[0][i] for i in _HOLDER_COLUMNS)
    unit = None if unit_id is None else UnitRef(unit_id, unit_code, unit_name)
    return TokenHolder(user_id, is_active, staff_id, unit)


class TokenAuthentication(DRFTokenAuthentication):
    def authenticate_credentials(self, key):
        found = token_user(key)
        if found is None or not found[0].is_active:
            return super().authenticate_credentials(key)  # raises DRF's own (translated) error
        return found

