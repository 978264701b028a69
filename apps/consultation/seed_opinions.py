"""Seed 社情民意 of 2021: 80 items from the seeded members and the 16 liaison offices
(for residents), 36 adopted (30 compiled into 12 issues of 《襄城政协·社情民意》, sent to
县委、县政府、市政协), others not adopted, returned or waiting; leaders' instructions on a
few items and two issues; six referred to departments (four replied, one closed); four
adopted by 市政协 and one by 省政协. The demo member gets items in several states; the
城关镇 office (office1's) has items of its own.

Idempotent: the year is made in one go (numbers, issues) when it has no issue yet; the
demo member's items are keyed by title."""

from __future__ import annotations

import datetime
import random

from django.conf import settings

from apps.core.seeding import SeedContext
from apps.members.models import Member
from apps.venues.models import Township, Venue

from .models import (
    Department,
    OpinionAdoption,
    OpinionCategory,
    OpinionInstruction,
    OpinionIssue,
    OpinionItem,
    Referral,
)
from .seed_research_data import LEADERS

YEAR = 2021
CATEGORIES = ["经济发展", "民生保障", "社会治理", "生态环境", "乡村振兴", "文化教育", "其他"]
RECIPIENTS = "县委、县政府、市政协"
# topic, category index, department (for a referral)
TOPICS = [
    ("农村饮水安全保障", 1, "县水利局"),
    ("城区学校周边交通拥堵", 2, "县公安局交警大队"),
    ("农村留守老人照护", 1, "县民政局"),
    ("老旧小区加装电梯", 1, "县住建局"),
    ("乡镇卫生院医生短缺", 1, "县卫健委"),
    ("农村天然气改造进度", 4, "县燃气公司"),
    ("背街小巷路灯缺失", 2, "县城管局"),
    ("烟叶收购价格波动", 4, "县农业农村局"),
    ("小微企业融资难", 0, "县财政局"),
    ("农村生活污水直排", 3, "县生态环境分局"),
    ("城区停车位不足", 2, "县住建局"),
    ("农村客运班线停运", 2, "县交通运输局"),
    ("秸秆综合利用", 3, "县农业农村局"),
    ("农产品销售渠道不畅", 4, "县商务局"),
    ("乡村学校教师流失", 5, "县教体局"),
    ("医保异地结算不便", 1, "县医保局"),
    ("农村电网低电压", 4, "县供电公司"),
    ("城乡公益性岗位管理", 2, "县人社局"),
    ("沿街商铺占道经营", 2, "县城管局"),
    ("高标准农田后期管护", 4, "县农业农村局"),
    ("农村文化广场闲置", 5, "县文广旅局"),
    ("食品小作坊监管", 2, "县市场监管局"),
    ("农村危房改造", 1, "县住建局"),
    ("县城供暖覆盖不足", 1, "县住建局"),
    ("企业用工难", 0, "县人社局"),
    ("政务服务办事排队", 0, "县行政审批服务局"),
    ("河道垃圾清理", 3, "县水利局"),
    ("农村道路安全隐患", 2, "县交通运输局"),
    ("婴幼儿托育服务缺口", 1, "县卫健委"),
    ("非遗传承人断档", 5, "县文广旅局"),
    ("电动自行车充电安全", 2, "县应急管理局"),
    ("农村集体经济薄弱", 4, "县乡村振兴局"),
    ("县医院就医挂号难", 1, "县人民医院"),
    ("快递进村最后一公里", 0, "县商务局"),
    ("空心村宅基地闲置", 4, "县自然资源局"),
    ("城区内涝积水", 3, "县住建局"),
    ("农民工工资拖欠", 2, "县人社局"),
    ("学生课后服务", 5, "县教体局"),
    ("残疾人就业帮扶", 1, "县民政局"),
    ("农村垃圾清运不及时", 3, "县城管局"),
]
FRAMES = ["关于解决{}问题的建议", "{}问题亟待重视"]
SITUATION = (
    "近期，{where}群众反映{topic}问题较为突出。据了解，{where}涉及群众较多，"
    "群众多次通过村（社区）和联络室反映，意见比较集中。"
)
ANALYSIS = "问题的主要原因：一是投入不足；二是部门之间衔接不够；三是长效管理机制尚未建立。"
SUGGESTION = (
    "一、摸清底数，建立问题台账，明确责任单位和完成时限。\n"
    "二、统筹资金，优先解决群众反映最集中的问题。\n"
    "三、建立长效机制，定期回访群众，防止问题反弹。"
)
NOT_ADOPTED_REASONS = [
    "所反映问题已在本年度《社情民意》中编发，内容重复，暂不采用。",
    "所反映问题属个案诉求，已转有关部门按信访渠道处理。",
    "所反映情况有关部门已在推进解决，暂不采用。",
    "内容较为笼统，缺少具体事实和数据支撑，暂不采用。",
]
# Which of every twenty items are adopted (the rest: returned at 17, else not adopted).
ADOPTED_ROLLS = (0, 1, 2, 4, 5, 6, 7, 9, 13, 15)
RETURN_REASON = "请补充问题涉及的具体范围、群众人数和已采取的措施后再报送。"
REPLY = (
    "县政协：转来的《{title}》收悉。我单位高度重视，已组织专人调查核实，{progress}"
    "感谢对我县工作的关心和支持！"
)
PROGRESS = {
    "A": "所反映问题已全部解决。",
    "B": "所反映问题正在解决，预计年底前完成。",
    "C": "所反映问题已列入明年工作计划。",
}
DEMO_MARK = "关于社区健身器材老化损坏的建议"  # the demo member's draft: seeded once
INSTRUCTION = "此件反映的问题具有普遍性，请{department}认真研究，提出解决办法，及时反馈县政协。"


