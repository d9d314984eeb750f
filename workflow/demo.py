"""Demo cases, created through the services exactly as officers would, so that every role finds
work in its queue on the embedded default: a blacklist entry at each stage, measure tasks at the
implementing units, an objection waiting for acceptance at the platform window, a red-list entry
waiting for publication, and a substitute standing in for an absent officer. Idempotent: nothing is created once any entry exists.

It lives with the workflow because it drives tasks (completes steps, claims, designates a
substitute); the domain (``cases``) imports nothing of the workflow."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import ListEntry, ListType, Subject
from cases.services import entries as entries_svc
from cases.services import objections as objections_svc
from workflow.models import WorkItem
from workflow.services import substitution_designate, task_claim, task_complete

User = get_user_model()


def _user(username):
    return User.objects.get(username=username)


def _subject(name):
    return Subject.objects.get(name=name)


def _step(case, step, actor, data=None):
    """Complete the case's open task for ``step`` as an officer would in the queue."""
    work = WorkItem.objects.get(object_type=case._meta.label_lower, object_id=case.pk, step=step, is_open=True)
    task_complete(actor=actor, task_id=work.task_id, data=data or {})


def load_portal_accounts() -> list[str]:
    """The subjects' portal accounts of cases/demo.py (idempotent); returns the usernames created."""
    from cases.demo import DEMO_PASSWORD, PORTAL_ACCOUNTS
    from cases.portal.services import portal_account_create

    created = []
    for username, name, email in PORTAL_ACCOUNTS:
        if not User.objects.filter(username=username).exists():
            portal_account_create(username=username, password=DEMO_PASSWORD, name=name, email=email)
            created.append(username)
    return created


def load_demo_cases() -> int:
    load_portal_accounts()
    if ListEntry.objects.exists():
        return 0
    tax = ListType.objects.get(code="tax-serious")
    amr = ListType.objects.get(code="amr-serious")
    red = ListType.objects.get(code="tax-a-grade")
    tax_officer, tax_leader = _user("ls-tax-officer"), _user("ls-tax-leader")
    amr_officer, amr_leader = _user("ls-amr-officer"), _user("ls-amr-leader")
    today = timezone.localdate()
    with transaction.atomic():
        # 1. Drafted: the prior notice is waiting in 拉萨市税务局's queue.
        entries_svc.entry_draft(
            actor=tax_officer, list_type=tax, subject=_subject("拉萨卓越税务师事务所有限公司"),
            facts="2025年度通过虚开增值税专用发票方式偷税人民币126万元，经税务稽查查实。",
            reasons="偷税数额在100万元以上且占应纳税额10%以上，属重大税收违法失信案件",
        )
        # 2. Noticed, statement received: the leader's decision is waiting.
        noticed = entries_svc.entry_draft(
            actor=tax_officer, list_type=tax, subject=_subject("拉萨宏达运输有限责任公司"),
            facts="欠缴税款人民币58万元，经责令限期缴纳逾期仍未缴纳。",
            reasons="欠缴税款金额在10万元以上，经责令限期缴纳逾期仍未缴纳",
        )
        _step(noticed, "prior_notice", tax_officer, {"served_on": today - dt.timedelta(days=10)})
        _step(noticed, "statement", tax_officer,
              {"statement": "因资金周转困难未能按期缴纳，已制定分期缴纳计划，请求暂缓列入。"})
        # 3. Listed and published: every implementing unit has measure tasks; an objection awaits
        #    acceptance at the platform window.
        listed = entries_svc.entry_draft(
            actor=amr_officer, list_type=amr, subject=_subject("西藏雪域天成建筑工程有限公司"),
            facts="提交虚假材料取得建筑业企业资质，情节严重，被依法撤销资质并处罚款。",
            reasons="提交虚假材料取得行政许可，属市场监督管理严重违法失信行为",
        )
        _step(listed, "prior_notice", amr_officer, {"served_on": today - dt.timedelta(days=30)})
        _step(listed, "statement", amr_officer, {"statement": "对处罚决定无异议。"})
        _step(listed, "decision", amr_leader, {"approve": True, "decision_date": today - dt.timedelta(days=14),
                                          "dating_reason": "演示：纸质决定书补录"})
        _step(listed, "publication", amr_officer)
        objections_svc.objection_file(  # filed on the portal by the company's portal account
            actor=_user("portal-company"), channel="PORTAL", entry=ListEntry.objects.get(pk=listed.pk),
            grounds="资质撤销决定已被行政复议机关变更，罚款已缴清，申请更正名单信息。",
            applicant_name="西藏雪域天成建筑工程有限公司", applicant_contact="0891-6888888",
        )
        # 4. A red-list entry waiting to be published.
        entries_svc.entry_draft(
            actor=tax_officer, list_type=red, subject=_subject("拉萨吉祥八宝商贸有限公司"),
            facts="连续三年纳税信用评价为A级。", reasons="符合纳税信用A级纳税人名单条件",
        )
        _substitute(tax_officer, tax_leader, today)
    return ListEntry.objects.count()


def _substitute(tax_officer, tax_leader, today):
    """5. The workspace's substitute (代理): ls-tax-officer has claimed the drafted entry's prior
    notice and is away for a week; ls-tax-officer2 stands in, so that officer's inbox shows the
    task marked as acting for a colleague."""
    work = WorkItem.objects.filter(unit__code="ls-tax", step="prior_notice", is_open=True).first()
    if work is not None:
        task_claim(actor=tax_officer, task_id=work.task_id)
    substitution_designate(actor=tax_leader, absent=tax_officer, substitute=_user("ls-tax-officer2"),
                           starts_on=today, ends_on=today + dt.timedelta(days=7), reason="外出参加信用体系建设培训")
