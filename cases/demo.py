"""Demo data for the embedded default: a believable corner of the Tibet Autonomous Region.

Regions, twelve units in 拉萨市 and 日喀则市, list types with their listing, data-providing and
implementing units, one officer and one leader per unit (two officers at tax and market
regulation in Lhasa), a provincial and a city auditor, an administrator, and about fifty credit
subjects whose codes are valid (built with ``make_uscc`` / ``make_resident_id``).

Everything here is fictitious: the companies, people and codes do not exist. The list types'
standard documents name real national rules, but their articles and periods are illustrative
and, like the measures catalogue, await a legal reviewer. Loaded by ``manage.py load_demo``.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from cases.identifiers import USCC_CHARSET, make_resident_id, make_uscc

# The only password of the demo accounts; never used outside the embedded default.
DEMO_PASSWORD = "demo-pass-2026"

# (code, name, parent code)
REGIONS = [
    ("540000", "西藏自治区", None),
    ("540100", "拉萨市", "540000"),
    ("540102", "城关区", "540100"),
    ("540103", "堆龙德庆区", "540100"),
    ("540104", "达孜区", "540100"),
    ("540121", "林周县", "540100"),
    ("540122", "当雄县", "540100"),
    ("540123", "尼木县", "540100"),
    ("540124", "曲水县", "540100"),
    ("540127", "墨竹工卡县", "540100"),
    ("540200", "日喀则市", "540000"),
    ("540202", "桑珠孜区", "540200"),
    ("540222", "江孜县", "540200"),
    ("540223", "定日县", "540200"),
    ("540233", "亚东县", "540200"),
]

# Units. ``parent`` is another unit's code (the platform window is run by the lead office).
UNITS = [
    dict(code="ls-drc", name="拉萨市发展和改革委员会", short_name="拉萨市发改委", region="540100",
         document_prefix="拉发改信用", is_credit_lead_office=True),
    dict(code="ls-amr", name="拉萨市市场监督管理局", short_name="拉萨市市场监管局", region="540100",
         document_prefix="拉市监"),
    dict(code="ls-tax", name="国家税务总局拉萨市税务局", short_name="拉萨市税务局", region="540100",
         document_prefix="拉税"),
    dict(code="ls-eco", name="拉萨市生态环境局", short_name="拉萨市生态环境局", region="540100",
         document_prefix="拉环"),
    dict(code="ls-housing", name="拉萨市住房和城乡建设局", short_name="拉萨市住建局", region="540100",
         document_prefix="拉住建"),
    dict(code="ls-court", name="拉萨市中级人民法院", short_name="拉萨中院", region="540100",
         document_prefix="拉中法"),
    dict(code="ls-hrss", name="拉萨市人力资源和社会保障局", short_name="拉萨市人社局", region="540100",
         document_prefix="拉人社"),
    dict(code="ls-finance", name="拉萨市财政局", short_name="拉萨市财政局", region="540100",
         document_prefix="拉财"),
    dict(code="ls-platform", name="拉萨市信用信息共享平台", short_name="拉萨信用平台", region="540100",
         document_prefix="拉信用平台", is_platform_window=True, parent="ls-drc"),
    dict(code="rkz-drc", name="日喀则市发展和改革委员会", short_name="日喀则市发改委", region="540200",
         document_prefix="日发改信用", is_credit_lead_office=True),
    dict(code="rkz-amr", name="日喀则市市场监督管理局", short_name="日喀则市市场监管局", region="540200",
         document_prefix="日市监"),
    dict(code="rkz-tax", name="国家税务总局日喀则市税务局", short_name="日喀则市税务局", region="540200",
         document_prefix="日税"),
]

# Implementing units per measure code. Class C measures (banks, associations, media) and
# P-ADM-14 (网信) have no implementing unit among the demo's government units.
MEASURE_IMPLEMENTERS = {
    "P-ADM-01": ["ls-amr", "ls-housing", "ls-eco", "rkz-amr"],
    "P-ADM-02": ["ls-drc", "ls-housing", "ls-finance", "rkz-drc"],
    "P-ADM-03": ["ls-amr", "ls-housing", "rkz-amr"],
    "P-ADM-04": ["ls-amr", "rkz-amr"],
    "P-ADM-05": ["ls-amr", "rkz-amr"],
    "P-ADM-06": ["ls-court"],
    "P-ADM-07": ["ls-court", "ls-housing"],
    "P-ADM-08": ["ls-court"],
    "P-ADM-09": ["ls-court"],
    "P-ADM-10": ["ls-finance"],
    "P-ADM-11": ["ls-drc", "ls-finance", "ls-housing"],
    "P-ADM-12": ["ls-drc", "rkz-drc"],
    "P-ADM-13": ["ls-finance"],
    "P-ADM-15": ["ls-drc", "ls-amr", "ls-eco", "ls-housing", "rkz-drc", "rkz-amr"],
    "P-MGT-01": ["ls-amr", "ls-tax", "ls-eco", "ls-housing", "ls-hrss", "rkz-amr", "rkz-tax"],
    "P-MGT-02": ["ls-drc", "ls-finance", "rkz-drc"],
    "P-MGT-03": ["ls-drc", "ls-hrss", "rkz-drc"],
    "P-MGT-04": ["ls-drc", "ls-tax", "rkz-tax"],
    "P-MGT-05": ["ls-platform"],
    "P-MGT-06": ["ls-platform"],
    "R-01": ["ls-drc", "ls-amr", "ls-housing", "ls-eco", "rkz-amr"],
    "R-02": ["ls-drc", "ls-finance", "rkz-drc"],
    "R-03": ["ls-finance", "ls-housing"],
    "R-04": ["ls-hrss", "ls-housing"],
    "R-05": ["ls-amr", "ls-tax", "ls-eco", "rkz-amr", "rkz-tax"],
    "R-07": ["ls-housing", "ls-hrss"],
    "R-08": ["ls-drc", "rkz-drc"],
    "R-09": ["ls-platform", "ls-drc"],
    "R-10": ["ls-drc", "rkz-drc"],
}

# List types. Implementing units follow from the measures (every implementer of a triggered
# measure gets the IMPLEMENTING role); the credit lead offices supervise every list.
LIST_TYPES = [
    # --- SERIOUS (严重失信主体名单 / 黑名单) ---
    dict(
        code="tax-serious", kind="SERIOUS", name="重大税收违法失信主体名单（税收违法“黑名单”）",
        standard_document="国家税务总局令第54号《重大税收违法失信主体信息公布管理办法》", standard_article="第六条",
        validity_months=36, severity="SEVERE", min_publication_months=12, max_publication_months=36,
        listing=["ls-tax", "rkz-tax"], data_providing=["ls-tax", "rkz-tax"],
        measures=["P-ADM-02", "P-ADM-04", "P-ADM-10", "P-ADM-12", "P-ADM-13", "P-ADM-15",
                  "P-MGT-01", "P-MGT-02", "P-MGT-03", "P-MGT-04", "P-MGT-05", "P-MGT-06"],
    ),
    dict(
        code="amr-serious", kind="SERIOUS", name="市场监督管理严重违法失信名单（严重违法失信企业名单）",
        standard_document="国家市场监督管理总局令第44号《市场监督管理严重违法失信名单管理办法》", standard_article="第二条",
        validity_months=36, severity="SEVERE", min_publication_months=12, max_publication_months=36,
        listing=["ls-amr", "rkz-amr"], data_providing=["ls-amr", "rkz-amr"],
        measures=["P-ADM-01", "P-ADM-03", "P-ADM-04", "P-ADM-10", "P-ADM-11", "P-ADM-15",
                  "P-MGT-01", "P-MGT-02", "P-MGT-03", "P-MGT-05", "P-MGT-06"],
    ),
    dict(
        code="court-dishonest", kind="SERIOUS", name="失信被执行人名单",
        standard_document="法释〔2017〕7号《最高人民法院关于公布失信被执行人名单信息的若干规定》",
        standard_article="第一条", validity_months=24, severity="SEVERE",
        repair_excluded=True,
        repair_exclusion_basis="失信被执行人名单信息的删除由人民法院依法释〔2017〕7号第十条决定，不适用行政信用修复程序",
        listing=["ls-court"], data_providing=["ls-court"],
        measures=["P-ADM-05", "P-ADM-06", "P-ADM-07", "P-ADM-08", "P-ADM-09", "P-ADM-10",
                  "P-ADM-12", "P-ADM-13", "P-MGT-03", "P-MGT-05"],
    ),
    dict(
        code="wage-arrears", kind="SERIOUS", name="拖欠农民工工资失信联合惩戒对象名单",
        standard_document="人力资源社会保障部令第45号《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》",
        standard_article="第五条", validity_months=36, severity="SEVERE",
        min_publication_months=12, max_publication_months=36,
        listing=["ls-hrss"], data_providing=["ls-hrss", "ls-housing"],
        measures=["P-ADM-01", "P-ADM-02", "P-ADM-08", "P-ADM-10", "P-MGT-01", "P-MGT-02",
                  "P-MGT-03", "P-MGT-04", "P-MGT-05", "P-MGT-06"],
    ),
    dict(
        code="construction-serious", kind="SERIOUS", name="建筑市场主体严重失信名单",
        standard_document="建市〔2017〕241号《建筑市场信用管理暂行办法》", standard_article="第十四条",
        validity_months=12, severity="GENERAL", min_publication_months=3, max_publication_months=12,
        listing=["ls-housing"], data_providing=["ls-housing"],
        measures=["P-ADM-01", "P-ADM-02", "P-ADM-03", "P-ADM-11", "P-ADM-15", "P-MGT-01",
                  "P-MGT-02", "P-MGT-03", "P-MGT-05"],
    ),
    dict(
        code="eco-serious", kind="SERIOUS", name="环保严重失信企业名单",
        standard_document="环发〔2013〕150号《企业环境信用评价办法（试行）》", standard_article="",
        validity_months=24, severity="SEVERE", min_publication_months=12, max_publication_months=24,
        listing=["ls-eco"], data_providing=["ls-eco"],
        measures=["P-ADM-01", "P-ADM-15", "P-MGT-01", "P-MGT-02", "P-MGT-03", "P-MGT-04", "P-MGT-05"],
    ),
    # --- FOCUS (重点关注名单) ---
    dict(
        code="amr-abnormal", kind="FOCUS", name="市场监管领域重点关注名单（经营异常名录）",
        standard_document="《市场主体登记管理条例实施细则》；原工商总局令第68号《企业经营异常名录管理暂行办法》",
        standard_article="", validity_months=36, severity="MINOR",
        min_publication_months=0, max_publication_months=36,
        listing=["ls-amr", "rkz-amr"], data_providing=["ls-amr", "rkz-amr"],
        measures=["P-MGT-01", "P-MGT-05"],
    ),
    dict(
        code="construction-focus", kind="FOCUS", name="建筑市场主体重点关注名单",
        standard_document="建市〔2017〕241号《建筑市场信用管理暂行办法》", standard_article="",
        validity_months=12, severity="GENERAL", min_publication_months=3, max_publication_months=12,
        listing=["ls-housing"], data_providing=["ls-housing"],
        measures=["P-MGT-01", "P-MGT-03", "P-MGT-05"],
    ),
    # --- RED (守信激励对象 / 诚信典型红名单) ---
    dict(
        code="tax-a-grade", kind="RED", name="纳税信用A级纳税人名单",
        standard_document="国家税务总局公告2014年第40号《纳税信用管理办法（试行）》", standard_article="",
        validity_months=12, listing=["ls-tax", "rkz-tax"], data_providing=["ls-tax", "rkz-tax"],
        measures=["R-01", "R-05", "R-08", "R-09"],
    ),
    dict(
        code="integrity-model", kind="RED", name="诚信典型红名单",
        standard_document="国发〔2016〕33号", standard_article="（三）",
        validity_months=24, listing=["ls-drc", "rkz-drc"], data_providing=["ls-amr", "ls-tax", "ls-hrss"],
        measures=["R-01", "R-02", "R-03", "R-04", "R-09", "R-10"],
    ),
    dict(
        code="amr-contract-keeping", kind="RED", name="守合同重信用企业名单",
        standard_document="国发〔2016〕33号；《拉萨市守合同重信用企业公示办法》（示例）", standard_article="",
        validity_months=24, listing=["ls-amr"], data_providing=["ls-amr"],
        measures=["R-01", "R-05", "R-09"],
    ),
]

# Credit lead offices per list: Lhasa's supervises every list; Shigatse's those its units list.
CREDIT_LEAD_UNITS = {"540100": "ls-drc", "540200": "rkz-drc"}

# Staff: (username, unit, role, full name, scope region or None)
STAFF = [
    ("ls-drc-officer", "ls-drc", "OFFICER", "次仁央宗", None),
    ("ls-drc-leader", "ls-drc", "LEADER", "王建国", None),
    ("ls-amr-officer", "ls-amr", "OFFICER", "扎西顿珠", None),
    ("ls-amr-officer2", "ls-amr", "OFFICER", "刘晓燕", None),
    ("ls-amr-leader", "ls-amr", "LEADER", "格桑旺堆", None),
    ("ls-tax-officer", "ls-tax", "OFFICER", "德吉央宗", None),
    ("ls-tax-officer2", "ls-tax", "OFFICER", "张伟", None),
    ("ls-tax-leader", "ls-tax", "LEADER", "李卫东", None),
    ("ls-eco-officer", "ls-eco", "OFFICER", "普布次仁", None),
    ("ls-eco-leader", "ls-eco", "LEADER", "陈志远", None),
    ("ls-housing-officer", "ls-housing", "OFFICER", "赵磊", None),
    ("ls-housing-leader", "ls-housing", "LEADER", "旦增朗杰", None),
    ("ls-court-officer", "ls-court", "OFFICER", "卓玛", None),
    ("ls-court-leader", "ls-court", "LEADER", "孙明", None),
    ("ls-hrss-officer", "ls-hrss", "OFFICER", "拉巴卓嘎", None),
    ("ls-hrss-leader", "ls-hrss", "LEADER", "周海涛", None),
    ("ls-finance-officer", "ls-finance", "OFFICER", "白玛央金", None),
    ("ls-finance-leader", "ls-finance", "LEADER", "吴刚", None),
    ("ls-platform-officer", "ls-platform", "OFFICER", "尼玛次仁", None),
    ("ls-platform-leader", "ls-platform", "LEADER", "黄丽", None),
    ("rkz-drc-officer", "rkz-drc", "OFFICER", "边巴", None),
    ("rkz-drc-leader", "rkz-drc", "LEADER", "罗布", None),
    ("rkz-amr-officer", "rkz-amr", "OFFICER", "索朗曲珍", None),
    ("rkz-amr-leader", "rkz-amr", "LEADER", "杨建华", None),
    ("rkz-tax-officer", "rkz-tax", "OFFICER", "达瓦", None),
    ("rkz-tax-leader", "rkz-tax", "LEADER", "平措", None),
    ("xz-auditor", "ls-drc", "AUDITOR", "洛桑坚参", "540000"),
    ("ls-auditor", "ls-drc", "AUDITOR", "马丽华", "540100"),
    ("demo-admin", "ls-drc", "ADMINISTRATOR", "系统管理员", None),
]


# Subjects' portal accounts (users without a staff profile): one company, one individual.
# (username, name shown, e-mail)
PORTAL_ACCOUNTS = [
    ("portal-company", "西藏雪域天成建筑工程有限公司", "xueyu-tiancheng@example.cn"),
    ("portal-person", "扎西次仁", "tashi-tsering@example.cn"),
]

def _org_body(seed: str, new_style: bool) -> str:
    """A deterministic 8-character organisation code body (GB 11714 without its check character).

    Codes issued since 2015 in Tibet look like ``MA6T....``; older ones are eight digits.
    """
    digest = hashlib.sha256(seed.encode()).digest()
    if new_style:
        return "MA6T" + "".join(USCC_CHARSET[b % len(USCC_CHARSET)] for b in digest[:4])
    return "".join(str(b % 10) for b in digest[:8])


def _subject(kind, authority_type, region, name, legal_representative, address, new_style=True):
    return dict(
        kind=kind,
        identifier=make_uscc(authority_type, region, _org_body(name, new_style)),
        name=name,
        legal_representative=legal_representative,
        region=region,
        address=address,
    )


def _company(region, name, legal_representative, address, new_style=True):
    return _subject("LEGAL_PERSON", "91", region, name, legal_representative, address, new_style)


def _person(region, birth, sequence, name, address, born_in=None):
    """``born_in``: the address code in the ID number when the person was registered elsewhere."""
    return dict(
        kind="NATURAL_PERSON",
        identifier=make_resident_id(born_in or region, birth, sequence),
        name=name,
        legal_representative="",
        region=region,
        address=address,
    )


SUBJECTS = [
    # Companies in Lhasa
    _company("540102", "西藏雪域天成建筑工程有限公司", "次旺多吉", "拉萨市城关区江苏大道18号", new_style=False),
    _company("540102", "拉萨吉祥八宝商贸有限公司", "陈立新", "拉萨市城关区北京中路56号"),
    _company("540102", "西藏高原明珠餐饮管理有限公司", "央金", "拉萨市城关区林廓北路23号"),
    _company("540102", "拉萨市拉鲁湿地生态旅游开发有限公司", "刘涛", "拉萨市城关区夺底路9号"),
    _company("540102", "拉萨宏达运输有限责任公司", "王志刚", "拉萨市城关区金珠西路102号", new_style=False),
    _company("540102", "拉萨雪城电子科技有限公司", "多吉次仁", "拉萨市城关区色拉路41号"),
    _company("540102", "西藏日光城物业服务有限公司", "黄海峰", "拉萨市城关区宇拓路7号"),
    _company("540102", "西藏格桑花文化传媒有限公司", "格桑卓玛", "拉萨市城关区朵森格路35号"),
    _company("540102", "西藏安居乐业房地产开发有限公司", "郑国强", "拉萨市城关区纳金路66号", new_style=False),
    _company("540102", "拉萨卓越税务师事务所有限公司", "石磊", "拉萨市城关区藏大东路12号"),
    _company("540102", "拉萨市城关区美家装饰设计有限公司", "李娟", "拉萨市城关区太阳岛二路5号"),
    _company("540103", "拉萨市念青劳务派遣有限公司", "强巴", "拉萨市堆龙德庆区东嘎街道青藏路88号"),
    _company("540103", "西藏珠峰雪莲药业有限公司", "旺堆", "拉萨市堆龙德庆区羊达街道工业园区A区"),
    _company("540103", "拉萨市堆龙德庆区金桥混凝土有限公司", "何建军", "拉萨市堆龙德庆区乃琼镇318国道旁", new_style=False),
    _company("540103", "西藏天晟市政工程有限公司", "杨帆", "拉萨市堆龙德庆区东嘎街道德庆路20号"),
    _company("540104", "西藏圣湖建材贸易有限公司", "扎西平措", "拉萨市达孜区德庆镇工业园区"),
    _company("540104", "拉萨达孜鑫源石材有限公司", "罗军", "拉萨市达孜区章多乡"),
    _company("540121", "拉萨净土农牧科技开发有限公司", "次仁旺姆", "拉萨市林周县甘丹曲果镇"),
    _company("540121", "拉萨市林周县鸿运砂石料有限公司", "唐勇", "拉萨市林周县强嘎乡"),
    _company("540122", "西藏当雄草原牧业有限公司", "拉巴次仁", "拉萨市当雄县当曲卡镇"),
    _company("540123", "拉萨市尼木县吞巴藏香加工有限公司", "顿珠", "拉萨市尼木县吞巴乡"),
    _company("540124", "西藏雅鲁藏布环保科技有限公司", "冯波", "拉萨市曲水县聂当乡工业园"),
    _company("540127", "西藏藏源青稞酒业有限公司", "索朗次仁", "拉萨市墨竹工卡县工卡镇"),
    _company("540102", "西藏藏地阳光新能源有限公司", "马俊", "拉萨市城关区纳金路102号"),
    # Companies in Shigatse
    _company("540202", "日喀则市桑珠孜区年楚河建筑工程有限公司", "尼玛扎西", "日喀则市桑珠孜区上海中路31号", new_style=False),
    _company("540202", "西藏后藏青稞食品有限公司", "贡觉", "日喀则市桑珠孜区珠峰路18号"),
    _company("540202", "日喀则市雪峰劳务有限公司", "高明", "日喀则市桑珠孜区吉林南路9号"),
    _company("540202", "西藏日喀则恒通汽车运输有限公司", "次仁多布杰", "日喀则市桑珠孜区山东北路55号", new_style=False),
    _company("540202", "日喀则市桑珠孜区吉祥矿泉水有限公司", "仁增", "日喀则市桑珠孜区东嘎乡"),
    _company("540222", "日喀则市江孜县宗山商贸有限公司", "白玛", "日喀则市江孜县江孜镇英雄南路6号"),
    _company("540223", "西藏珠峰牧歌乳业有限公司", "普琼", "日喀则市定日县协格尔镇"),
    _company("540223", "日喀则定日珠峰旅游服务有限公司", "加措", "日喀则市定日县扎西宗乡"),
    _company("540233", "日喀则亚东边贸物流有限公司", "徐涛", "日喀则市亚东县下司马镇"),
    # Branches and partnerships (非法人组织)
    _subject("UNINCORPORATED", "91", "540103", "西藏雪域天成建筑工程有限公司堆龙德庆分公司", "次旺多吉",
             "拉萨市堆龙德庆区东嘎街道德庆路8号"),
    _subject("UNINCORPORATED", "91", "540102", "西藏诚达会计师事务所（普通合伙）", "胡静",
             "拉萨市城关区金珠中路17号"),
    _subject("UNINCORPORATED", "91", "540202", "日喀则市雪峰劳务有限公司江孜分公司", "高明",
             "日喀则市江孜县江孜镇宗山路3号"),
    # Farmers' cooperatives (农民专业合作社, 93)
    _subject("LEGAL_PERSON", "93", "540124", "曲水县净土蔬菜种植农民专业合作社", "米玛", "拉萨市曲水县达嘎乡"),
    _subject("LEGAL_PERSON", "93", "540202", "桑珠孜区卡垫手工艺农民专业合作社", "次珍", "日喀则市桑珠孜区江当乡"),
    # Individual businesses (个体工商户, 92)
    _subject("INDIVIDUAL_BUSINESS", "92", "540102", "拉萨市城关区达瓦藏餐馆", "达瓦次仁", "拉萨市城关区八廓街东段12号"),
    _subject("INDIVIDUAL_BUSINESS", "92", "540102", "拉萨市城关区次仁甜茶馆", "次仁", "拉萨市城关区冲赛康巷3号"),
    _subject("INDIVIDUAL_BUSINESS", "92", "540103", "堆龙德庆区平措汽车修理部", "平措", "拉萨市堆龙德庆区东嘎街道109国道旁"),
    _subject("INDIVIDUAL_BUSINESS", "92", "540202", "桑珠孜区格桑百货店", "格桑", "日喀则市桑珠孜区青岛路21号"),
    _subject("INDIVIDUAL_BUSINESS", "92", "540222", "江孜县央金卡垫店", "央金", "日喀则市江孜县江孜镇加日郊路4号"),
    # Social organisations (社会组织, 5x)
    _subject("LEGAL_PERSON", "51", "540100", "拉萨市建筑业协会", "王强", "拉萨市城关区江苏路27号"),
    _subject("LEGAL_PERSON", "51", "540100", "拉萨市餐饮行业协会", "扎西", "拉萨市城关区北京西路4号"),
    _subject("LEGAL_PERSON", "51", "540200", "日喀则市个体劳动者协会", "次仁罗布", "日喀则市桑珠孜区上海北路2号"),
    _subject("LEGAL_PERSON", "52", "540102", "拉萨市城关区阳光职业技能培训学校", "李红梅", "拉萨市城关区嘎玛贡桑路9号"),
    # Natural persons (自然人)
    _person("540102", dt.date(1978, 4, 12), "031", "扎西次仁", "拉萨市城关区八廓街道"),
    _person("540102", dt.date(1985, 9, 3), "024", "央金卓玛", "拉萨市城关区吉日街道"),
    _person("540103", dt.date(1990, 1, 27), "015", "旦增曲扎", "拉萨市堆龙德庆区东嘎街道"),
    _person("540102", dt.date(1972, 11, 5), "057", "王建军", "拉萨市城关区金珠西路", born_in="510104"),
    _person("540102", dt.date(1981, 6, 18), "042", "李秀英", "拉萨市城关区纳金街道", born_in="620102"),
    _person("540202", dt.date(1969, 3, 30), "011", "普布顿珠", "日喀则市桑珠孜区城北街道"),
    _person("540222", dt.date(1993, 12, 8), "026", "次仁拉姆", "日喀则市江孜县江孜镇"),
    _person("540202", dt.date(1976, 8, 21), "073", "陈志强", "日喀则市桑珠孜区城南街道", born_in="500103"),
]
