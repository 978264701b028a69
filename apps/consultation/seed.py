"""Seed the 2021 consultation work: the six livelihood consultations of the article (急难愁盼)
with their suggestions, routine sessions at every venue, and sample photos drawn with
Pillow (put through the same checks as an upload); then the research work
(`seed_research`: 14 projects, 14 reports, 100+ suggestions, instructions, referrals).
Get-or-create only: a session is keyed by its venue and start time, and its members,
suggestions and photos are added only when it is created."""

from __future__ import annotations

import datetime
import io
import random

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count
from django.utils import timezone
from PIL import Image, ImageDraw

from apps.core.seeding import SeedContext
from apps.core.uploads import process_image
from apps.members.models import Member
from apps.venues.models import Venue
from apps.venues.seed import DEMO_MANAGERS

from . import seed_notifications, seed_opinions, seed_proposals, seed_research
from .models import Department, DepartmentAccount, Session, SessionPhoto, Suggestion, Topic

YEAR = 2021
F = Session.Form
C = Suggestion.Category

# The six special consultations on people's urgent concerns (急难愁盼).
# title, venue (township of a liaison office, or a member home's name), form,
# (month, day, hour, minute), place, departments, other attendees, suggestions
LIVELIHOOD = [
    (
        "就医难",
        "城关镇",
        F.ON_SITE,
        (4, 16, 9, 0),
        "县人民医院门诊楼",
        "县卫健委、县医保局、县人民医院",
        (12, "社区居民代表、医院门诊科室负责人"),
        [
            ("推行门诊“一站式”服务，增设自助挂号缴费终端，缩短群众排队时间。", C.LIVELIHOOD),
            ("扩大县域医共体覆盖面，推动专家定期下沉乡镇卫生院坐诊。", C.LIVELIHOOD),
            ("提高异地就医直接结算比例，简化慢性病门诊报销手续。", C.LIVELIHOOD),
            ("加强乡村医生队伍建设，落实村医待遇保障。", C.GOVERNANCE),
        ],
    ),
    (
        "上学难",
        "颍桥回族镇",
        F.SYMPOSIUM,
        (5, 20, 14, 30),
        "颍桥回族镇人民政府二楼会议室",
        "县教体局、县住建局",
        (9, "学生家长代表、中小学校长"),
        [
            ("根据城镇化进程科学调整学校布局，新建扩建城区义务教育学校。", C.LIVELIHOOD),
            ("加快消除“大班额”，补充配齐音体美和心理健康教师。", C.LIVELIHOOD),
            ("规范民办学校招生，保障进城务工人员随迁子女平等入学。", C.GOVERNANCE),
            ("开通农村学生上下学公交专线，保障学生出行安全。", C.URBAN_RURAL),
        ],
    ),
    (
        "停车难",
        "县政协机关委员之家",
        F.ON_SITE,
        (6, 11, 9, 0),
        "县城老城区紫云路、八七路沿线",
        "县公安局交警大队、县城管局、县自然资源局",
        (8, "沿街商户、社区网格员"),
        [
            ("利用边角地、闲置地建设公共停车场，鼓励建设立体停车设施。", C.URBAN_RURAL),
            ("推动机关企事业单位停车场错时向社会开放。", C.GOVERNANCE),
            ("施划夜间限时停车位，建设智慧停车诱导系统。", C.URBAN_RURAL),
        ],
    ),
    (
        "老旧小区改造",
        "库庄镇",
        F.SYMPOSIUM,
        (7, 8, 9, 30),
        "库庄镇人民政府会议室",
        "县住建局、县财政局、县供电公司",
        (10, "小区业主代表、物业企业负责人"),
        [
            ("改造前充分征求居民意见，做到“改不改、改什么、怎么改”居民说了算。", C.GOVERNANCE),
            ("统筹水电气暖管网改造，避免重复开挖。", C.URBAN_RURAL),
            ("同步建立长效管理机制，引入专业物业或居民自治管理。", C.GOVERNANCE),
            ("有条件的小区加装电梯，增设适老化设施和充电桩。", C.LIVELIHOOD),
        ],
    ),
    (
        "居民养老",
        "麦岭镇",
        F.SYMPOSIUM,
        (9, 17, 14, 30),
        "麦岭镇敬老院",
        "县民政局、县卫健委、县人社局",
        (11, "敬老院院长、老年人代表、村干部"),
        [
            ("推进医养结合，支持乡镇卫生院与敬老院签约合作。", C.LIVELIHOOD),
            ("建设村级幸福院，发展农村互助养老。", C.LIVELIHOOD),
            ("加大养老护理员培训力度，提高护理人员待遇。", C.ECONOMY),
        ],
    ),
    (
        "农村天然气改造",
        "王洛镇",
        F.ON_SITE,
        (10, 22, 9, 0),
        "王洛镇闫寨村",
        "县发改委、县住建局、县燃气公司",
        (15, "村民代表、村两委成员"),
        [
            ("加快燃气主管网向乡镇延伸，优先覆盖人口集中的行政村。", C.URBAN_RURAL),
            ("对困难群众“煤改气”入户安装费用给予适当补贴。", C.LIVELIHOOD),
            ("加强农村燃气安全宣传和入户安全检查。", C.GOVERNANCE),
            ("合理确定农村居民用气价格，公开收费标准。", C.ECONOMY),
        ],
    ),
]

