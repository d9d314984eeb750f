"""Default procedure rules (期限): one row per deadline of spec/domain.md, regime "default".

Figures marked *configurable* in domain.md differ by sector or region; an administrator overrides
them with rows of a more specific regime (a list type code or a region code) or edits these rows.
Each row cites the clause it comes from. Loaded by ``manage.py seed_catalogue`` (idempotent).

ProcedureRule.CaseType has no remedy case type, so the remedy periods stated on every adverse
decision (行政复议 / 行政诉讼) sit under LIST_ENTRY with steps ``remedy_*``; letters of every case
type read them from there.
"""

LIST_ENTRY, MEASURE, OBJECTION, REPAIR = "LIST_ENTRY", "MEASURE", "OBJECTION", "REPAIR"
CALENDAR_DAYS, WORKING_DAYS, MONTHS = "CALENDAR_DAYS", "WORKING_DAYS", "MONTHS"


def _rule(case_type, step, amount, period_unit, basis, description):
    return {
        "case_type": case_type,
        "step": step,
        "amount": amount,
        "period_unit": period_unit,
        "regime": "default",
        "basis": basis,
        "description": description,
    }


RULES = [
    # 1. List entry (名单条目)
    _rule(
        LIST_ENTRY, "prior_notice_response", 5, WORKING_DAYS,
        "domain.md §1；国办发〔2020〕49号（事先告知，陈述申辩期限因领域而异，可配置）",
        "事先告知书送达后，当事人陈述申辩的期限",
    ),
    _rule(
        LIST_ENTRY, "decision_recording", 3, WORKING_DAYS,
        "domain.md §1：决定日期是文书事实；决定作出后超过该期限才录入的，须说明理由（记入审计，可配置）",
        "列入决定作出后无须说明理由即可录入的期限",
    ),
    _rule(
        LIST_ENTRY, "publication", 7, WORKING_DAYS,
        "domain.md §1：作出列入决定之日起7个工作日内公开",
        "列入名单决定作出后公开的期限",
    ),
    # Remedies stated on every adverse decision (domain.md §6).
    _rule(
        LIST_ENTRY, "remedy_reconsideration", 60, CALENDAR_DAYS,
        "《行政复议法》（2023修订）第20条（条号待核）：自知道或者应当知道行政行为之日起60日内申请；domain.md §6",
        "申请行政复议的期限（告知救济途径）",
    ),
    _rule(
        LIST_ENTRY, "remedy_litigation", 6, MONTHS,
        "《行政诉讼法》第46条：知道或者应当知道作出行政行为之日起6个月内提起诉讼；domain.md §6",
        "提起行政诉讼的期限（告知救济途径）",
    ),
    _rule(
        LIST_ENTRY, "reminder_1", 3, WORKING_DAYS,
        "domain.md §5：每个未届满的期限都受监控，到期前提醒（第一次，可配置）",
        "名单认定各环节期限届满前第一次提醒的提前量",
    ),
    _rule(
        LIST_ENTRY, "reminder_2", 1, WORKING_DAYS,
        "domain.md §5：每个未届满的期限都受监控，到期前提醒（第二次，可配置）",
        "名单认定各环节期限届满前第二次提醒的提前量",
    ),
    # 2. Measures (措施): 发起-响应-反馈
    _rule(
        MEASURE, "feedback", 1, MONTHS,
        "domain.md §2；连平2019（十六）：发起部门和实施部门按月反馈执行情况（最迟每月，可配置）",
        "实施部门报送执行反馈的最长间隔",
    ),
    _rule(
        MEASURE, "reminder_1", 3, WORKING_DAYS,
        "domain.md §5：执行反馈期限届满前提醒（可配置）",
        "措施执行反馈期限届满前提醒的提前量",
    ),
    # 3. Objection (异议)
    _rule(
        OBJECTION, "acceptance", 2, WORKING_DAYS,
        "domain.md §3：收到异议申请后进行受理审查（可配置）",
        "异议申请受理审查的期限",
    ),
    _rule(
        OBJECTION, "supplement_window", 10, WORKING_DAYS,
        "domain.md §3：补正（一次性告知需补正的材料）；补正期限由各地规定（可配置）；逾期未补正的，视为撤回申请",
        "申请人补正异议材料的期限；逾期未补正的，视为撤回申请",
    ),
    _rule(
        OBJECTION, "verification", 20, CALENDAR_DAYS,
        "西藏2017（十八）：信息提供单位要在收到核查通知之日起20日内核实",
        "信息提供单位收到核查通知后核实的期限",
    ),
    _rule(
        OBJECTION, "reminder_1", 3, WORKING_DAYS,
        "domain.md §3：到期前提醒（第一次）",
        "核查期限届满前第一次提醒的提前量",
    ),
    _rule(
        OBJECTION, "reminder_2", 1, WORKING_DAYS,
        "domain.md §3：到期前提醒（第二次）",
        "核查期限届满前第二次提醒的提前量",
    ),
    # 4. Credit repair (信用修复)
    _rule(
        REPAIR, "acceptance", 3, WORKING_DAYS,
        "domain.md §4：3个工作日内决定是否受理（国办发〔2025〕22号、国家发展改革委令第36号，条款待核）",
        "信用修复申请受理审查的期限",
    ),
    _rule(
        REPAIR, "decision", 10, WORKING_DAYS,
        "domain.md §4：自申请之日起10个工作日内将结果告知申请人（可配置）",
        "信用修复作出决定并告知的期限（自申请之日起）",
    ),
    _rule(
        REPAIR, "extension", 10, WORKING_DAYS,
        "domain.md §4：情况复杂的，经告知可延长一次",
        "信用修复决定期限可延长的最长时间（限一次）",
    ),
    _rule(
        REPAIR, "reminder_1", 3, WORKING_DAYS,
        "domain.md §5：信用修复各环节期限届满前提醒（第一次，可配置）",
        "信用修复期限届满前第一次提醒的提前量",
    ),
    _rule(
        REPAIR, "reminder_2", 1, WORKING_DAYS,
        "domain.md §5：信用修复各环节期限届满前提醒（第二次，可配置）",
        "信用修复期限届满前第二次提醒的提前量",
    ),
    _rule(
        REPAIR, "min_publication_minor", 0, MONTHS,
        "domain.md §4：轻微失信信息，履行义务后即可修复（可配置）",
        "轻微失信信息的最短公示期",
    ),
    _rule(
        REPAIR, "min_publication_general", 3, MONTHS,
        "domain.md §4：一般失信信息公示期3个月至1年（可配置）",
        "一般失信信息的最短公示期",
    ),
    _rule(
        REPAIR, "max_publication_general", 12, MONTHS,
        "domain.md §4：一般失信信息公示期3个月至1年，期满自动撤下（可配置）",
        "一般失信信息的最长公示期",
    ),
    _rule(
        REPAIR, "min_publication_severe", 12, MONTHS,
        "domain.md §4：严重失信信息公示期1年至3年（可配置）",
        "严重失信信息的最短公示期",
    ),
    _rule(
        REPAIR, "max_publication_severe", 36, MONTHS,
        "domain.md §4：严重失信信息公示期1年至3年，期满自动撤下（可配置）",
        "严重失信信息的最长公示期",
    ),
    _rule(
        REPAIR, "supplement_window", 10, WORKING_DAYS,
        "domain.md §4-§5：补正（一次性告知需补正的材料），补正期间暂停计时；补正期限由各地规定（可配置）；逾期未补正的，视为撤回申请",
        "申请人补正信用修复材料的期限；逾期未补正的，视为撤回申请",
    ),
    # The bar after repeated offences (domain.md §4: "repeated offences bar repair for some years").
    # Both rows must be in force for the bar to apply; per list type, add rows of that regime.
    _rule(
        REPAIR, "repeat_offence_window", 36, MONTHS,
        "domain.md §4：多次失信的，一定年限内不得修复（年限可配置，默认值待核）",
        "再次列入同一名单（距前次认定决定不超过该期间）视为多次失信",
    ),
    _rule(
        REPAIR, "repeat_offence_bar", 36, MONTHS,
        "domain.md §4：多次失信的，一定年限内不得修复（年限可配置，默认值待核）",
        "多次失信的，自本次认定决定之日起该期间内不得申请信用修复",
    ),
]

# (case_type, step) of every seeded rule; tests and the deadline module can rely on these.
RULE_KEYS = [(r["case_type"], r["step"]) for r in RULES]