def seed(ctx: SeedContext) -> None:
    categories = _categories(ctx)
    members = list(
        Member.objects.filter(term=settings.CURRENT_TERM, status=Member.Status.ACTIVE)
        .filter(user__isnull=True)
        .order_by("member_no")
    )
    offices = list(Venue.objects.offices().select_related("township").order_by("sort_order"))
    townships = list(Township.objects.order_by("sort_order"))
    departments = {d.name: d for d in Department.objects.all()}
    if len(members) < 20 or not offices or not townships:
        return
    if OpinionIssue.objects.filter(year=YEAR).exists():
        return  # seeded once: the year's items and issues are made in one go
    rng = random.Random(f"{YEAR}|opinions")
    plan = [
        (FRAMES[(i // len(TOPICS)) % len(FRAMES)].format(topic), topic, cat, dept)
        for i, (topic, cat, dept) in enumerate(TOPICS * len(FRAMES))
    ]
    items: list[OpinionItem] = []
    for index, (title, topic, cat, dept) in enumerate(plan):
        from_office = index % 3 == 1
        office = offices[(index // 3) % len(offices)] if from_office else None
        township = office.township if office else rng.choice([*townships, None])
        submitted = datetime.date(YEAR, 2 + index * 10 // len(plan), 1 + rng.randint(0, 26))
        where = township.name if township else "县城"
        item = OpinionItem(
            title=title,
            situation=SITUATION.format(where=where, topic=topic),
            analysis=ANALYSIS,
            suggestion=SUGGESTION,
            category=categories[CATEGORIES[cat]],
            township=township,
            member=None if office else members[(index * 7) % len(members)],
            venue=office,
            state=OpinionItem.State.SUBMITTED,
            submitted_on=submitted,
        )
        roll = index % 20
        if index >= len(plan) - 8:  # the latest wait for review
            pass
        elif roll == 17:
            item.state, item.reason = OpinionItem.State.RETURNED, RETURN_REASON
        elif roll in ADOPTED_ROLLS:
            item.state = OpinionItem.State.ADOPTED
            if index % 4 == 0:
                item.edited_title = title.replace("的建议", "的情况反映")
        else:
            item.state = OpinionItem.State.NOT_ADOPTED
            item.reason = NOT_ADOPTED_REASONS[index % len(NOT_ADOPTED_REASONS)]
        if item.state != OpinionItem.State.SUBMITTED:
            item.reviewed_on = submitted + datetime.timedelta(days=rng.randint(3, 12))
        item.save()
        ctx.count("public opinion items", True)
        items.append(item)
        item.department_name = dept  # type: ignore[attr-defined]
    adopted = [i for i in items if i.state == OpinionItem.State.ADOPTED]
    _issues(ctx, adopted[:30])
    _follow_up(ctx, adopted, departments)


def _categories(ctx: SeedContext) -> dict[str, OpinionCategory]:
    result = {}
    for order, name in enumerate(CATEGORIES, start=1):
        category, created = OpinionCategory.objects.get_or_create(
            name=name, defaults={"sort_order": order * 10}
        )
        ctx.count("opinion categories", created)
        result[name] = category
    return result


def _issues(ctx: SeedContext, compiled: list[OpinionItem]) -> None:
    """Twelve issues of two or three items each, by the date adopted."""
    compiled.sort(key=lambda i: (i.reviewed_on, i.pk))
    sizes = [3, 2, 3, 2, 3, 2, 3, 2, 3, 2, 3, 2]
    start = 0
    for number, size in enumerate(sizes, start=1):
        chunk = compiled[start : start + size]
        start += size
        if not chunk:
            break
        last = max(i.reviewed_on for i in chunk if i.reviewed_on)
        issue = OpinionIssue.objects.create(
            year=YEAR,
            number=number,
            compiled_on=last + datetime.timedelta(days=3),
            sent_on=last + datetime.timedelta(days=5),
            recipients=RECIPIENTS,
        )
        ctx.count("opinion issues", True)
        for order, item in enumerate(chunk, start=1):
            item.issue, item.issue_order = issue, order
            item.save(update_fields=["issue", "issue_order"])


def _sent(item: OpinionItem) -> datetime.date:
    issue = item.issue
    assert issue is not None
    return issue.sent_on or issue.compiled_on


def _follow_up(ctx: SeedContext, adopted: list[OpinionItem], departments: dict) -> None:
    """Instructions, referrals (with replies), higher adoptions on some compiled items."""
    compiled = [i for i in adopted if i.issue_id]
    for n, item in enumerate(compiled[1::6]):
        title, name = LEADERS[n % len(LEADERS)]
        department = getattr(item, "department_name", "有关部门")
        OpinionInstruction.objects.create(
            item=item,
            leader_name=name,
            leader_title=title,
            instructed_on=_sent(item) + datetime.timedelta(days=4),
            text=INSTRUCTION.format(department=department),
        )
        ctx.count("opinion instructions", True)
        target = departments.get(department)
        if target is None:
            continue
        referred_on = _sent(item) + datetime.timedelta(days=7)
        referral = Referral(
            opinion=item,
            department=target,
            referred_on=referred_on,
            due_on=referred_on + datetime.timedelta(days=30),
        )
        if n % 3 != 2:  # most replied; a few awaiting the reply
            grade = "ABC"[n % 3]
            replied = referred_on + datetime.timedelta(days=20)
            referral.replied_on = replied
            referral.reply_text = REPLY.format(title=item.sent_title, progress=PROGRESS[grade])
            referral.implementation = grade
            if n == 0:
                referral.satisfaction = Referral.Satisfaction.SATISFIED
                referral.closed_on = replied + datetime.timedelta(days=5)
        referral.save()
        ctx.count("opinion referrals", True)
    issues = list(OpinionIssue.objects.filter(year=YEAR).order_by("number"))
    for issue in issues[2::5][:2]:
        title, name = LEADERS[0]
        OpinionInstruction.objects.create(
            issue=issue,
            leader_name=name,
            leader_title=title,
            instructed_on=(issue.sent_on or issue.compiled_on) + datetime.timedelta(days=3),
            text="本期反映的问题请县政府办公室督促有关部门逐项研究办理。",
        )
        ctx.count("opinion instructions", True)
    for n, item in enumerate(compiled[3::7][:5]):
        level = OpinionAdoption.Level.PROVINCE if n == 4 else OpinionAdoption.Level.CITY
        on = _sent(item) + datetime.timedelta(days=20)
        body = "河南省政协《社情民意》" if n == 4 else "许昌市政协《社情民意》"
        OpinionAdoption.objects.create(
            item=item, level=level, on=on, body=f"{body}{YEAR}年第{n + 3}期"
        )
        ctx.count("higher adoptions", True)
        if n == 0:
            OpinionAdoption.objects.create(
                item=item,
                level=OpinionAdoption.Level.CITY,
                kind=OpinionAdoption.Kind.INSTRUCTION,
                on=on + datetime.timedelta(days=6),
                body="许昌市副市长",
                text="请市直有关部门指导襄城县研究解决。",
            )
            ctx.count("higher adoptions", True)


OFFICE_MARK = "关于城关镇老旧小区雨污管网破损的情况反映"  # office1's draft: seeded once


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    """The demo member's items in several states: a draft, one waiting for review, one
    returned for revision, one adopted, one not adopted; office1's office (城关镇) a draft
    and one waiting for review beside its seeded ones."""
    _demo_office(ctx, users.get("office1"))
    user = users.get("member")
    member = Member.objects.filter(user=user).first() if user else None
    if member is None or OpinionItem.objects.filter(title=DEMO_MARK, member=member).exists():
        return
    categories = {c.name: c for c in OpinionCategory.objects.all()}
    if not categories:
        return
    township = Township.objects.order_by("sort_order").first()
    common = {
        "member": member,
        "township": township,
        "situation": SITUATION.format(where="城关镇", topic="社区公共设施"),
        "analysis": ANALYSIS,
        "suggestion": SUGGESTION,
        "category": categories["民生保障"],
    }
    OpinionItem.objects.create(title=DEMO_MARK, **common)
    submitted = datetime.date(YEAR, 11, 20)
    OpinionItem.objects.create(
        title="关于小区周边夜市噪音扰民的建议",
        state=OpinionItem.State.SUBMITTED,
        submitted_on=submitted,
        **common,
    )
    OpinionItem.objects.create(
        title="关于城区公厕数量不足的建议",
        state=OpinionItem.State.RETURNED,
        submitted_on=submitted,
        reviewed_on=submitted + datetime.timedelta(days=3),
        reason=RETURN_REASON,
        **common,
    )
    OpinionItem.objects.create(
        title="关于农村幼儿园师资不足的建议",
        state=OpinionItem.State.ADOPTED,
        submitted_on=datetime.date(YEAR, 10, 8),
        reviewed_on=datetime.date(YEAR, 10, 12),
        **common,
    )
    OpinionItem.objects.create(
        title="关于增设共享单车停放点的建议",
        state=OpinionItem.State.NOT_ADOPTED,
        submitted_on=datetime.date(YEAR, 9, 1),
        reviewed_on=datetime.date(YEAR, 9, 6),
        reason="所提问题已由县城管局统一规划，暂不采用。",
        **common,
    )
    ctx.count("demo member opinion items", 5)


def _demo_office(ctx: SeedContext, user) -> None:
    office = Venue.objects.offices().filter(managers=user).select_related("township").first()
    if user is None or office is None or OpinionItem.objects.filter(title=OFFICE_MARK).exists():
        return
    category = OpinionCategory.objects.filter(name="民生保障").first()
    if category is None:
        return
    common = {
        "venue": office,
        "township": office.township,
        "situation": SITUATION.format(where=office.township.name, topic="雨污管网破损"),
        "analysis": ANALYSIS,
        "suggestion": SUGGESTION,
        "category": category,
        "created_by": user,
    }
    OpinionItem.objects.create(title=OFFICE_MARK, **common)
    OpinionItem.objects.create(
        title="关于城关镇农贸市场周边交通秩序混乱的情况反映",
        state=OpinionItem.State.SUBMITTED,
        submitted_on=datetime.date(YEAR, 11, 25),
        **common,
    )
    ctx.count("demo office opinion items", 2)