CENTRAL_TOPICS = [
    ("乡村振兴产业发展", [("培育壮大特色种植和农产品加工产业，打造区域公用品牌。", C.ECONOMY)]),
    ("优化营商环境", [("推行涉企事项“一窗受理、限时办结”，减少企业跑腿次数。", C.ECONOMY)]),
    ("农村人居环境整治", [("建立村庄保洁长效机制，推进农村生活污水治理。", C.ECOLOGY)]),
    ("防汛救灾与灾后重建", [("加快水毁道路、桥梁和农田水利设施修复。", C.URBAN_RURAL)]),
    ("高标准农田建设", [("完善高标准农田建后管护机制，明确管护主体和经费。", C.ECONOMY)]),
    ("基层社会治理", [("推广“有事好商量”议事规则，把协商延伸到村组。", C.GOVERNANCE)]),
    ("文明城市创建", [("开展背街小巷集中整治，补齐城市管理短板。", C.URBAN_RURAL)]),
]
ROUTINE_FORMS = [F.SYMPOSIUM, F.ON_SITE, F.SPECIAL, F.SECTOR, F.COUNTERPART, F.PROPOSAL]
MINUTES = (
    "会议由{director}主持。与会委员和群众代表围绕“{topic}”实地察看、座谈交流，"
    "相关部门负责同志现场回应群众关切。会议形成意见建议{count}条，会后整理报县政协。"
)
RETURN_REASON = "纪要过于简略，请补充部门回应情况和参加人员名单。"


def seed(ctx: SeedContext) -> None:
    tz = timezone.get_current_timezone()
    venues = {v.township.name if v.township else v.name: v for v in _venues()}
    if not venues:
        return
    members = list(
        Member.objects.filter(term=settings.CURRENT_TERM, status=Member.Status.ACTIVE)
        .order_by("member_no")
        .only("pk", "name")
    )
    stationed = _stationed_by_venue()

    for title, where, form, (
        month,
        day,
        hour,
        minute,
    ), place, departments, others, items in LIVELIHOOD:
        venue = venues.get(where)
        if venue is None:
            continue
        topic = _topic(ctx, title, Topic.Category.LIVELIHOOD)
        session, created = _session(
            ctx,
            venue=venue,
            topic=topic,
            form=form,
            started_at=datetime.datetime(YEAR, month, day, hour, minute, tzinfo=tz),
            place=place,
            departments=departments,
            others=others,
            suggestion_count=len(items),
        )
        if created:
            rng = _rng(venue, title)
            chosen = _participants(rng, stationed.get(venue.pk), members, 6, 10)
            session.members.set(chosen)
            _suggestions(ctx, session, items, chosen, rng)
            _photos(ctx, session, rng, 2)

    central = [(t, _topic(ctx, t, Topic.Category.CENTRAL_WORK), s) for t, s in CENTRAL_TOPICS]
    demo_townships = set(DEMO_MANAGERS.values())
    for venue_index, venue in enumerate(venues.values()):
        # The schedule of a venue depends on nothing but its name: a second run finds
        # the same sessions.
        rng = _rng(venue, "schedule")
        count = rng.randint(3, 6) if venue.is_office else rng.randint(2, 4)
        months = sorted(rng.sample(range(1, 13), count))
        for index, month in enumerate(months):
            title, topic, items = central[(venue_index + index) % len(central)]
            started_at = datetime.datetime(
                YEAR, month, rng.randint(1, 28), rng.choice([9, 10, 14, 15]), 0, tzinfo=tz
            )
            state = Session.State.PUBLISHED
            if (
                index == len(months) - 1
                and venue.township
                and (venue.township.name in demo_townships)
            ):
                # The demo offices keep work in progress: one returned, one submitted.
                state = (
                    Session.State.RETURNED
                    if venue.township.name == DEMO_MANAGERS["office1"]
                    else Session.State.SUBMITTED
                )
            chosen_items = items if rng.random() < 0.6 else []
            session, created = _session(
                ctx,
                venue=venue,
                topic=topic,
                form=rng.choice(ROUTINE_FORMS),
                started_at=started_at,
                place=f"{venue.township.name}人民政府会议室" if venue.township else venue.address,
                departments="",
                others=(rng.randint(0, 12), "村（社区）干部、群众代表"),
                suggestion_count=len(chosen_items),
                state=state,
            )
            if created:
                content = _rng(venue, started_at.isoformat())
                chosen = _participants(content, stationed.get(venue.pk), members, 3, 8)
                session.members.set(chosen)
                _suggestions(ctx, session, chosen_items, chosen, content)
                if content.random() < 0.25:
                    _photos(ctx, session, content, 1)

    # The year's research: projects, reports, suggestions, instructions and referrals.
    seed_research.seed(ctx)
    seed_proposals.seed(ctx)
    seed_opinions.seed(ctx)


