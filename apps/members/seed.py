"""Seed the sectors and a fictional roster of the 11th term as the article describes it:
256 members (101 CPC, 155 not; about 30 standing members; the 16 townships' full-time
party deputy secretaries among the CPC members), the party group's sector links, 155
pairings (each CPC member with 1 or 2 non-CPC members) and their 2021 contact records.

Everything is planned from a fixed random seed first, then get-or-created by a stable
key, so a second run adds nothing and never overwrites what staff have edited since.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.conf import settings

from apps.core.seeding import SeedContext, ensure_rows, read_fixture

from .models import ContactRecord, Member, Pairing, Sector, SectorLink

TOWNSHIPS = [
    "城关镇", "颍桥回族镇", "麦岭镇", "颍阳镇", "王洛镇", "紫云镇", "库庄镇", "十里铺镇",
    "山头店镇", "汾陈镇", "湛北乡", "茨沟乡", "丁营乡", "姜庄乡", "范湖乡", "双庙乡",
]  # fmt: skip
DEPUTY_SECRETARY_TITLE = "党委专职副书记"
CPC_COUNT, NON_CPC_COUNT = 101, 155
PAIRING_START = datetime.date(2021, 3, 1)
JOINED_ON = datetime.date(2021, 1, 10)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵"
    "万钱严武戴孔向汤常牛单解仇翟查"
)
GIVEN_MALE = "建国志强伟军勇涛明杰斌鹏飞俊峰刚波辉磊超华亮平东海林宏文保卫振兴德胜永福庆新春利民"
GIVEN_FEMALE = "秀英丽娟敏静芳霞燕玲红艳梅桂兰萍莉娜晓雪慧颖琳婷倩丹洁佳欣悦"

# Party group (党组): CPPCC chair, vice chairs and secretary-general.
PARTY_GROUP = [
    ("县政协", "主席"),
    ("县政协", "党组副书记、副主席"),
    ("县政协", "副主席"),
    ("县政协", "副主席"),
    ("县政协", "秘书长"),
]
CPC_OTHER_SECTORS = [
    ("中共", 52),
    ("共青团", 3),
    ("工会", 4),
    ("妇联", 4),
    ("科技界", 3),
    ("经济界", 4),
    ("农业界", 4),
    ("教育界", 3),
    ("医药卫生界", 3),
]  # 80 CPC members besides the 16 deputy secretaries and the 5 of the party group
DEMOCRATIC = [("民革", 8), ("民盟", 10), ("民建", 9), ("民进", 10), ("农工党", 8), ("九三学社", 6)]
NON_PARTY = [
    ("无党派人士", 15),
    ("工商联", 15),
    ("科技界", 8),
    ("经济界", 12),
    ("农业界", 10),
    ("教育界", 10),
    ("文化艺术界", 8),
    ("医药卫生界", 8),
    ("体育界", 3),
    ("新闻出版界", 3),
    ("社会福利和社会保障界", 4),
    ("少数民族界", 4),
    ("宗教界", 3),
    ("特邀人士", 1),
]
WORK_UNITS = {
    "中共": [
        ("县委办公室", "副主任"),
        ("县发展和改革委员会", "主任"),
        ("县财政局", "局长"),
        ("县教育局", "副局长"),
        ("县卫生健康委员会", "主任"),
        ("县住房和城乡建设局", "局长"),
        ("县农业农村局", "副局长"),
        ("县交通运输局", "局长"),
        ("县自然资源局", "副局长"),
        ("县民政局", "局长"),
        ("县人力资源和社会保障局", "副局长"),
        ("县市场监督管理局", "局长"),
    ],
    "共青团": [("共青团襄城县委", "书记")],
    "工会": [("县总工会", "副主席")],
    "妇联": [("县妇女联合会", "主席")],
    "科技界": [("县科学技术局", "副局长"), ("县农业科学研究所", "所长")],
    "经济界": [
        ("襄城县城市投资发展有限公司", "董事长"),
        ("襄城县农村商业银行", "行长"),
        ("襄城县煤焦化有限公司", "总经理"),
        ("襄城县硅碳新材料有限公司", "总经理"),
    ],
    "农业界": [
        ("襄城县烟叶专业合作社", "理事长"),
        ("襄城县红薯种植专业合作社", "理事长"),
        ("襄城县农业技术推广中心", "高级农艺师"),
    ],
    "教育界": [
        ("襄城县高级中学", "校长"),
        ("襄城县第一初级中学", "教师"),
        ("城关镇第二小学", "校长"),
        ("襄城县职业技术教育中心", "副校长"),
    ],
    "医药卫生界": [
        ("襄城县人民医院", "主任医师"),
        ("襄城县中医院", "副院长"),
        ("襄城县妇幼保健院", "主治医师"),
    ],
    "民革": [("襄城县律师事务所", "律师"), ("襄城县第二高级中学", "教师")],
    "民盟": [("襄城县高级中学", "教师"), ("许昌学院襄城分校", "讲师")],
    "民建": [("襄城县某建材有限公司", "总经理"), ("襄城县商贸有限公司", "董事长")],
    "民进": [("襄城县实验小学", "教师"), ("襄城县文化馆", "馆员")],
    "农工党": [("襄城县人民医院", "副主任医师"), ("襄城县疾病预防控制中心", "主管医师")],
    "九三学社": [("襄城县农业科学研究所", "研究员"), ("襄城县气象局", "工程师")],
    "无党派人士": [
        ("襄城县统计局", "副局长"),
        ("襄城县审计局", "副局长"),
        ("襄城县人民医院", "医师"),
    ],
    "工商联": [
        ("襄城县食品有限公司", "董事长"),
        ("襄城县物流有限公司", "总经理"),
        ("襄城县服装有限公司", "总经理"),
    ],
    "文化艺术界": [("襄城县豫剧团", "演员"), ("襄城县书法家协会", "副主席")],
    "体育界": [("襄城县体育运动学校", "教练")],
    "新闻出版界": [("襄城县融媒体中心", "记者")],
    "社会福利和社会保障界": [("襄城县社会福利院", "院长"), ("襄城县慈善总会", "秘书长")],
    "少数民族界": [("颍桥回族镇清真食品有限公司", "总经理"), ("颍桥回族镇中心学校", "教师")],
    "宗教界": [("襄城县佛教协会", "会长"), ("襄城县伊斯兰教协会", "副会长")],
    "特邀人士": [("襄城县归国华侨联合会", "主席")],
}
TOPICS = [
    "就医难", "上学难", "停车难", "老旧小区改造", "居民养老", "农村天然气改造",
    "优化营商环境", "乡村振兴", "人居环境整治", "企业用工",
]  # fmt: skip
CONTACT_TEMPLATES: dict[str, str] = {
    ContactRecord.Way.VISIT: "到{unit}走访{name}，了解单位发展情况，听取关于{topic}的意见建议。",
    ContactRecord.Way.PHONE: "电话联系{name}，交流近期履职情况，介绍县政协{topic}专题协商安排。",
    ContactRecord.Way.MEETING: "与{name}座谈，围绕{topic}交换意见，形成建议两条。",
    ContactRecord.Way.WECHAT: "通过微信与{name}沟通，转达委员关于{topic}的社情民意信息。",
    ContactRecord.Way.OTHER: "邀请{name}参加{topic}实地调研，一同走访群众。",
}


@dataclass
class PlannedMember:
    no: int
    fields: dict


def _unique_name(rng: random.Random, female: bool, taken: set[str]) -> str:
    pool = GIVEN_FEMALE if female else GIVEN_MALE
    while True:
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            return name


def plan_members(term: int) -> list[PlannedMember]:
    """The 256 members, the same on every machine (their own fixed random seed)."""
    rng = random.Random(f"xiangcheng-members-{term}")
    taken: set[str] = set()
    phones: set[str] = set()
    plan: list[tuple[str, str, str, str, dict]] = []  # sector, affiliation, unit, title, extra
    for township in TOWNSHIPS:
        plan.append(("中共", Member.Affiliation.CPC, f"{township}党委", DEPUTY_SECRETARY_TITLE, {}))
    for unit, title in PARTY_GROUP:
        extra = {"is_party_group": True, "is_standing": True}
        plan.append(("中共", Member.Affiliation.CPC, unit, title, extra))
    for sector, count in CPC_OTHER_SECTORS:
        for _i in range(count):
            unit, title = rng.choice(WORK_UNITS[sector])
            plan.append((sector, Member.Affiliation.CPC, unit, title, {}))
    for groups, group_affiliation in (
        (DEMOCRATIC, Member.Affiliation.DEMOCRATIC_PARTY),
        (NON_PARTY, Member.Affiliation.NON_PARTY),
    ):
        for sector, count in groups:
            for _i in range(count):
                unit, title = rng.choice(WORK_UNITS[sector])
                plan.append((sector, group_affiliation, unit, title, {}))
    assert len(plan) == CPC_COUNT + NON_CPC_COUNT
    # About 30 standing members: the party group, 9 more CPC and 16 non-CPC members.
    standing = set(rng.sample(range(21, CPC_COUNT), 9))
    standing |= set(rng.sample(range(CPC_COUNT, CPC_COUNT + NON_CPC_COUNT), 16))
    members = []
    for index, (sector, affiliation, unit, title, extra) in enumerate(plan):
        female = rng.random() < 0.3
        while True:
            phone = f"1{rng.choice('3579')}{rng.randrange(10**9):09d}"
            if phone not in phones:
                phones.add(phone)
                break
        birth = datetime.date(rng.randint(1962, 1990), rng.randint(1, 12), rng.randint(1, 28))
        ethnicity = "回族" if sector == "少数民族界" or (rng.random() < 0.04) else "汉族"
        fields = {
            "name": _unique_name(rng, female, taken),
            "gender": Member.Gender.FEMALE if female else Member.Gender.MALE,
            "ethnicity": ethnicity,
            "birth_date": birth,
            "sector": sector,
            "affiliation": affiliation,
            "work_unit": unit,
            "title": title,
            "phone": phone,
            "joined_on": JOINED_ON,
            "is_standing": index in standing,
            **extra,
        }
        members.append(PlannedMember(no=index + 1, fields=fields))
    return members


def plan_pairings(term: int) -> list[tuple[int, int, list[tuple[datetime.date, str, str]]]]:
    """(CPC member no, non-CPC member no, contacts): 101 CPC members, 54 of them with two
    partners, so that all 155 non-CPC members are covered; 2 to 5 contacts in 2021."""
    rng = random.Random(f"xiangcheng-pairings-{term}")
    cpc = list(range(1, CPC_COUNT + 1))
    partners = list(range(CPC_COUNT + 1, CPC_COUNT + NON_CPC_COUNT + 1))
    rng.shuffle(partners)
    doubles = set(rng.sample(cpc, NON_CPC_COUNT - CPC_COUNT))
    pairs = []
    queue = iter(partners)
    for no in cpc:
        for _i in range(2 if no in doubles else 1):
            partner = next(queue)
            contacts: list[tuple[datetime.date, str, str]] = []
            days = sorted(rng.sample(range(4, 300), rng.randint(2, 5)))
            for day in days:
                way = rng.choice(list(CONTACT_TEMPLATES))
                topic = rng.choice(TOPICS)
                contacts.append((PAIRING_START + datetime.timedelta(days=day), way, topic))
            pairs.append((no, partner, contacts))
    return pairs


def member_no(term: int, no: int) -> str:
    return f"{term}-{no:03d}"


def seed(ctx: SeedContext) -> None:
    term = settings.CURRENT_TERM
    sectors = ensure_rows(ctx, Sector, read_fixture("sectors.json"), "name")

    existing = {m.member_no: m for m in Member.objects.filter(term=term)}
    members: dict[int, Member] = {}
    for planned in plan_members(term):
        number = member_no(term, planned.no)
        member = existing.get(number)
        if member is None:
            fields = {**planned.fields, "sector": sectors[planned.fields["sector"]]}
            member = Member.objects.create(term=term, member_no=number, **fields)
            ctx.count("members", True)
        members[planned.no] = member

    party_group = [m for no, m in sorted(members.items()) if 17 <= no <= 21]
    for index, sector in enumerate(sectors.values()):
        _link, created = SectorLink.objects.get_or_create(
            party_member=party_group[index % len(party_group)], sector=sector, term=term
        )
        ctx.count("sector links", created)

    paired = set(Pairing.objects.filter(term=term).values_list("cpc_member_id", "partner_id"))
    partners_taken = {partner for _cpc, partner in paired}
    for cpc_no, partner_no, contacts in plan_pairings(term):
        cpc, partner = members[cpc_no], members[partner_no]
        if (cpc.pk, partner.pk) in paired:
            pairing = Pairing.objects.filter(cpc_member=cpc, partner=partner, term=term).first()
        elif partner.pk in partners_taken or not (cpc.is_cpc and not partner.is_cpc):
            continue  # staff re-paired or re-classified them since: leave it
        else:
            pairing = Pairing.objects.create(
                cpc_member=cpc, partner=partner, term=term, started_on=PAIRING_START
            )
            ctx.count("pairings", True)
        for date, way, topic in contacts:
            content = CONTACT_TEMPLATES[way].format(
                unit=partner.work_unit or "单位", name=partner.name, topic=topic
            )
            _record, created = ContactRecord.objects.get_or_create(
                pairing=pairing, date=date, way=way, defaults={"content": content}
            )
            ctx.count("contact records", created)


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    """The demo `member` user becomes a CPC member who leads pairings, so the demo shows
    the own profile, the own pairings and adding a contact record."""
    user = users.get("member")
    if user is None or Member.objects.filter(user=user).exists():
        return
    candidate = (
        Member.objects.current_term()
        .active()
        .cpc()
        .filter(user__isnull=True, is_party_group=False)
        .filter(pk__in=Pairing.objects.active().values("cpc_member"))
        .exclude(title=DEPUTY_SECRETARY_TITLE)
        .order_by("member_no")
        .first()
    )
    if candidate is None:
        return
    candidate.user = user
    candidate.save(update_fields=["user"])
    ctx.count("demo member links", True)
