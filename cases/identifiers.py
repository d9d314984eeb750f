"""Validation of the national subject identifiers. Pure functions, no ORM.

- 统一社会信用代码 (USCC), GB 32100-2015: 18 characters from ``0123456789ABCDEFGHJKLMNPQRTUWXY``;
  weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28; check = (31 - sum mod 31) mod 31.
  Positions 9-17 are the GB 11714 organisation code, which carries its own check character.
- 居民身份证号码, GB 11643-1999: 17 digits and a check character; weights 7,9,10,5,8,4,2,1,6,3,
  7,9,10,5,8,4,2; ``sum mod 11`` indexes ``10X98765432``; positions 7-14 are a real birth date.

Errors carry a stable code, a message and, for a wrong check character, the expected one, so the
API can name it in a field error.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

# "Today" is the Beijing date (a birth date later than that is refused), whatever the server's zone.
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECKS = "10X98765432"

# GB 32100 position 1 (registration authority) and position 2 (organisation type).
USCC_AUTHORITY_TYPES = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交
    "3": "12345",  # 司法行政
    "4": "19",  # 文化
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会
    "9": "123",  # 工商 (市场监管): 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业
    "Y": "1",  # 其他
}


@dataclass(frozen=True)
class IdentifierError(ValueError):
    """A refused identifier. ``code`` is stable; ``expected`` names the right check character."""

    code: str
    position: int | None = None
    expected: str | None = None
    found: str | None = None

    def __str__(self) -> str:  # pragma: no cover - for logs only
        return f"{self.code} at {self.position}: expected {self.expected!r}, found {self.found!r}"


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_character(first8: str) -> str:
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    total = sum(value(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def resident_id_check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, RESIDENT_ID_WEIGHTS))
    return RESIDENT_ID_CHECKS[total % 11]


def normalise(value: str) -> str:
    return (value or "").strip().upper()


def validate_uscc(value: str) -> str:
    """Return the normalised USCC or raise IdentifierError."""
    code = normalise(value)
    if len(code) != 18:
        raise IdentifierError("uscc_length", found=str(len(code)))
    for i, c in enumerate(code):
        if c not in USCC_CHARSET:
            raise IdentifierError("uscc_character", position=i + 1, found=c)
    authority, org_type = code[0], code[1]
    if authority not in USCC_AUTHORITY_TYPES or org_type not in USCC_AUTHORITY_TYPES[authority]:
        raise IdentifierError("uscc_category", position=1, found=code[:2])
    if not code[2:8].isdigit():
        raise IdentifierError("uscc_region", position=3, found=code[2:8])
    org = code[8:17]
    if any(c not in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" for c in org[:8]):
        raise IdentifierError("org_code_character", position=9, found=org[:8])
    expected_org = org_code_check_character(org[:8])
    if org[8] != expected_org:
        raise IdentifierError("org_code_check", position=17, expected=expected_org, found=org[8])
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise IdentifierError("uscc_check", position=18, expected=expected, found=code[17])
    return code


def resident_id_birth_date(code: str) -> dt.date:
    return dt.date(int(code[6:10]), int(code[10:12]), int(code[12:14]))


def validate_resident_id(value: str, *, today: dt.date | None = None) -> str:
    """Return the normalised resident ID number or raise IdentifierError."""
    code = normalise(value)
    if len(code) != 18:
        raise IdentifierError("resident_id_length", found=str(len(code)))
    if not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        raise IdentifierError("resident_id_character", found=code)
    try:
        born = resident_id_birth_date(code)
    except ValueError:
        raise IdentifierError("resident_id_birth_date", position=7, found=code[6:14]) from None
    if born < dt.date(1850, 1, 1) or born > (today or dt.datetime.now(BEIJING).date()):
        raise IdentifierError("resident_id_birth_date", position=7, found=code[6:14])
    expected = resident_id_check_character(code[:17])
    if code[17] != expected:
        raise IdentifierError("resident_id_check", position=18, expected=expected, found=code[17])
    return code


def mask_resident_id(code: str) -> str:
    """Public disclosure masks natural persons' ID numbers: keep region prefix and last digit."""
    return code[:6] + "*" * 11 + code[-1:] if len(code) == 18 else "*" * len(code)


def make_uscc(authority_type: str, region: str, org_body: str) -> str:
    """Build a valid USCC from its parts (used by demo data and the benchmark generator)."""
    org = org_body + org_code_check_character(org_body)
    first17 = authority_type + region + org
    return first17 + uscc_check_character(first17)


def make_resident_id(region: str, birth: dt.date, sequence: str) -> str:
    first17 = region + birth.strftime("%Y%m%d") + sequence
    return first17 + resident_id_check_character(first17)


RESIDENT_ID = "resident_id"
USCC = "uscc"


@dataclass(frozen=True)
class NeitherIdentifier(IdentifierError):
    """An 18-character code that passes neither standard; both refusals are kept so the message can
    say why it is neither (``as_resident_id`` is None when the shape cannot be an ID number)."""

    as_uscc: IdentifierError | None = None
    as_resident_id: IdentifierError | None = None


def _id_shaped(code: str) -> bool:
    return len(code) == 18 and code[:17].isdigit() and (code[17].isdigit() or code[17] == "X")


def classify(value: str, *, today: dt.date | None = None) -> tuple[str, str]:
    """(RESIDENT_ID or USCC, normalised code) by which standard's checks the code passes.

    Both identifiers are 18 characters and an all-digit USCC (e.g. 11…, 12…, 51… of 机构编制 and 民政)
    looks like an ID number from Beijing, Tianjin or Sichuan, so no prefix rule can tell them apart:
    a resident ID is one whose GB 11643 check character and birth date hold, a USCC one whose GB
    32100 and GB 11714 check characters hold. Should both hold (about 1 code in 340 of those that
    pass one), the ID number wins: natural persons are the many. Neither: NeitherIdentifier."""
    code = normalise(value)
    as_id = None
    if _id_shaped(code):
        try:
            return RESIDENT_ID, validate_resident_id(code, today=today)
        except IdentifierError as err:
            as_id = err
    try:
        return USCC, validate_uscc(code)
    except IdentifierError as as_uscc:
        if as_id is None:
            raise
        raise NeitherIdentifier("identifier_neither", as_uscc=as_uscc, as_resident_id=as_id) from None


def looks_like_resident_id(value: str) -> bool:
    """Whether a code is read as a resident ID number: it passes GB 11643 (check character and a
    real birth date), or it is ID-shaped and passes neither standard (the ID refusal is then the
    more useful one to show)."""
    try:
        return classify(value)[0] == RESIDENT_ID
    except NeitherIdentifier:
        return True
    except IdentifierError:
        return False
