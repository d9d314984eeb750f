"""Realistic letter contents, as the listing, objection and repair cases will hand them over."""

from __future__ import annotations

import datetime as dt

LIST_NAME = "拖欠农民工工资失信联合惩戒对象名单"
RECORD = "拖欠农民工工资，经责令限期支付逾期未支付"
LISTING_NUMBER = "拉人社信用决〔2026〕3号"

MEASURES = [
    {
        "title": "限制参与政府投资项目招标投标",
        "basis": "《保障农民工工资支付条例》第四十八条",
        "mandatory": True,
    },
    {
        "title": "在政府资金支持、政府采购中予以限制",
        "basis": "《保障农民工工资支付条例》第四十八条",
        "mandatory": True,
    },
    {
        "title": "在评优评先中予以限制",
        "basis": "国办发〔2016〕33号",
        "mandatory": False,
    },
]


def contexts(today: dt.date | None = None) -> dict[str, dict]:
    today = today or dt.date(2026, 3, 5)
    d = lambda days: today + dt.timedelta(days=days)  # noqa: E731
    return {
        "PRIOR_NOTICE": {
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "facts": "2025年10月至12月拖欠38名农民工工资共计人民币46.2万元，经拉萨市人力资源和社会保障局于2026年1月8日"
            "责令限期支付后，逾期仍未支付。",
            "basis": "《保障农民工工资支付条例》第四十八条、《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条",
            "proposed_measures": MEASURES,
            "response_days": 5,
            "response_deadline": d(7),
            "contact": "王某，0891-6300000",
        },
        "LISTING_DECISION": {
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "facts": "2025年10月至12月拖欠38名农民工工资共计人民币46.2万元，经责令限期支付后逾期仍未支付。",
            "reasons": "当事人拖欠农民工工资数额较大，经责令限期支付后逾期未支付，情节严重。",
            "basis": "《保障农民工工资支付条例》第四十八条",
            "measures": MEASURES,
            "validity": "三年（自2026年3月5日至2029年3月4日）",
            "removal_conditions": [
                "有效期届满的，自动移出名单。",
                "已改正失信行为、履行相关义务且按规定作出信用承诺的，可以申请信用修复，经审核同意后提前移出。",
            ],
            "statement_considered": "当事人于规定期限内提交了陈述申辩意见，称资金周转困难。经复核，该理由不构成免责事由，不予采纳。",
            "cc": ["拉萨市社会信用体系建设领导小组办公室", "拉萨市住房和城乡建设局"],
        },
        "REPAIR_NOTICE": {
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "decision_number": LISTING_NUMBER,
            "min_publication": "一年",
            "max_publication": "三年",
            "repair_conditions": ["已足额支付拖欠的农民工工资", "最短公示期已满", "作出信用承诺"],
            "repair_materials": ["信用修复申请书", "工资支付凭证", "信用承诺书"],
            "repair_window": "通过“信用中国（西藏拉萨）”网站或到拉萨市政务服务中心信用窗口提出申请。",
        },
        "REMOVAL_DECISION": {
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "decision_number": LISTING_NUMBER,
            "removal_reason": "当事人已足额支付拖欠的工资，并经信用修复审核同意。",
            "removal_basis": "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第十二条",
            "removal_date": d(1),
        },
        "OBJECTION_ACCEPTED": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "objection_ref": "YY-2026-0042",
            "filed_on": d(-2),
            "objection_summary": "申请人称拖欠金额有误，实际拖欠金额为12.6万元。",
            "verifying_unit": "拉萨市人力资源和社会保障局",
            "verification_days": 20,
            "result_deadline": d(30),
        },
        "OBJECTION_NOT_ACCEPTED": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "objection_ref": "YY-2026-0043",
            "filed_on": d(-2),
            "objection_summary": "申请人对已于2025年移出名单的信息提出异议。",
            "reasons": "异议所涉信息已停止公示且不再共享，不属于异议受理范围。",
            "basis": "《失信行为纠正后的信用信息修复管理办法（试行）》第二十三条",
        },
        "OBJECTION_SUPPLEMENT": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "objection_ref": "YY-2026-0044",
            "filed_on": d(-1),
            "missing_materials": ["申请人营业执照复印件", "能够证明异议事项的工资支付凭证"],
            "supplement_deadline": d(10),
            "contact": "李某，0891-6300001",
        },
        "VERIFICATION_NOTICE": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "objection_ref": "YY-2026-0042",
            "filed_on": d(-2),
            "record": [
                ["名单", LIST_NAME],
                ["认定文号", LISTING_NUMBER],
                ["失信行为", "拖欠38名农民工工资共计人民币46.2万元"],
                ["列入日期", "2026年3月5日"],
            ],
            "objection_summary": "申请人称拖欠金额有误，实际拖欠金额为12.6万元。",
            "evidence": ["银行转账记录（2025年12月）", "工资支付表（经农民工签字确认）"],
            "reply_days": 20,
            "reply_deadline": d(22),
        },
        "OBJECTION_RESULT": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "objection_ref": "YY-2026-0042",
            "filed_on": d(-25),
            "objection_summary": "申请人称拖欠金额有误，实际拖欠金额为12.6万元。",
            "outcome": "CORRECTED",
            "findings": "拉萨市人力资源和社会保障局核实，拖欠金额应为人民币12.6万元，原记录有误。",
            "basis": "《失信行为纠正后的信用信息修复管理办法（试行）》第二十五条",
            "corrections": [{"field": "拖欠金额", "old": "人民币46.2万元", "new": "人民币12.6万元"}],
        },
        "OBJECTION_LAPSED": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "objection_ref": "YY-2026-0044",
            "filed_on": d(-20),
            "missing_materials": ["申请人营业执照复印件", "能够证明异议事项的工资支付凭证"],
            "supplement_deadline": d(-2),
            "basis": "本机关拉人社异补〔2026〕3号补正通知书关于“逾期未补正的，视为撤回申请”的告知",
        },
        "REPAIR_LAPSED": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "repair_ref": "XF-2026-0009",
            "filed_on": d(-20),
            "missing_materials": ["工资支付凭证原件扫描件"],
            "supplement_deadline": d(-2),
            "basis": "本机关拉人社修补〔2026〕2号补正通知书关于“逾期未补正的，视为撤回申请”的告知",
        },
        "REPAIR_ACCEPTED": {
            "entry_number": LISTING_NUMBER,
            "repair_ref": "XF-2026-0007",
            "filed_on": d(-1),
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "result_deadline": d(14),
        },
        "REPAIR_NOT_ACCEPTED": {
            "entry_number": LISTING_NUMBER,
            "repair_ref": "XF-2026-0008",
            "filed_on": d(-1),
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "reasons": "最短公示期一年尚未届满。",
            "basis": "《失信行为纠正后的信用信息修复管理办法（试行）》第九条",
            "earliest_repair_date": "2027-03-05",
        },
        "REPAIR_SUPPLEMENT": {
            "list_name": LIST_NAME,
            "entry_number": LISTING_NUMBER,
            "repair_ref": "XF-2026-0009",
            "filed_on": d(-1),
            "missing_materials": ["工资支付凭证原件扫描件", "法定代表人签字的信用承诺书"],
            "supplement_deadline": d(10),
        },
        "REPAIR_APPROVED": {
            "entry_number": LISTING_NUMBER,
            "repair_ref": "XF-2026-0007",
            "filed_on": d(-10),
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "findings": "申请人已足额支付拖欠工资，最短公示期已满，已作出信用承诺，符合信用修复条件。",
            "basis": "《失信行为纠正后的信用信息修复管理办法（试行）》第十四条",
            "effect": "将申请人移出拖欠农民工工资失信联合惩戒对象名单，相关信息停止公示。",
            "effective_date": d(0),
            "cc": ["拉萨市社会信用体系建设领导小组办公室"],
        },
        "REPAIR_REJECTED": {
            "entry_number": LISTING_NUMBER,
            "repair_ref": "XF-2026-0010",
            "filed_on": d(-10),
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "reasons": "申请人提交的工资支付凭证与农民工实际领取情况不符，尚未足额支付拖欠工资。",
            "basis": "《失信行为纠正后的信用信息修复管理办法（试行）》第十五条",
            "earliest_repair_date": "2026-09-05",
        },
        "COMMITMENT": {
            "list_name": LIST_NAME,
            "record_summary": RECORD,
            "repair_ref": "XF-2026-0007",
            "commitments": [
                "所提交的信用修复申请材料真实、准确、完整。",
                "已纠正失信行为，今后依法按时足额支付农民工工资。",
                "自觉接受政府部门和社会公众的监督。",
            ],
        },
    }


ADDRESSEE_DATA_PROVIDER = "拉萨市人力资源和社会保障局"


def addressee_for(letter_type: str, subject, unit) -> str:
    if letter_type == "VERIFICATION_NOTICE":
        return ADDRESSEE_DATA_PROVIDER
    if letter_type == "COMMITMENT":
        return unit.name
    return subject.name
