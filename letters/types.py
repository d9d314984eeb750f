"""The letter types of domain.md §6: title, number marker, template and what the case must supply.

Each numbered type has its own marker inside the document number, so numbers of one unit never
collide between types: 拉发改信用决〔2026〕12号 is a listing decision, 拉发改信用告〔2026〕12号 a prior
notice. The commitment letter (信用承诺书) is a form the subject signs: no number, no unit signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The types are the domain's words (the domain names the letter each step issues); their specs are ours.
from cases.letter_types import LetterType


# Outcomes of an objection (domain.md §3); only a revocation is wholly in the applicant's favour.
OBJECTION_OUTCOMES = ("CORRECTED", "REVOKED", "UPHELD")


@dataclass(frozen=True)
class LetterSpec:
    code: str
    title: str  # the printed Chinese title (标题); may name the list: {list_name}
    marker: str | None  # inside the document number; None = not numbered
    template: str
    required: tuple[str, ...] = ()  # context keys the case must supply
    adverse: bool = False  # states 行政复议 / 行政诉讼 remedies
    signed: bool = True  # signed with the issuing unit's key
    # For types whose adverseness depends on the outcome: context key and the favourable values.
    favourable_when: tuple[str, tuple[str, ...]] | None = None
    optional: tuple[str, ...] = field(default=())

    @property
    def numbered(self) -> bool:
        return self.marker is not None

    def title_for(self, context: dict) -> str:
        return self.title.format(list_name=context.get("list_name", ""))

    def is_adverse(self, context: dict) -> bool:
        if self.favourable_when is not None:
            key, values = self.favourable_when
            return context.get(key) not in values
        return self.adverse


_ENTRY = ("list_name", "record_summary")  # what every listing-side letter names
# What every objection and repair letter names besides the case: the entry's list and the 文号 of
# its listing decision (the subject comes from the letter itself; the applicant where different).
_CASE_ENTRY = ("list_name", "entry_number")

SPECS: dict[str, LetterSpec] = {
    s.code: s
    for s in [
        LetterSpec(
            LetterType.PRIOR_NOTICE, "列入{list_name}事先告知书", "告", "letters/prior_notice.html",
            required=(*_ENTRY, "facts", "basis", "proposed_measures", "response_days", "response_deadline"),
            optional=("contact",),
        ),
        LetterSpec(
            LetterType.LISTING_DECISION, "列入{list_name}决定书", "决", "letters/listing_decision.html",
            required=(*_ENTRY, "facts", "reasons", "basis", "measures", "validity", "removal_conditions",
                      "statement_considered"),
            adverse=True,
            optional=("reconsideration_body", "court", "cc"),
        ),
        LetterSpec(
            LetterType.REPAIR_NOTICE, "信用修复告知书", "修告", "letters/repair_notice.html",
            required=(*_ENTRY, "decision_number", "min_publication", "max_publication", "repair_conditions",
                      "repair_materials", "repair_window"),
            optional=("contact",),
        ),
        LetterSpec(
            LetterType.REMOVAL_DECISION, "移出{list_name}决定书", "移", "letters/removal_decision.html",
            required=(*_ENTRY, "decision_number", "removal_reason", "removal_basis", "removal_date"),
            optional=("cc",),
        ),
        LetterSpec(
            LetterType.OBJECTION_ACCEPTED, "异议申请受理通知书", "异受", "letters/objection_accepted.html",
            required=(*_CASE_ENTRY, "objection_ref", "filed_on", "objection_summary", "verifying_unit", "verification_days",
                      "result_deadline"),
            optional=("applicant",),
        ),
        LetterSpec(
            LetterType.OBJECTION_NOT_ACCEPTED, "异议申请不予受理通知书", "异不受",
            "letters/objection_not_accepted.html",
            required=(*_CASE_ENTRY, "objection_ref", "filed_on", "objection_summary", "reasons", "basis"),
            adverse=True,
            optional=("applicant", "reconsideration_body", "court"),
        ),
        LetterSpec(
            LetterType.OBJECTION_SUPPLEMENT, "异议申请补正通知书", "异补", "letters/objection_supplement.html",
            required=(*_CASE_ENTRY, "objection_ref", "filed_on", "missing_materials", "supplement_deadline"),
            optional=("applicant", "contact",),
        ),
        LetterSpec(
            LetterType.VERIFICATION_NOTICE, "异议信息核查通知书", "核", "letters/verification_notice.html",
            required=(*_CASE_ENTRY, "objection_ref", "filed_on", "record", "objection_summary", "evidence", "reply_days",
                      "reply_deadline"),
            optional=("applicant", "contact",),
        ),
        LetterSpec(
            LetterType.OBJECTION_RESULT, "异议处理结果告知书", "异结", "letters/objection_result.html",
            required=(*_CASE_ENTRY, "objection_ref", "filed_on", "objection_summary", "outcome", "findings", "basis"),
            favourable_when=("outcome", ("REVOKED",)),
            optional=("applicant", "corrections", "reconsideration_body", "court"),
        ),
        LetterSpec(
            LetterType.OBJECTION_LAPSED, "异议申请视为撤回通知书", "异撤", "letters/supplement_lapsed.html",
            required=(*_CASE_ENTRY, "objection_ref", "filed_on", "missing_materials", "supplement_deadline",
                      "basis"),
            optional=("applicant", "contact"),
        ),
        LetterSpec(
            LetterType.REPAIR_ACCEPTED, "信用修复申请受理通知书", "修受", "letters/repair_accepted.html",
            required=(*_CASE_ENTRY, "repair_ref", "filed_on", "record_summary", "result_deadline"),
            optional=("applicant",),
        ),
        LetterSpec(
            LetterType.REPAIR_NOT_ACCEPTED, "信用修复申请不予受理通知书", "修不受",
            "letters/repair_not_accepted.html",
            required=(*_CASE_ENTRY, "repair_ref", "filed_on", "record_summary", "reasons", "basis"),
            adverse=True,
            optional=("applicant", "earliest_repair_date", "reconsideration_body", "court"),
        ),
        LetterSpec(
            LetterType.REPAIR_SUPPLEMENT, "信用修复申请补正通知书", "修补", "letters/repair_supplement.html",
            required=(*_CASE_ENTRY, "repair_ref", "filed_on", "missing_materials", "supplement_deadline"),
            optional=("applicant", "contact",),
        ),
        LetterSpec(
            LetterType.REPAIR_APPROVED, "信用修复决定书", "修准", "letters/repair_approved.html",
            required=(*_CASE_ENTRY, "repair_ref", "filed_on", "record_summary", "findings", "basis",
                      "effect", "effective_date"),
            optional=("applicant", "cc",),
        ),
        LetterSpec(
            LetterType.REPAIR_REJECTED, "不予信用修复决定书", "修驳", "letters/repair_rejected.html",
            required=(*_CASE_ENTRY, "repair_ref", "filed_on", "record_summary", "reasons", "basis"),
            adverse=True,
            optional=("applicant", "earliest_repair_date", "reconsideration_body", "court"),
        ),
        LetterSpec(
            LetterType.REPAIR_LAPSED, "信用修复申请视为撤回通知书", "修撤", "letters/supplement_lapsed.html",
            required=(*_CASE_ENTRY, "repair_ref", "filed_on", "missing_materials", "supplement_deadline", "basis"),
            optional=("applicant", "contact"),
        ),
        LetterSpec(
            LetterType.COMMITMENT, "信用承诺书", None, "letters/commitment.html",
            required=("list_name", "record_summary", "commitments"),
            signed=False,
            optional=("repair_ref",),
        ),
    ]
}

assert set(SPECS) == set(LetterType.values), "every letter type needs a spec"
assert len({s.marker for s in SPECS.values() if s.marker}) == len([s for s in SPECS.values() if s.marker])


def spec_for(letter_type: str) -> LetterSpec:
    return SPECS[letter_type]
