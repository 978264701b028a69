"""Seed the proposals of the 11th committee's first plenary sitting (十一届一次会议, January
2021): about 135 from the seeded members, sectors and special committees — most
registered and assigned to the seeded departments with replies A/B/C and ratings of all
three grades, a few not registered (two kept as suggestions) or merged, a handful
overdue, four handled a second time, ten key proposals, eight outstanding ones. The demo
member gets proposals in several states and a co-sign request waiting.

Idempotent: a proposal is keyed by its sitting and title; its signers, referrals and
marks are made only when it is created."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.utils import timezone

from apps.accounts.models import Unit, User
from apps.core.seeding import SeedContext
from apps.members.models import Member, Sector

from .models import (
    Department,
    Proposal,
    ProposalCategory,
    ProposalInstruction,
    ProposalSigner,
    Referral,
    ReferralRound,
    Suggestion,
    default_due,
)

YEAR = 2021
TERM = 11
SUBMITTED = datetime.date(2021, 1, 12)
DECIDED = datetime.date(2021, 2, 5)
ASSIGNED = datetime.date(2021, 2, 20)
CATEGORIES = ["经济建设", "社会事业", "城乡建设", "农业农村", "政治法律", "其他"]

# issue, category index, departments (lead first)
ISSUES = [
    ("县域营商环境优化", 0, ["县发改委"]),
    ("中小微企业融资服务", 0, ["县工信局"]),
    ("产业集聚区提质增效", 0, ["县发改委"]),
    ("数字经济与实体经济融合", 0, ["县科技局"]),
    ("文旅产业融合", 0, ["县文广旅局"]),
    ("夜间经济和县城消费", 0, ["县商务局"]),
    ("农村电商物流体系", 0, ["县商务局"]),
    ("招商引资项目落地", 0, ["县发改委"]),
    ("县域医共体建设", 1, ["县卫健委"]),
    ("乡村医生队伍稳定", 1, ["县卫健委"]),
    ("城区义务教育学位供给", 1, ["县教体局"]),
    ("农村寄宿制学校管理", 1, ["县教体局"]),
    ("职业教育产教融合", 1, ["县教体局"]),
    ("居家和社区养老服务", 1, ["县民政局"]),
    ("困难群众救助帮扶", 1, ["县民政局"]),
    ("青少年心理健康教育", 1, ["县教体局"]),
    ("全民健身场地设施", 1, ["县教体局"]),
    ("公共文化服务体系", 1, ["县文广旅局"]),
    ("老旧小区改造", 2, ["县住建局"]),
    ("城区停车设施建设", 2, ["县住建局"]),
    ("城市排水防涝能力", 2, ["县住建局"]),
    ("背街小巷环境整治", 2, ["县城管局"]),
    ("农村生活垃圾治理", 2, ["县城管局"]),
    ("城乡公交一体化", 2, ["县交通运输局"]),
    ("农村公路养护管理", 2, ["县交通运输局"]),
    ("北汝河生态保护", 2, ["县生态环境分局"]),
    ("大气污染联防联控", 2, ["县生态环境分局"]),
    ("高标准农田建设", 3, ["县农业农村局"]),
    ("烟叶产业转型升级", 3, ["县农业农村局"]),
    ("新型农业经营主体培育", 3, ["县农业农村局"]),
    ("农村集体经济发展", 3, ["县农业农村局"]),
    ("巩固拓展脱贫攻坚成果", 3, ["县乡村振兴局"]),
    ("农村人居环境整治", 3, ["县农业农村局"]),
    ("特色农产品品牌建设", 3, ["县农业农村局"]),
    ("基层社会治理网格化", 4, ["县民政局"]),
    ("矛盾纠纷多元化解", 4, ["县公安局交警大队"]),
    ("法治政府建设", 4, ["县行政审批服务局"]),
    ("公共法律服务体系", 4, ["县财政局"]),
    ("食品药品安全监管", 4, ["县市场监管局"]),
    ("安全生产责任落实", 4, ["县应急管理局"]),
    ("人才引进和留住", 5, ["县人社局"]),
    ("高校毕业生就业创业", 5, ["县人社局"]),
    ("农民工返乡创业", 5, ["县人社局"]),
    ("政务服务“一网通办”", 5, ["县行政审批服务局"]),
    ("历史文化遗产保护", 5, ["县文广旅局"]),
]
FRAMES = ["关于加快{}的提案", "关于进一步加强{}的提案", "关于推动{}高质量发展的提案"]
BACKGROUND = (
    "近年来，我县在{issue}方面做了大量工作，取得了一定成效。但对照群众期盼和高质量发展"
    "要求，仍存在统筹规划不够、投入保障不足、部门协同不畅、长效机制不健全等问题。"
    "笔者在调研中了解到，基层对此反映较为集中，亟须加以解决。"
)
MEASURES = (
    "一、加强统筹谋划，将{issue}纳入县重点工作，明确牵头部门和时间表。\n"
    "二、加大投入力度，整合相关资金，引导社会资本参与。\n"
    "三、健全工作机制，强化部门协同和督促检查，定期通报进展。\n"
    "四、注重宣传引导，及时回应群众关切，形成工作合力。"
)
REPLY = (
    "{member}委员：您提出的《{title}》收悉。我单位高度重视，经认真研究，现答复如下：\n"
    "一、关于统筹谋划。已将相关工作纳入年度重点任务，成立工作专班。\n"
    "二、关于投入保障。{progress}\n"
    "三、下一步，我们将继续认真吸纳您的意见建议，推动工作落到实处。\n"
    "感谢您对我县工作的关心和支持！"
)
PROGRESS = {
    "A": "所提建议已全部落实，相关资金已拨付到位。",
    "B": "所提建议正在落实，部分项目已开工建设。",
    "C": "所提建议已列入计划，将在明年预算中统筹安排。",
}
INSTRUCTION = "请{department}认真研究，拿出具体措施，按期办复，并向县政协报告办理进展。"
DEMO_MARK = "关于完善社区嵌入式服务设施的提案"  # the demo member's draft: seeded once
NOT_REGISTERED_REASON = "所提问题属于个人诉求，不符合提案立案标准，转作意见建议处理。"


def seed(ctx: SeedContext) -> None:
    categories = _categories(ctx)
    members = list(
        Member.objects.filter(term=settings.CURRENT_TERM, status=Member.Status.ACTIVE)
        .filter(user__isnull=True)
        .order_by("member_no")
    )
    departments = {d.name: d for d in Department.objects.all()}
    if len(members) < 20 or not departments:
        return
    if Proposal.objects.filter(term=TERM, year=YEAR, sitting=1).exists():
        return  # seeded once: the whole sitting is made in one go (numbers, merges)
    rng = random.Random(f"{YEAR}|proposals")
    sectors = list(Sector.objects.filter(is_active=True).order_by("sort_order")[:8])
    committees = list(Unit.objects.filter(kind=Unit.Kind.COMMITTEE).order_by("sort_order"))
    fallback = next(iter(departments.values()))
    plan = [
        (FRAMES[(i // len(ISSUES)) % len(FRAMES)].format(issue), issue, cat, deps)
        for i, (issue, cat, deps) in enumerate(ISSUES * len(FRAMES))
    ]
    number = 0
    made: list[Proposal] = []
    for index, (title, issue, cat, deps) in enumerate(plan):
        roll = rng.random()
        proposal = Proposal(
            term=TERM,
            year=YEAR,
            sitting=1,
            title=title,
            background=BACKGROUND.format(issue=issue),
            measures=MEASURES.format(issue=issue),
            category=categories[CATEGORIES[cat]],
            state=Proposal.State.SUBMITTED,
            submitted_on=SUBMITTED + datetime.timedelta(days=index % 3),
        )
        if roll < 0.12 and (sectors or committees):
            proposal.kind = Proposal.Kind.COLLECTIVE
            if committees and rng.random() < 0.4:
                proposal.unit = rng.choice(committees)
            else:
                proposal.sector = rng.choice(sectors)
        else:
            proposal.kind = Proposal.Kind.JOINT if roll < 0.30 else Proposal.Kind.INDIVIDUAL
            proposal.proposer = members[index % len(members)]
        # A few not registered (two kept as suggestions), a few merged into an earlier one.
        if index in (7, 31, 58, 77, 101, 122):
            proposal.state = Proposal.State.NOT_REGISTERED
            proposal.reason = NOT_REGISTERED_REASON
            proposal.decided_on = DECIDED
        elif index in (50, 66, 95, 110, 128) and made:
            proposal.state = Proposal.State.MERGED
            registered = [p for p in made if p.number]
            alike = [p for p in registered if issue in p.title]
            proposal.merged_into = (alike or registered)[-1]
            proposal.decided_on = DECIDED
        else:
            number += 1
            proposal.number = number
            proposal.state = Proposal.State.REGISTERED
            proposal.decided_on = DECIDED
            proposal.is_key = number % 12 == 5
        proposal.save()
        ctx.count("proposals", True)
        made.append(proposal)
        if proposal.kind == Proposal.Kind.JOINT:
            pool = [m for m in members if m.pk != proposal.proposer_id]
            for member in rng.sample(pool, rng.randint(2, 4)):
                ProposalSigner.objects.create(
                    proposal=proposal,
                    member=member,
                    state=ProposalSigner.State.CONFIRMED,
                    responded_on=SUBMITTED - datetime.timedelta(days=1),
                )
        if proposal.state == Proposal.State.NOT_REGISTERED and index in (7, 58):
            suggestion = Suggestion.objects.create(
                proposal=proposal,
                text=f"{proposal.title}\n\n{proposal.measures}",
                raised_on=SUBMITTED,
            )
            if proposal.proposer_id:
                suggestion.members.set([proposal.proposer_id])
        if proposal.state == Proposal.State.REGISTERED:
            department = departments.get(deps[0], fallback)
            _handle(ctx, proposal, department, rng, index)
    _outstanding(made)


def _categories(ctx: SeedContext) -> dict[str, ProposalCategory]:
    result = {}
    for order, name in enumerate(CATEGORIES, start=1):
        category, created = ProposalCategory.objects.get_or_create(
            name=name, defaults={"sort_order": order * 10}
        )
        ctx.count("proposal categories", created)
        result[name] = category
    return result


def _reply(proposal: Proposal, grade: str) -> str:
    return REPLY.format(
        member=proposal.proposer_name, title=proposal.title, progress=PROGRESS[grade]
    )


def _handle(ctx, proposal: Proposal, department: Department, rng: random.Random, index: int):
    """Assign; most replied (A/B/C) and rated; a handful overdue (no reply); some rated
    unsatisfied and handled again (index multiple of 29)."""
    proposal.state = Proposal.State.ASSIGNED
    referral = Referral(
        proposal=proposal,
        department=department,
        referred_on=ASSIGNED,
        due_on=default_due(ASSIGNED),
    )
    if index % 23 == 11:  # overdue: never replied
        referral.save()
        proposal.save()
        ctx.count("proposal referrals", True)
        return
    grade = rng.choices(["A", "B", "C"], weights=[6, 3, 2])[0]
    referral.replied_on = ASSIGNED + datetime.timedelta(days=rng.randint(40, 85))
    referral.reply_text = _reply(proposal, grade)
    referral.implementation = grade
    rating = rng.choices(list(Proposal.Rating), weights=[7, 3, 1])[0]
    if index % 29 == 3:
        rating = Proposal.Rating.UNSATISFIED
    if not proposal.proposer_id:  # collective: closed after the grace period, unrated
        referral.satisfaction = Proposal.Rating.BASICALLY
        referral.closed_on = referral.replied_on + datetime.timedelta(days=35)
        referral.save()
        proposal.state = Proposal.State.CLOSED
        proposal.closed_on = referral.closed_on
        proposal.save()
        ctx.count("proposal referrals", True)
        return
    rated_on = referral.replied_on + datetime.timedelta(days=rng.randint(3, 20))
    referral.satisfaction = rating
    referral.closed_on = rated_on + datetime.timedelta(days=5)
    referral.save()
    ctx.count("proposal referrals", True)
    if rating == Proposal.Rating.UNSATISFIED and index % 29 == 3:
        # Handled again: the first round kept (ReferralRound), the referral replied anew.
        ReferralRound.objects.create(
            referral=referral,
            number=1,
            due_on=referral.due_on,
            reply_text=referral.reply_text,
            replied_on=referral.replied_on,
            implementation=referral.implementation,
            satisfaction=rating,
            closed_on=referral.closed_on,
            reopened_on=referral.closed_on,
            reason="提案者对首次答复不满意，再次交办。",
        )
        second_grade = "A" if grade != "A" else "B"
        reopened = referral.closed_on
        referral.round_number = 2
        referral.due_on = default_due(reopened)
        referral.replied_on = reopened + datetime.timedelta(days=45)
        referral.reply_text = _reply(proposal, second_grade)
        referral.implementation = second_grade
        referral.satisfaction, referral.closed_on = "", None
        proposal.round = 2
        rating = rng.choice([Proposal.Rating.SATISFIED, Proposal.Rating.BASICALLY])
        rated_on = referral.replied_on + datetime.timedelta(days=7)
        if index % 2:  # still open: rated, waiting for staff to close
            referral.save()
            proposal.rating, proposal.rated_on = rating, rated_on
            proposal.save()
            return
        referral.satisfaction = rating
        referral.closed_on = rated_on + datetime.timedelta(days=3)
        referral.save()
    proposal.rating, proposal.rated_on = rating, rated_on
    if index % 17 == 8:  # rated, waiting for staff to close
        proposal.save()
        return
    proposal.state = Proposal.State.CLOSED
    proposal.closed_on = referral.closed_on
    proposal.save()


def _outstanding(made: list[Proposal]) -> None:
    closed = [p for p in made if p.state == Proposal.State.CLOSED and p.proposer_id]
    for proposal in closed[2::13][:8]:
        proposal.is_outstanding = True
        proposal.outstanding_on = datetime.date(YEAR, 12, 20)
        proposal.save(update_fields=["is_outstanding", "outstanding_on"])


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    """The leader's instructions on the key proposals; the demo member's proposals in
    several states and a co-sign request waiting for them."""
    leader: User | None = users.get("leader")
    if leader is not None:
        for proposal in Proposal.objects.filter(
            is_key=True, instructions__isnull=True
        ).prefetch_related("referrals__department"):
            department = next((r.department.name for r in proposal.referrals.all()), "承办单位")
            ProposalInstruction.objects.create(
                proposal=proposal,
                leader=leader,
                text=INSTRUCTION.format(department=department),
                instructed_on=ASSIGNED,
            )
            ctx.count("proposal instructions", True)
    user = users.get("member")
    member = Member.objects.filter(user=user).first() if user else None
    if member is None or Proposal.objects.filter(title=DEMO_MARK, proposer=member).exists():
        return
    _demo_member(ctx, member)


def _demo_member(ctx: SeedContext, member: Member) -> None:
    categories = {c.name: c for c in ProposalCategory.objects.all()}
    if not categories:
        return
    others = list(
        Member.objects.filter(term=member.term, status=Member.Status.ACTIVE, user__isnull=True)
        .exclude(pk=member.pk)
        .order_by("member_no")[:3]
    )
    department = Department.objects.order_by("sort_order").first()
    today = timezone.localdate()
    common = {
        "term": member.term,
        "background": BACKGROUND.format(issue="社区服务"),
        "measures": MEASURES.format(issue="社区服务"),
    }
    # A draft, during the year.
    Proposal.objects.create(
        **common,
        year=today.year,
        sitting=0,
        title=DEMO_MARK,
        category=categories["社会事业"],
        proposer=member,
    )
    # Submitted, waiting for registration.
    Proposal.objects.create(
        **common,
        year=YEAR,
        sitting=1,
        title="关于加强社区便民服务中心建设的提案",
        category=categories["城乡建设"],
        proposer=member,
        state=Proposal.State.SUBMITTED,
        submitted_on=SUBMITTED,
    )
    numbers = Proposal.objects.filter(term=TERM, year=YEAR, sitting=1, number__isnull=False)
    top: int = max((n or 0 for n in numbers.values_list("number", flat=True)), default=0)
    # Assigned and replied, waiting for the member's rating.
    waiting = Proposal.objects.create(
        **common,
        year=YEAR,
        sitting=1,
        number=top + 1,
        title="关于推进社区养老服务站全覆盖的提案",
        category=categories["社会事业"],
        proposer=member,
        state=Proposal.State.ASSIGNED,
        submitted_on=SUBMITTED,
        decided_on=DECIDED,
    )
    if department:
        Referral.objects.create(
            proposal=waiting,
            department=department,
            referred_on=ASSIGNED,
            due_on=default_due(ASSIGNED),
            replied_on=ASSIGNED + datetime.timedelta(days=50),
            reply_text=_reply(waiting, "B"),
            implementation="B",
        )
    # Closed and rated.
    closed = Proposal.objects.create(
        **common,
        year=YEAR,
        sitting=1,
        number=top + 2,
        title="关于规范社区物业管理服务的提案",
        category=categories["城乡建设"],
        proposer=member,
        state=Proposal.State.CLOSED,
        submitted_on=SUBMITTED,
        decided_on=DECIDED,
        rating=Proposal.Rating.SATISFIED,
        rated_on=ASSIGNED + datetime.timedelta(days=60),
        closed_on=ASSIGNED + datetime.timedelta(days=65),
    )
    if department:
        Referral.objects.create(
            proposal=closed,
            department=department,
            referred_on=ASSIGNED,
            due_on=default_due(ASSIGNED),
            replied_on=ASSIGNED + datetime.timedelta(days=45),
            reply_text=_reply(closed, "A"),
            implementation="A",
            satisfaction=Proposal.Rating.SATISFIED,
            closed_on=ASSIGNED + datetime.timedelta(days=65),
        )
    # A colleague's joint draft asking the demo member to co-sign.
    if others:
        invite = Proposal.objects.create(
            **common,
            year=today.year,
            sitting=0,
            kind=Proposal.Kind.JOINT,
            title="关于加快发展普惠托育服务的提案",
            category=categories["社会事业"],
            proposer=others[0],
        )
        ProposalSigner.objects.create(proposal=invite, member=member)
        if len(others) > 1:
            ProposalSigner.objects.create(
                proposal=invite,
                member=others[1],
                state=ProposalSigner.State.CONFIRMED,
                responded_on=today,
            )
    ctx.count("demo member proposals", 5)
