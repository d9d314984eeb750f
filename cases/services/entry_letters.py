"""The letters of the listing procedure (domain.md §6), built from the entry so nothing is typed
twice: 事先告知书 at the prior notice, 列入名单决定书 served together with 信用修复告知书 at the
decision ("两书同达"), and 移出名单决定书 when an entry is removed by a decision.

Automatic expiry (期满自动撤下) ends publication without a letter: nothing is decided, and an
expiry sweep over thousands of entries must not queue thousands of renderings.
"""

from __future__ import annotations

from django.utils import timezone

from cases import events
from cases.audit.services import chain_key
from cases.letter_types import LetterType
from cases.models import ListEntry, Measure
from cases.selectors.case_letters import letters_of_case

REMOVAL_TEXT = {
    ListEntry.RemovalReason.REPAIRED: "当事人已纠正失信行为、履行相关义务并作出信用承诺，经信用修复审核同意",
    ListEntry.RemovalReason.CORRECTED: "经异议核查，名单信息有误，已予更正",
    ListEntry.RemovalReason.REVOKED: "经核查，列入名单的依据不成立，予以撤销",
    ListEntry.RemovalReason.ANNULLED: "列入名单决定经行政复议或者行政诉讼被撤销",
}


def case_entry_context(entry: ListEntry, *, applicant: str) -> dict:
    """What an objection or repair letter names about the entry in question (domain.md §6): its
    list and the 文号 of its listing decision, and the applicant (printed where it is not the
    subject itself)."""
    return {"list_name": entry.list_type.name, "entry_number": decision_number(entry) or "—",
            "applicant": (applicant or "").strip()}


def _measures(entry: ListEntry) -> list[dict]:
    measures = Measure.objects.filter(list_types=entry.list_type, is_active=True).order_by("-mandatory", "code")
    return [{"title": m.title, "basis": m.legal_basis, "mandatory": m.mandatory} for m in measures]


def _months(n: int | None) -> str:
    if not n:
        return "依有关规定"
    return f"{n // 12}年" if n % 12 == 0 else f"{n}个月"


def _issue(entry: ListEntry, actor, letter_type: str, context: dict):
    base = {"list_name": entry.list_type.name, "record_summary": entry.reasons}
    return events.letter_due(
        actor=actor, unit=entry.listing_unit, letter_type=letter_type, subject=entry.subject,
        case_chain=chain_key(entry), case_ref=entry.case_ref, context={**base, **context},
        addressee=entry.subject.name,
    )


def decision_number(entry: ListEntry) -> str:
    letter = (letters_of_case(chain_key(entry)).filter(letter_type=LetterType.LISTING_DECISION)
              .order_by("-id").first())
    return letter.document_number if letter else ""


def issue_prior_notice(entry: ListEntry, actor, *, response_days: int):
    return _issue(entry, actor, LetterType.PRIOR_NOTICE, {
        "facts": entry.facts, "basis": entry.basis, "proposed_measures": _measures(entry),
        "response_days": response_days, "response_deadline": entry.statement_due,
    })


def issue_listing_decision(entry: ListEntry, actor, *, considered: str) -> tuple:
    """The decision and the repair notice, served together (两书同达)."""
    lt = entry.list_type
    validity = (f"{_months(lt.validity_months)}（自{entry.decision_date:%Y年%m月%d日}起）" if lt.validity_months
                else "至移出名单之日止")
    if entry.statement:
        statement = f"当事人在规定期限内提出陈述申辩：{entry.statement}。经复核：{considered or '所提理由不能成立，不予采纳'}。"
    else:
        statement = "当事人在规定期限内未提出陈述申辩。"
    decision = _issue(entry, actor, LetterType.LISTING_DECISION, {
        "facts": entry.facts, "reasons": entry.reasons, "basis": entry.basis, "measures": _measures(entry),
        "validity": validity,
        "removal_conditions": ["有效期届满的，自动移出名单。",
                               "已纠正失信行为、履行相关义务并作出信用承诺的，可以申请信用修复，经审核同意后提前移出。"],
        "statement_considered": statement,
    })
    repair = _issue(entry, actor, LetterType.REPAIR_NOTICE, {
        "decision_number": decision.document_number,
        "min_publication": _months(lt.min_publication_months),
        "max_publication": _months(lt.max_publication_months or lt.validity_months),
        "repair_conditions": ["已纠正失信行为、履行法定义务", "最短公示期已满", "作出信用承诺"],
        "repair_materials": ["信用修复申请书", "履行义务的证明材料", "信用承诺书"],
        "repair_window": "通过本平台门户网站在线提出，或到政务服务中心信用窗口提出申请。",
    })
    return decision, repair


def issue_removal_decision(entry: ListEntry, actor, *, basis: str = ""):
    if entry.removal_reason not in REMOVAL_TEXT or not decision_number(entry):
        return None
    return _issue(entry, actor, LetterType.REMOVAL_DECISION, {
        "decision_number": decision_number(entry),
        "removal_reason": REMOVAL_TEXT[entry.removal_reason],
        "removal_basis": basis or entry.basis,
        "removal_date": timezone.localdate(entry.removed_at),
    })