def link_demo_users(ctx: SeedContext, users: dict) -> None:
    seed_research.link_demo_users(ctx, users)
    seed_notifications.link_demo_users(ctx, users)
    _link_department_user(ctx, users.get("dept1"))
    seed_proposals.link_demo_users(ctx, users)
    seed_opinions.link_demo_users(ctx, users)


def _link_department_user(ctx: SeedContext, user) -> None:
    """The demo department user acts for the department that leads the most referrals (a
    user is linked once; a later run keeps the link)."""
    if user is None or DepartmentAccount.objects.filter(user=user).exists():
        return
    department = (
        Department.objects.annotate(n=Count("referrals"))
        .order_by("-n", "sort_order", "name")
        .first()
    )
    if department is not None:
        DepartmentAccount.objects.create(user=user, department=department)
        ctx.count("department accounts", True)


def _rng(venue: Venue, salt: str) -> random.Random:
    """A generator fixed by the venue's name and `salt` (string seeds are stable)."""
    return random.Random(f"{YEAR}|{venue.name}|{salt}")


def _venues():
    return Venue.objects.active().select_related("township", "director").order_by("pk")


def _stationed_by_venue() -> dict[int, list[Member]]:
    from apps.venues.models import Assignment

    result: dict[int, list[Member]] = {}
    today = datetime.date(YEAR, 12, 31)
    for a in Assignment.objects.current(today).select_related("member").order_by("pk"):
        result.setdefault(a.venue_id, []).append(a.member)
    return result


def _participants(rng: random.Random, pool, members, low: int, high: int) -> list[Member]:
    pool = pool or members
    if not pool:
        return []
    return rng.sample(pool, min(len(pool), rng.randint(low, high)))


def _topic(ctx: SeedContext, title: str, category: str) -> Topic:
    """The livelihood consultations were concluded in 2021; central work goes on."""
    status = Topic.Status.DONE if category == Topic.Category.LIVELIHOOD else Topic.Status.CONSULTING
    topic, created = Topic.objects.get_or_create(
        year=YEAR,
        title=title,
        defaults={"category": category, "status": status},
    )
    ctx.count("topics", created)
    return topic


def _session(
    ctx: SeedContext,
    *,
    venue: Venue,
    topic: Topic,
    form: str,
    started_at: datetime.datetime,
    place: str,
    departments: str,
    others: tuple[int, str],
    suggestion_count: int,
    state: str = Session.State.PUBLISHED,
) -> tuple[Session, bool]:
    director = venue.director.name if venue.director else "联络室主任"
    fields = {
        "topic": topic,
        "form": form,
        "place": place,
        "departments": departments,
        "other_attendee_count": others[0],
        "other_attendees": others[1] if others[0] else "",
        "minutes": MINUTES.format(director=director, topic=topic.title, count=suggestion_count),
        "state": state,
        "submitted_at": started_at + datetime.timedelta(days=1),
    }
    if state == Session.State.PUBLISHED:
        fields["published_at"] = started_at + datetime.timedelta(days=3)
    if state == Session.State.RETURNED:
        fields["return_reason"] = RETURN_REASON
    session, created = Session.objects.get_or_create(
        venue=venue, started_at=started_at, defaults=fields
    )
    ctx.count("consultation sessions", created)
    return session, created


def _suggestions(ctx, session: Session, items, participants, rng: random.Random) -> None:
    for text, category in items:
        suggestion = Suggestion.objects.create(session=session, text=text, category=category)
        if participants:
            suggestion.members.set(rng.sample(participants, min(2, len(participants))))
        ctx.count("suggestions", True)


def _photos(ctx, session: Session, rng: random.Random, count: int) -> None:
    for _index in range(count):
        image = process_image(SimpleUploadedFile("seed.jpg", _sample_jpeg(rng), "image/jpeg"))
        SessionPhoto.objects.create(
            session=session,
            image=image,
            thumbnail=image.thumbnail,
            width=image.width,
            height=image.height,
        )
        ctx.count("session photos", True)


def _sample_jpeg(rng: random.Random) -> bytes:
    """A 1200×800 picture of a meeting room: a wall, a long table and people."""
    wall = tuple(rng.randint(170, 230) for _ in range(3))
    image = Image.new("RGB", (1200, 800), wall)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1200, 120), fill=(166, 27, 27))  # the banner
    draw.rectangle((200, 30, 1000, 90), outline=(250, 220, 120), width=4)
    draw.rectangle((0, 560, 1200, 800), fill=(120, 90, 60))  # the floor
    draw.rectangle((150, 470, 1050, 560), fill=(90, 60, 40))  # the table
    for seat in range(rng.randint(5, 9)):
        x = 190 + seat * 100
        coat = tuple(rng.randint(20, 90) for _ in range(3))
        draw.ellipse((x, 330, x + 50, 380), fill=(235, 200, 170))
        draw.rectangle((x - 10, 380, x + 60, 470), fill=coat)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()
